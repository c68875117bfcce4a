"""``admiralty narratives``: import a list of known false or debunked claims; match claims to it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from ..config import Config
from . import config_options

DEFAULT_FILE = "narratives.admiralty.npz"


def _store_option() -> Any:
    return click.option(
        "--narratives", "store", type=click.Path(dir_okay=False), envvar="ADMIRALTY_NARRATIVES",
        default=DEFAULT_FILE, show_default=True,
        help="The narratives file (its own .npz beside the store; also $ADMIRALTY_NARRATIVES).",
    )


@click.group("narratives")
def command() -> None:
    """Known narratives: import them, then find the claims that repeat one.

    \b
    Example:
      admiralty narratives import ../shared/data/euvsdisinfo_cases/posts.csv
      admiralty narratives match analysis.json
    """


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_store_option()
@click.option("--source", help="Who listed these narratives (default: EUvsDisinfo for its URLs, else the file name).")
@click.option("--limit", type=int, help="Import only the first N narratives.")
@config_options
def import_command(file: str, store: str, source: str | None, limit: int | None, config: Config) -> None:
    """Import FILE (CSV, TSV or JSONL) into the narratives file.

    Columns: the claim in "claim", "title", "narrative", "text" or "statement"; optional "id" or
    "url", "date", "source", and lists ("+", ";" or "|" separated) "keywords", "countries",
    "outlets", "languages". The EUvsDisinfo posts.csv loads as it is.

    \b
    Example:
      admiralty narratives import ../shared/data/euvsdisinfo_cases/posts.csv
    """
    from ..corpus.narratives import NarrativeSet, import_file
    from ..resources import Resources

    new = import_file(file, Resources(config), source=source, limit=limit)
    existing = NarrativeSet.load(store) if os.path.exists(store) else None
    merged = existing.merged(new) if existing else new
    merged.save(store)
    click.echo(f"imported {len(new.narratives)} narratives; {len(merged.narratives)} in {store}", err=True)


@command.command("match")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_store_option()
@config_options
def match_command(inputs: tuple[str, ...], store: str, config: Config) -> None:
    """Claims in INPUTS that match a known narrative, as JSONL.

    INPUTS are admiralty/1 JSON documents (from `admiralty analyze --format json`), whose claims
    are matched, or text files with one claim per line.

    \b
    Example:
      admiralty narratives match analysis.json --narratives narratives.admiralty.npz
    """
    from ..corpus.narratives import NarrativeSet, match
    from ..resources import Resources

    narratives = NarrativeSet.load(store)
    claims: list[tuple[str, str]] = []
    for path in inputs:
        text = Path(path).read_text("utf-8")
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and "articles" in doc:
            claims.extend((c["id"], c["text"]) for a in doc["articles"] for c in a.get("claims", []))
        else:
            claims.extend((f"{Path(path).name}:{n}", line.strip())
                          for n, line in enumerate(text.splitlines(), 1) if line.strip())
    for m in match(claims, narratives, Resources(config)):
        click.echo(json.dumps({"claim": m.claim, "narrative": m.narrative, "score": m.score,
                               "source": m.source, "url": m.url, "narrative_text": m.text},
                              ensure_ascii=False))
