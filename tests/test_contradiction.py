"""The contradiction detector: each rule fires on a real contradiction and not on the near-misses
seen while designing it on PolNeAR (other time, place or quantity slot, hedged, a denial by
another actor, a bound, a generic line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from admiralty.corpus import contradiction
from admiralty.resources import Resources


@dataclass(frozen=True)
class C:
    text: str
    entities: frozenset[str] = frozenset({"Sanders"})
    type: str = "fact"
    certainty: str = "certain"
    published: str | None = "2016-03-08"
    times: tuple[str, ...] = ()
    quantities: tuple[tuple[Any, ...], ...] = field(default=())


def _q(value: float, text: str) -> tuple[Any, ...]:
    """A quantity record as links.ClaimEntry keeps it: (value, counted thing, text, unit, bound)."""
    return (value, "votes", text, "", "")


@pytest.fixture(scope="module")
def det(resources: Resources) -> Any:
    lex = contradiction.lexicons(resources)
    s = contradiction.Settings.from_config(resources)
    return lambda a, b: contradiction.detect(a, b, lex, s)


def test_polarity_fires_on_the_same_statement_negated(det: Any) -> None:
    a = C("Sanders won the Democratic primary in Oklahoma on Tuesday.", times=("Tuesday",))
    b = C("Sanders did not win the Democratic primary in Oklahoma on Tuesday.", times=("Tuesday",))
    found = det(a, b)
    assert found is not None and found.rule == "contradiction.polarity"
    assert det(b, a) is not None  # symmetric
    typographic = C("Sanders didn\u2019t win the Democratic primary in Oklahoma on Tuesday.", times=("Tuesday",))
    assert det(a, typographic) is not None


def test_polarity_near_misses(det: Any) -> None:
    a = C("Sanders won the Democratic primary in Oklahoma.")
    assert det(a, C("Sanders did not win the Democratic primary in Nebraska.")) is None  # other place
    assert det(a, C("Sanders did not win the Democratic primary in Oklahoma.", certainty="hedged")) is None
    assert det(a, C("Sanders did not win the Democratic primary in Oklahoma.", type="opinion")) is None
    assert det(a, C("Sanders did not win the Democratic primary in Oklahoma.", published="2016-05-01")) is None
    assert det(C("Sanders won the Democratic primary in Oklahoma in March.", times=("March",)),
               C("Sanders did not win the Democratic primary in Oklahoma in May.", times=("May",))) is None
    # A report against its denial by another actor is no *same-statement* contradiction: it is
    # the denial rule's (contradiction.rules/2), never the polarity rule's.
    denied = det(a, C("The Clinton campaign denied that Sanders won the Democratic primary in Oklahoma."))
    assert denied is not None and denied.rule == "contradiction.denial"
    # "not yet" / "no longer" are other times, "not only" is no negation.
    assert det(a, C("Sanders has not yet won the Democratic primary in Oklahoma.")) is None
    assert det(C("Sanders won not only the Democratic primary in Oklahoma."), a) is None
    # Identical quotes whose apostrophes differ are the same polarity.
    assert det(C("We can\u2019t afford to lose Sanders voters in Oklahoma anymore."),
               C("We can't afford to lose Sanders voters in Oklahoma anymore.")) is None
    # A generic line is no proposition; a conditional asserts nothing.
    assert det(C("I know Sanders."), C("I don't know Sanders.")) is None
    assert det(C("If Sanders won the primary in Oklahoma, the race goes on."),
               C("If Sanders did not win the primary in Oklahoma, the race goes on.")) is None
    # Nothing in common by name: not about the same event.
    assert det(C("The campaign won the Democratic primary in the state.", entities=frozenset()),
               C("The campaign did not win the Democratic primary in the state.", entities=frozenset())) is None


def test_antonym_fires_on_contradictory_predicates(det: Any) -> None:
    a = C("Sanders won the Democratic primary in Oklahoma.")
    b = C("Sanders lost the Democratic primary in Oklahoma.")
    found = det(a, b)
    assert found is not None and found.rule == "contradiction.antonym"
    assert det(C("The jury found Sanders guilty of fraud in Vermont."),
               C("The jury found Sanders innocent of fraud in Vermont.")) is not None


def test_antonym_near_misses(det: Any) -> None:
    assert det(C("Sanders won the Democratic primary in Oklahoma."),
               C("Sanders lost the Democratic primary in Michigan.")) is None  # other argument
    assert det(C("Sanders won the Democratic primary in Oklahoma."),
               C("Sanders did not lose the Democratic primary in Oklahoma.")) is None  # agrees
    assert det(C("Sanders gained more support among young voters."),
               C("Sanders gained less support among young voters.")) is None  # not a contradictory pair


def test_quantity_fires_on_different_counts_of_the_same_thing(det: Any) -> None:
    a = C("Sanders received 1,200 votes in the Oklahoma county.", quantities=(_q(1200.0, "1,200 votes"),))
    b = C("Sanders received 900 votes in the Oklahoma county.", quantities=(_q(900.0, "900 votes"),))
    found = det(a, b)
    assert found is not None and found.rule == "contradiction.quantity"


def test_quantity_near_misses(det: Any) -> None:
    a = C("Sanders received 1,200 votes in the Oklahoma county.", quantities=(_q(1200.0, "1,200 votes"),))
    bound = C("Sanders received at least 900 votes in the Oklahoma county.",
              quantities=((900.0, "votes", "at least 900 votes", "", "at_least"),))
    assert det(a, bound) is None
    estimate = C("Sanders received about 900 votes in the Oklahoma county.",
                 quantities=((900.0, "votes", "about 900 votes", "", "approx"),))
    assert det(a, estimate) is None
    other_slot = C("Sanders received 900 ballots in the Oklahoma county.",
                   quantities=((900.0, "ballots", "900 ballots", "", ""),))
    assert det(a, other_slot) is None
    close = C("Sanders received 1,190 votes in the Oklahoma county.", quantities=(_q(1190.0, "1,190 votes"),))
    assert det(a, close) is None  # within the tolerance
    later = C("Sanders received 900 votes in the Oklahoma county.", published="2016-03-20",
              quantities=(_q(900.0, "900 votes"),))
    assert det(a, later) is None
    undated = C("Sanders received 900 votes in the Oklahoma county.", published=None,
                quantities=(_q(900.0, "900 votes"),))
    assert det(a, undated) is None
