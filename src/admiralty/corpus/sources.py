"""The corpus ``sources`` block: every outlet that published an article and every source an
attribution names, one entry per (family, canonical name), with its reliability.

Reliability here is the baseline: ``F`` (cannot be judged) for everyone, with the reason. The
grading issue adds the outlet registry prior and the track record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..model import Article, CorpusResult, Reason, Source, SourceKind, source_id
from ..resources import Resources

VERSION = "sources.baseline/0"


@dataclass
class SourceState:
    # id -> (kind, name, outlet, mentions)
    entries: dict[str, tuple[SourceKind, str, str | None, int]] = field(default_factory=dict)

    def add(self, kind: SourceKind, name: str, outlet: str | None) -> None:
        sid = source_id(kind, name)
        old = self.entries.get(sid)
        if old is None:
            self.entries[sid] = (kind, name, outlet, 1)
        else:
            # Keep the smallest name/outlet so the result does not depend on partitioning.
            self.entries[sid] = (old[0], min(old[1], name), _min(old[2], outlet), old[3] + 1)


def _min(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


class Sources:
    name = "sources"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> SourceState:
        state = SourceState()
        for article in articles:
            if article.outlet:
                state.add("outlet", article.outlet, article.outlet)
            for attribution in article.attributions:
                mention = attribution.source
                if mention is not None and mention.ref is not None:
                    state.add(mention.kind, _name(article, mention.ref, mention.text), article.outlet)
        return state

    def merge(self, left: SourceState, right: SourceState) -> SourceState:
        out = SourceState(dict(left.entries))
        for sid, (kind, name, outlet, n) in right.entries.items():
            old = out.entries.get(sid)
            out.entries[sid] = (
                (kind, name, outlet, n)
                if old is None
                else (old[0], min(old[1], name), _min(old[2], outlet), old[3] + n)
            )
        return out

    def query(self, state: SourceState, previous: CorpusResult, res: Resources) -> CorpusResult:
        grade = str(res.config["grading.unknown_reliability"])
        sources = []
        for sid in sorted(state.entries):
            kind, name, outlet, mentions = state.entries[sid]
            reason = Reason(
                rule="reliability.unknown",
                version=VERSION,
                params={"mentions": mentions},
                records=(),
                text=f"No registry entry or track record for {name}: reliability cannot be judged.",
            )
            sources.append(
                Source(sid, kind, name, outlet if kind != "outlet" else None, None, grade,  # type: ignore[arg-type]
                       "suggested", (reason,))
            )
        return replace(previous, sources=tuple(sources))


def _name(article: Article, ref: str, fallback: str) -> str:
    """The canonical name behind a source ref: the entity canonical when one matches."""
    for entity in article.entities:
        if source_id("named_person", entity.canonical) == ref or source_id("outlet", entity.canonical) == ref:
            return entity.canonical
    return fallback
