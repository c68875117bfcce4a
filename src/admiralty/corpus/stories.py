"""The corpus ``stories`` block: articles about the same event, each story with a label and the
date it was first seen.

How it works:

1. ``build`` (per partition): each article's vector -- the normalised mean of its claim vectors
   (``Article.claim_vectors``; embedded with ``res.embed`` when absent, or the title and lead when
   the article has no claims) --, the canonical names of its entities, its date and title. The
   state is a dict keyed by article id: ``merge`` is a union.
2. ``query``: random-hyperplane LSH (:mod:`.ann`) proposes a bounded number of candidate pairs per
   article; a pair is one story when the cosine of the two vectors is at least ``min_cosine`` and
   the articles share ``min_shared_entities`` entity names, or when the cosine reaches
   ``strong_cosine`` alone; never when both are dated more than ``window_days`` apart. Members
   of one copy group (the ``copies`` block) are always one story. Stories are the connected
   components with two or more articles (an article alone is not listed).
3. A story's ``label`` is its most mentioned entity names and the title (or first line) of its
   earliest article; ``first_seen`` is the earliest date of its articles (``None`` when no article
   is dated); its id derives from its smallest article id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..model import Article, CorpusResult, Story
from ..nlp.embed import embed_texts
from ..resources import Resources
from .ann import candidate_pairs
from .fingerprint import components

VERSION = "stories.embed/1"


@dataclass(frozen=True, slots=True)
class StoryEntry:
    published: str | None
    headline: str
    entities: frozenset[str]
    mentions: tuple[tuple[str, int], ...]  # entity name -> mentions in the article, by name
    vector: np.ndarray


@dataclass
class StoriesState:
    entries: dict[str, StoryEntry]


def article_vectors(articles: Sequence[Article], res: Resources) -> list[np.ndarray]:
    """One unit vector per article: the mean of its claim vectors (embedding what is missing)."""
    need: list[str] = []
    spans: list[tuple[int, int]] = []
    for a in articles:
        if a.claim_vectors is not None and len(a.claim_vectors):
            spans.append((-1, -1))
            continue
        texts = [c.text for c in a.claims] or [f"{a.title or ''}\n{a.text[:600]}"]
        spans.append((len(need), len(need) + len(texts)))
        need.extend(texts)
    # The same encoder as the pipeline's claim vectors: mixing encoders mixes vector sizes.
    embedded = embed_texts(res, need) if need else None
    out = []
    for a, (lo, hi) in zip(articles, spans, strict=True):
        rows = np.asarray(a.claim_vectors, dtype=np.float32) if lo < 0 else embedded[lo:hi]  # type: ignore[index]
        v = rows.mean(axis=0)
        norm = float(np.linalg.norm(v))
        out.append((v / norm if norm > 0 else v).astype(np.float32))
    return out


def headline(article: Article, limit: int = 100) -> str:
    """The title, else the first sentence of the text, cut at a word to ``limit`` characters."""
    if article.title and article.title.strip():
        text = " ".join(article.title.split())
    else:
        first = " ".join(article.text.strip().split("\n", 1)[0].split())
        text = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return text


def _days_apart(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    try:
        return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


class Stories:
    name = "stories"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> StoriesState:
        labels = set(res.config["stories.entity_labels"])
        vectors = article_vectors(articles, res)
        return StoriesState(
            {
                a.id: StoryEntry(
                    a.published,
                    headline(a),
                    frozenset(e.canonical for e in a.entities if e.label in labels),
                    tuple(sorted(Counter(e.canonical for e in a.entities if e.label in labels).items())),
                    v,
                )
                for a, v in zip(articles, vectors, strict=True)
            }
        )

    def merge(self, left: StoriesState, right: StoriesState) -> StoriesState:
        return StoriesState({**left.entries, **right.entries})

    def query(self, state: StoriesState, previous: CorpusResult, res: Resources) -> CorpusResult:
        return replace(previous, stories=tuple(story_records(state.entries, previous, res)))


def story_edges(ids: Sequence[str], entries: dict[str, StoryEntry], res: Resources) -> list[tuple[int, int]]:
    c = res.config
    if len(ids) < 2:
        return []
    x = np.stack([entries[i].vector for i in ids])
    pairs = candidate_pairs(
        x,
        bits=int(c["stories.ann_bits"]),
        bands=int(c["stories.ann_bands"]),
        window=int(c["stories.ann_window"]),
        seed=int(c["stories.ann_seed"]),
    )
    min_cos, strong = float(c["stories.min_cosine"]), float(c["stories.strong_cosine"])
    min_shared, window = int(c["stories.min_shared_entities"]), float(c["stories.window_days"])
    edges = []
    for i, j in pairs:
        a, b = entries[ids[i]], entries[ids[j]]
        days = _days_apart(a.published, b.published)
        if days is not None and days > window:
            continue
        cos = float(a.vector @ b.vector)
        if cos >= strong or (cos >= min_cos and len(a.entities & b.entities) >= min_shared):
            edges.append((i, j))
    return edges


def story_records(entries: dict[str, StoryEntry], previous: CorpusResult, res: Resources) -> list[Story]:
    ids = sorted(entries)
    pos = {a: i for i, a in enumerate(ids)}
    edges = story_edges(ids, entries, res)
    for group in previous.copies:
        members = [m.article for m in group.members]
        if group.origin.article:
            members.append(group.origin.article)
        known = sorted(pos[m] for m in members if m in pos)
        edges.extend((known[0], k) for k in known[1:])
    n_label = int(res.config["stories.label_entities"])
    stories = []
    for comp in components(len(ids), edges):
        if len(comp) < 2:
            continue
        members = [ids[k] for k in comp]
        dated = sorted(entries[m].published for m in members if entries[m].published)
        first_seen = dated[0] if dated else None
        earliest = min(members, key=lambda m: (entries[m].published is None, entries[m].published or "", m))
        counts: Counter[str] = Counter()
        for m in members:
            counts.update(dict(entries[m].mentions))
        top = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n_label]]
        label = entries[earliest].headline
        if top:
            label = f"{', '.join(top)}: {label}"
        stories.append(Story(f"st-{members[0]}", label, tuple(members), first_seen))
    return stories
