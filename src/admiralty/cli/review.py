"""``admiralty review``: the analyst confirms or overrides a grade, a link or a source's
reliability, with a note; the review is stored and the corpus re-graded at once."""

from __future__ import annotations

import click

from ..config import Config
from ..resources import Resources
from ..review import add_review, describe, find_source, link_key
from ..store import Store
from . import config_options, db_option


@click.group("review")
def command() -> None:
    """Confirm or override the machine's suggestions; reviews are stored (who, when, what they
    replaced), shown as "reviewed", and survive re-runs and new articles.

    \b
    Example:
      admiralty review grade 3ac676f9a562:c1 --to 2 --note "wire copy only" --db corpus.db
      admiralty review link 3ac676f9a562:c2 c542f4ed4a8d:c3 --to contradicts --db corpus.db
      admiralty review source "Harbour Voice (channel)" --to E --note "fabricated twice" --db corpus.db
      admiralty review list --db corpus.db
    """


def _options(func):  # type: ignore[no-untyped-def]
    func = click.option("--to", "value", metavar="VALUE",
                        help="Override with this value (grade: 1-6 or B2; link: a relation or "
                             "unlinked; source: A-F).")(func)
    func = click.option("--confirm", is_flag=True, help="Confirm the machine's suggestion as it stands.")(func)
    func = click.option("--note", default="", help="Why (stored with the review).")(func)
    func = click.option("--by", "reviewer", default=None,
                        help="Reviewer name (default $ADMIRALTY_REVIEWER, else the login name).")(func)
    return func


def _run(db: str, config: Config, kind: str, target: str, value: str | None, confirm: bool, note: str,
         reviewer: str | None) -> None:
    if confirm == (value is not None):
        raise click.UsageError("give exactly one of --confirm or --to VALUE")
    with Store(db) as store:
        review = add_review(store, Resources(config), kind, target, "confirm" if confirm else "override",
                            value, note, reviewer)
    click.echo(describe(kind, target, review))


@command.command("grade")
@click.argument("claim")
@_options
@db_option()
@config_options
def grade_cmd(claim: str, value: str | None, confirm: bool, note: str, reviewer: str | None, db: str,
              config: Config) -> None:
    """Review the grade of one claim (its id, like a1b2c3:c4).

    \b
    Example:
      admiralty review grade 3ac676f9a562:c1 --to B2 --note "checked with the port" --db corpus.db
    """
    _run(db, config, "grade", claim, value, confirm, note, reviewer)


@command.command("link")
@click.argument("claim_a")
@click.argument("claim_b")
@_options
@db_option()
@config_options
def link_cmd(claim_a: str, claim_b: str, value: str | None, confirm: bool, note: str, reviewer: str | None,
             db: str, config: Config) -> None:
    """Review the link between two claims (restates, supports, related, contradicts, unlinked).

    \b
    Example:
      admiralty review link 3ac676f9a562:c2 c542f4ed4a8d:c3 --to contradicts --db corpus.db
    """
    _run(db, config, "claim_link", link_key(claim_a, claim_b), value, confirm, note, reviewer)


@command.command("source")
@click.argument("source")
@_options
@db_option()
@config_options
def source_cmd(source: str, value: str | None, confirm: bool, note: str, reviewer: str | None, db: str,
               config: Config) -> None:
    """Review a source's reliability (its id, or its name when unique).

    \b
    Example:
      admiralty review source "Northgate Herald" --to B --note "good record" --db corpus.db
    """
    with Store(db) as store:
        sid = find_source(store.corpus(), source).id
    _run(db, config, "source", sid, value, confirm, note, reviewer)


@command.command("list")
@db_option()
def list_cmd(db: str) -> None:
    """List the stored reviews, oldest first.

    \b
    Example:
      admiralty review list --db corpus.db
    """
    with Store(db) as store:
        rows = store.reviews()
    if not rows:
        click.echo("no reviews")
    for kind, target, review in rows:
        click.echo(describe(kind, target, review))
