"""Times: dates and relative time expressions, resolved against the publication date when known.

Candidates are spaCy's DATE and TIME entities plus a few relative forms it misses ("last week",
"on Friday"); a temporal preposition right before ("in January", "since 2022", "on Friday") is
kept in the span, and a part of the day right after a day joins it ("Monday morning"). An entity
is kept only when it puts something on the calendar: it names a year, a month or a weekday, or
is deictic ("yesterday", "this afternoon", "last week", "four years ago", "recent years"), or is a
named day ("Election Day"). Durations ("45 minutes", "two years"), ages ("15-years-old"),
frequencies ("every year") and phrases anchored on an event ("four minutes later", "the first
day") are not time expressions. Values are ISO 8601: a day "2025-02-24", a month "2025-01", a year "2022", a week
"2025-W07".

- An expression that names its own year ("February 24, 2025", "2022", "March 2023") is resolved
  whether or not the publication date is known.
- A relative one ("last week", "on Friday", "in January", "two days ago", "February 24") needs the
  publication date: with it, it is resolved (a weekday or a month without a year goes to its
  latest occurrence on or before the publication date -- "the BBC reported Thursday" in an
  article of a Thursday is that day -- or the next one when the clause looks ahead: "next",
  "coming", "will"; a part of the day resolves as its day: "this afternoon" is the publication
  day, "last night" the day before); without it, ``value`` is None.
- Anything else ("recent years", "the past decade") keeps ``value`` None.

This module is a library used by the claims stage; it never opens files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import TimeExpression
from .sourcing import ODD_FOLDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
UNITS = ("day", "week", "month", "year")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": None, "few": None}
PREPOSITIONS = frozenset({"in", "on", "since", "until", "till", "by", "from", "before", "after",
                          "during", "as", "of"})
PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night"})
# Words that make an expression deictic (its value depends on the time of writing).
DEICTIC = frozenset({"today", "tonight", "yesterday", "tomorrow", "ago", "last", "this", "next", "past",
                     "coming", "previous", "recent", "earlier", "upcoming"})
LOOK_AHEAD = frozenset({"next", "coming", "upcoming", "will", "'ll", "slated", "scheduled",
                        "expected", "plans", "planned", "ahead", "tomorrow"})

_RELATIVE_LEADS = ("last", "this", "next", "past", "coming", "earlier this", "later this")
_RELATIVE_UNITS = ("week", "month", "year", "weekend")
_DEICTIC_DAYS = ("yesterday", "today", "tomorrow", "tonight")
_RELATIVE = re.compile(
    r"\b(?:(" + "|".join(_RELATIVE_LEADS) + r")\s+(" + "|".join(_RELATIVE_UNITS) + ")"
    r"|(" + "|".join(_DEICTIC_DAYS) + ")"
    r"|((?:on\s+)?(?:" + "|".join(WEEKDAYS) + r")))\b",
    re.IGNORECASE,
)
# The words a match of _RELATIVE can begin with.
_RELATIVE_FIRST = tuple(sorted({w.split()[0] for w in _RELATIVE_LEADS} | {*_DEICTIC_DAYS, "on", *WEEKDAYS}))
_FOLDS_ODDLY = re.compile(f"[{ODD_FOLDS}]")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")
_YEAR_OR_DECADE = re.compile(r"(?<![\d/-])(1[89]\d{2}|20\d{2})s?(?![\d/-])|\b\d{4}-\d{2}-\d{2}\b")
_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")


def parse_published(published: str | None) -> dt.date | None:
    """The publication date of an RFC 3339 / ISO 8601 string, or None (also for a value that is
    not a string: one odd metadata field never costs the article)."""
    if not published or not isinstance(published, str):
        return None
    try:
        return dt.datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(published.strip()[:10])
        except ValueError:
            return None


def find_times(doc: Doc, published: str | None, text: str | None = None) -> tuple[TimeExpression, ...]:
    """Every time expression of ``doc`` with its resolved value (or None), in text order.
    ``text`` is the doc's text when the caller has it (spaCy's ``Doc.text`` joins every token on
    each access)."""
    anchor = parse_published(published)
    if text is None:
        text = doc.text
    spans: dict[tuple[int, int], None] = {}
    ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]

    def part_of_day_after(k: int) -> bool:  # entity k + 1 is a part of the day right after entity k
        return k + 1 < len(ents) and text[ents[k][1] : ents[k + 1][0]] == " " and (
            text[ents[k + 1][0] : ents[k + 1][1]].lower() in PARTS_OF_DAY)

    for k, (s, e) in enumerate(ents):
        if k and part_of_day_after(k - 1):
            continue  # joined to the day before it
        if part_of_day_after(k):
            e = ents[k + 1][1]  # "Monday morning": one expression
        if on_calendar(text[s:e]):
            spans[(s, e)] = None
    for m in relative_matches(text):
        if not any(s <= m.start() < e or s < m.end() <= e for s, e in spans):
            spans[(m.start(), m.end())] = None
    out: list[TimeExpression] = []
    for start, end in sorted(spans):
        start = _with_preposition(doc, text, start)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        start, end = span.start_char, span.end_char
        expr = text[start:end]
        try:
            value = resolve(expr, anchor, looks_ahead=_looks_ahead(span))
        except (ValueError, OverflowError):  # an odd date never costs the article
            value = None
        out.append(TimeExpression(start=start, end=end, text=expr, value=value))
    return tuple(out)


def relative_matches(text: str) -> list[re.Match[str]]:
    """``_RELATIVE.finditer(text)``, tried only where one of its first words begins: where no
    letter folds oddly under case-insensitive matching (see ``sourcing.ODD_FOLDS``), those are
    the places the lower-cased text holds the word."""
    if _FOLDS_ODDLY.search(text) is not None:
        return list(_RELATIVE.finditer(text))
    low = text.lower()
    starts = set()
    for word in _RELATIVE_FIRST:
        at = low.find(word)
        while at >= 0:
            starts.add(at)
            at = low.find(word, at + 1)
    out = []
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        m = _RELATIVE.match(text, at)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def on_calendar(expr: str) -> bool:
    """Whether an expression puts something on the calendar: it names a year or decade, a month
    or a weekday, is deictic ("yesterday", "last week", "four years ago"), or is a named day whose
    words are all capitalised ("Election Day"). "45 minutes", "every year", "15-years-old",
    "four minutes later" are not."""
    if _YEAR_OR_DECADE.search(expr):
        return True
    words = re.findall(r"[A-Za-z]+", expr)
    low = [w.lower().rstrip(".") for w in words]
    if any(w in MONTHS and (w != "may" or words[k][0].isupper()) for k, w in enumerate(low)):
        return True
    if any(w in WEEKDAYS or w in DEICTIC for w in low):
        return True
    return bool(words) and all(w[0].isupper() for w in words) and not any(w in NUMBERS for w in low)


def _with_preposition(doc: Doc, text: str, start: int) -> int:
    """Extend ``start`` back over one temporal preposition ("in January", "since 2022")."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return start
    prev = doc[span.start - 1]
    if prev.lower_ in PREPOSITIONS and prev.lower_ != "of":
        return prev.idx
    return start


def _looks_ahead(span: Span) -> bool:
    words = {t.lower_ for t in span}
    if words & {"next", "coming", "upcoming", "tomorrow"}:
        return True
    if words & {"last", "past", "ago", "yesterday", "since", "earlier"}:
        return False
    head = span.root.head
    for _ in range(3):
        if any(c.lower_ in LOOK_AHEAD for c in head.children) or head.lower_ in LOOK_AHEAD:
            return True
        if head.head is head:
            break
        head = head.head
    return False


def resolve(expr: str, anchor: dt.date | None, *, looks_ahead: bool = False) -> str | None:
    """The ISO 8601 value of one time expression, or None when it cannot be resolved."""
    low = " ".join(expr.lower().replace(",", " ").split())
    words = low.split()
    if words and words[0] in PREPOSITIONS:
        words = words[1:]
        low = " ".join(words)
    m = _ISO_DATE.search(low)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    year_m = _YEAR.search(low)
    year = int(year_m.group(1)) if year_m else None
    month = next((MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in MONTHS), None)
    day = None
    if month is not None:
        for w in words:
            d = _DAY.fullmatch(w)
            if d and 1 <= int(d.group(1)) <= 31 and not _YEAR.fullmatch(w):
                day = int(d.group(1))
    if month is not None:
        if year is None:
            if anchor is None:
                return None
            year = _year_for(anchor, month, day, looks_ahead)
        if day is not None:
            return dt.date(year, month, day).isoformat()
        return f"{year:04d}-{month:02d}"
    if year is not None and len(words) <= 3 and not re.search(r"\b(years|decades?)\b", low):
        return f"{year:04d}"
    if anchor is None:
        return None
    return _relative(words, anchor, looks_ahead)


def _year_for(anchor: dt.date, month: int, day: int | None, looks_ahead: bool) -> int:
    """The year of a month (and day) given without one: the latest before the anchor, or the
    next after it when the clause looks ahead."""
    this = (month, day or 1)
    now = (anchor.month, anchor.day)
    if looks_ahead:
        return anchor.year if this >= now else anchor.year + 1
    return anchor.year if this <= now or (day is None and month == anchor.month) else anchor.year - 1


def _relative(words: list[str], anchor: dt.date, looks_ahead: bool) -> str | None:
    if len(words) >= 2 and words[-1] in PARTS_OF_DAY:  # "Monday morning", "this afternoon"
        rest = words[:-1]
        if rest == ["this"]:
            return anchor.isoformat()
        if rest == ["last"] and words[-1] == "night":
            return (anchor - dt.timedelta(days=1)).isoformat()
        return _relative(rest, anchor, looks_ahead)
    low = " ".join(words)
    if low in ("today", "tonight"):
        return anchor.isoformat()
    if low == "yesterday":
        return (anchor - dt.timedelta(days=1)).isoformat()
    if low == "tomorrow":
        return (anchor + dt.timedelta(days=1)).isoformat()
    if len(words) == 1 and words[0] in WEEKDAYS:
        delta = (anchor.weekday() - WEEKDAYS[words[0]]) % 7
        if looks_ahead:
            ahead = (WEEKDAYS[words[0]] - anchor.weekday()) % 7 or 7
            return (anchor + dt.timedelta(days=ahead)).isoformat()
        return (anchor - dt.timedelta(days=delta)).isoformat()
    m = re.fullmatch(r"(last|this|next|past|coming|earlier this|later this) (week|month|year|weekend)", low)
    if m:
        step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(m.group(1), 0)
        return _shift(anchor, m.group(2), step)
    m = re.fullmatch(r"(\w+) (day|week|month|year)s? ago", low)
    if m and m.group(1) in NUMBERS and NUMBERS[m.group(1)] is not None:
        return _shift(anchor, m.group(2), -int(NUMBERS[m.group(1)] or 0))
    m = re.fullmatch(r"(\d+) (day|week|month|year)s? ago", low)
    if m:
        return _shift(anchor, m.group(2), -int(m.group(1)))
    return None


def _shift(anchor: dt.date, unit: str, step: int) -> str:
    if unit == "day":
        return (anchor + dt.timedelta(days=step)).isoformat()
    if unit in ("week", "weekend"):
        year, week, _ = (anchor + dt.timedelta(weeks=step)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "month":
        total = anchor.year * 12 + anchor.month - 1 + step
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    return f"{anchor.year + step:04d}"


def within(times: Sequence[TimeExpression], start: int, end: int) -> tuple[TimeExpression, ...]:
    """The time expressions lying inside ``[start, end)``."""
    return tuple(t for t in times if start <= t.start and t.end <= end)
