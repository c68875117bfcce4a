"""``admiralty show``: one stored article with its records."""

from __future__ import annotations

import sys

import click

from ..config import Config
from ..errors import AdmiraltyError
from ..export.json import dumps
from ..model import Document, Run, to_json
from ..store import Store
from . import config_options, db_option
from .summary import print_summary


@click.command("show")
@click.argument("article_id")
@db_option()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@config_options
def command(article_id: str, db: str, fmt: str, config: Config) -> None:
    """Show one stored article (a unique id prefix is enough).

    \b
    Example:
      admiralty show 3f9a1c --db admiralty.db
    """
    with Store(db) as store:
        ids = store.find_articles(article_id)
        if not ids:
            raise AdmiraltyError(f"no article with id {article_id!r} in {db}")
        if len(ids) > 1:
            raise AdmiraltyError(f"{article_id!r} matches {len(ids)} articles: give more characters")
        article = store.article(ids[0])
        assert article is not None
        corpus = store.corpus()
    claim_ids = {c.id for c in article.claims}
    if fmt == "json":
        sys.stdout.write(dumps(to_json(article), indent=1) + "\n")
        return
    grades = tuple(g for g in corpus.grades if g.claim in claim_ids)
    doc = Document(Run("", "", "", (), (), ()), (), (article,), grades=grades)
    print_summary(doc, config)
