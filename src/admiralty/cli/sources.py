"""``admiralty sources``: the outlet registry, the analyst's own ratings, and the graded sources."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Config
from ..errors import AdmiraltyError
from ..model import RELIABILITY_WORDS
from ..registry import Outlet, registry_for
from ..registry.imports import import_file
from ..resources import Resources
from ..review import attached
from ..store import Store
from . import config_options, db_option


@click.group("sources")
def command() -> None:
    """The outlet registry (sourced facts), imported ratings, and graded sources.

    \b
    Example:
      admiralty sources show rt.com
      admiralty sources import my_ratings.csv --db corpus.db
    """


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option()
@config_options
def import_cmd(file: str, db: str, config: Config) -> None:
    """Import your own outlet ratings from a CSV (or TSV) file into the store.

    Columns (header row required): the outlet as `domain` (or source_url_normalized, source_url,
    url, homepage) and/or `name` (or outlet, source, publisher); the rating as `reliability`
    (a letter A-F) or a factuality label in `factuality` (or factual_reporting, fact), turned into
    a letter by [registry] factuality_letters (very high A, high B, mostly factual C, mixed D,
    low E, very low E); optional `note`. Rows without an outlet or with an unknown label are
    skipped and counted. The ratings become the reliability prior of those outlets the next time
    the corpus is graded (now, for the stored corpus).

    \b
    Example:
      admiralty sources import my_ratings.csv --db corpus.db
    """
    from ..review import regrade

    with Store(db) as store:
        result = import_file(store, Path(file), dict(config["registry.factuality_letters"]))
        if store.count("articles"):
            regrade(store, Resources(config))
    click.echo(f"imported {result.imported} ratings from {Path(file).name}, skipped {result.skipped}")
    for why, n in sorted(result.reasons.items()):
        click.echo(f"  skipped {n}: {why}")


def _print_outlet(o: Outlet) -> None:
    click.secho(f"{o.name}", bold=True, nl=False)
    click.echo(f"  [registry id {o.id}]" + ("  aggregator" if o.aggregator else ""))
    if o.domains:
        click.echo(f"  domains: {', '.join(o.domains)}")
    if o.aliases:
        click.echo(f"  also: {', '.join(o.aliases)}")
    if o.rating is not None:
        click.echo(f"  rating: {o.rating.reliability} ({o.rating.label or 'letter'}; {o.rating.origin})")
    if not o.facts:
        click.echo("  no sourced facts")
    for f in o.facts:
        click.echo(f"  {f.field}: {f.value}")
        click.secho(f"      source: {f.title} <{f.url}>", dim=True)


@command.command("show")
@click.argument("name")
@db_option(required=False)
@config_options
def show_cmd(name: str, db: str | None, config: Config) -> None:
    """Show what is known of a source: its registry entry with the documents behind each fact,
    and, with --db, its reliability in the stored corpus with the reasons.

    \b
    Example:
      admiralty sources show "Read Full Article at RT.com"
      admiralty sources show "The Telegraph" --db corpus.db
    """
    res = Resources(config)
    found = False
    stored = []
    if db:
        with Store(db) as store, attached(res, store):
            reg = registry_for(res)
            found_outlet = reg.resolve(name) or reg.from_cues(name)
            stored = [s for s in store.corpus().sources
                      if s.id == name or s.name.lower() == name.lower()
                      or (found_outlet is not None and s.registry and s.registry.get("id") == found_outlet.id)]
    reg = registry_for(res)
    outlet = reg.resolve(name) or reg.from_cues(name)
    if outlet is not None:
        _print_outlet(outlet)
        found = True
    for s in stored:
        found = True
        click.secho(f"{s.name} ({s.kind}, {s.id}): {s.reliability} — {RELIABILITY_WORDS[s.reliability]}"
                    + (" [reviewed]" if s.status == "reviewed" else ""), bold=True)
        for r in s.reasons:
            click.echo(f"  - {r.text}")
    if not found:
        raise AdmiraltyError(f"{name!r} is neither in the outlet registry nor a stored source")
