"""Claim links: matching across independent articles, typed reasons, never a copy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from admiralty.corpus import CorpusPlan, analyse_corpus
from admiralty.corpus.copies import Copies
from admiralty.corpus.links import Links
from admiralty.corpus.stories import Stories
from admiralty.model import Article, Claim, Entity, Quantity
from admiralty.resources import Resources
from test_stories import analysed_seeds

PLAN = CorpusPlan((Copies(), Stories(), Links()))


def test_seeds_linked_related_with_the_tension_not_a_contradiction(seeds: Path, resources: Resources) -> None:
    arts = analysed_seeds(seeds, resources)
    result = analyse_corpus(arts, resources, PLAN)
    ids = {a.id for a in arts}
    assert result.claim_links, "the seeds share claims about Western troops and Ukraine"
    assert all(link.relation != "contradicts" for link in result.claim_links)
    for link in result.claim_links:
        assert {c.split(":")[0] for c in link.claims} == ids  # across the two articles only
    tense = [lk for lk in result.claim_links if any(r.rule.startswith("tension.") for r in lk.reasons)]
    assert tense and all(lk.relation == "related" for lk in tense)
    assert any(r.rule == "contradiction.withheld" for r in tense[0].reasons)


def _article(loc: str, sentence: str, ents: list[tuple[str, str]], qty: tuple[str, float, str] | None,
             vec: np.ndarray) -> Article:
    a = Article.new(locator=loc, text=sentence)
    entities = tuple(
        Entity(sentence.index(t), sentence.index(t) + len(t), t, label, t) for t, label in ents
    )
    quantities = ()
    if qty is not None:
        start = sentence.index(qty[0])
        quantities = (Quantity(start, start + len(qty[0]), qty[0], qty[1], None, None, qty[2]),)
    claim = Claim(f"{a.id}:c1", 0, len(sentence), sentence, "test", 0.5, None, "fact", "certain",
                  "affirmed", quantities=quantities)
    return replace(a, language="en", entities=entities, claims=(claim,),
                   claim_vectors=(vec / np.linalg.norm(vec)).astype(np.float32)[None, :])


def test_numbers_on_different_quantities_are_explained_not_contradictions(resources: Resources) -> None:
    res = Resources(resources.config)
    v = np.ones(8)
    a = _article("a", "Britain plans to send 30,000 European troops to Ukraine.",
                 [("Ukraine", "GPE")], ("30,000", 30000.0, "european troops"), v)
    b = _article("b", "Ukraine might need up to 200,000 European soldiers for a peace deal.",
                 [("Ukraine", "GPE")], ("200,000", 200000.0, "european soldiers"), v)
    (link,) = analyse_corpus([a, b], res, PLAN).claim_links
    rules = [r.rule for r in link.reasons]
    assert "numbers.different_quantity" in rules
    assert link.relation != "contradicts"
    assert "not a contradiction" in next(r.text for r in link.reasons if r.rule == "numbers.different_quantity")


def test_copies_are_never_linked_and_partitions_agree(resources: Resources) -> None:
    body = " ".join(f"word{i}" for i in range(300))
    v = np.arange(1, 9, dtype=float)
    s1 = "The ministry confirmed 40 arrests in Kyiv on Monday. " + body
    a = replace(_article("orig", s1, [("Kyiv", "GPE")], None, v), published="2024-01-01")
    copy = replace(_article("copy", s1 + " Share this.", [("Kyiv", "GPE")], None, v), published="2024-01-02")
    other = _article("other", "Police in Kyiv said forty people were arrested on Monday. " + body[:50],
                     [("Kyiv", "GPE")], None, v)
    one = analyse_corpus([a, copy, other], resources, PLAN, partitions=1)
    three = analyse_corpus([other, copy, a], resources, PLAN, partitions=3)
    assert one.claim_links == three.claim_links
    arts = {x.id: x for x in (a, copy, other)}
    assert one.copies and one.copies[0].origin.article == a.id
    for link in one.claim_links:
        pair = {c.split(":")[0] for c in link.claims}
        assert copy.id not in pair and pair != {a.id, copy.id}
        assert all(p in arts for p in pair)


def test_confirmation_needs_the_same_figure_and_a_shared_entity(resources: Resources) -> None:
    res = Resources(resources.config)
    v = np.ones(8)
    with_figure = _article("a", "Norhaven port handled 1,200 containers on Friday.",
                           [("Norhaven", "GPE")], ("1,200", 1200.0, "containers"), v)
    without = _article("b", "Norhaven port handled containers on Friday.", [("Norhaven", "GPE")], None, v)
    (link,) = analyse_corpus([with_figure, without], res, PLAN).claim_links
    assert link.relation == "related" and "numbers.one_sided" in [r.rule for r in link.reasons]

    same = _article("c", "On Friday Norhaven port handled 1,200 containers.",
                    [("Norhaven", "GPE")], ("1,200", 1200.0, "containers"), v)
    (link,) = analyse_corpus([with_figure, same], res, PLAN).claim_links
    assert link.relation in ("supports", "restates")

    v2 = np.array([1.0] * 5 + [0.0] * 3)  # cosine 0.79: a match, not a restatement
    a = _article("d", "The harbour reopened after the strike.", [], None, v)
    b = _article("e", "The harbour opened again once the strike ended.", [], None, v2)
    (link,) = analyse_corpus([a, b], res, PLAN).claim_links
    assert link.score < float(res.config["links.restates_cosine"])
    assert link.relation == "related", "no shared entity: similar wording is not a confirmation"


def _contradicting_pair() -> tuple[Article, Article]:
    v = np.ones(8)
    a = _article("won", "Sanders won the Democratic primary in Oklahoma on Tuesday.",
                 [("Sanders", "PERSON"), ("Oklahoma", "GPE")], None, v)
    b = _article("lost", "Sanders did not win the Democratic primary in Oklahoma on Tuesday.",
                 [("Sanders", "PERSON"), ("Oklahoma", "GPE")], None, v)
    return (replace(a, outlet="Northgate Herald", published="2016-03-02"),
            replace(b, outlet="Coastal Wire", published="2016-03-02"))


def test_contradicts_is_withheld_below_the_required_precision() -> None:
    from admiralty.config import Config

    a, b = _contradicting_pair()
    low = Resources(Config.load(overrides=["links.contradiction_precision=0.5"]))
    (link,) = analyse_corpus([a, b], low, PLAN).claim_links
    assert link.relation == "related"
    rules = {r.rule: r for r in link.reasons}
    assert "contradiction.polarity" in rules
    assert rules["contradiction.withheld"].params["detected"] == "contradiction.polarity"

    high = Resources(Config.load(overrides=["links.contradiction_precision=0.95"]))
    (link,) = analyse_corpus([a, b], high, PLAN).claim_links
    assert link.relation == "contradicts"
    assert "contradiction.withheld" not in {r.rule for r in link.reasons}
