"""``admiralty analyze``: the main job."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from ..analysis import Analysis
from ..config import Config
from ..export.json import JsonlWriter, write_document
from ..model import Document
from ..resources import Resources
from ..store import Store
from . import config_options, db_option, stderr_is_terminal
from .summary import print_ignored, print_summary, progress_bar


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@db_option(required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True, help="table: a readable summary; json: one admiralty/1 document; "
              "jsonl: typed records, one per line, streamed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the json/jsonl output here instead of stdout.")
@click.option("--report", type=click.Path(dir_okay=False, writable=True),
              help="Also write a self-contained HTML report to this file.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes analysing in parallel (default: pipeline.workers, 1).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on Dask: 'local' starts a local cluster of --workers processes, or a scheduler "
              "address like tcp://host:8786.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first article a stage fails on (with traceback).")
@config_options
def command(paths: tuple[str, ...], db: str | None, fmt: str, output: str | None, report: str | None,
            workers: int | None, dask_address: str | None, fail_fast: bool, config: Config) -> None:
    """Analyse articles: files, directories (recursive), .jsonl/.json, .html, or - for stdin.

    Prints who says what and on what sourcing, the most check-worthy claims and their grades.
    Exits 1 when some inputs could not be analysed (each is listed with its reason).

    \b
    Examples:
      admiralty analyze examples/
      admiralty analyze articles/ --db corpus.db --report report.html --workers 2
      admiralty analyze feed.jsonl --format jsonl -o out.jsonl
      cat article.txt | admiralty analyze - --format json
      admiralty analyze big-corpus/ --dask local --workers 2 --format jsonl -o out.jsonl
    """
    if workers is not None:
        config = config.with_overrides([f"pipeline.workers={workers}"])
    resources = Resources(config)
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(Store(db)) if db else None
        out = stack.enter_context(_open(output))
        bar = stack.enter_context(progress_bar(enabled=stderr_is_terminal()))
        analysis = Analysis(paths, resources, store=store, fail_fast=fail_fast, progress=bar.update)
        if dask_address:
            doc = _on_dask(paths, dask_address, config, store)
            if fmt == "jsonl":
                _write_jsonl(doc, out)
        elif fmt == "jsonl":
            doc = _stream_jsonl(analysis, out)
        else:
            doc = analysis.document()
        bar.close()
        if fmt == "json":
            write_document(doc, out)
        elif fmt == "table":
            print_summary(doc, config, reused=analysis.reused)
        print_ignored(analysis.ingest.ignored)
        if report:
            from ..export.report import write_report

            write_report(doc, Path(report))
            click.echo(f"report written to {report}", err=True)
    if doc.failures:
        sys.exit(1)


def _stream_jsonl(analysis: Analysis, out: IO[str]) -> Document:
    writer = JsonlWriter(out)
    analysis.pipeline.warm_up()
    writer.header(analysis.run_preview())
    for item in analysis.items():
        writer.record(item)
    result = analysis.corpus()
    writer.corpus(result)
    return Document.assemble(analysis.run, analysis.failures, analysis.articles, result)


def _on_dask(paths: tuple[str, ...], address: str, config: Config, store: Store | None) -> Document:
    from ..distributed import analyze_on_dask, local_client

    with contextlib.ExitStack() as stack:
        if address == "local":
            client = stack.enter_context(local_client(max(1, int(config["pipeline.workers"]))))
        else:
            from dask.distributed import Client

            client = stack.enter_context(Client(address))
        doc = analyze_on_dask(paths, client, config, store=store)
    if store is not None:
        store.add([*doc.articles, *doc.failures], encoder=Resources(config).vectors_id)
        store.replace_corpus(doc.corpus)
    return doc


def _write_jsonl(doc: Document, out: IO[str]) -> None:
    writer = JsonlWriter(out)
    writer.header(doc.run)
    for item in (*doc.articles, *doc.failures):
        writer.record(item)
    writer.corpus(doc.corpus)


@contextlib.contextmanager
def _open(output: str | None) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8") as fh:
        yield fh


