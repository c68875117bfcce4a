"""Source reliability A-F: the registry prior, updated by the source's track record in the corpus.

For each entry of the ``sources`` block:

1. **Anonymous and unnamed sources** ("sources say", "our informants", "a senior official") are
   ``F``: nothing identifies them, so there is no basis to judge them (DESIGN.md). When the article
   itself says its information is not confirmed ("have not yet provided official confirmation"),
   the reasons say so too.
2. **The prior**: an outlet the registry knows may carry a rating the analyst imported or wrote
   (``reliability.registry_rating``), else a letter that a cited registry fact gives through
   ``[registry] fact_priors`` (``reliability.fact_prior``). Everyone else has no prior (``F``).
3. **The track record**: how many of the source's claims independent origins confirm (``c``),
   contradict (``k``) or stand in tension with (``t``, a contradiction withheld for precision,
   weighted by ``tension_weight``). A Beta update: the prior letter's mean ``m0`` with weight
   ``n0`` (``prior_strength``) gives ``(m0 n0 + c) / (n0 + c + k + w t)``, read back as a letter
   through ``letter_floor``. The record moves a prior only from ``min_evidence`` claims of
   evidence; a source with no prior gets a letter only from ``min_evidence_unrated`` claims, and
   never better than ``track_record_best`` (being echoed is not being accurate). When the corpus
   cannot show a source wrong at all (no ``contradicts`` link, none can be emitted at the links
   stage's measured precision, and tensions weigh nothing), the record is one-sided: it is
   reported and moves nothing.

Everything is computed in one pass from what the corpus stages before it produced (claim links,
copies) -- never from the claim grades this feeds, so there is no cycle. An analyst's review
replaces the machine's letter afterwards (:mod:`admiralty.review`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import RELIABILITY_WORDS, Reason, Source
from ..registry import Outlet, Registry
from ..resources import Resources

VERSION = "reliability.beta/1"
ORDER = "ABCDEF"
UNNAMED_KINDS = ("anonymous", "unnamed_official")


def rank(letter: str) -> int:
    """A=0 ... E=4; F (not judged) ranks after everything."""
    return ORDER.index(letter) if letter in ORDER else len(ORDER)


def more_reliable(a: str, b: str) -> bool:
    """Whether a judged letter ``a`` is more reliable than ``b`` (anything judged beats F)."""
    return a != "F" and rank(a) < rank(b)


@dataclass
class Evidence:
    """What the corpus says about one source."""

    articles: set[str] = field(default_factory=set)
    confirmed: set[str] = field(default_factory=set)  # claim ids confirmed by independent origins
    contradicted: set[str] = field(default_factory=set)
    tension: set[str] = field(default_factory=set)
    nonconfirmation: dict[str, str] = field(default_factory=dict)  # article id -> cue text


@dataclass(frozen=True)
class Settings:
    letter_mean: dict[str, float]
    letter_floor: dict[str, float]
    prior_strength: float
    min_evidence: float
    min_evidence_unrated: float
    track_record_best: str
    tension_weight: float
    fact_priors: dict[str, str]
    unknown: str

    @classmethod
    def from_config(cls, res: Resources) -> Settings:
        c = res.config
        return cls(
            letter_mean={k.upper(): float(v) for k, v in dict(c["reliability.letter_mean"]).items()},
            letter_floor={k.upper(): float(v) for k, v in dict(c["reliability.letter_floor"]).items()},
            prior_strength=float(c["reliability.prior_strength"]),
            min_evidence=float(c["reliability.min_evidence"]),
            min_evidence_unrated=float(c["reliability.min_evidence_unrated"]),
            track_record_best=str(c["reliability.track_record_best"]).upper(),
            tension_weight=float(c["reliability.tension_weight"]),
            fact_priors={k: str(v).upper() for k, v in dict(c["registry.fact_priors"]).items()},
            unknown=str(c["grading.unknown_reliability"]),
        )

    def letter(self, mean: float) -> str:
        for letter in sorted(self.letter_floor, key=rank):
            if mean >= self.letter_floor[letter]:
                return letter
        return "E"


def _r(rule: str, params: dict[str, Any], records: Iterable[str], text: str) -> Reason:
    return Reason(rule, VERSION, params, tuple(sorted(records)), text)


def prior(outlet: Outlet | None, s: Settings) -> tuple[str | None, Reason | None]:
    """The prior letter of an outlet and the reason, or ``(None, None)``."""
    if outlet is None:
        return None, None
    if outlet.rating is not None and outlet.rating.reliability in ORDER:
        letter = outlet.rating.reliability
        label = f" ('{outlet.rating.label}')" if outlet.rating.label else ""
        return (letter if letter != "F" else None), _r(
            "reliability.registry_rating",
            {"letter": letter, "label": outlet.rating.label, "origin": outlet.rating.origin}, (),
            f"{outlet.name} is rated {letter}{label} by the analyst's ratings ({outlet.rating.origin}).")
    for fact_field in sorted(s.fact_priors):
        facts = outlet.facts_of(fact_field)
        if facts:
            letter = s.fact_priors[fact_field]
            f = facts[0]
            return letter, _r(
                "reliability.fact_prior", {"fact": fact_field, "letter": letter, "url": f.url}, (),
                f"Prior {letter} ({RELIABILITY_WORDS.get(letter, '')}) from a cited registry fact: "
                f"{f.value} ({f.title}, {f.url}).")
    return None, None


def identity_reason(outlet: Outlet) -> Reason:
    facts = "; ".join(f"{f.field}: {f.value} [{f.title}]" for f in outlet.facts) or "no sourced facts"
    return _r("registry.identity", {"id": outlet.id, "facts": len(outlet.facts)}, (),
              f"Registry entry {outlet.name}: {facts}.")


def assess(source: Source, ev: Evidence, registry: Registry, s: Settings, two_sided: bool = True) -> Source:
    """The source with its registry entry, reliability letter and reasons.

    ``two_sided`` says whether the corpus can show a source being wrong (contradictions are
    emitted, reviewed in, or tensions are weighted). When it cannot, confirmations alone would
    only ever raise letters, so the track record is reported but moves nothing."""
    reasons: list[Reason] = []
    outlet = registry.resolve(source.name) if source.kind == "outlet" else None
    if source.kind in UNNAMED_KINDS:
        reasons.append(_r("reliability.anonymous", {"kind": source.kind}, ev.articles,
                          f"'{source.name}' is not named (anonymous sourcing): an unnamed source's "
                          "reliability cannot be judged."))
        for art in sorted(ev.nonconfirmation):
            reasons.append(_r("reliability.unconfirmed_in_text", {"cue": ev.nonconfirmation[art]}, (art,),
                              f"The article itself says its information is not confirmed: "
                              f"'{ev.nonconfirmation[art]}'."))
        return _replace(source, outlet, "F", reasons)
    if outlet is not None:
        reasons.append(identity_reason(outlet))
    letter0, why = prior(outlet, s)
    if why is not None:
        reasons.append(why)
    c, k, t = len(ev.confirmed), len(ev.contradicted), len(ev.tension)
    n = c + k + s.tension_weight * t
    records = ev.confirmed | ev.contradicted | ev.tension
    record = {"confirmed": c, "contradicted": k, "tension": t, "evidence": round(n, 4)}
    if not two_sided and n:
        reasons.append(_r("reliability.one_sided_record", record, records,
                          f"Track record: {c} claims confirmed by independent origins, but this corpus "
                          "cannot show a claim contradicted (no contradiction is emitted at the "
                          "required precision), so confirmations alone move no grade."))
        n = 0.0
    if letter0 is not None:
        m0 = s.letter_mean.get(letter0, 0.5)
        mean = (m0 * s.prior_strength + c) / (s.prior_strength + n)
        if n >= s.min_evidence:
            letter = s.letter(mean)
            reasons.append(_r("reliability.track_record", {**record, "prior": letter0, "mean": round(mean, 4)},
                              records,
                              f"Track record: {c} claims confirmed, {k} contradicted, {t} in tension by "
                              f"independent origins; with the prior {letter0} the expected share that "
                              f"holds is {mean:.2f}: {letter}."))
        else:
            letter = letter0
            reasons.append(_r("reliability.thin_record", {**record, "min_evidence": s.min_evidence}, records,
                              f"Track record too thin to move the prior ({n:g} claims of evidence, "
                              f"{s.min_evidence:g} needed): {letter0} stands."))
        return _replace(source, outlet, letter, reasons)
    if n >= s.min_evidence_unrated:
        mean = (1.0 + c) / (2.0 + n)
        letter = s.letter(mean)
        if rank(letter) < rank(s.track_record_best):
            letter = s.track_record_best
        reasons.append(_r("reliability.track_record", {**record, "prior": None, "mean": round(mean, 4),
                                                        "best": s.track_record_best}, records,
                          f"No prior; track record: {c} claims confirmed, {k} contradicted, {t} in "
                          f"tension by independent origins (expected share that holds {mean:.2f}); "
                          f"corroboration alone gives at best {s.track_record_best}: {letter}."))
        return _replace(source, outlet, letter, reasons)
    detail = (f" (track record: {c} confirmed, {k} contradicted, {t} in tension; "
              f"{s.min_evidence_unrated:g} claims of evidence needed)") if n else ""
    reasons.append(_r("reliability.unknown", {**record}, records,
                      f"No rating and too little track record for {source.name}: reliability cannot "
                      f"be judged{detail}."))
    return _replace(source, outlet, s.unknown, reasons)


def _replace(source: Source, outlet: Outlet | None, letter: str, reasons: list[Reason]) -> Source:
    return Source(source.id, source.kind, source.name, source.outlet,
                  outlet.as_json() if outlet is not None else None,
                  letter, "suggested", tuple(reasons))  # type: ignore[arg-type]
