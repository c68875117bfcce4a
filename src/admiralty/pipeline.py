"""The runner: declared stages over a stream of articles, in batches, with one error policy.

A per-article stage is a plain function ``(article, doc, resources) -> Article`` registered with
``@stage(name, version, requires=..., assigns=...)``. It reads the spaCy ``Doc`` of the article
(``None`` before the parse), never touches files or the store, and raises when it cannot do its
job. A stage whose model is cheaper over many inputs at once (the sentence encoder) may also
declare ``ahead=``: a function the runner calls once with all the articles of a batch before the
stage runs on each of them, to compute in one pass what each call will then ask for. It changes
no result, only when the work is done; if it fails, each article's own call does the work.

The runner owns what happens then: the article is recorded as a ``Failure`` naming the stage
and the reason, and the run goes on (``fail_fast=True`` re-raises instead).

The order of the stages is checked before anything runs: a stage that requires something no
earlier stage assigns is refused with a ``PipelineError`` (``admiralty pipeline`` prints the flow).
"""

from __future__ import annotations

import dataclasses
import gc
import importlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import AdmiraltyError, PipelineError, StageError
from .model import Article, Failure, StageInfo

if TYPE_CHECKING:
    from concurrent.futures import Future

    from spacy.tokens import Doc

    from .resources import Resources

StageFunc = Callable[["Article", "Doc | None", "Resources"], Article]
AheadFunc = Callable[[list["Article"], "Resources"], None]

# What exists before any stage runs.
INITIAL = ("text", "metadata")

# The per-article stages in flow order, as "module:function". The parse sits between language
# and the rest; it is the runner's own batched step (spaCy nlp.pipe).
ARTICLE_STAGES = (
    "admiralty.nlp.language:detect_language",
    "parse",
    "admiralty.nlp.entities:find_entities",
    "admiralty.nlp.attribution:find_attributions",
    "admiralty.nlp.claims:find_claims",
    "admiralty.nlp.embed:embed_claims",
    "admiralty.nlp.checkworthiness:score_claims",
    "admiralty.nlp.techniques:find_techniques",
    "admiralty.nlp.markers:find_markers",
    "admiralty.nlp.sourcing:profile_sourcing",
)

PARSE_VERSION = "parse.spacy/1"


@dataclass(frozen=True)
class Stage:
    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    func: StageFunc | None
    doc: str = ""
    ahead: AheadFunc | None = None

    @property
    def info(self) -> StageInfo:
        return StageInfo(self.name, self.version)


def stage(
    name: str,
    version: str,
    *,
    requires: Iterable[str] = (),
    assigns: Iterable[str] = (),
    ahead: AheadFunc | None = None,
) -> Callable[[StageFunc], StageFunc]:
    """Declare a per-article stage: what it needs, what it sets, and its algorithm version.

    ``version`` is ``"<name>.<algorithm>/<n>"``; a placeholder says ``baseline`` in it.
    ``ahead`` (optional) prepares a whole batch at once, see the module docstring.
    """

    def register(func: StageFunc) -> StageFunc:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        func.__admiralty_stage__ = Stage(  # type: ignore[attr-defined]
            name, version, tuple(requires), tuple(assigns), func, summary, ahead
        )
        return func

    return register


PARSE_STAGE = Stage(
    "parse",
    PARSE_VERSION,
    ("text", "language"),
    ("doc",),
    None,
    "sentences, tokens, parse and NER with spaCy (batched with nlp.pipe)",
)


def load_stages(names: Iterable[str] = ARTICLE_STAGES) -> tuple[Stage, ...]:
    stages = []
    for name in names:
        if name == "parse":
            stages.append(PARSE_STAGE)
            continue
        module, _, attr = name.partition(":")
        func = getattr(importlib.import_module(module), attr)
        declared = getattr(func, "__admiralty_stage__", None)
        if declared is None:
            raise PipelineError(f"{name} is not declared with @stage(...)")
        stages.append(declared)
    check_order(stages)
    return tuple(stages)


def check_order(stages: Iterable[Stage]) -> None:
    """Refuse an order in which a stage needs something no earlier stage provides."""
    available = set(INITIAL)
    for st in stages:
        missing = [r for r in st.requires if r not in available]
        if missing:
            raise PipelineError(
                f"stage {st.name!r} requires {', '.join(missing)}, which no earlier stage assigns; "
                "move it after the stage that does (see `admiralty pipeline`)"
            )
        available.update(st.assigns)


@dataclass
class Progress:
    """Counts the runner reports to a callback after each article."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    words: int = 0
    seconds: float = 0.0

    def count(self, item: Article | Failure) -> None:
        if isinstance(item, Failure):
            self.failed += 1
            return
        self.done += 1
        if item.status == "skipped":
            self.skipped += 1
        else:
            self.words += len(item.text.split())


class Pipeline:
    """The per-article half of admiralty: ingest output in, analysed articles and failures out."""

    def __init__(
        self,
        resources: Resources,
        stages: Iterable[str] = ARTICLE_STAGES,
        *,
        fail_fast: bool = False,
    ) -> None:
        self.resources = resources
        self.stages = load_stages(stages)
        self.fail_fast = fail_fast

    @property
    def stage_infos(self) -> tuple[StageInfo, ...]:
        return tuple(st.info for st in self.stages)

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "name": st.name,
                "version": st.version,
                "requires": list(st.requires),
                "assigns": list(st.assigns),
                "doc": st.doc,
            }
            for st in self.stages
        ]

    def warm_up(self) -> None:
        """Load every model now (not on the first article), so the run block is complete."""
        probe = Article.new(locator="warm-up", text="The minister said on Monday that talks would resume.")
        for _ in self.run([probe, replace(probe, language="en")]):  # the first asks the language detector
            pass
        # The models just loaded live as long as the run: the collector need not walk their
        # hundreds of thousands of objects again on every full collection.
        gc.freeze()

    def run(
        self,
        items: Iterable[Article | Failure],
        progress: Callable[[Progress], None] | None = None,
    ) -> Iterator[Article | Failure]:
        """Analyse a stream; yields each article (analysed or skipped) or a ``Failure``, in input
        order. Memory is bounded by a few batches. With ``pipeline.workers`` > 1, batches are
        analysed in that many processes (each loads its own models), results still in order."""
        counts = Progress()
        start = time.perf_counter()
        batches = _batches(items, int(self.resources.config["pipeline.batch_size"]))
        workers = int(self.resources.config["pipeline.workers"])
        if workers > 1:
            results = self._in_processes(batches, workers)
        elif self.resources.config["pipeline.overlap"]:
            results = self._overlapped(batches)
        else:
            results = (self.analyse_batch(batch) for batch in batches)
        for result in results:
            for item in result:
                counts.count(item)
                counts.seconds = time.perf_counter() - start
                if progress is not None:
                    progress(counts)
                yield item

    def analyse_batch(self, batch: list[Article | Failure]) -> list[Article | Failure]:
        """The per-article stages over one batch: stages before the parse, one ``nlp.pipe`` over
        the batch, then the stages after it, each over the whole batch before the next."""
        work = self._start(batch)
        self._continue(work, len(self.stages))
        return work.state

    def _overlapped(self, batches: Iterator[list[Article | Failure]]) -> Iterator[list[Article | Failure]]:
        """Two batches in flight: the first batch step after the parse (the encoder) runs in a
        thread on batch k while this thread parses batch k + 1, then finishes batch k while the
        thread encodes k + 1. The encoder releases the GIL, so the two share the cores; every
        result is what :meth:`analyse_batch` gives (the batch step changes when work is done,
        never what it computes)."""
        from concurrent.futures import ThreadPoolExecutor

        split = next((k for k, st in enumerate(self.stages) if st.ahead is not None and k > self._parse_at), None)
        if split is None:
            yield from (self.analyse_batch(batch) for batch in batches)
            return
        waiting: tuple[_Work, Future[None]] | None = None
        with ThreadPoolExecutor(1, thread_name_prefix="admiralty-ahead") as pool:
            for batch in batches:
                work = self._start(batch)
                self._continue(work, split)
                step = pool.submit(self._ahead, work, self.stages[split])
                if waiting is not None:
                    yield self._finish(*waiting)
                waiting = work, step
            if waiting is not None:
                yield self._finish(*waiting)

    def _finish(self, work: _Work, step: Future[None]) -> list[Article | Failure]:
        """The rest of a batch once its batch step (run in the thread) is done."""
        step.result()  # _ahead records no failure: it raises only under fail_fast
        work.ahead_done = True
        self._continue(work, len(self.stages))
        return work.state

    # -- internals ------------------------------------------------------------------------

    @property
    def _parse_at(self) -> int:
        return next(i for i, st in enumerate(self.stages) if st is PARSE_STAGE)

    def _start(self, batch: list[Article | Failure]) -> _Work:
        """The stages before the parse, then the parse of every article still being analysed."""
        parse_at = self._parse_at
        state: list[Article | Failure] = []
        for item in batch:
            state.append(item if isinstance(item, Failure) else self._apply(item, None, self.stages[:parse_at]))
        to_parse = [i for i, a in enumerate(state) if isinstance(a, Article) and a.status == "analysed"]
        parsed = dict(zip(to_parse, self._parse([typing_cast_article(state[i]) for i in to_parse]), strict=True))
        for i, doc in parsed.items():
            if isinstance(doc, Failure):
                state[i] = doc
        docs = {i: doc for i, doc in parsed.items() if not isinstance(doc, Failure)}
        return _Work(state, docs, parse_at + 1)

    def _continue(self, work: _Work, stop: int) -> None:
        """Apply the stages ``work.next`` .. ``stop - 1``, each over the whole batch (its batch
        step first, unless the thread already ran it)."""
        for k in range(work.next, stop):
            st = self.stages[k]
            if st.ahead is not None and not (work.ahead_done and k == work.next):
                self._ahead(work, st)
            for i in work.live():
                work.state[i] = self._apply(typing_cast_article(work.state[i]), work.docs[i], (st,))
            work.next, work.ahead_done = k + 1, False

    def _ahead(self, work: _Work, st: Stage) -> None:
        """A stage's batch step over the live articles; a failure costs nothing (each article's
        own call then does the work) unless ``fail_fast``."""
        live = work.live()
        if st.ahead is None or not live:
            return
        try:
            st.ahead([typing_cast_article(work.state[i]) for i in live], self.resources)
        except Exception:
            if self.fail_fast:
                raise

    def _in_processes(
        self, batches: Iterator[list[Article | Failure]], workers: int
    ) -> Iterator[list[Article | Failure]]:
        import multiprocessing

        names = [f"{st.func.__module__}:{st.func.__name__}" if st.func else "parse" for st in self.stages]
        config = self.resources.config.with_overrides(["models.threads=1", "pipeline.workers=1"])
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_worker_init, initargs=(config, names, self.fail_fast)) as pool:
            yield from pool.imap(_worker_analyse, batches)

    def _apply(self, article: Article, doc: Doc | None, stages: Iterable[Stage]) -> Article | Failure:
        for st in stages:
            if article.status != "analysed":
                return article
            assert st.func is not None
            try:
                article = st.func(article, doc, self.resources)
            except Exception as exc:  # the runner's error policy: record, go on
                if self.fail_fast:
                    raise
                return Failure(article.input, st.name, _one_line(exc))
        return article

    def _parse(self, articles: list[Article]) -> list[Doc | Failure]:
        """Parse with nlp.pipe; an article spaCy refuses is a failure, the batch goes on."""
        limit = int(self.resources.config["pipeline.max_parse_chars"])
        out: list[Doc | Failure | None] = [None] * len(articles)
        ok = []
        for i, article in enumerate(articles):
            if len(article.text) > limit:
                out[i] = Failure(
                    article.input,
                    "parse",
                    f"article has {len(article.text):,} characters, over the parse limit of "
                    f"{limit:,} (raise pipeline.max_parse_chars, or split the article)",
                )
            else:
                ok.append(i)
        nlp = self.resources.nlp
        try:
            docs = list(nlp.pipe((articles[i].text for i in ok), batch_size=len(ok) or 1))
            for i, doc in zip(ok, docs, strict=True):
                out[i] = doc
        except Exception:
            if self.fail_fast:
                raise
            for i in ok:  # isolate the article that broke the batch
                try:
                    out[i] = nlp(articles[i].text)
                except Exception as exc:
                    out[i] = Failure(articles[i].input, "parse", _one_line(exc))
        return [d for d in out if d is not None]


@dataclass
class _Work:
    """A batch part-way through the stages: its articles (or failures), the parsed docs by
    position, the next stage to apply, and whether that stage's batch step already ran."""

    state: list[Article | Failure]
    docs: dict[int, Doc]
    next: int
    ahead_done: bool = False

    def live(self) -> list[int]:
        return [i for i in self.docs if isinstance(self.state[i], Article) and self.state[i].status == "analysed"]


def _batches(items: Iterable[Article | Failure], size: int) -> Iterator[list[Article | Failure]]:
    batch: list[Article | Failure] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_WORKER: Pipeline | None = None


def _worker_init(config: Any, stages: list[str], fail_fast: bool) -> None:
    global _WORKER
    from .resources import Resources

    _WORKER = Pipeline(Resources(config), stages, fail_fast=fail_fast)


def _worker_analyse(batch: list[Article | Failure]) -> list[Article | Failure]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.analyse_batch(batch)


def typing_cast_article(item: Article | Failure) -> Article:
    assert isinstance(item, Article)
    return item


def _one_line(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, (AdmiraltyError, StageError)) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def replace(article: Article, **changes: Any) -> Article:
    """``dataclasses.replace`` for stages (kept here so stages import one thing)."""
    return dataclasses.replace(article, **changes)
