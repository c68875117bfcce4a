"""The denial rule (contradiction.denial, contradiction.rules/2): a claim that puts a proposition
under a denial or refutation frame contradicts another origin's claim asserting that proposition;
it stays quiet on the near-misses (a negated or refused denial, an anaphoric object, a proposition
sharing only names, an asserting side that is hedged, negated or itself framed). Links: a denial
beyond the per-claim link limit is still linked, and ``contradicts`` needs the denial rule's own
measured precision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pytest

from admiralty.config import Config
from admiralty.corpus import CorpusPlan, analyse_corpus, contradiction
from admiralty.corpus.copies import Copies
from admiralty.corpus.links import Links
from admiralty.model import Article, Attribution, Claim, Entity, Span
from admiralty.resources import Resources


@dataclass(frozen=True)
class C:
    text: str
    entities: frozenset[str] = frozenset({"Russia", "Bucha"})
    type: str = "fact"
    certainty: str = "certain"
    polarity: str = "affirmed"
    published: str | None = "2022-04-04"
    times: tuple[str, ...] = ()
    quantities: tuple[tuple[Any, ...], ...] = field(default=())
    frame_cue: str = ""
    lead: str = ""


@pytest.fixture(scope="module")
def det(resources: Resources) -> Any:
    lex = contradiction.lexicons(resources)
    s = contradiction.Settings.from_config(resources)
    return lambda a, b: contradiction.detect(a, b, lex, s)


@pytest.fixture(scope="module")
def lex(resources: Resources) -> contradiction.Lexicons:
    return contradiction.lexicons(resources)


REPORT = C("Russian troops killed civilians in Bucha, Ukrainian officials said.")


def test_frames_and_what_they_deny(lex: contradiction.Lexicons) -> None:
    cases = {
        "Kremlin denies Ukrainian allegations its forces killed civilians near Kyiv":
            "its forces killed civilians near Kyiv",
        "Moscow vehemently denied that its troops shelled the hospital as the UN met.":
            "its troops shelled the hospital",
        "Ukraine denies claims by separatists that they have encircled the city.": "they have encircled the city",
        "There is no truth in reports that the minister resigned.": "minister resigned",
        "Officials dismissed reports of a cholera outbreak in the camp as propaganda.": "cholera outbreak in the camp",
        "Moscow claims accusations of a massacre by Russian forces are fake news": "massacre by Russian forces",
        "The president called the report on the deaths of civilians a fake.": "on the deaths of civilians",
        "Kremlin rejects U.S. claims Putin is being misled by advisers.": "Putin is being misled by advisers",
        "The ambassador dismissed reports of an attack on the plant.": "attack on the plant",
    }
    for text, denied in cases.items():
        f = contradiction.frame(text, lex)
        assert f is not None and f.content == denied, (text, f)
    for text in ("The White House did not deny that the talks collapsed.",
                 "The spokesman refused to deny the report.",
                 "Ukraine accuses Russia of a massacre; Moscow denies it",
                 "The minister was dismissed as head of the agency.",
                 "Russian troops staged a massacre of civilians.",  # "staged" = carried out, no copula
                 "Russia launched a false campaign to hide its guilt",
                 # rules/3: "reject" / "dismiss" of a thing done is a refusal, not a denial of a report
                 "Turkey rejects Russia's annexation of Ukrainian territory",
                 "The court rejected the petition to change the measure of restraint",
                 "The judge dismissed the lawsuit against the governor"):
        assert contradiction.frame(text, lex) is None, text
    # The attribution cue outside the span frames the whole claim; so does a frame before it.
    f = contradiction.frame_of(C("its forces killed civilians in Bucha", frame_cue="denied"), lex)
    assert f is not None and f.kind == "attribution"
    f = contradiction.frame_of(C("the killing in Bucha occurred after the soldiers left.",
                                 lead="A satellite image disproves Russia's claim that "), lex)
    assert f is not None and f.content.startswith("the killing")


def test_denial_contradicts_the_report_it_denies(det: Any) -> None:
    denial = C("Russia denies its forces killed civilians in Bucha as Western leaders condemn the images.")
    found = det(denial, REPORT)
    assert found is not None and found.rule == "contradiction.denial"
    assert found.params["denial"] == "a" and found.params["denied"] == "its forces killed civilians in Bucha"
    assert det(REPORT, denial) is not None and det(REPORT, denial).params["denial"] == "b"  # symmetric
    # A gerund's agent is the speaker: Russia must be the one said to kill.
    gerund = C("Russia denies killing civilians in Bucha.")
    assert det(gerund, REPORT) is not None
    assert det(gerund, C("Civilians were killed in Bucha, the mayor said.")) is None
    # A refutation of a claim contradicts whoever asserts it.
    rebut = C("A satellite analysis rebuts claims by Russia that the killing of civilians in Bucha occurred "
              "after its soldiers had left the town.")
    assert det(rebut, C("The killing of civilians in Bucha occurred after Russian soldiers had left the town.")) \
        is not None


def test_denial_near_misses(det: Any) -> None:
    denial = C("Russia denies its forces killed civilians in Bucha.")
    # Only the names in common: what is denied is not what is asserted.
    assert det(denial, C("Russian forces left Bucha on Wednesday.")) is None
    # The asserting side must assert: hedged, negated, an opinion, a question, itself a denial.
    assert det(denial, replace(REPORT, certainty="hedged")) is None
    assert det(denial, replace(REPORT, type="opinion")) is None
    assert det(denial, C("Russian troops did not kill civilians in Bucha.")) is None
    assert det(denial, C("Did Russian troops kill civilians in Bucha?")) is None
    assert det(denial, C("The Kremlin rejected claims that its troops killed civilians in Bucha.")) is None
    assert det(denial, C("Moscow says the killing of civilians in Bucha by Russian troops is fake.")) is None
    # Framed before its span ("disproves the claim that" + the claim): not an assertion either.
    assert det(denial, replace(REPORT, lead="Investigators disproved the claim that ")) is None
    # No shared name, or too far apart in time.
    assert det(denial, replace(REPORT, entities=frozenset({"Kyiv"}))) is None
    assert det(denial, replace(REPORT, published="2022-05-20")) is None
    # Two denials of the same thing agree.
    assert det(denial, C("Moscow denied that Russian troops killed civilians in Bucha.")) is None


def _article(loc: str, text: str, outlet: str, vec: np.ndarray, cue: tuple[int, int] | None = None) -> Article:
    a = Article.new(locator=loc, text=text)
    ents = tuple(Entity(text.index(t), text.index(t) + len(t), t, "GPE", t) for t in ("Bucha",) if t in text)
    claim = Claim(f"{a.id}:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
    atts: tuple[Attribution, ...] = ()
    if cue is not None:
        atts = (Attribution(f"{a.id}:a1", "indirect", "test", None, None,
                            Span(cue[0], cue[1], text[cue[0]:cue[1]]), ()),)
    return replace(a, language="en", entities=ents, claims=(claim,), attributions=atts, outlet=outlet,
                   published="2022-04-04",
                   claim_vectors=(vec / np.linalg.norm(vec)).astype(np.float32)[None, :])


def _corpus() -> list[Article]:
    rng = np.random.default_rng(5)
    base = rng.normal(size=64)
    denial = _article("den", "Russia denies its forces killed civilians in Bucha.", "Wire A", base)
    # Four other reports of the denial are closer to it than the report it denies.
    echoes = [_article(f"echo{k}", f"Moscow denies its soldiers killed civilians in Bucha, report {k}.",
                       f"Outlet {k}", base + 0.05 * rng.normal(size=64)) for k in range(4)]
    report = _article("rep", "Russian troops killed civilians in Bucha.", "Kyiv Daily",
                      base + 0.9 * rng.normal(size=64))
    return [denial, *echoes, report]


PLAN = CorpusPlan((Copies(), Links()))


def test_denial_linked_beyond_the_link_limit_and_contradicts_only_at_its_precision() -> None:
    arts = _corpus()
    denial, report = arts[0], arts[-1]
    pair = tuple(sorted((denial.claims[0].id, report.claims[0].id)))
    off = Resources(Config.load(overrides=["links.max_links_per_claim=1"]))
    found = {lk.claims: lk for lk in analyse_corpus(arts, off, PLAN).claim_links}
    assert pair in found, "the denied report is linked although the denial's one slot is taken"
    link = found[pair]
    assert link.relation == "related"
    rules = {r.rule: r for r in link.reasons}
    assert rules["contradiction.withheld"].params["detected"] == "contradiction.denial"
    on = Resources(Config.load(overrides=["links.max_links_per_claim=1", "links.contradiction_denial_precision=0.95"]))
    result = analyse_corpus(arts, on, PLAN)
    link = {lk.claims: lk for lk in result.claim_links}[pair]
    assert link.relation == "contradicts"
    # The same links whatever the input order or partitioning.
    again = analyse_corpus(list(reversed(arts)), on, PLAN, partitions=3)
    assert again.claim_links == result.claim_links
    # No extra links at all when they are switched off.
    none = Resources(Config.load(overrides=["links.max_links_per_claim=1", "links.contradiction_denial_max_links=0"]))
    assert pair not in {lk.claims for lk in analyse_corpus(arts, none, PLAN).claim_links}


def test_a_denial_reported_in_an_outlets_voice_weighs_as_its_speaker_not_the_outlet() -> None:
    """A B-rated outlet writes "Russian ambassador dismisses reports of an attack on the plant" in
    its own voice; an E-rated outlet reports the attack. The denier is the ambassador (unknown), not
    the outlet: the report is not made improbable (5). When the outlet itself asserts the attack and
    an E-rated outlet calls it fake in its own voice (no speaker named), the outlet's rating counts."""
    from admiralty.corpus.grade import Grades
    from admiralty.corpus.sources import Sources
    from admiralty.registry import Rating, analyst_context

    def art(loc: str, outlet: str, text: str) -> Article:
        a = Article.new(locator=loc, text=text)
        ents = tuple(Entity(text.index(t), text.index(t) + len(t), t, "FAC", t) for t in ("Zaporizhzhia",))
        claim = Claim(f"{a.id}:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
        return replace(a, language="en", outlet=outlet, published="2022-03-04", entities=ents, claims=(claim,),
                       claim_vectors=np.full((1, 8), 8 ** -0.5, np.float32))

    plan = CorpusPlan((Copies(), Links(), Sources(), Grades()))
    ratings = {"Northgate Herald": Rating("B", "high", "test"), "Coastal Wire": Rating("E", "low", "test")}

    records: dict[str, dict[str, Any]] = {}

    def grades(arts: list[Article]) -> dict[str, Any]:
        res = Resources(Config.load(overrides=["links.contradiction_denial_precision=0.95"]))
        analyst_context(res).ratings.update(ratings)
        result = analyse_corpus(arts, res, plan)
        assert [lk.relation for lk in result.claim_links] == ["contradicts"]
        records.clear()  # each outlet's track record, as its reasons give it
        for src in result.sources:
            for r in src.reasons:
                if "contradicted" in r.params:
                    records[src.name] = {k: r.params[k] for k in ("contradicted", "tension")}
        return {g.claim: g for g in result.grades}

    voiced = art("d", "Northgate Herald", "The Russian ambassador dismissed reports of a Russian attack on the "
                                          "Zaporizhzhia nuclear plant.")
    report = art("r", "Coastal Wire", "A Russian attack hit the Zaporizhzhia nuclear plant.")
    assert grades([voiced, report])[report.claims[0].id].credibility != 5
    # Nor does the ambassador's denial show either outlet wrong: a tension in both track records.
    assert records == {name: {"contradicted": 0, "tension": 1} for name in ratings}
    own = art("o", "Coastal Wire", "Reports of a Russian attack on the Zaporizhzhia nuclear plant are fake.")
    asserted = art("a", "Northgate Herald", "A Russian attack hit the Zaporizhzhia nuclear plant.")
    assert grades([own, asserted])[own.claims[0].id].credibility == 5
    assert records == {name: {"contradicted": 1, "tension": 0} for name in ratings}
