"""Quantities (value, unit, bound, what they count) and time expressions (resolved or not)."""

from __future__ import annotations

import datetime as dt

import pytest

from admiralty.nlp.claims import load_lexicon
from admiralty.nlp.quantities import find_quantities
from admiralty.nlp.times import find_times, parse_published, resolve


@pytest.fixture(scope="module")
def qlex(resources):  # type: ignore[no-untyped-def]
    return load_lexicon(resources).quantities


def figures(text: str, nlp, qlex):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    out = find_quantities(doc, qlex)
    for q in out:
        assert q.text == text[q.start : q.end]
    return {q.text: (q.value, q.unit, q.bound, q.counts) for q in out}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brussels is preparing military aid amounting to at least €6 billion.",
         {"at least €6 billion": (6e9, "EUR", "at_least", "military aid")}),
        ("Starmer will propose a deployment of 30,000 European troops.",
         {"30,000": (30000.0, None, None, "European troops")}),
        ("Ukraine might require up to 200,000 European soldiers.",
         {"up to 200,000": (200000.0, None, "at_most", "European soldiers")}),
        ("The package would include 1.5 million artillery rounds.",
         {"1.5 million": (1.5e6, None, None, "artillery rounds")}),
        ("Only 12 percent of voters approve of the plan.",
         {"12 percent": (12.0, "%", None, "voters")}),
        ("More than 2,000 people marched through the city.",
         {"More than 2,000": (2000.0, None, "more_than", "people")}),
        ("The ministry announced a $5bn loan.",
         {"$5bn": (5e9, "USD", None, "loan")}),
        ("The convoy travelled about 40 km overnight.",
         {"about 40 km": (40.0, "km", "approx", None)}),
    ],
)
def test_figures(text, expected, nlp, qlex) -> None:  # type: ignore[no-untyped-def]
    assert figures(text, nlp, qlex) == expected


def test_bare_one_is_not_a_figure(nlp, qlex) -> None:  # type: ignore[no-untyped-def]
    assert figures("She writes of one occasion when the children could not find the eggs.", nlp, qlex) == {}
    expected = {"At least one": (1.0, None, "at_least", "soldier")}
    assert figures("At least one soldier was wounded.", nlp, qlex) == expected


def test_dates_and_names_are_not_quantities(nlp, qlex) -> None:  # type: ignore[no-untyped-def]
    got = figures("On February 24, 2022, Article 5 was discussed in 2023 by one of the G7 members.", nlp, qlex)
    assert got == {}


@pytest.mark.parametrize(
    ("expr", "published", "value"),
    [
        ("last week", None, None),
        ("In January", None, None),
        ("on Friday", None, None),
        ("since 2022", None, "2022"),
        ("February 24, 2025", None, "2025-02-24"),
        ("March 2023", None, "2023-03"),
        ("last week", "2025-02-20T10:00:00Z", "2025-W07"),
        ("next week", "2025-02-20", "2025-W09"),
        ("In January", "2025-02-20", "2025-01"),
        ("in November", "2025-02-20", "2024-11"),
        ("yesterday", "2025-02-20", "2025-02-19"),
        ("on Friday", "2025-02-20", "2025-02-14"),
        ("last month", "2025-01-10", "2024-12"),
        ("two weeks ago", "2025-02-20", "2025-W06"),
        ("recent years", "2025-02-20", None),
    ],
)
def test_resolve(expr: str, published: str | None, value: str | None) -> None:
    assert resolve(expr, parse_published(published)) == value


def test_weekday_looking_ahead() -> None:
    assert resolve("on Monday", dt.date(2025, 2, 20), looks_ahead=True) == "2025-02-24"


def test_find_times_in_text(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "In January, Zelensky suggested it. Last week, Hegseth dismissed it. Starmer travels next week."
    doc = nlp(text)
    bare = {t.text: t.value for t in find_times(doc, None)}
    assert bare["In January"] is None and bare["Last week"] is None and bare["next week"] is None
    dated = {t.text: t.value for t in find_times(doc, "2025-02-20")}
    assert dated == {"In January": "2025-01", "Last week": "2025-W07", "next week": "2025-W09"}
    for t in find_times(doc, None):
        assert t.text == text[t.start : t.end]


def test_bad_publication_date_leaves_values_unresolved() -> None:
    assert parse_published("not a date") is None
    assert parse_published(None) is None


def test_scale_letter_glued_to_digits(nlp, qlex) -> None:  # type: ignore[no-untyped-def]
    assert figures("The club paid a fee of $150K to end the deal.", nlp, qlex)["$150K"][:3] == (150000.0, "USD", None)
    assert figures("He hired 20K workers.", nlp, qlex) == {"20K": (20000.0, None, None, "workers")}


@pytest.mark.parametrize(
    "text",
    ["It takes 45 minutes to sign the forms.", "She has paid her taxes every year.",
     "Four minutes later, a second car arrived.", "The children were 15-years-old.",
     "They discussed the first day of school."],
)
def test_durations_frequencies_ages_are_not_times(text: str, nlp) -> None:  # type: ignore[no-untyped-def]
    assert find_times(nlp(text), "2016-09-21") == ()


def test_part_of_day_and_same_weekday(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "A shootout on Monday morning wounded two officers, the paper reported Wednesday and again this afternoon."
    got = {t.text: t.value for t in find_times(nlp(text), "2016-09-21")}  # a Wednesday
    assert got == {"on Monday morning": "2016-09-19", "Wednesday": "2016-09-21", "this afternoon": "2016-09-21"}
    assert resolve("last night", dt.date(2016, 9, 21)) == "2016-09-20"


def test_relative_matches_are_the_patterns_finditer() -> None:
    """The first-word scan of the relative time expressions finds exactly what the regex's own
    finditer finds, with upper case, odd case folds and words inside words."""
    import random

    from admiralty.nlp.times import _RELATIVE, relative_matches

    words = ["last", "this", "next", "past", "coming", "earlier", "later", "week", "month", "year", "weekend",
             "yesterday", "today", "tomorrow", "tonight", "on", "Monday", "friday", "SUNDAY", "one", "season",
             "onFriday", "lastweek", "\u017fu\u0144day", "\u0131", "\u212a", "2024", ",", "."]
    rng = random.Random(3)
    found = 0
    for _ in range(3000):
        toks = [rng.choice(words) for _ in range(rng.randint(1, 20))]
        toks = [t.upper() if rng.random() < 0.1 else t for t in toks]
        text = "".join(t + rng.choice([" ", "  ", "\n", "", "-"]) for t in toks)
        expected = [m.span() for m in _RELATIVE.finditer(text)]
        assert [m.span() for m in relative_matches(text)] == expected, text
        found += len(expected)
    assert found > 1000
