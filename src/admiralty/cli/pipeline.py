"""``admiralty pipeline``: print the stage graph."""

from __future__ import annotations

from typing import Any

import click

from ..config import Config
from ..corpus import default_plan
from ..export.json import dumps
from ..pipeline import Pipeline
from ..resources import Resources
from . import config_options


@click.command("pipeline")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@config_options
def command(fmt: str, config: Config) -> None:
    """Print the stages in flow order: what each requires, assigns, and its version.

    \b
    Example:
      admiralty pipeline --format json
    """
    stages = Pipeline(Resources(config)).describe()
    corpus = [
        {"name": s.name, "version": s.version, "requires": ["articles"], "assigns": [s.name],
         "doc": _first_line(type(s).__doc__)}
        for s in default_plan().stages
    ]
    if fmt == "json":
        click.echo(dumps({"article_stages": stages, "corpus_stages": corpus}, indent=1))
        return
    click.echo("per article (pure, batched; any order of articles):")
    for s in stages:
        _line(s)
    click.echo("corpus (build per partition / merge / query):")
    for s in corpus:
        _line(s)


def _first_line(doc: str | None) -> str:
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


def _line(s: dict[str, Any]) -> None:
    flag = "  [baseline]" if "baseline" in s["version"] else ""
    click.echo(f"  {s['name']:<16} {s['version']:<32}{flag}")
    click.echo(f"      needs {', '.join(s['requires']) or '-'} -> sets {', '.join(s['assigns']) or '-'}")
    if s["doc"]:
        click.echo(f"      {s['doc']}")
