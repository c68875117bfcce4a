"""Admiralty grades: the reliability of every source (A-F) and the credibility of every claim
(1-6), each with typed reasons; the analyst's reviews on top.

How it works (``query``, after copies, stories, links and sources):

1. **Origins.** Every article has an origin key: the origin of its copy group (the origin outlet
   when the group names one, so a syndicated copy of RT.com *is* RT.com), else its own outlet
   (``[grading] independence = "outlet"``: two articles of one outlet are one origin) or itself.
   Claims of a copy whose links the links stage left out take the links of the same claim in
   the group's origin article.
2. **Evidence per claim** from the claim links (reviewed links replace the machine's):
   confirmations are ``confirm_relations`` links to claims of *other* origins (a confirming claim
   attributed to the same source, or the same quotation carried by another outlet, does not count
   unless ``same_source_confirms``: ten outlets quoting one speaker are one source), contradictions
   are ``contradict_relations`` links, tensions are other links carrying a ``tension_rules`` reason
   (a contradiction withheld because its measured precision is too low). A denial
   (``contradiction.denial``) contradicts with the weight of its denier: the claim's attributed
   source, or -- when the outlet reports a speaker's denial in its own voice -- that speaker,
   unknown (``unknown_reliability``), never the reporting outlet.
3. **Source reliability** (:mod:`.reliability`) from the registry prior and that evidence, one
   pass, no cycle: the letters feed the claim grades, never the other way.
4. **Credibility**, the first rule that fires (thresholds in ``[grading]``):

   ====  =====================  ====================================================================
   1     ``confirmed``          confirmed by >= ``confirmed_min_origins`` other independent origins,
                                and not contradicted by a more reliable one (only a fact of
                                ``confirmable_types`` is confirmed; a confirming link that carries a
                                ``confirm_blockers`` reason, states other numbers, shares no named
                                entity or number with it, comes from an article published more
                                than ``confirm_max_days_apart`` days away -- another event -- or
                                only one of the two denies or calls false what it reports (a denial
                                frame, :func:`.contradiction.frame_of`) does not count; a claim
                                about who did not answer the outlet is not confirmable)
   5     ``contradicted``       contradicted by an origin at least ``contradiction_min_reliability``
                                and more reliable than the claim's source, not outweighed by
                                confirmations
   3     ``conflicting``        both confirmed and contradicted (or in tension) by other origins
   4     ``doubtful``           contradicted by a less reliable origin, or in tension with one
   2     ``probable``           confirmed by >= ``probable_min_origins`` other independent origin
   6     ``unjudged_type``      an opinion, prediction or question nothing independent confirms
   6     ``unconfirmed_text``   the article itself says it is not confirmed (``nonconfirmation_unjudged``)
   6     ``anonymous``          rests on an unnamed source only
   3     ``single_origin``      a certain fact from an on-record source rated ``possible_reliability``
   6     ``unjudged``           nothing else: truth cannot be judged
   ====  =====================  ====================================================================

   Every grade lists the rule that fired, the linked claims and their origins, the sourcing
   (anonymous sources, the article's explicit non-confirmation) and the source's reliability.
5. **Reviews** (:mod:`admiralty.review`): an analyst's confirmation or override of a link, a
   source's reliability or a grade replaces the suggestion (``status: reviewed``) and survives
   re-runs; the reviews reach this stage through the resources, never from the store directly.

Exports: :func:`stix_confidence` (1 -> 90 ... 5 -> 10, 6 -> None) and :func:`misp_tags`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import (
    CREDIBILITY_WORDS,
    RELIABILITY_WORDS,
    Article,
    ClaimLink,
    CorpusResult,
    Grade,
    Reason,
    Source,
    source_id,
)
from ..nlp.attribution_quotes import Quote, find_quotes, quote_at
from ..registry import analyst_context, norm_name, registry_for
from ..resources import Resources
from . import contradiction
from .reliability import UNNAMED_KINDS, Evidence, Settings, assess, more_reliable, rank

VERSION = "grade.admiralty/5"
STIX_CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10, 6: None}


def stix_confidence(credibility: int) -> int | None:
    """STIX 2.1 ``confidence`` for an information credibility (6, cannot be judged: absent)."""
    return STIX_CONFIDENCE.get(int(credibility))


def misp_tags(grade: Grade) -> list[str]:
    """MISP ``admiralty-scale`` machine tags for a grade."""
    return [
        f'admiralty-scale:source-reliability="{grade.reliability.lower()}"',
        f'admiralty-scale:information-credibility="{int(grade.credibility)}"',
    ]


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    id: str
    text_key: str
    type: str
    certainty: str
    source_ref: str | None
    source_kind: str | None
    source_text: str | None
    numbers: tuple[str, ...] = ()
    about_response: bool = False  # holds a cue like "did not respond" / "declined to comment"
    quoted: bool = False  # the claim is words inside a quotation
    framed: bool = False  # the claim denies or calls false what it reports (a denial frame)


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    outlet: str | None
    nonconfirmation: str | None  # the cue text of an explicit non-confirmation
    claims: tuple[ClaimFacts, ...]
    refs: tuple[tuple[str, str, str], ...]  # (source ref, kind, text) named in the article
    published: str | None = None


@dataclass
class GradeState:
    articles: dict[str, ArticleFacts] = field(default_factory=dict)


def _text_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> tuple[str, ...]:
    """The numbers a claim states ("1,200" and "1200" read the same)."""
    return tuple(sorted({m.group().replace(",", "") for m in _NUMBER.finditer(text)}))


def nonconfirmation_cue(article: Article, res: Resources) -> str | None:
    """The first "unconfirmed" sourcing cue that speaks of confirmation or verification."""
    stems = res.cached("grade:nonconfirmation",
                       lambda: tuple(w.lower() for w in res.lexicon("grading_nonconfirmation")))
    for cue in article.sourcing.cues:
        if cue.kind == "unconfirmed" and any(s in cue.text.lower() for s in stems):
            return cue.text
    return None


def quoted(article: Article, start: int, end: int, quotes: Sequence[Quote] | None = None) -> bool:
    """Whether ``[start, end)`` lies inside a quotation: the content of a direct or mixed
    attribution, or one of the article's quotation regions (``find_quotes``; pass them when
    asking about several spans of one article)."""
    if quotes is None:
        quotes = find_quotes(article.text, len(article.text))
    middle = (start + end) // 2
    for att in article.attributions:
        if att.form in ("direct", "mixed") and any(c.start <= middle < c.end for c in att.content):
            return True
    return any(q.inner_start <= middle < q.inner_end for q in quote_at(quotes, middle, middle + 1))


def article_facts(article: Article, res: Resources) -> ArticleFacts:
    by_id = {a.id: a for a in article.attributions}
    claims = []
    silences = [(q.start, q.end) for q in article.sourcing.cues if q.kind in ("unconfirmed", "denied")]
    quotes = find_quotes(article.text, int(res.config["attribution.max_quote_chars"]))
    lex = contradiction.lexicons(res)
    for c in article.claims:
        att = by_id.get(c.attribution or "")
        src = att.source if att is not None else None
        cue = att.cue if att is not None else None
        outside = cue.text if cue is not None and not (cue.start >= c.start and cue.end <= c.end) else ""
        claims.append(ClaimFacts(c.id, _text_key(c.text), c.type, c.certainty,
                                 src.ref if src is not None else None,
                                 src.kind if src is not None else None,
                                 src.text if src is not None else None,
                                 _numbers(c.text),
                                 any(s < c.end and c.start < e for s, e in silences),
                                 quoted(article, c.start, c.end, quotes),
                                 _framed(article, c, outside, lex)))
    refs = sorted({(a.source.ref, a.source.kind, a.source.text) for a in article.attributions
                   if a.source is not None and a.source.ref})
    return ArticleFacts(article.outlet, nonconfirmation_cue(article, res), tuple(claims), tuple(refs),
                        article.published)


@dataclass(frozen=True, slots=True)
class _Framed:
    """What the denial-frame reader needs of a claim: its text, its attribution cue when outside
    it, and the words before it in its sentence."""

    text: str
    frame_cue: str
    lead: str


def _framed(article: Article, claim: Any, cue: str, lex: contradiction.Lexicons) -> bool:
    """Whether the claim denies or calls false what it reports (``contradiction.frame_of``)."""
    reading = _Framed(claim.text, cue, contradiction.lead_of(article.text, claim.start))
    return contradiction.frame_of(reading, lex) is not None


@dataclass(frozen=True)
class GradeSettings:
    independence: str
    same_source_confirms: bool
    confirm_relations: frozenset[str]
    contradict_relations: frozenset[str]
    confirmed_min: int
    probable_min: int
    contradiction_min: str
    tension_rules: frozenset[str]
    tension_doubtful: bool
    confirm_blockers: frozenset[str]
    confirmable_types: frozenset[str]
    confirm_needs_shared: bool
    restates_min_words: int
    confirm_max_days: float  # < 0: no limit
    possible_reliability: frozenset[str]
    on_record: frozenset[str]
    unjudged_types: frozenset[str]
    nonconfirmation_unjudged: bool
    unknown: str

    @classmethod
    def from_config(cls, res: Resources) -> GradeSettings:
        c = res.config
        return cls(
            independence=str(c["grading.independence"]),
            same_source_confirms=bool(c["grading.same_source_confirms"]),
            confirm_relations=frozenset(c["grading.confirm_relations"]),
            contradict_relations=frozenset(c["grading.contradict_relations"]),
            confirmed_min=int(c["grading.confirmed_min_origins"]),
            probable_min=int(c["grading.probable_min_origins"]),
            contradiction_min=str(c["grading.contradiction_min_reliability"]).upper(),
            tension_rules=frozenset(c["grading.tension_rules"]),
            tension_doubtful=bool(c["grading.tension_makes_doubtful"]),
            confirm_blockers=frozenset(c["grading.confirm_blockers"]),
            confirmable_types=frozenset(c["grading.confirmable_types"]),
            confirm_needs_shared=bool(c["grading.confirm_needs_shared"]),
            restates_min_words=int(c["grading.restates_min_words"]),
            confirm_max_days=float(c["grading.confirm_max_days_apart"]),
            possible_reliability=frozenset(str(x).upper() for x in c["grading.possible_reliability"]),
            on_record=frozenset(c["grading.on_record_kinds"]),
            unjudged_types=frozenset(c["grading.unjudged_types"]),
            nonconfirmation_unjudged=bool(c["grading.nonconfirmation_unjudged"]),
            unknown=str(c["grading.unknown_reliability"]),
        )


class Grades:
    name = "grade"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> GradeState:
        return GradeState({a.id: article_facts(a, res) for a in articles})

    def merge(self, left: GradeState, right: GradeState) -> GradeState:
        return GradeState({**left.articles, **right.articles})

    def query(self, state: GradeState, previous: CorpusResult, res: Resources) -> CorpusResult:
        from ..review import apply_grade_reviews, apply_link_reviews, apply_source_reviews

        reviews = analyst_context(res).reviews
        links = apply_link_reviews(previous.claim_links, reviews)
        g = GradeSettings.from_config(res)
        graph = Corpus(state, previous, links, res, g)
        sources = apply_source_reviews(graph.sources(), reviews)
        grades = apply_grade_reviews(graph.grades({s.id: s for s in sources}), reviews)
        return replace(previous, sources=tuple(sources), claim_links=tuple(links), grades=tuple(grades))


@dataclass
class Link:
    other: str
    relation: str
    origin: str
    outlet: str | None
    source: str | None
    tension: tuple[str, ...]
    notes: tuple[str, ...] = ()
    shared: bool = True  # the two claims share a named entity


class Corpus:
    """The evidence of one grading pass."""

    def __init__(self, state: GradeState, previous: CorpusResult, links: Sequence[ClaimLink],
                 res: Resources, g: GradeSettings) -> None:
        self.state, self.previous, self.res, self.g = state, previous, res, g
        self.registry = registry_for(res)
        self.rs = Settings.from_config(res)
        self.claims: dict[str, tuple[str, ClaimFacts]] = {
            c.id: (aid, c) for aid in sorted(state.articles) for c in state.articles[aid].claims
        }
        self.origin: dict[str, str] = {}
        self.author: dict[str, str | None] = {}  # article -> the outlet whose text it is
        self._origins()
        self.links: dict[str, list[Link]] = defaultdict(list)
        # Denying claims whose denier is a speaker they name ("Russian ambassador dismisses reports
        # of P" in an outlet's own voice): they contradict with that speaker's weight, not the outlet's.
        self.voiced: set[str] = set()
        for link in links:
            a, b = link.claims
            for r in link.reasons:
                denier = r.params.get("denying_claim") if r.rule == "contradiction.denial" else None
                if (denier in self.claims and str(r.params.get("speaker", "")).strip()
                        and not self.claims[denier][1].source_ref):
                    self.voiced.add(denier)
            if a in self.claims and b in self.claims:
                tension = tuple(sorted({r.rule for r in link.reasons if r.rule in g.tension_rules}))
                notes = tuple(sorted({r.rule for r in link.reasons}))
                shared = any(r.params.get("shared_entities") for r in link.reasons if r.rule == "match.similarity")
                self.links[a].append(self._link(b, link.relation, tension, notes, shared))
                self.links[b].append(self._link(a, link.relation, tension, notes, shared))
        self._twins()
        by_text: dict[str, list[str]] = defaultdict(list)
        for cid in sorted(self.claims):
            by_text[self.claims[cid][1].text_key].append(cid)
        self.same_text = by_text
        self.evidence: dict[str, dict[str, dict[str, list[str]]]] = {}
        for cid in sorted(self.claims):
            self.evidence[cid] = self._evidence(cid)

    # -- origins ------------------------------------------------------------------------------

    def outlet_key(self, name: str) -> str:
        found = self.registry.resolve(name)
        return found.id if found is not None else norm_name(name)

    def _origins(self) -> None:
        arts = self.state.articles
        for aid in sorted(arts):
            outlet = arts[aid].outlet
            self.author[aid] = outlet
            if self.g.independence == "outlet" and outlet:
                self.origin[aid] = f"outlet:{self.outlet_key(outlet)}"
            else:
                self.origin[aid] = f"article:{aid}"
        self.copy_origin: dict[str, str] = {}  # copy article -> origin article in the corpus
        for group in self.previous.copies:
            members = [m.article for m in group.members]
            if group.origin.article is not None:
                members.append(group.origin.article)
            if group.origin.outlet and self.g.independence == "outlet":
                key = f"outlet:{self.outlet_key(group.origin.outlet)}"
            elif group.origin.article is not None and group.origin.article in self.origin:
                key = self.origin[group.origin.article]
            else:
                key = f"group:{group.id}"
            for m in members:
                if m in arts:
                    self.origin[m] = key
                    if group.origin.outlet:
                        self.author[m] = group.origin.outlet
                    if group.origin.article is not None and m != group.origin.article:
                        self.copy_origin[m] = group.origin.article
        self.origin_names: dict[str, str] = {}
        for aid in sorted(arts, reverse=True):
            if self.author.get(aid):
                self.origin_names[self.origin[aid]] = str(self.author[aid])

    def _link(self, other: str, relation: str, tension: tuple[str, ...], notes: tuple[str, ...] = (),
              shared: bool = True) -> Link:
        aid = self.claims[other][0]
        return Link(other, relation, self.origin[aid], self.author.get(aid), self.claim_source(other), tension,
                    notes, shared)

    def _twins(self) -> None:
        """A copy's claim takes the links of the same claim in its group's origin article."""
        for cid in sorted(self.claims):
            aid, facts = self.claims[cid]
            origin_article = self.copy_origin.get(aid)
            if origin_article is None or self.links.get(cid) or origin_article not in self.state.articles:
                continue
            for twin in self.state.articles[origin_article].claims:
                if twin.text_key == facts.text_key:
                    self.links[cid] = [lk for lk in self.links.get(twin.id, []) if lk.other != cid]
                    break

    def claim_source(self, cid: str) -> str | None:
        """The source a claim rests on: its attribution's source, else the outlet whose text it is."""
        aid, facts = self.claims[cid]
        if facts.source_ref:
            return facts.source_ref
        author = self.author.get(aid)
        return source_id("outlet", author) if author else None

    # -- evidence -----------------------------------------------------------------------------

    def _evidence(self, cid: str) -> dict[str, dict[str, list[str]]]:
        """``{"confirm"|"contradict"|"tension"|"same_source"|"same_origin": {origin: [claim ids]}}``."""
        aid, facts = self.claims[cid]
        own_origin, own_source = self.origin[aid], self.claim_source(cid)
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for other in self.same_text.get(facts.text_key, []):
            oaid = self.claims[other][0]
            if oaid != aid and self.origin[oaid] == own_origin:
                out["same_origin"][own_origin].append(other)
        for lk in sorted(self.links.get(cid, []), key=lambda x: x.other):
            if lk.origin == own_origin:
                if lk.other not in out["same_origin"][lk.origin]:
                    out["same_origin"][lk.origin].append(lk.other)
                continue
            if lk.relation in self.g.confirm_relations:
                other_numbers = self.claims[lk.other][1].numbers
                relayed = facts.quoted and self.claims[lk.other][1].quoted  # one speaker's words
                if not self.g.same_source_confirms and (relayed or (own_source and lk.source == own_source)):
                    out["same_source"][lk.origin].append(lk.other)
                    continue
                shared_number = bool(set(facts.numbers) & set(other_numbers))
                specific = (lk.shared or shared_number
                            or (lk.relation == "restates"
                                and len(facts.text_key.split()) >= self.g.restates_min_words))
                if (set(lk.notes) & self.g.confirm_blockers
                        or (facts.numbers and other_numbers and not shared_number)
                        or (self.g.confirm_needs_shared and not specific)):
                    out["not_confirming"][lk.origin].append(lk.other)
                elif self._apart(aid, self.claims[lk.other][0]):
                    out["other_time"][lk.origin].append(lk.other)
                elif facts.framed != self.claims[lk.other][1].framed:
                    out["denies"][lk.origin].append(lk.other)
                elif facts.type not in self.g.confirmable_types or facts.about_response:
                    out["repeated"][lk.origin].append(lk.other)
                else:
                    out["confirm"][lk.origin].append(lk.other)
            elif lk.relation in self.g.contradict_relations:
                out["contradict"][lk.origin].append(lk.other)
            elif lk.tension:
                out["tension"][lk.origin].append(lk.other)
        return {k: dict(v) for k, v in out.items()}

    def _apart(self, a: str, b: str) -> bool:
        """Whether two dated articles lie more than ``confirm_max_days_apart`` days apart (an
        undated one never does: nothing says it speaks of another time)."""
        limit = self.g.confirm_max_days
        if limit < 0:
            return False
        da, db = _day(self.state.articles[a].published), _day(self.state.articles[b].published)
        return da is not None and db is not None and abs((da - db).days) > limit

    # -- sources ------------------------------------------------------------------------------

    def sources(self) -> list[Source]:
        base: dict[str, Source] = {s.id: s for s in self.previous.sources}
        arts = self.state.articles
        for aid in sorted(arts):
            author = self.author.get(aid)
            if author and source_id("outlet", author) not in base:
                sid = source_id("outlet", author)
                base[sid] = Source(sid, "outlet", author, None, None, "F", "suggested", ())
        ev: dict[str, Evidence] = defaultdict(Evidence)
        for aid in sorted(arts):
            facts = arts[aid]
            author = self.author.get(aid)
            outlet_sid = source_id("outlet", author) if author else None
            if outlet_sid:
                ev[outlet_sid].articles.add(aid)
            for ref, _, _ in facts.refs:
                ev[ref].articles.add(aid)
                if facts.nonconfirmation:
                    ev[ref].nonconfirmation[aid] = facts.nonconfirmation
            for c in facts.claims:
                e = self.evidence[c.id]
                # A denial voiced by a speaker the outlet names ("ambassador dismisses reports of
                # P") shows no one wrong on its own: neither the outlet that reported the denial
                # nor the source of P. For the track records it is a tension, as it is for grades.
                contradicted = c.id not in self.voiced and any(
                    other not in self.voiced for others in e.get("contradict", {}).values() for other in others)
                for sid in {self.claim_source(c.id), outlet_sid} - {None}:
                    assert sid is not None
                    if e.get("confirm"):
                        ev[sid].confirmed.add(c.id)
                    if contradicted:
                        ev[sid].contradicted.add(c.id)
                    elif e.get("contradict") or e.get("tension"):
                        ev[sid].tension.add(c.id)
        two_sided = self.contradictions_observable()
        return [assess(base[sid], ev[sid], self.registry, self.rs, two_sided) for sid in sorted(base)]

    def contradictions_observable(self) -> bool:
        """Whether this corpus can show a claim wrong: a contradiction link exists (machine or
        reviewed), the links stage may emit one at its measured precision, or tensions count."""
        c = self.res.config
        if any(lk.relation in self.g.contradict_relations for lks in self.links.values() for lk in lks):
            return True
        if float(c["links.contradiction_precision"]) >= float(c["links.contradicts_min_precision"]):
            return True
        return self.rs.tension_weight > 0

    # -- grades -------------------------------------------------------------------------------

    def grades(self, sources: dict[str, Source]) -> list[Grade]:
        return [self.grade(cid, sources) for cid in sorted(self.claims)]

    def _reliability(self, sid: str | None, sources: dict[str, Source]) -> str:
        s = sources.get(sid or "")
        return s.reliability if s is not None else self.g.unknown

    def _origin_reliability(self, claims: list[str], sources: dict[str, Source]) -> str:
        """The best reliability among the sources of the claims one origin contributes."""
        letters = [self.g.unknown if c in self.voiced else self._reliability(self.claim_source(c), sources)
                   for c in claims]
        return min(letters, key=rank) if letters else self.g.unknown

    def grade(self, cid: str, sources: dict[str, Source]) -> Grade:
        g = self.g
        aid, facts = self.claims[cid]
        art = self.state.articles[aid]
        sid = self.claim_source(cid)
        reliability = self._reliability(sid, sources)
        e = self.evidence[cid]
        confirm, contradict, noted = e.get("confirm", {}), e.get("contradict", {}), e.get("tension", {})
        tension = noted if g.tension_doubtful else {}
        strong = {o: cs for o, cs in contradict.items()
                  if rank(r := self._origin_reliability(cs, sources)) <= rank(g.contradiction_min)
                  and more_reliable(r, reliability)}
        reasons: list[Reason] = []

        def reason(rule: str, params: dict[str, Any], records: Sequence[str], text: str) -> None:
            reasons.append(Reason(rule, VERSION, params, tuple(records), text))

        def origins_text(found: dict[str, list[str]]) -> str:
            return "; ".join(f"{self._origin_name(o)} ({', '.join(cs)})" for o, cs in sorted(found.items()))

        def ids(found: dict[str, list[str]]) -> list[str]:
            return sorted(c for cs in found.values() for c in cs)

        n_conf, n_contra = len(confirm), len(contradict)
        if n_conf >= g.confirmed_min and not strong:
            credibility, rule = 1, "confirmed"
            text = f"Confirmed by {n_conf} other independent origins: {origins_text(confirm)}."
        elif strong and len(strong) >= n_conf:
            credibility, rule = 5, "contradicted"
            text = (f"Contradicted by {len(strong)} more reliable independent origin(s): "
                    f"{origins_text(strong)}.")
        elif n_conf and (contradict or tension):
            credibility, rule = 3, "conflicting"
            text = (f"Confirmed by {origins_text(confirm)} but contradicted or in tension with "
                    f"{origins_text({**tension, **contradict})}.")
        elif contradict or tension:
            credibility, rule = 4, "doubtful"
            text = ("In tension with / contradicted by independent origins that do not make it "
                    f"improbable: {origins_text({**tension, **contradict})}.")
        elif n_conf >= g.probable_min:
            credibility, rule = 2, "probable"
            text = f"Confirmed by {n_conf} other independent origin: {origins_text(confirm)}."
        elif facts.type in g.unjudged_types:
            credibility, rule = 6, "unjudged_type"
            text = f"{_a(facts.type).capitalize()}, not a checkable fact, and nothing independent confirms it."
        elif g.nonconfirmation_unjudged and art.nonconfirmation:
            credibility, rule = 6, "unconfirmed_text"
            text = f"The article itself says it is not confirmed: '{art.nonconfirmation}'."
        elif facts.source_kind in UNNAMED_KINDS:
            credibility, rule = 6, "anonymous"
            text = f"Rests only on anonymous sourcing ('{facts.source_text}') and nothing independent confirms it."
        elif (facts.type == "fact" and facts.certainty == "certain" and reliability in g.possible_reliability
              and (facts.source_kind in g.on_record or facts.source_kind is None)):
            credibility, rule = 3, "single_origin"
            text = (f"A single origin: a certain statement from an on-record source rated {reliability} "
                    f"({RELIABILITY_WORDS[reliability]}), not confirmed elsewhere.")
        else:
            credibility, rule = 6, "unjudged"
            text = ("A single origin" + (f" whose source is rated {reliability}" if reliability != "F"
                                           else " whose source's reliability cannot be judged")
                    + (", hedged" if facts.certainty == "hedged" else "")
                    + ": nothing independent confirms or contradicts it.")
        reason(f"credibility.{rule}", {
            "credibility": credibility,
            "independent_confirmations": n_conf,
            "contradictions": n_contra,
            "tensions": len(noted),
            "confirmed_min_origins": g.confirmed_min,
            "confirming_origins": {self._origin_name(o): cs for o, cs in sorted(confirm.items())},
            "contradicting_origins": {self._origin_name(o): cs for o, cs in sorted(contradict.items())},
        }, [cid, *ids(confirm), *ids(contradict), *ids(noted)],
            f"{credibility} ({CREDIBILITY_WORDS[credibility]}): {text}")
        # The sourcing the analyst needs to see, whatever rule fired.
        if facts.source_kind in UNNAMED_KINDS and rule != "anonymous":
            reason("sourcing.anonymous", {"kind": facts.source_kind}, [cid],
                   f"The claim rests on anonymous sourcing: '{facts.source_text}'.")
        if art.nonconfirmation and rule != "unconfirmed_text":
            reason("sourcing.unconfirmed", {"cue": art.nonconfirmation}, [cid],
                   f"The article says its information is not confirmed: '{art.nonconfirmation}'.")
        if noted and not tension:
            reason("tension.noted", {"origins": sorted(noted)}, ids(noted),
                   f"In tension with {origins_text(noted)}, but a tension is not a contradiction "
                   "(its precision is not established), so it does not lower the grade.")
        if e.get("not_confirming"):
            reason("independence.not_confirming", {"origins": sorted(e["not_confirming"])},
                   ids(e["not_confirming"]),
                   "Similar claims that do not confirm it (other numbers, places or quantities, or "
                   "nothing specific in common): "
                   f"{origins_text(e['not_confirming'])}.")
        if e.get("denies"):
            reason("independence.denies", {"origins": sorted(e["denies"])}, ids(e["denies"]),
                   "Similar claims of which one denies or calls false what the other reports, so "
                   f"neither confirms the other: {origins_text(e['denies'])}.")
        if e.get("other_time"):
            reason("independence.other_time", {"origins": sorted(e["other_time"]),
                                               "max_days_apart": g.confirm_max_days},
                   ids(e["other_time"]),
                   f"Similar claims published more than {g.confirm_max_days:g} days apart, which do not "
                   f"confirm it (a war or a campaign repeats its events): {origins_text(e['other_time'])}.")
        if e.get("repeated"):
            what = "says who did not answer this outlet" if facts.about_response else f"is {_a(facts.type)}"
            reason("independence.repeated", {"origins": sorted(e["repeated"])}, ids(e["repeated"]),
                   f"Also said in other origins, which shows it was said, not that it is true "
                   f"(it {what}): {origins_text(e['repeated'])}.")
        if e.get("same_source"):
            reason("independence.same_source", {"origins": sorted(e["same_source"])}, ids(e["same_source"]),
                   "Also reported by other origins relaying the same source, which is one source, not "
                   f"independent confirmation: {origins_text(e['same_source'])}.")
        if e.get("same_origin"):
            reason("independence.same_origin", {"origin": sorted(e["same_origin"])}, ids(e["same_origin"]),
                   f"Repeated by copies or articles of the same origin, which count once: "
                   f"{origins_text(e['same_origin'])}.")
        src = sources.get(sid or "")
        name = src.name if src is not None else (facts.source_text or "no identified source")
        reason("reliability.source", {"source": sid, "reliability": reliability}, [cid],
               f"Source {name}: {reliability} ({RELIABILITY_WORDS.get(reliability, '')}).")
        return Grade(cid, sid, reliability, credibility, n_conf, n_contra,  # type: ignore[arg-type]
                     "suggested", None, tuple(reasons))

    def _origin_name(self, origin: str) -> str:
        kind, _, key = origin.partition(":")
        if kind == "outlet":
            found = self.registry.outlets.get(key)
            return found.name if found is not None else self.origin_names.get(origin, key)
        return f"{kind} {key}"


def _day(value: str | None) -> dt.date | None:
    """The calendar day of an ISO date or time stamp, or None."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
