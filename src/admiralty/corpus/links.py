"""The corpus ``claim_links`` block: the same or a related claim across independent articles, and
whether they restate, support, relate to or contradict each other -- with typed reasons.

How it works:

1. ``build`` (per partition): each claim's vector (``Article.claim_vectors``; ``res.embed`` of the
   claim texts when absent), polarity, quantities (value and what is counted) and the entity names
   inside its span. ``merge`` is a union keyed by claim id.
2. ``query``: claims of articles that are copies of an origin present in the corpus take no part
   (only origins are independent); claims of one article, or of articles in one copy group, are
   never paired. Candidates come from bounded random-hyperplane LSH (:mod:`.ann`) over the claim
   vectors (MiniLM, embedded once by the pipeline), and their cosine decides. A pair is a match when its
   cosine reaches ``match_cosine`` and the claims share an entity, or ``strong_cosine`` alone.
   Each claim keeps its ``max_links_per_claim`` best matches.
3. Typed reasons for every match (rule, version, parameters, records, a sentence):

   * ``match.similarity``            -- the cosine and the shared entity names;
   * ``tension.negation``            -- one claim negated, the other affirmed;
   * ``tension.antonym``             -- opposite predicates (``links_antonyms.txt``);
   * ``numbers.different_quantity``  -- numbers that count different things (30,000 troops vs
     200,000 soldiers): said, and *not* a contradiction;
   * ``numbers.conflict``            -- different numbers for the same counted thing (a tension);
   * ``numbers.one_sided``           -- only one claim gives a figure, so the other cannot confirm it;
   * ``scope.different_place``       -- the claims speak of different places;
   * ``contradiction.polarity`` / ``.antonym`` / ``.quantity`` -- the contradiction detector
     (:mod:`.contradiction`): the same statement said both ways;
   * ``contradiction.withheld``      -- a tension or a detected contradiction that is not called a
     contradiction: the detector did not fire (a tension alone is rarely a contradiction), or its
     measured precision ``contradiction_precision`` is below ``contradicts_min_precision``.

4. Relation: ``contradicts`` when the detector fires and its measured precision
   (``contradiction_precision``, measured on a corpus it was not designed on) reaches
   ``contradicts_min_precision``; else ``related`` for a detected contradiction or a tension;
   ``restates`` (cosine >= ``restates_cosine``), ``supports`` (cosine >= ``supports_cosine`` and
   a shared entity), both only with no tension and no note (a claim about another place or
   another quantity, or without the other's figure, confirms nothing), else ``related``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..model import Article, Attribution, Claim, ClaimLink, CorpusResult, Entity, Reason
from ..resources import Resources
from . import contradiction
from .ann import candidate_pair_array

VERSION = "links.rules/3"
PLACE_LABELS = ("GPE", "LOC")
_NEGATORS = re.compile(r"\b(?:not|no|never|n't|none|nobody|nothing|neither|nor|without)\b|n't\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'-]*")
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    article: str
    text: str
    vector: np.ndarray
    polarity: str
    quantities: tuple[tuple[float | None, str, str, str, str], ...]  # (value, counted thing, text, unit, bound)
    entities: frozenset[str]
    places: frozenset[str]
    type: str = "fact"
    certainty: str = "certain"
    published: str | None = None
    times: tuple[str, ...] = ()
    frame_cue: str = ""  # the claim's attribution cue when outside its span ("Russia denied" + content)
    lead: str = ""  # its sentence before it ("disproves Russia's claim that" + the claim)


@dataclass
class LinksState:
    claims: dict[str, ClaimEntry]


def claim_vectors(articles: Sequence[Article], res: Resources) -> list[np.ndarray]:
    """Claim vectors per article (rows in claim order), embedding those the pipeline left out."""
    missing = [c.text for a in articles if a.claim_vectors is None or len(a.claim_vectors) != len(a.claims)
               for c in a.claims]
    # The same encoder as the pipeline's claim vectors: mixing encoders mixes vector sizes.
    embedded = res.embed(missing) if missing else None
    out, k = [], 0
    for a in articles:
        if a.claim_vectors is not None and len(a.claim_vectors) == len(a.claims):
            out.append(np.asarray(a.claim_vectors, dtype=np.float32))
        else:
            out.append(embedded[k : k + len(a.claims)] if embedded is not None
                       else np.zeros((0, 0), np.float32))
            k += len(a.claims)
    return out


@dataclass(frozen=True, slots=True)
class _ArticleIndex:
    """One article's entities sorted by start (with the starts apart, for bisection) and its
    attributions by id: what each of its claims looks up."""

    starts: list[int]
    entities: list[Entity]
    attributions: dict[str, Attribution]

    @classmethod
    def of(cls, a: Article) -> _ArticleIndex:
        ents = sorted(a.entities, key=lambda e: e.start)
        by_id: dict[str, Attribution] = {}
        for t in a.attributions:
            by_id.setdefault(t.id, t)  # the first of an id, as a scan in order finds it
        return cls([e.start for e in ents], ents, by_id)


def entry(a: Article, c: Claim, vector: np.ndarray, index: _ArticleIndex | None = None) -> ClaimEntry:
    """What the links stage keeps of one claim: its vector, polarity, quantities, entities,
    places, type, certainty, time expressions, the article's publication date, and for the
    denial rule its attribution cue when outside the claim and the words before it in its sentence.
    ``index``: the article's :class:`_ArticleIndex` when several of its claims are read."""
    index = index or _ArticleIndex.of(a)
    ents = index.entities
    inside = [e for e in ents[bisect_left(index.starts, c.start) : bisect_right(index.starts, c.end)]
              if e.end <= c.end]
    found = index.attributions.get(c.attribution) if c.attribution else None
    cue = found.cue if found is not None else None
    return ClaimEntry(
        a.id,
        c.text,
        _unit(np.asarray(vector)),
        c.polarity,
        tuple((q.value, (q.counts or q.unit or "").lower(), q.text, (q.unit or "").lower(), q.bound or "")
              for q in c.quantities),
        frozenset(e.canonical for e in inside),
        frozenset(e.canonical for e in inside if e.label in PLACE_LABELS),
        c.type,
        c.certainty,
        a.published,
        tuple(t.text for t in c.times),
        cue.text if cue is not None and not (cue.start >= c.start and cue.end <= c.end) else "",
        contradiction.lead_of(a.text, c.start),
    )


def _unit(v: np.ndarray) -> np.ndarray:
    # np.linalg.norm's own steps for a vector (sqrt of its dot with itself), without its checks
    n = float(np.sqrt(v.dot(v)))
    return (v / n).astype(np.float32, copy=False) if n > 0 else v.astype(np.float32)


class Links:
    name = "links"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> LinksState:
        out: dict[str, ClaimEntry] = {}
        for a, rows in zip(articles, claim_vectors(articles, res), strict=True):
            index = _ArticleIndex.of(a)
            for c, v in zip(a.claims, rows, strict=True):
                out[c.id] = entry(a, c, v, index)
        return LinksState(out)

    def merge(self, left: LinksState, right: LinksState) -> LinksState:
        return LinksState({**left.claims, **right.claims})

    def query(self, state: LinksState, previous: CorpusResult, res: Resources) -> CorpusResult:
        return replace(previous, claim_links=tuple(link_claims(state.claims, previous, res)))


def _settings(res: Resources) -> dict[str, Any]:
    keys = (
        "ann_bits", "ann_bands", "ann_window", "ann_seed", "match_cosine",
        "strong_cosine", "supports_cosine", "restates_cosine", "max_links_per_claim",
        "contradiction_precision", "contradicts_min_precision", "contradiction_denial_precision",
        "contradiction_denial_max_links", "contradiction_denial_scan_limit",
    )
    return {k: res.config[f"links.{k}"] for k in keys}


def independent_claims(claims: dict[str, ClaimEntry], copies: CorpusResult) -> tuple[list[str], dict[str, str]]:
    """Claim ids that take part (copies of an in-corpus origin drop out), and article -> group."""
    group_of: dict[str, str] = {}
    dropped: set[str] = set()
    for g in copies.copies:
        for m in g.members:
            group_of[m.article] = g.id
            if g.origin.article is not None:
                dropped.add(m.article)
        if g.origin.article is not None:
            group_of[g.origin.article] = g.id
    ids = sorted(cid for cid, e in claims.items() if e.article not in dropped)
    return ids, group_of


def link_claims(claims: dict[str, ClaimEntry], previous: CorpusResult, res: Resources) -> list[ClaimLink]:
    s = _settings(res)
    ids, group_of = independent_claims(claims, previous)
    if len(ids) < 2:
        return []
    x = np.stack([claims[i].vector for i in ids])
    pair_array = candidate_pair_array(x, bits=int(s["ann_bits"]), bands=int(s["ann_bands"]),
                                      window=int(s["ann_window"]), seed=int(s["ann_seed"]))
    antonyms = antonym_pairs(res)
    lex, cs = contradiction.lexicons(res), contradiction.Settings.from_config(res)
    cosines = _pair_cosines(x, pair_array)
    floor = min(float(s["match_cosine"]), float(s["strong_cosine"]))
    scored = []
    for (i, j), c in zip(pair_array[cosines >= floor].tolist(), cosines[cosines >= floor].tolist(), strict=True):
        a, b = claims[ids[i]], claims[ids[j]]
        if a.article == b.article:
            continue
        ga, gb = group_of.get(a.article), group_of.get(b.article)
        if ga is not None and ga == gb:
            continue
        shared = a.entities & b.entities
        if c >= float(s["strong_cosine"]) or (c >= float(s["match_cosine"]) and shared):
            scored.append((c, ids[i], ids[j]))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    per: dict[str, int] = {}
    limit = int(s["max_links_per_claim"])
    links = []
    rest = []
    for c, ci, cj in scored:
        if per.get(ci, 0) >= limit or per.get(cj, 0) >= limit:
            rest.append((c, ci, cj))
            continue
        per[ci] = per.get(ci, 0) + 1
        per[cj] = per.get(cj, 0) + 1
        links.append(decide(ci, cj, claims[ci], claims[cj], c, antonyms, s, lex, cs))
    linked = {link.claims for link in links}
    best: dict[tuple[str, str], float] = {}
    for c, ci, cj in [*rest, *_denial_candidates(ids, x, claims, group_of, s, lex, cs)]:
        if (ci, cj) not in linked:
            best[(ci, cj)] = max(best.get((ci, cj), -1.0), round(float(c), 6))
    more = sorted(((c, ci, cj) for (ci, cj), c in best.items()), key=lambda t: (-t[0], t[1], t[2]))
    links.extend(_denial_links(more, claims, antonyms, s, lex, cs))
    return sorted(links, key=lambda link: link.claims)


def _ordinal(published: str | None) -> float:
    d = contradiction._date(published)
    return float(d.toordinal()) if d is not None else float("nan")


def _denial_candidates(ids: list[str], x: np.ndarray, claims: dict[str, ClaimEntry], group_of: dict[str, str],
                       s: dict[str, Any], lex: contradiction.Lexicons,
                       cs: contradiction.Settings) -> list[tuple[float, str, str]]:
    """Matches of each denying claim found by an exact scan (the LSH blocking finds few pairs
    at cosines of 0.5-0.7, where a denial and the report it denies sit): the claims published
    within ``contradiction_denial_max_days_apart`` days of it, at most
    ``contradiction_denial_scan_limit`` of them (the nearest in time), so the cost per denying claim
    is bounded whatever the corpus size. Undated denials keep the blocking's candidates only."""
    if int(s["contradiction_denial_max_links"]) <= 0:
        return []
    days = np.array([_ordinal(claims[cid].published) for cid in ids])
    # Undated claims are never scanned, so only dated ones are read for a frame (the costly part).
    framed = [k for k in np.flatnonzero(~np.isnan(days)).tolist()
              if contradiction.frame_of(claims[ids[k]], lex) is not None]
    if not framed:
        return []
    order = np.argsort(np.where(np.isnan(days), np.inf, days), kind="stable")
    dated = days[order]
    window = float(cs.denial_max_days_apart)
    cap = max(1, int(s["contradiction_denial_scan_limit"]))
    match, strong = float(s["match_cosine"]), float(s["strong_cosine"])
    out = []
    for k in framed:
        lo, hi = np.searchsorted(dated, days[k] - window, "left"), np.searchsorted(dated, days[k] + window, "right")
        if hi - lo > cap:  # a crowded window: the claims nearest in time, so the cost per denial is bounded
            at = int(np.searchsorted(dated, days[k], "left"))
            lo = max(int(lo), min(at - cap // 2, int(hi) - cap))
            hi = lo + cap
        near = order[lo:hi]
        cos = x[near] @ x[k]
        a = claims[ids[k]]
        for j, c in zip(near[cos >= match].tolist(), cos[cos >= match].tolist(), strict=True):
            b = claims[ids[j]]
            if j == k or a.article == b.article:
                continue
            ga, gb = group_of.get(a.article), group_of.get(b.article)
            if (ga is not None and ga == gb) or (c < strong and not (a.entities & b.entities)):
                continue
            out.append((float(c), *sorted((ids[k], ids[j]))))
    return out


def _denial_links(rest: list[tuple[float, str, str]], claims: dict[str, ClaimEntry],
                  antonyms: dict[str, frozenset[str]], s: dict[str, Any], lex: contradiction.Lexicons,
                  cs: contradiction.Settings) -> list[ClaimLink]:
    """Matches beyond a claim's best ``max_links_per_claim`` that the denial rule fires on: a
    denial ("Kremlin denies its forces killed civilians") is closest to the other reports of the
    denial, and the reports it denies would never be linked. At most
    ``contradiction_denial_max_links`` more per denying claim, closest first."""
    extra = int(s["contradiction_denial_max_links"])
    if extra <= 0 or not rest:
        return []
    framed: dict[str, bool] = {}

    def has_frame(cid: str) -> bool:
        if cid not in framed:
            framed[cid] = contradiction.frame_of(claims[cid], lex) is not None
        return framed[cid]

    per: dict[str, int] = {}
    out = []
    for c, ci, cj in rest:  # closest first, ties by id: deterministic
        denier = [x for x in (ci, cj) if has_frame(x)]
        if not denier or any(per.get(x, 0) >= extra for x in denier):
            continue
        link = decide(ci, cj, claims[ci], claims[cj], c, antonyms, s, lex, cs)
        if any(r.rule == "contradiction.denial" for r in link.reasons):
            for x in denier:
                per[x] = per.get(x, 0) + 1
            out.append(link)
    return out


def _pair_cosines(x: np.ndarray, pairs: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Cosine of each candidate pair of unit rows, a chunk at a time (bounded memory). Each
    cosine is its own row's reduction, so the chunk size changes no value; chunks of 1,024 rows
    (1.5 MB per side) stay in cache, where 8,192 took 1.5-3x longer (900k pairs: 0.34-0.75 ->
    0.22 CPU s, every value bit-identical)."""
    out = np.zeros(len(pairs), dtype=np.float32)
    for k in range(0, len(pairs), chunk):
        part = pairs[k : k + chunk]
        out[k : k + chunk] = np.einsum("ij,ij->i", x[part[:, 0]], x[part[:, 1]])
    return out


def antonym_pairs(res: Resources) -> dict[str, frozenset[str]]:
    def build() -> dict[str, frozenset[str]]:
        table: dict[str, set[str]] = {}
        for line in res.lexicon("links_antonyms"):
            a, _, b = line.partition("|")
            a, b = a.strip().lower(), b.strip().lower()
            if a and b:
                table.setdefault(a, set()).add(b)
                table.setdefault(b, set()).add(a)
        return {k: frozenset(v) for k, v in table.items()}

    return res.cached("links:antonyms", build)


def negated(entry: ClaimEntry) -> bool:
    """Whether the claim is negated (typographic apostrophes read as ASCII: "don’t" is "don't")."""
    return entry.polarity == "negated" or bool(_NEGATORS.search(entry.text.translate(_FOLD)))


def _r(rule: str, params: dict[str, Any], records: tuple[str, ...], text: str) -> Reason:
    return Reason(rule, VERSION, params, records, text)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def _fmt(q: tuple[float | None, str, str]) -> str:
    return f"{q[2]} ({q[1]})" if q[1] else q[2]


def tensions_and_notes(
    ci: str, cj: str, a: ClaimEntry, b: ClaimEntry, antonyms: dict[str, frozenset[str]]
) -> tuple[list[Reason], list[Reason]]:
    """``(tensions, notes)``: reasons that pull the claims apart, and reasons that explain why an
    apparent difference is not one."""
    recs = (ci, cj)
    tensions: list[Reason] = []
    notes: list[Reason] = []
    na, nb = negated(a), negated(b)
    if na != nb:
        neg, aff = (ci, cj) if na else (cj, ci)
        neg_text, aff_text = (a.text, b.text) if na else (b.text, a.text)
        tensions.append(_r("tension.negation", {"negated": neg, "affirmed": aff}, recs,
                           f"{neg} is negated (\"{_short(neg_text)}\") while {aff} is affirmed "
                           f"(\"{_short(aff_text)}\"): they pull in opposite directions on a related point."))
    wa, wb = set(_WORD.findall(a.text.lower())), set(_WORD.findall(b.text.lower()))
    opposite = sorted(
        (w, o) for w in wa - wb for o in antonyms.get(w, ()) if o in wb - wa
    )
    if opposite:
        w, o = opposite[0]
        tensions.append(_r("tension.antonym", {"words": [w, o]}, recs,
                           f"Opposite predicates: '{w}' in {ci} against '{o}' in {cj}."))
    qa = [q for q in a.quantities if q[0] is not None]
    qb = [q for q in b.quantities if q[0] is not None]
    if qa and qb:
        same = [(p, q) for p in qa for q in qb if p[1] and p[1] == q[1]]
        if same and all(p[0] != q[0] for p, q in same):
            p, q = same[0]
            tensions.append(_r("numbers.conflict", {"values": [p[0], q[0]], "counts": p[1]}, recs,
                               f"Different numbers for the same thing: {_fmt(p)} against {_fmt(q)}."))
        elif not same and not any(p[0] == q[0] for p in qa for q in qb):
            p, q = qa[0], qb[0]
            notes.append(_r("numbers.different_quantity",
                            {"values": [p[0], q[0]], "counts": [p[1], q[1]]}, recs,
                            f"The numbers count different things ({_fmt(p)} against {_fmt(q)}): "
                            "not a contradiction."))
    elif qa or qb:
        stated, silent = (ci, cj) if qa else (cj, ci)
        q = (qa or qb)[0]
        notes.append(_r("numbers.one_sided", {"stated_by": stated, "value": q[0]}, recs,
                        f"Only {stated} gives a figure ({_fmt(q)}); {silent} states none, so it "
                        "cannot confirm it."))
    if a.places and b.places and not (a.places & b.places):
        notes.append(_r("scope.different_place",
                        {"places": [sorted(a.places), sorted(b.places)]}, recs,
                        f"The claims speak of different places ({', '.join(sorted(a.places))} against "
                        f"{', '.join(sorted(b.places))})."))
    return tensions, notes


def decide(
    ci: str, cj: str, a: ClaimEntry, b: ClaimEntry, cosine: float,
    antonyms: dict[str, frozenset[str]], s: dict[str, Any],
    lex: contradiction.Lexicons | None = None, cs: contradiction.Settings | None = None,
) -> ClaimLink:
    recs = (ci, cj)
    shared = sorted(a.entities & b.entities)
    reasons = [
        _r("match.similarity", {"cosine": round(cosine, 4), "shared_entities": shared}, recs,
           f"Similar claims (cosine {cosine:.2f})"
           + (f" about {', '.join(shared)}." if shared else "."))
    ]
    tensions, notes = tensions_and_notes(ci, cj, a, b, antonyms)
    found = contradiction.detect(a, b, lex, cs) if lex is not None and cs is not None else None
    reasons.extend(tensions)
    reasons.extend(notes)
    precision = float(s["contradiction_precision"])
    floor = float(s["contradicts_min_precision"])
    if found is not None:
        # Each rule family has its own measured precision: the denial rule's is measured apart.
        params = {**found.params, "detector": contradiction.VERSION}
        if found.rule == "contradiction.denial":
            precision = float(s["contradiction_denial_precision"])
            params["denying_claim"] = ci if found.params.get("denial") == "a" else cj
        reasons.append(_r(found.rule, params, recs, found.text))
        if precision >= floor:
            return ClaimLink(recs, "contradicts", round(float(cosine), 4), tuple(reasons))
        reasons.append(_r("contradiction.withheld",
                          {"measured_precision": precision, "required": floor, "detected": found.rule}, recs,
                          "The contradiction detector fires, but its measured precision "
                          f"({precision:.2f}) is below {floor:.2f}: not called a contradiction."))
        return ClaimLink(recs, "related", round(float(cosine), 4), tuple(reasons))
    if tensions:
        relation = "related"
        reasons.append(_r("contradiction.withheld",
                          {"measured_precision": precision, "required": floor, "detected": None}, recs,
                          "In tension, but not called a contradiction: the contradiction detector "
                          "does not find the same statement said both ways (same content words, "
                          "one negated, a contradictory predicate or a different figure), and a "
                          "tension alone is rarely a contradiction."))
    elif notes:  # other places, other quantities, a figure on one side only: no confirmation
        relation = "related"
    elif cosine >= float(s["restates_cosine"]):
        relation = "restates"
    elif cosine >= float(s["supports_cosine"]) and shared:
        relation = "supports"
    else:
        relation = "related"
    return ClaimLink(recs, relation, round(float(cosine), 4), tuple(reasons))  # type: ignore[arg-type]
