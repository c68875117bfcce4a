"""Admiralty grades end to end on the seeds and the example articles: who is F and why, which
claims are confirmed by independent origins, and determinism under input order and partitioning."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import admiralty
from admiralty.corpus import analyse_corpus
from admiralty.corpus.grade import misp_tags, stix_confidence
from admiralty.model import Document, Grade

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def doc(seeds: Path, resources) -> Document:  # type: ignore[no-untyped-def]
    return admiralty.analyze([str(EXAMPLES), str(seeds)], resources=resources)


def _by_file(doc: Document) -> dict[str, Any]:
    return {Path(a.input).name: a for a in doc.articles}


def _grades(doc: Document, name: str) -> list[Grade]:
    art = _by_file(doc)[name]
    return [g for g in doc.grades if g.claim.startswith(art.id + ":")]


def test_seed_000_sources_are_f_with_anonymity_and_nonconfirmation(doc: Document) -> None:
    art = _by_file(doc)["000_6566a4fbb04137db.txt"]
    refs = {a.source.ref for a in art.attributions if a.source is not None}
    assert refs, "no sources found in seed 000"
    sources = [s for s in doc.sources if s.id in refs]
    assert len(sources) == len(refs)
    for s in sources:
        assert s.reliability == "F", s
        rules = {r.rule for r in s.reasons}
        assert "reliability.anonymous" in rules, s.reasons
        assert "reliability.unconfirmed_in_text" in rules, s.reasons
        text = " ".join(r.text for r in s.reasons)
        assert "anonymous" in text and "official confirmation" in text


def test_seed_000_claims_cannot_be_judged(doc: Document) -> None:
    grades = _grades(doc, "000_6566a4fbb04137db.txt")
    assert grades
    assert {g.credibility for g in grades} == {6}
    for g in grades:
        text = " ".join(r.text for r in g.reasons)
        assert "official confirmation" in text, g.reasons
    anonymous = [g for g in grades if any(r.rule in ("sourcing.anonymous", "credibility.anonymous")
                                          for r in g.reasons)]
    assert len(anonymous) >= 5


def test_seed_003_origin_is_rt_with_registry_facts(doc: Document) -> None:
    rt = [s for s in doc.sources if s.kind == "outlet" and s.registry and s.registry["id"] == "rt"]
    assert len(rt) == 1
    facts = rt[0].registry["facts"]  # type: ignore[index]
    fields = {f["field"] for f in facts}
    assert {"ownership", "country", "eu_suspension"} <= fields
    for f in facts:
        assert f["source"]["title"] and f["source"]["url"].startswith("http")
    art = _by_file(doc)["003_e9579f8486474fbb.txt"]
    own = [g for g in _grades(doc, "003_e9579f8486474fbb.txt")
           if next(c for c in art.claims if c.id == g.claim).attribution is None]
    assert own and all(g.source == rt[0].id for g in own), "the outlet's own claims rest on RT"


def test_seed_003_named_outlets_resolve(doc: Document) -> None:
    names = {s.registry["id"] for s in doc.sources if s.kind == "outlet" and s.registry}
    assert {"rt", "the-telegraph"} <= names


def test_example_claim_confirmed_by_two_independent_origins_is_1(doc: Document) -> None:
    arts = _by_file(doc)
    herald = arts["01-northgate-herald-port-strike.txt"]
    claim = next(c for c in herald.claims if "closed since Monday" in c.text)
    grade = next(g for g in doc.grades if g.claim == claim.id)
    assert grade.credibility == 1 and grade.independent_confirmations >= 2
    rule = grade.reasons[0]
    assert rule.rule == "credibility.confirmed" and len(rule.records) >= 3


def test_example_claim_repeated_only_by_a_copy_is_not_1(doc: Document) -> None:
    arts = _by_file(doc)
    wire, reprint = arts["02-coastal-wire-port-strike.txt"], arts["03-daily-ledger-port-strike-reprint.txt"]
    for art in (wire, reprint):
        claim = next(c for c in art.claims if "stalled on Wednesday" in c.text)
        grade = next(g for g in doc.grades if g.claim == claim.id)
        assert grade.credibility != 1 and grade.independent_confirmations == 0
        assert any(r.rule == "independence.same_origin" for r in grade.reasons), grade.reasons


def test_anonymous_example_post_is_f_and_6(doc: Document) -> None:
    grades = _grades(doc, "04-harbour-voice-channel-post.txt")
    assert grades and {g.credibility for g in grades} == {6}


def test_every_grade_has_typed_reasons(doc: Document) -> None:
    assert len(doc.grades) == sum(len(a.claims) for a in doc.articles)
    for g in doc.grades:
        assert g.reasons and g.reasons[0].rule.startswith("credibility.")
        assert g.claim in g.reasons[0].records
        assert g.reasons[0].params["credibility"] == g.credibility
        assert all(r.text and r.version for r in g.reasons)


def test_stix_and_misp_mappings() -> None:
    assert [stix_confidence(n) for n in range(1, 7)] == [90, 70, 50, 30, 10, None]
    g = Grade("x:c1", None, "B", 2, 1, 0, "suggested", None, ())
    assert misp_tags(g) == ['admiralty-scale:source-reliability="b"',
                            'admiralty-scale:information-credibility="2"']


def _signature(result: Any) -> tuple[Any, ...]:
    return (
        tuple((g.claim, g.source, g.reliability, g.credibility, g.independent_confirmations,
               g.contradictions, tuple(r.rule for r in g.reasons)) for g in result.grades),
        tuple((s.id, s.reliability) for s in result.sources),
    )


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), partitions=st.integers(1, 4))
def test_grades_do_not_depend_on_order_or_partitioning(doc: Document, resources, seed: int,  # type: ignore[no-untyped-def]
                                                       partitions: int) -> None:
    reference = _signature(doc)
    items = list(doc.articles)
    random.Random(seed).shuffle(items)
    assert _signature(analyse_corpus(items, resources, partitions=partitions)) == reference


def test_a_quotation_carried_by_other_outlets_is_one_source(tmp_path: Path, resources) -> None:  # type: ignore[no-untyped-def]
    import json

    from admiralty.corpus.grade import quoted
    from admiralty.model import Article

    quote = "The port of Norhaven will stay closed until the ministry withdraws its plan"
    lines = [
        {"id": f"q{i}", "outlet": outlet, "title": f"Strike {i}",
         "text": f"{lead}\n\n\u201c{quote},\u201d union leader Tomas Varga told reporters on Tuesday.\n"}
        for i, (outlet, lead) in enumerate([
            ("Northgate Herald", "Dock workers kept the port of Norhaven shut on Tuesday."),
            ("Coastal Wire", "The strike at Norhaven's port went on for a second day."),
            ("Harbour Times", "Norhaven's harbour stayed closed as the dock strike continued."),
        ])
    ]
    src = tmp_path / "quotes.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", "utf-8")
    doc = admiralty.analyze([str(src)], resources=resources)
    quoted_claims = [c for a in doc.articles for c in a.claims if "stay closed until" in c.text]
    assert len(quoted_claims) == 3
    for claim in quoted_claims:
        grade = next(g for g in doc.grades if g.claim == claim.id)
        assert grade.credibility != 1 and grade.independent_confirmations == 0, grade.reasons

    text = 'He said "the port is shut" and left. It rained.'
    article = Article.new(locator="t", text=text)
    inside, outside = text.index("the port"), text.index("It rained")
    assert quoted(article, inside, inside + 8) and not quoted(article, outside, outside + 9)


def test_grade_5_when_a_more_reliable_rated_outlet_contradicts() -> None:
    """An imported rating (B) for the contradicting outlet, E for the claim's: the claim is 5, with
    the contradicting origin in its reasons; without the ratings it is not 5 (F is not more
    reliable than F)."""
    from dataclasses import replace

    import numpy as np

    from admiralty.config import Config
    from admiralty.corpus import CorpusPlan
    from admiralty.corpus.copies import Copies
    from admiralty.corpus.grade import Grades
    from admiralty.corpus.links import Links
    from admiralty.corpus.sources import Sources
    from admiralty.corpus.stories import Stories
    from admiralty.model import Article, Claim, Entity
    from admiralty.registry import Rating, analyst_context
    from admiralty.resources import Resources

    def article(outlet: str, text: str) -> Article:
        a = Article.new(locator=outlet, text=text)
        ents = tuple(Entity(text.index(t), text.index(t) + len(t), t, label, t)
                     for t, label in (("Sanders", "PERSON"), ("Oklahoma", "GPE")))
        claim = Claim(f"{a.id}:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
        return replace(a, language="en", outlet=outlet, published="2016-03-02", entities=ents, claims=(claim,),
                       claim_vectors=np.full((1, 8), 8 ** -0.5, np.float32))

    rated = article("Northgate Herald", "Sanders did not win the Democratic primary in Oklahoma on Tuesday.")
    weak = article("Coastal Wire", "Sanders won the Democratic primary in Oklahoma on Tuesday.")
    plan = CorpusPlan((Copies(), Stories(), Links(), Sources(), Grades()))

    def grades(ratings: dict[str, Rating]) -> dict[str, Any]:
        res = Resources(Config.load(overrides=["links.contradiction_precision=0.95"]))
        analyst_context(res).ratings.update(ratings)
        result = analyse_corpus([rated, weak], res, plan)
        assert [lk.relation for lk in result.claim_links] == ["contradicts"]
        return {g.claim: g for g in result.grades}

    graded = grades({"Northgate Herald": Rating("B", "high", "test"), "Coastal Wire": Rating("E", "low", "test")})
    g = graded[weak.claims[0].id]
    assert g.credibility == 5 and g.contradictions == 1
    assert g.reasons[0].rule == "credibility.contradicted" and rated.claims[0].id in g.reasons[0].records
    assert graded[rated.claims[0].id].credibility == 4  # contradicted by a less reliable origin

    unrated = grades({})
    assert all(x.credibility != 5 for x in unrated.values())


def test_a_confirmation_published_long_after_is_another_event() -> None:
    """The same statement of three outlets confirms a claim when they are published within
    ``confirm_max_days_apart`` days; one published a month later is another event (the next
    shelling of the same city) and is named as such, not counted; an undated one still counts."""
    from dataclasses import replace

    import numpy as np

    from admiralty.config import Config
    from admiralty.corpus import CorpusPlan
    from admiralty.corpus.copies import Copies
    from admiralty.corpus.grade import Grades
    from admiralty.corpus.links import Links
    from admiralty.corpus.sources import Sources
    from admiralty.corpus.stories import Stories
    from admiralty.model import Article, Claim, Entity
    from admiralty.resources import Resources

    text = "Russian missiles hit the city of Zaporizhzhia in the morning, damaging houses."

    def article(outlet: str, published: str | None) -> Article:
        body = f"{text} Reported by {outlet}."
        a = Article.new(locator=outlet, text=body)
        ents = (Entity(body.index("Zaporizhzhia"), body.index("Zaporizhzhia") + 12, "Zaporizhzhia", "GPE",
                       "Zaporizhzhia"),)
        claim = Claim(f"{a.id}:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
        return replace(a, language="en", outlet=outlet, published=published, entities=ents, claims=(claim,),
                       claim_vectors=np.full((1, 8), 8 ** -0.5, np.float32))

    def grade_of(arts: list[Article], days: int) -> Any:
        res = Resources(Config.load(overrides=[f"grading.confirm_max_days_apart={days}"]))
        result = analyse_corpus(arts, res, CorpusPlan((Copies(), Stories(), Links(), Sources(), Grades())))
        return next(g for g in result.grades if g.claim == arts[0].claims[0].id)

    claim = article("Northgate Herald", "2022-10-06")
    near = article("Coastal Wire", "2022-10-07")
    later = article("Harbour Times", "2022-11-06")
    undated = article("Daily Ledger", None)
    g = grade_of([claim, near, later], 3)
    assert g.credibility == 2 and g.independent_confirmations == 1, g.reasons
    other = next(r for r in g.reasons if r.rule == "independence.other_time")
    assert later.claims[0].id in other.records and near.claims[0].id not in other.records
    assert grade_of([claim, near, later], -1).credibility == 1  # no limit: the old behaviour
    assert grade_of([claim, near, undated], 3).credibility == 1


def test_a_denial_does_not_confirm_what_it_calls_false() -> None:
    """A claim that calls a report false ("reports of a massacre ... are fake news") shares the
    report's words and may be linked to it as support; it never confirms a claim without such a
    frame, nor the other way, and the grade names it (``independence.denies``)."""
    from dataclasses import replace

    import numpy as np

    from admiralty.config import Config
    from admiralty.corpus import CorpusPlan
    from admiralty.corpus.copies import Copies
    from admiralty.corpus.grade import Grades
    from admiralty.corpus.links import Links
    from admiralty.corpus.sources import Sources
    from admiralty.corpus.stories import Stories
    from admiralty.model import Article, Claim, Entity
    from admiralty.resources import Resources

    def article(outlet: str, text: str) -> Article:
        a = Article.new(locator=outlet, text=text)
        at = text.index("Bucha")
        claim = Claim(f"{a.id}:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
        return replace(a, language="en", outlet=outlet, published="2022-04-07",
                       entities=(Entity(at, at + 5, "Bucha", "GPE", "Bucha"),), claims=(claim,),
                       claim_vectors=np.full((1, 8), 8 ** -0.5, np.float32))

    arts = [article("Northgate Herald", "Russian radio messages discussed the killings of civilians in Bucha."),
            article("Coastal Wire", "Intercepted radio traffic has Russian soldiers talk of shooting people in Bucha."),
            article("Harbour Times", "German intelligence heard Russian troops describe killing residents of Bucha."),
            article("Daily Ledger", "Accusations of a massacre in Bucha by Russian troops are fake news."),
            article("Harbour Voice", "The Kremlin dismissed reports of a massacre in Bucha as fake news.")]
    result = analyse_corpus(arts, Resources(Config.load()), CorpusPlan((Copies(), Stories(), Links(), Sources(),
                                                                         Grades())))
    reports, denials = {a.claims[0].id for a in arts[:3]}, {a.claims[0].id for a in arts[3:]}
    named = set()
    for g in result.grades:
        confirming = {c for r in g.reasons if r.rule.startswith("credibility.") for c in r.records} - {g.claim}
        assert not confirming & (denials if g.claim in reports else reports), g.reasons
        named |= {c for r in g.reasons if r.rule == "independence.denies" for c in r.records}
    assert named & denials and named & reports  # the path was taken both ways
