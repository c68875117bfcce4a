"""Grades as they stand after the analyst's reviews, for the exports.

A grade's review comes from the grade record itself (``status: reviewed``, ``review``: the review
logic of ``admiralty.review`` writes it there) or, for stores written before that logic, from the
store's ``reviews`` table (kind ``grade``, value like ``C3``; the latest review wins).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Grade, Review

_VALUE = re.compile(r"([A-F])([1-6])")
# STIX confidence for each credibility (DESIGN.md / issue 7); 6 (cannot be judged) has none.
STIX_CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}


@dataclass(frozen=True, slots=True)
class Standing:
    claim: str
    source: str | None
    reliability: str
    credibility: int
    review: Review | None  # None: still the machine's suggestion

    @property
    def reviewed(self) -> bool:
        return self.review is not None


def standing(grades: Iterable[Grade], reviews: Iterable[tuple[str, str, Review]] = ()) -> dict[str, Standing]:
    """Every graded claim's grade in force, keyed by claim id."""
    latest: dict[str, Review] = {}
    for kind, target, given in reviews:
        if kind == "grade" and _VALUE.fullmatch(given.value):
            latest[target] = given  # reviews come in id order: the last one wins
    out = {}
    for g in grades:
        review: Review | None = g.review if g.status == "reviewed" and g.review is not None else latest.get(g.claim)
        reliability: str = g.reliability
        credibility = g.credibility
        if review is not None:
            m = _VALUE.fullmatch(review.value)
            if m:
                reliability, credibility = m.group(1), int(m.group(2))
        out[g.claim] = Standing(g.claim, g.source, reliability, credibility, review)
    return out


def stix_confidence(credibility: int) -> int | None:
    return STIX_CONFIDENCE.get(credibility)
