"""The corpus ``sources`` block: every outlet that published an article and every source an
attribution names (and every intermediary it went through), one entry per ``ref``, with its
reliability.

Refs come from the attribution stage (``model.source_id``): a named person or organisation has
one ref across the corpus (kind family + canonical name), an outlet one per outlet name, while
anonymous and unnamed sources are scoped to their article — "sources" in one article are not the
"sources" of another. The entry's name is the canonical name for named sources and the words of
the text for unnamed ones.

This stage only collects the sources: each starts at ``F`` (cannot be judged) with that reason,
and the grade stage (``corpus/reliability.py``) replaces the letter from the outlet registry
prior and the corpus track record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..model import Article, CorpusResult, Reason, Source, SourceKind, SourceMention, ViaMention, source_id
from ..nlp.attribution_speakers import RELATIVE_PRONOUNS
from ..resources import Resources

VERSION = "sources.collect/1"


@dataclass
class SourceState:
    # id -> (kind, name, outlet, mentions)
    entries: dict[str, tuple[SourceKind, str, str | None, int]] = field(default_factory=dict)

    def add(self, sid: str, kind: SourceKind, name: str, outlet: str | None) -> None:
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
                state.add(source_id("outlet", article.outlet), "outlet", article.outlet, article.outlet)
            names = _canonical_names(article)
            for attribution in article.attributions:
                for mention in (attribution.source, attribution.via):
                    if mention is not None and mention.ref is not None:
                        name = names.get(mention.ref) or _clean(_words(mention))
                        state.add(mention.ref, mention.kind, name, article.outlet)
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


def _canonical_names(article: Article) -> dict[str, str]:
    """ref -> canonical name, for every named entity of the article (as person/org or outlet)."""
    out: dict[str, str] = {}
    for entity in sorted(article.entities, key=lambda e: (e.start, e.canonical)):
        for kind in ("named_person", "outlet"):
            out.setdefault(source_id(kind, entity.canonical), entity.canonical)
    return out


def _words(mention: SourceMention | ViaMention) -> str:
    """The words that name an unnamed source: the mention's own, or for a relative pronoun ("who")
    the phrase it stands for, which the attribution stage puts last in its evidence."""
    evidence = getattr(mention, "evidence", ())
    if mention.text.lower() in RELATIVE_PRONOUNS and evidence:
        return str(evidence[-1])
    return mention.text


def _clean(text: str) -> str:
    """A source's words as a name: one line, no leading article for outlets ("The Telegraph")."""
    text = " ".join(text.split())
    return text[4:] if text.startswith("The ") and text[4:5].isupper() else text
