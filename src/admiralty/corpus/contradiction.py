"""Contradiction detection for one pair of linked claims: the same proposition said both ways.

A tension (a negation on one side, an antonym, two numbers) is common between related news
claims and is rarely a contradiction: different events, places, times, speakers or quantities
explain almost all of them. This module fires only when the two claims are the *same*
proposition, word for word up to what the rule explains, and disagree on it:

* ``contradiction.polarity`` -- the claims' content words are the same set, and exactly one of
  them is negated ("Sanders won the Oklahoma primary" / "Sanders did not win the Oklahoma
  primary");
* ``contradiction.antonym`` -- the content words are the same except one contradictory predicate
  pair of ``lexicons/contradiction_antonyms.txt`` (won / lost, guilty / innocent, confirmed /
  denied) and the polarity is the same;
* ``contradiction.quantity`` -- the content words are the same, numbers aside, and the claims give
  different values (beyond ``contradiction_quantity_tolerance``) for the same counted thing in the
  same unit, neither value a bound or an estimate ("at least", "about", "more than"), from
  articles published within ``contradiction_max_days_apart`` days of each other.

Every rule also needs (the gate): both claims facts stated as certain (a hedge, an opinion, a
prediction or a question asserts nothing that can be contradicted), neither conditional ("if",
"unless", "whether"), the same time expressions, at least ``contradiction_min_content_words``
content words (a short generic claim like "I don't know" is not a proposition about anything),
a shared named entity (``contradiction_require_shared_entity``), and -- when both articles carry
a date -- publication within ``contradiction_max_days_apart`` days (what is true changes).

Content words: lower-cased word forms with typographic quotes folded to ASCII, ``n't`` split off
as ``not``, function words and auxiliaries dropped (``stance_function_words`` and
``contradiction_function_words``), irregular forms mapped (``contradiction_lemmas``) and a crude
suffix stripped ("supported", "supports" -> "support"), so that word order and inflection do not
matter but every content difference does. "not only" / "not just" are not negations.

The rules are precise because they are strict: they see few pairs. Their measured precision (on
a corpus they were not designed on) is ``[links] contradiction_precision``; ``links.py`` calls a
firing pair ``contradicts`` only when that figure reaches ``contradicts_min_precision``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..resources import Resources

VERSION = "contradiction.rules/1"

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_NEGATORS = frozenset({"not", "never", "no", "none", "nobody", "nothing", "neither", "nor"})
_ADDITIVE = frozenset({"only", "just", "merely", "simply"})  # "not only X" is not a negation of X
_CONDITIONAL = frozenset({"if", "unless", "whether"})
_SUFFIXES = ("ing", "ied", "ies", "ed", "es", "s", "e")


class ClaimLike(Protocol):
    """What the detector reads of a claim (``links.ClaimEntry`` has all of it)."""

    text: str
    type: str
    certainty: str
    published: str | None
    times: tuple[str, ...]
    quantities: tuple[tuple[Any, ...], ...]  # (value, counted thing, text, unit, bound)
    entities: frozenset[str]


@dataclass(frozen=True, slots=True)
class Lexicons:
    stop: frozenset[str]
    lemmas: Mapping[str, str]
    antonyms: Mapping[str, frozenset[str]]
    estimates: tuple[tuple[str, ...], ...]  # phrases of a bound or an estimate ("at least", "about")


@dataclass(frozen=True, slots=True)
class Settings:
    min_content_words: int
    max_days_apart: float
    quantity_tolerance: float
    require_shared_entity: bool

    @classmethod
    def from_config(cls, res: Resources) -> Settings:
        c = res.config
        return cls(int(c["links.contradiction_min_content_words"]),
                   float(c["links.contradiction_max_days_apart"]),
                   float(c["links.contradiction_quantity_tolerance"]),
                   bool(c["links.contradiction_require_shared_entity"]))


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    params: dict[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class Reading:
    """A claim reduced to what the rules compare."""

    content: frozenset[str]
    negations: int
    numbers: frozenset[str]
    words: tuple[str, ...]  # every folded word form, in order


def lexicons(res: Resources) -> Lexicons:
    def build() -> Lexicons:
        stop = {w.lower() for w in res.lexicon("stance_function_words")}
        stop |= {w.lower() for w in res.lexicon("contradiction_function_words")}
        lemmas: dict[str, str] = {}
        for line in res.lexicon("contradiction_lemmas"):
            form, _, lemma = line.partition("|")
            if form.strip() and lemma.strip():
                lemmas[form.strip().lower()] = lemma.strip().lower()
        pairs: dict[str, set[str]] = {}
        for line in res.lexicon("contradiction_antonyms"):
            a, _, b = line.partition("|")
            a, b = _stem(a.strip().lower(), lemmas), _stem(b.strip().lower(), lemmas)
            if a and b and a != b:
                pairs.setdefault(a, set()).add(b)
                pairs.setdefault(b, set()).add(a)
        estimates = sorted({tuple(words(line.split("\t")[0])) for line in res.lexicon("quantities_bounds")} - {()})
        return Lexicons(frozenset(stop), lemmas, {k: frozenset(v) for k, v in pairs.items()}, tuple(estimates))

    return res.cached("contradiction:lexicons", build)


def _stem(word: str, lemmas: Mapping[str, str]) -> str:
    if word in lemmas:
        return lemmas[word]
    if word in lemmas.values():  # a base form of the table stays as it is ("lose", not "los")
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ied", "ies") else base
    return word


def words(text: str) -> list[str]:
    """Folded lower-case word forms and numbers, ``n't`` as ``not``, ``cannot`` as ``can not``."""
    t = text.translate(_FOLD).lower()
    t = re.sub(r"n't\b", " not", t).replace("cannot", "can not")
    return _TOKEN.findall(t)


def read(text: str, lex: Lexicons) -> Reading:
    toks = words(text)
    content, numbers, negations = set(), set(), 0
    for k, w in enumerate(toks):
        if w[0].isdigit():
            numbers.add(w.replace(",", ""))
        elif w in _NEGATORS:
            if not (k + 1 < len(toks) and toks[k + 1] in _ADDITIVE):
                negations += 1
        elif w not in lex.stop and not (w in _ADDITIVE and k and toks[k - 1] in _NEGATORS):
            content.add(_stem(w.removesuffix("'s"), lex.lemmas))
    return Reading(frozenset(content), negations, frozenset(numbers), tuple(toks))


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def days_apart(a: str | None, b: str | None) -> float | None:
    da, db = _date(a), _date(b)
    return None if da is None or db is None else abs((da - db).days)


def _fold_time(text: str) -> str:
    return " ".join(words(text))


def gate(a: ClaimLike, b: ClaimLike, ra: Reading, rb: Reading, s: Settings) -> str | None:
    """Why the pair cannot be a contradiction, or None when the rules may look at it."""
    if a.type != "fact" or b.type != "fact":
        return "not both facts"
    if a.certainty != "certain" or b.certainty != "certain":
        return "hedged"
    if "?" in a.text or "?" in b.text:
        return "a question"
    if _CONDITIONAL.intersection(ra.words + rb.words):
        return "conditional"
    if {_fold_time(t) for t in a.times} != {_fold_time(t) for t in b.times}:
        return "different times"
    if min(len(ra.content), len(rb.content)) < s.min_content_words:
        return "too short"
    if s.require_shared_entity and not (a.entities & b.entities):
        return "no shared entity"
    apart = days_apart(a.published, b.published)
    if apart is not None and apart > s.max_days_apart:
        return "published too far apart"
    return None


def detect(a: ClaimLike, b: ClaimLike, lex: Lexicons, s: Settings) -> Finding | None:
    """The first contradiction rule that fires on the pair, or None."""
    ra, rb = read(a.text, lex), read(b.text, lex)
    if gate(a, b, ra, rb, s) is not None:
        return None
    # Negated or not, not a count of negators: "never ... not me, not Bill, nobody" is one negation.
    same_polarity = (ra.negations > 0) == (rb.negations > 0)
    if ra.content == rb.content and ra.numbers == rb.numbers and not same_polarity:
        neg, aff = (a, b) if ra.negations else (b, a)
        return Finding("contradiction.polarity", {"shared_words": sorted(ra.content)},
                       f"The same statement affirmed and negated: \"{_short(aff.text)}\" against "
                       f"\"{_short(neg.text)}\".")
    only_a, only_b = ra.content - rb.content, rb.content - ra.content
    if (len(only_a) == 1 and len(only_b) == 1 and same_polarity and ra.numbers == rb.numbers
            and next(iter(only_b)) in lex.antonyms.get(next(iter(only_a)), ())):
        wa, wb = next(iter(only_a)), next(iter(only_b))
        return Finding("contradiction.antonym", {"words": [wa, wb], "shared_words": sorted(ra.content & rb.content)},
                       f"The same statement with contradictory predicates ('{wa}' against '{wb}'): "
                       f"\"{_short(a.text)}\" against \"{_short(b.text)}\".")
    if ra.content == rb.content and same_polarity and ra.numbers != rb.numbers:
        found = _quantity_conflict(a, b, ra, rb, lex, s)
        if found is not None:
            return found
    return None


def _quantity_conflict(a: ClaimLike, b: ClaimLike, ra: Reading, rb: Reading, lex: Lexicons,
                       s: Settings) -> Finding | None:
    if days_apart(a.published, b.published) is None:
        return None  # a count is true of a day: undated articles cannot conflict on it
    if any(_has_phrase(r.words, phrase) for r in (ra, rb) for phrase in lex.estimates):
        return None
    qa = [q for q in a.quantities if q[0] is not None and not q[4]]
    qb = [q for q in b.quantities if q[0] is not None and not q[4]]
    if len(qa) != len(a.quantities) or len(qb) != len(b.quantities) or not qa or not qb:
        return None  # a bound anywhere, or a figure the quantity reader could not value
    for p in qa:
        for q in qb:
            if not p[1] or p[1] != q[1] or (p[3] or "") != (q[3] or ""):
                continue
            big = max(abs(float(p[0])), abs(float(q[0])))
            if big and abs(float(p[0]) - float(q[0])) / big > s.quantity_tolerance:
                return Finding("contradiction.quantity",
                               {"values": [p[0], q[0]], "counts": p[1], "unit": p[3] or None},
                               f"Different figures for the same {p[1]} in the same statement: "
                               f"{p[2]} against {q[2]}.")
    return None


def _has_phrase(toks: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(toks[k : k + n] == phrase for k in range(len(toks) - n + 1))


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."
