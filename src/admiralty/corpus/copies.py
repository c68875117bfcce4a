"""The corpus ``copies`` block: copies, near-copies and syndicated republications, and their origin.

How it works:

1. ``build`` (per partition): each article's word-shingle set and MinHash signature
   (:mod:`.fingerprint`), plus the provenance cues of its head and tail (:mod:`.provenance`:
   credit lines, wire datelines, "X for Y" bylines). The state is a dict keyed by article id, so
   ``merge`` is a union and the result does not depend on partitioning.
2. ``query``: MinHash LSH proposes candidate pairs (never all pairs); each is re-checked with the
   exact shingle *containment* ``|A & B| / min(|A|, |B|)`` (so a truncated copy or a copy with
   boilerplate added still counts), or with Jaccard when the smaller text is too short to trust
   containment. Linked articles form groups (connected components).
3. Each group's **origin**: the member whose outlet another member credits ("Read Full Article at
   RT.com"); otherwise the earliest published, then the one with no credit cue, then (groups of
   three or more) the medoid -- copies drift from their origin independently, so the origin is the
   member closest to all others --, then the longest, then the smallest id. When members credit
   an outlet that no member is, that outlet is the origin outlet (the corpus only names it).
4. An article alone in the corpus that credits another outlet is a group of its own with an
   origin the corpus only names (the seed 003: origin RT.com, carried by TROIB News).

Members are every article of the group but the origin article, each ``copy`` (Jaccard with the
origin >= ``copy_jaccard``), ``near_copy`` or ``syndicated`` (its text credits an origin outlet or
a wire agency), with ``similarity`` = exact containment with the origin article (0.0 when the
origin article is not in the corpus) and the evidence in words. A group's id derives from the
smallest article id in it (origin included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..model import Article, CopyGroup, CopyMember, CorpusResult, Origin
from ..resources import Resources
from .fingerprint import candidate_pairs, components, lsh_threshold, overlap, shingles, signature_values
from .provenance import ProvenanceCue, find_cues, same_outlet

VERSION = "copies.minhash/1"


@dataclass(frozen=True, slots=True)
class Entry:
    """What the copies stage keeps of one article."""

    outlet: str | None
    published: str | None
    shingles: np.ndarray
    signature: np.ndarray  # MinHash hash values (uint32)
    cues: tuple[ProvenanceCue, ...]

    @property
    def carrier(self) -> str | None:
        """The outlet that publishes this text: its own outlet, else the one its byline names."""
        if self.outlet:
            return self.outlet
        for cue in self.cues:
            if cue.kind == "byline":
                return cue.outlet
        return None

    def credits(self) -> list[ProvenanceCue]:
        """Credit and wire cues naming an outlet other than the article's own."""
        return [
            c for c in self.cues if c.kind in ("credit", "wire") and not same_outlet(c.outlet, self.carrier)
        ]

    @property
    def nbytes(self) -> int:
        return int(self.shingles.nbytes + self.signature.nbytes) + 64 * (len(self.cues) + 2)


@dataclass
class CopiesState:
    entries: dict[str, Entry]


@dataclass(frozen=True)
class CopySettings:
    shingle: int
    num_perm: int
    seed: int
    link_containment: float
    min_shingles: int
    short_jaccard: float
    copy_jaccard: float
    cue_window: int

    @classmethod
    def from_config(cls, res: Resources) -> CopySettings:
        c = res.config
        return cls(
            shingle=int(c["copies.shingle"]),
            num_perm=int(c["copies.num_perm"]),
            seed=int(c["copies.seed"]),
            link_containment=float(c["copies.link_containment"]),
            min_shingles=int(c["copies.min_shingles"]),
            short_jaccard=float(c["copies.short_jaccard"]),
            copy_jaccard=float(c["copies.copy_jaccard"]),
            cue_window=int(c["copies.cue_window"]),
        )


def make_entry(text: str, outlet: str | None, published: str | None, s: CopySettings) -> Entry:
    sh = shingles(text, s.shingle)
    sig = signature_values(sh, s.num_perm, s.seed) if len(sh) else np.zeros(0, np.uint32)
    return Entry(outlet, published, sh, sig, find_cues(text, s.cue_window))


def linked(a: Entry, b: Entry, s: CopySettings) -> tuple[bool, float]:
    """Whether two entries are copies of each other, and their exact similarity."""
    if min(len(a.shingles), len(b.shingles)) >= s.min_shingles:
        c = overlap(a.shingles, b.shingles, "containment")
        return c >= s.link_containment, c
    j = overlap(a.shingles, b.shingles, "jaccard")
    return j >= s.short_jaccard, j


def find_groups(ids: Sequence[str], entries: dict[str, Entry], s: CopySettings) -> list[list[int]]:
    """Groups (indices into ``ids``) of articles linked as copies: LSH candidates, exact check."""
    from datasketch import LeanMinHash

    sigs = [
        LeanMinHash(seed=s.seed, hashvalues=entries[i].signature, scheme="affine32")
        if len(entries[i].signature)
        else None
        for i in ids
    ]
    level = min(lsh_threshold(s.link_containment, "containment"), s.short_jaccard)
    edges = [
        (x, y)
        for x, y in candidate_pairs(sigs, level, s.num_perm)
        if linked(entries[ids[x]], entries[ids[y]], s)[0]
    ]
    return [g for g in components(len(ids), edges) if len(g) > 1]


def choose_origin(members: Sequence[str], entries: dict[str, Entry]) -> tuple[str | None, str | None, str]:
    """``(origin article, origin outlet, why)`` for a group of article ids (sorted)."""
    credited: dict[str, str] = {}
    for m in members:
        for cue in entries[m].credits():
            credited.setdefault(cue.outlet.lower(), cue.outlet)
    for name in sorted(credited):
        for m in members:
            if same_outlet(entries[m].carrier, credited[name]):
                return m, entries[m].carrier, f"credited by the other members as {credited[name]}"

    def centrality(m: str) -> float:
        # Copies drift from the origin independently, so the origin is the member closest to all
        # the others (the medoid); rounded so float noise never decides.
        others = [o for o in members if o != m]
        total = sum(overlap(entries[m].shingles, entries[o].shingles, "jaccard") for o in others)
        return round(total / max(1, len(others)), 6)

    def rank(m: str) -> tuple[int, str, int, float, int, str]:
        e = entries[m]
        return (
            0 if e.published else 1,
            e.published or "",
            1 if e.credits() else 0,
            -centrality(m) if len(members) > 2 else 0.0,
            -len(e.shingles),
            m,
        )

    if credited:
        name = credited[sorted(credited)[0]]
        return None, name, f"the members credit {name}, which no article of the corpus is"
    first = min(members, key=rank)
    e = entries[first]
    if e.published:
        why = "earliest published"
    elif len(members) > 2:
        why = "undated: no credit line, closest to the other members"
    else:
        why = "undated: no credit line, longest text"
    return first, e.carrier, why


def member_record(
    m: str,
    origin: str | None,
    origin_outlet: str | None,
    entries: dict[str, Entry],
    s: CopySettings,
    group: Sequence[str] = (),
) -> CopyMember:
    e = entries[m]
    evidence: list[str] = []
    for cue in e.cues:
        if cue.kind == "byline":
            evidence.append(f"byline {cue.text!r}: carried by {cue.outlet}")
        else:
            evidence.append(f"{cue.kind} {cue.text!r}: text taken from {cue.outlet}")
    if origin is not None and origin != m:
        containment = overlap(e.shingles, entries[origin].shingles, "containment")
        jaccard = overlap(e.shingles, entries[origin].shingles, "jaccard")
        evidence.append(f"shingle containment {containment:.3f}, Jaccard {jaccard:.3f} with {origin}")
        similarity = containment
    else:
        jaccard = 0.0
        others = [o for o in group if o != m]
        similarity = max(
            (overlap(e.shingles, entries[o].shingles, "containment") for o in others), default=0.0
        )
        evidence.append(
            f"origin {origin_outlet} is not in the corpus: similarity is to the closest other member"
            if others
            else f"origin {origin_outlet} is not in the corpus: similarity unknown"
        )
    syndicated = any(same_outlet(c.outlet, origin_outlet) for c in e.credits()) or (
        bool(e.credits()) and origin is None
    )
    relation = "syndicated" if syndicated else "copy" if jaccard >= s.copy_jaccard else "near_copy"
    return CopyMember(m, relation, float(similarity), tuple(evidence))  # type: ignore[arg-type]


class Copies:
    name = "copies"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> CopiesState:
        s = CopySettings.from_config(res)
        return CopiesState({a.id: make_entry(a.text, a.outlet, a.published, s) for a in articles})

    def merge(self, left: CopiesState, right: CopiesState) -> CopiesState:
        return CopiesState({**left.entries, **right.entries})

    def query(self, state: CopiesState, previous: CorpusResult, res: Resources) -> CorpusResult:
        s = CopySettings.from_config(res)
        return replace(previous, copies=tuple(copy_groups(state.entries, s)))


def copy_groups(entries: dict[str, Entry], s: CopySettings) -> list[CopyGroup]:
    ids = sorted(entries)
    groups: list[CopyGroup] = []
    grouped: set[str] = set()
    for g in find_groups(ids, entries, s):
        members = [ids[i] for i in g]
        grouped.update(members)
        origin, outlet, why = choose_origin(members, entries)
        records = tuple(
            member_record(m, origin, outlet, entries, s, members) for m in members if m != origin
        )
        records = tuple(
            replace(r, evidence=(*r.evidence, f"origin chosen: {why}")) if i == 0 else r
            for i, r in enumerate(records)
        )
        groups.append(CopyGroup(f"cg-{members[0]}", Origin(origin, outlet), records))
    # A lone article that credits another outlet: the origin is only named.
    for m in ids:
        if m in grouped or not entries[m].credits():
            continue
        outlet = entries[m].credits()[0].outlet
        member = member_record(m, None, outlet, entries, s)
        groups.append(CopyGroup(f"cg-{m}", Origin(None, outlet), (member,)))
    return sorted(groups, key=lambda g: g.id)
