"""Corpus stages: what needs many articles (sources, copies, stories, claim links, grades).

Each stage is built per partition, merged, then queried (``build`` / ``merge`` / ``query``), so the
same code runs on one machine and as a Dask tree-reduce. ``analyse_corpus`` runs them in flow
order over analysed articles and returns the corpus-level records of the ``admiralty/1`` document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Article, CorpusResult, StageInfo
from ..resources import Resources


class CorpusStage(Protocol):
    name: str
    version: str

    def build(self, articles: Sequence[Article], res: Resources) -> Any: ...

    def merge(self, left: Any, right: Any) -> Any: ...

    def query(self, state: Any, previous: CorpusResult, res: Resources) -> CorpusResult: ...


@dataclass(frozen=True)
class CorpusPlan:
    stages: tuple[CorpusStage, ...]

    @property
    def infos(self) -> tuple[StageInfo, ...]:
        return tuple(StageInfo(s.name, s.version) for s in self.stages)


def default_plan() -> CorpusPlan:
    from .copies import Copies
    from .grade import Grades
    from .links import Links
    from .narratives import Narratives
    from .sources import Sources
    from .stories import Stories

    return CorpusPlan(
        (
            Copies(),
            Stories(),
            Links(),
            Sources(),
            Grades(),
            Narratives(),
        )
    )


def analyse_corpus(
    articles: Iterable[Article], res: Resources, plan: CorpusPlan | None = None, partitions: int = 1
) -> CorpusResult:
    """Run every corpus stage over the analysed articles (skipped ones take no part)."""
    plan = plan or default_plan()
    items = sorted((a for a in articles if a.status == "analysed"), key=lambda a: a.id)
    parts = [items[i::partitions] for i in range(max(1, partitions))]
    result = CorpusResult()
    for st in plan.stages:
        states = [st.build(part, res) for part in parts]
        state = states[0]
        for other in states[1:]:
            state = st.merge(state, other)
        result = st.query(state, result, res)
    return result
