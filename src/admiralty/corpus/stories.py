"""The corpus ``stories`` block: articles about the same event, each story with a label and the
date it was first seen.

How it works:

1. ``build`` (per partition): each article's vector, the canonical names of its entities, its
   date and title. The vector (``vector = "lead"``) embeds the title and the first ``lead_chars``
   characters with the pipeline's encoder (one short text per article): what happened is in the
   headline and lead, while the mean of all of a long article's claims drifts towards its topic
   (on FakeNewsNet every 2016 election article looked alike). ``vector = "claims"`` takes the
   normalised mean of the claim vectors instead (no extra embedding). The state is a dict keyed by
   article id: ``merge`` is a union.
2. ``query``: random-hyperplane LSH (:mod:`.ann`) proposes a bounded number of candidate pairs per
   article. A candidate pair is an *edge* when the cosine of the two vectors is at least
   ``min_cosine`` and the articles share ``min_shared_entities`` entity names, or when the cosine
   reaches ``strong_cosine`` alone; never when both are dated more than ``window_days`` apart.
3. Edges do not make stories by themselves (single-link chaining turns a topic into one giant
   "story"). Stories are grown by **average-link agglomeration over the edge graph**: start from
   single articles (the members of a copy group -- the ``copies`` block -- start together), and
   repeatedly merge the two clusters joined by an edge whose *average* pairwise cosine over all
   their members is highest, while it is at least ``merge_cosine`` and the dated members of the
   merged cluster span at most ``max_span_days``. The average pairwise cosine of two clusters is
   exact and cheap: with ``S`` the sum of a cluster's unit vectors, it is ``S_a . S_b / (n_a n_b)``.
   Undated articles take part with no time test. Ties are broken by article ids, so the result
   does not depend on input order or on how the corpus was partitioned. ``linkage = "single"``
   keeps the old connected components (for comparison in ``benchmarks/stories_eval.py``).
4. Stories are the clusters with two or more articles (an article alone is not listed). A story's
   ``label`` is its most mentioned entity names and the title (or first line) of its earliest
   article; ``first_seen`` is the earliest date of its articles (``None`` when no article is
   dated); its id derives from its smallest article id.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..model import Article, CorpusResult, Story
from ..nlp.embed import lead_text
from ..resources import Resources
from .ann import candidate_pair_array
from .fingerprint import components

VERSION = "stories.avglink/2"
PAIR_BLOCK = 32768  # candidate pairs whose cosines are computed together (memory, not a threshold)


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


@dataclass(frozen=True, slots=True)
class StorySettings:
    bits: int
    bands: int
    window: int
    seed: int
    min_cosine: float
    strong_cosine: float
    min_shared: int
    window_days: float
    merge_cosine: float
    max_span_days: float
    linkage: str

    @classmethod
    def from_config(cls, res: Resources) -> StorySettings:
        c = res.config
        return cls(
            bits=int(c["stories.ann_bits"]),
            bands=int(c["stories.ann_bands"]),
            window=int(c["stories.ann_window"]),
            seed=int(c["stories.ann_seed"]),
            min_cosine=float(c["stories.min_cosine"]),
            strong_cosine=float(c["stories.strong_cosine"]),
            min_shared=int(c["stories.min_shared_entities"]),
            window_days=float(c["stories.window_days"]),
            merge_cosine=float(c["stories.merge_cosine"]),
            max_span_days=float(c["stories.max_span_days"]),
            linkage=str(c["stories.linkage"]),
        )


def lead_vectors(articles: Sequence[Article], res: Resources) -> list[np.ndarray]:
    """One unit vector per article: its title and the first ``lead_chars`` characters, embedded
    (by the embed stage, in the claims' pass; here only for an article that lacks it)."""
    missing = [a for a in articles if a.lead_vector is None]
    fresh = iter(res.embed([lead_text(a, res) or "" for a in missing]) if missing else ())
    return [np.asarray(a.lead_vector if a.lead_vector is not None else next(fresh), dtype=np.float32) for a in articles]


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
    embedded = res.embed(need) if need else None
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


def _day(value: str | None) -> int | None:
    """The proleptic day number of an ISO date (its first 10 characters), or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


class Stories:
    name = "stories"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> StoriesState:
        labels = set(res.config["stories.entity_labels"])
        mode = str(res.config["stories.vector"])
        if mode not in ("lead", "claims"):
            raise ValueError(f"stories.vector={mode!r}: use 'lead' or 'claims'")
        vectors = lead_vectors(articles, res) if mode == "lead" else article_vectors(articles, res)
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


def story_edges(ids: Sequence[str], entries: dict[str, StoryEntry], s: StorySettings) -> list[tuple[int, int]]:
    """Candidate pairs (bounded per article) that pass the pair tests: cosine, entities, dates.

    Cosines and date gaps are computed for all candidates at once; the entity sets are compared
    only for the pairs whose cosine needs them (between ``min_cosine`` and ``strong_cosine``).
    """
    if len(ids) < 2:
        return []
    x = np.stack([entries[i].vector for i in ids]).astype(np.float32)
    pairs = candidate_pair_array(x, bits=s.bits, bands=s.bands, window=s.window, seed=s.seed)
    if not len(pairs):
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    cos = np.empty(len(pairs), dtype=np.float32)
    for lo in range(0, len(pairs), PAIR_BLOCK):  # gathered rows a block at a time (bounded memory)
        hi = lo + PAIR_BLOCK
        cos[lo:hi] = np.einsum("ij,ij->i", x[i[lo:hi]], x[j[lo:hi]])
    days = np.array([d if (d := _day(entries[a].published)) is not None else -1 for a in ids], dtype=np.int64)
    far = (days[i] >= 0) & (days[j] >= 0) & (np.abs(days[i] - days[j]) > s.window_days)
    strong = (cos >= s.strong_cosine) & ~far
    maybe = np.flatnonzero((cos >= s.min_cosine) & ~strong & ~far)
    ents = [entries[a].entities for a in ids]
    shared = np.zeros(len(pairs), dtype=bool)
    for k in maybe.tolist():
        shared[k] = len(ents[i[k]] & ents[j[k]]) >= s.min_shared
    ok = np.flatnonzero(strong | shared)
    return list(zip(i[ok].tolist(), j[ok].tolist(), strict=True))


class _Clusters:
    """Clusters under average-link agglomeration: sums of unit vectors, sizes and date ranges,
    merged in place."""

    def __init__(self, x: np.ndarray, days: list[int | None]) -> None:
        n = len(x)
        self.sum = x.astype(np.float64).copy()
        self.size = np.ones(n, dtype=np.int64)
        self.lo = list(days)
        self.hi = list(days)
        self.members: list[list[int]] = [[i] for i in range(n)]
        self.alive = [True] * n

    def similarity(self, a: int, b: int) -> float:
        return float(self.sum[a] @ self.sum[b]) / float(self.size[a] * self.size[b])

    def span(self, a: int, b: int) -> int:
        lo = [d for d in (self.lo[a], self.lo[b]) if d is not None]
        hi = [d for d in (self.hi[a], self.hi[b]) if d is not None]
        return (max(hi) - min(lo)) if lo else 0

    def join(self, a: int, b: int) -> int:
        keep, gone = min(a, b), max(a, b)
        self.sum[keep] += self.sum[gone]
        self.size[keep] += self.size[gone]
        self.lo[keep] = min((d for d in (self.lo[keep], self.lo[gone]) if d is not None), default=None)
        self.hi[keep] = max((d for d in (self.hi[keep], self.hi[gone]) if d is not None), default=None)
        self.members[keep].extend(self.members[gone])
        self.alive[gone] = False
        self.members[gone] = []
        return keep


def average_link(
    x: np.ndarray,
    days: list[int | None],
    edges: Sequence[tuple[int, int]],
    forced: Sequence[Sequence[int]],
    s: StorySettings,
) -> list[list[int]]:
    """Clusters (sorted member lists, by first member) of average-link agglomeration over ``edges``.

    ``forced`` groups (copies of one origin) start as one cluster. Two clusters may merge only
    when an edge joins them; the pair with the highest average pairwise cosine merges first
    (ties: the smaller cluster ids), while that average is at least ``merge_cosine`` and the merged
    cluster passes the date-span test.
    """
    n = len(x)
    cl = _Clusters(x, days)
    for group in forced:
        g = sorted(set(group))
        for k in g[1:]:
            if cl.alive[k] and cl.alive[g[0]]:
                cl.join(g[0], k)
    rep = list(range(n))  # article -> its cluster's id (kept current for live clusters' members)
    for c in range(n):
        for m in cl.members[c]:
            rep[m] = c
    neigh: dict[int, set[int]] = {}
    for i, j in edges:
        a, b = rep[i], rep[j]
        if a != b:
            neigh.setdefault(a, set()).add(b)
            neigh.setdefault(b, set()).add(a)
    stamp = [0] * n
    heap: list[tuple[float, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        a, b = min(a, b), max(a, b)
        sim = cl.similarity(a, b)
        if sim >= s.merge_cosine:
            heapq.heappush(heap, (-sim, a, b, stamp[a], stamp[b]))

    for a in sorted(neigh):
        for b in sorted(neigh[a]):
            if a < b:
                push(a, b)
    while heap:
        _, a, b, sa, sb = heapq.heappop(heap)
        if not (cl.alive[a] and cl.alive[b]) or stamp[a] != sa or stamp[b] != sb:
            continue
        if cl.span(a, b) > s.max_span_days:
            continue
        keep = cl.join(a, b)
        gone = b if keep == a else a
        stamp[keep] += 1
        around = (neigh.pop(a, set()) | neigh.pop(b, set())) - {a, b}
        for c in around:
            neigh[c].discard(gone)
            neigh[c].add(keep)
        neigh[keep] = around
        for c in sorted(around):
            push(keep, c)
    return sorted((sorted(cl.members[c]) for c in range(n) if cl.alive[c]), key=lambda g: g[0])


def cluster_entries(
    entries: dict[str, StoryEntry], forced: Sequence[Sequence[str]], s: StorySettings
) -> list[list[str]]:
    """Groups of article ids (every article in exactly one group) under the configured linkage."""
    ids = sorted(entries)
    pos = {a: i for i, a in enumerate(ids)}
    edges = story_edges(ids, entries, s)
    groups = [sorted(pos[m] for m in g if m in pos) for g in forced]
    groups = [g for g in groups if len(g) > 1]
    if s.linkage == "single":
        comps = components(len(ids), [*edges, *((g[0], k) for g in groups for k in g[1:])])
    elif s.linkage == "average":
        x = np.stack([entries[i].vector for i in ids]) if ids else np.zeros((0, 1), np.float32)
        days = [_day(entries[i].published) for i in ids]
        comps = average_link(x, days, edges, groups, s)
    else:
        raise ValueError(f"stories.linkage={s.linkage!r}: use 'average' or 'single'")
    return [[ids[k] for k in comp] for comp in comps]


def story_records(entries: dict[str, StoryEntry], previous: CorpusResult, res: Resources) -> list[Story]:
    s = StorySettings.from_config(res)
    forced = []
    for group in previous.copies:
        members = [m.article for m in group.members]
        if group.origin.article:
            members.append(group.origin.article)
        forced.append(members)
    n_label = int(res.config["stories.label_entities"])
    stories = []
    for members in cluster_entries(entries, forced, s):
        if len(members) < 2:
            continue
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
