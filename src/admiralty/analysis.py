"""The library entry point: inputs in, one ``admiralty/1`` document out.

``analyze(paths)`` reads the inputs, runs the per-article pipeline in batches, then the corpus
stages, and returns a ``Document`` (the same thing ``admiralty analyze --format json`` prints).
With a ``Store``, articles already stored (same locator, same text) are not analysed again, each
batch is written as it completes, and the corpus stages run over everything in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from . import __version__
from .config import Config
from .corpus import CorpusPlan, analyse_corpus, default_plan
from .ingest import Ingest, hash_inputs, read_inputs
from .model import Article, CorpusResult, Document, Failure, Run
from .pipeline import Pipeline, Progress
from .resources import Resources
from .review import attached
from .store import Store


@dataclass
class Analysis:
    """A run in progress: iterate ``items()`` for streaming, or call ``document()``."""

    paths: tuple[str, ...]
    resources: Resources
    store: Store | None = None
    fail_fast: bool = False
    progress: Callable[[Progress], None] | None = None
    plan: CorpusPlan = field(default_factory=default_plan)
    ingest: Ingest = field(default_factory=Ingest)
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    reused: int = 0

    def __post_init__(self) -> None:
        self.pipeline = Pipeline(self.resources, fail_fast=self.fail_fast)

    @property
    def run(self) -> Run:
        return Run(
            version=__version__,
            started=self.started,
            config_digest=self.resources.config.digest,
            stages=self.pipeline.stage_infos + self.plan.infos,
            models=self.resources.models,
            inputs=tuple(self.ingest.inputs),
        )

    def run_preview(self) -> Run:
        """The run block as known before any article is read (for a streamed JSONL header)."""
        return replace(self.run, inputs=tuple(hash_inputs(self.paths, self.resources.config)))

    def items(self) -> Iterator[Article | Failure]:
        """Analysed or skipped articles and failures, in input order, as each batch completes."""
        run_id = self.store.start_run(self.run, self.resources.config.as_dict()) if self.store else None
        fresh = self._new_only(read_inputs(self.paths, self.resources.config, self.ingest))
        batch: list[Article | Failure] = []
        for item in self.pipeline.run(fresh, self.progress):
            if isinstance(item, Failure):
                self.failures.append(item)
            else:
                self.articles.append(item)
            batch.append(item)
            if self.store is not None and len(batch) >= int(self.resources.config["pipeline.batch_size"]):
                self.store.add(batch, run_id, encoder=self.resources.vectors_id)
                batch = []
            yield item
        if self.store is not None:
            self.store.add(batch, run_id, encoder=self.resources.vectors_id)
            assert run_id is not None
            self.store.finish_run(run_id, self.run)

    def _new_only(self, items: Iterable[Article | Failure]) -> Iterator[Article | Failure]:
        for item in items:
            if self.store is not None and isinstance(item, Article) and self.store.has_article(item.id):
                stored = self.store.article(item.id, encoder=self.resources.vectors_id)
                if stored is not None:
                    self.reused += 1
                    self.articles.append(stored)
                    continue
            yield item

    def corpus(self) -> CorpusResult:
        """Corpus stages over this run's articles, or over the whole store when there is one."""
        if self.store is None:
            return analyse_corpus(self.articles, self.resources, self.plan)
        with attached(self.resources, self.store):  # the analyst's reviews and imported ratings
            articles = self.store.articles(encoder=self.resources.vectors_id)
            result = analyse_corpus(articles, self.resources, self.plan)
        self.store.replace_corpus(result)
        return result

    def document(self) -> Document:
        for _ in self.items():
            pass
        result = self.corpus()
        articles = sorted(self.articles, key=lambda a: (a.input, a.id))
        return Document.assemble(self.run, self.failures, articles, result)


def analyze(
    paths: Iterable[str],
    *,
    config: Config | None = None,
    store: Store | None = None,
    fail_fast: bool = False,
    progress: Callable[[Progress], None] | None = None,
    resources: Resources | None = None,
) -> Document:
    """Analyse files, directories, JSONL or ``-`` (stdin) and return the whole document."""
    res = resources or Resources(config)
    return Analysis(tuple(paths), res, store=store, fail_fast=fail_fast, progress=progress).document()
