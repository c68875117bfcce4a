"""``admiralty search``: full-text search over a store."""

from __future__ import annotations

import click

from ..store import Store
from . import db_option


@click.command("search")
@click.argument("query")
@db_option()
@click.option("--limit", default=20, show_default=True, help="How many hits to show.")
def command(query: str, db: str, limit: int) -> None:
    """Search article titles and text (SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*).

    \b
    Example:
      admiralty search '"foreign troops" NOT peacekeeping' --db admiralty.db
    """
    with Store(db) as store:
        hits = store.search(query, limit)
    for article_id, snippet in hits:
        click.echo(f"{article_id}  {' '.join(snippet.split())}")
    if not hits:
        click.echo("no match", err=True)
