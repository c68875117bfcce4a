"""Quantities: the figures of an article, with their unit, bound and what they count.

"at least €6 billion" -> value 6e9, unit EUR, bound at_least; "30,000 European troops" -> value
30000, counts "European troops"; "up to 200,000 European soldiers" -> bound at_most.

How: a figure is a run of number tokens (digits such as "30,000" or "1.5", number words such as
"two", scale words such as "million" / "bn"); a currency symbol right before it or a unit word right
after it gives the unit (``lexicons/quantities_units.txt``), a phrase right before it gives the
bound (``lexicons/quantities_bounds.txt``). What a figure counts comes from the parse: the noun a
bare number modifies ("1.5 million artillery rounds"), the noun after "of"/"in" ("20% of voters",
"€6 billion in aid"), or, for money, the noun that "amounts to" / is "worth" it ("military aid
... amounting to at least €6 billion"). Numbers inside dates, times, ordinals and names are not
quantities (spaCy's entity labels say which); a bare number that modifies nothing, has no unit and
no bound ("One of the options") is left out, and so is a bare "one" ("one occasion": the indefinite
"one", not a figure).

This module is a library used by the claims stage; it reads the lexicons it is given and never
opens files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Quantity
from .deps import deps
from .tokens import token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Entity labels whose numbers are not quantities (a year, a date, "Article 5", "G7").
NOT_QUANTITY_LABELS = frozenset(
    {"DATE", "TIME", "ORDINAL", "ORG", "PERSON", "GPE", "LAW", "PRODUCT", "EVENT", "FAC",
     "WORK_OF_ART", "NORP", "LOC", "LANGUAGE"}
)

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}

_DIGITS = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_DIGITS_SCALE = re.compile(r"^([+-]?\d+(?:\.\d+)?)(bn|m|mn|k|tn|b)$", re.IGNORECASE)
# Scale abbreviations that count only glued to digits ("5m"): alone, "m" is a metre.
_GLUED_ONLY = frozenset({"m", "k", "b"})
# Money words whose verb or adjective hands the figure to the noun it measures.
_AMOUNT_LEMMAS = frozenset({"amount", "total", "worth", "cost", "value", "reach", "valued", "estimate"})


@dataclass(frozen=True)
class QuantityLexicon:
    """The word lists quantities need, already parsed."""

    units: dict[str, str]
    bounds: dict[tuple[str, ...], str]
    scales: dict[str, float]

    @classmethod
    def from_lines(
        cls, units: Iterable[str], bounds: Iterable[str], scales: Iterable[str]
    ) -> QuantityLexicon:
        def pairs(lines: Iterable[str]) -> list[tuple[str, str]]:
            out = []
            for line in lines:
                key, _, value = line.partition("\t")
                if key.strip() and value.strip():
                    out.append((key.strip().lower(), value.strip()))
            return out

        return cls(
            units=dict(pairs(units)),
            bounds={tuple(k.split()): v for k, v in pairs(bounds)},
            scales={k: float(v) for k, v in pairs(scales)},
        )


def _number_value(token: Token, lex: QuantityLexicon, glued: bool = False) -> tuple[float | None, float]:
    """(base value, scale) of one token: "1.5" -> (1.5, 1), "million" -> (None, 1e6),
    "6bn" -> (6, 1e9), "two" -> (2, 1); "K" -> (None, 1e3) only when ``glued`` (written right
    after digits, "$150K", which the tokenizer splits)."""
    return _text_value(token.text.lower(), lex, glued)


def _text_value(text: str, lex: QuantityLexicon, glued: bool = False) -> tuple[float | None, float]:
    """:func:`_number_value` of a token's lower-cased text."""
    if _DIGITS.match(text):
        return float(text.replace(",", "")), 1.0
    m = _DIGITS_SCALE.match(text)
    if m:
        return float(m.group(1)), lex.scales.get(m.group(2).lower(), 1.0)
    if text in NUMBER_WORDS:
        return float(NUMBER_WORDS[text]), 1.0
    if text in lex.scales and (glued or text not in _GLUED_ONLY) and not text.startswith("dozen"):
        return None, lex.scales[text]
    return None, 1.0


def _is_number(token: Token, lex: QuantityLexicon) -> bool:
    base, scale = _number_value(token, lex, _glued(token))
    return base is not None or scale != 1.0


def _glued(token: Token) -> bool:
    """Whether ``token`` is written with no space after a run of digits ("150K" split as "150" "K")."""
    if token.i == 0:
        return False
    prev = token.doc[token.i - 1]
    return not prev.whitespace_ and bool(_DIGITS.match(prev.text))


def find_quantities(doc: Doc, lex: QuantityLexicon, text: str | None = None) -> tuple[Quantity, ...]:
    """Every figure of ``doc`` with its value, unit, bound and what it counts, in text order.
    ``text`` is the doc's text when the caller has it (spaCy's ``Doc.text`` joins every token on
    each access)."""
    if text is None:
        text = doc.text
    out: list[Quantity] = []
    view, space_after = token_view(doc), deps(doc).space_after
    lowers, words, ents = view.lower, view.text, view.ent
    values: dict[str, tuple[float | None, float]] = {}  # lower-cased text -> value when not glued

    def is_number(j: int) -> bool:  # :func:`_is_number` of token j, read from the tables
        glued = j > 0 and not space_after[j - 1] and bool(_DIGITS.match(words[j - 1]))
        base, scale = _text_value(lowers[j], lex, glued)
        return base is not None or scale != 1.0

    i, n = 0, len(doc)
    while i < n:
        low = lowers[i]
        value = values.get(low)
        if value is None:
            value = values[low] = _text_value(low, lex)
        if value[0] is None or ents[i] in NOT_QUANTITY_LABELS or (
                low == "one" and i + 1 < n and lowers[i + 1] == "of"):
            i += 1
            continue
        # the run of number and scale tokens: "1.5 million", "two hundred", "6 billion"
        j = i + 1
        while j < n and is_number(j) and ents[j] not in NOT_QUANTITY_LABELS:
            j += 1
        try:
            q = _build(doc, i, j, lex, text)
        except (ValueError, IndexError):  # one odd figure never costs the article
            q = None
        if q is not None:
            out.append(q)
        i = j
    return tuple(out)


def _build(doc: Doc, lo: int, hi: int, lex: QuantityLexicon, text: str) -> Quantity | None:
    value: float | None = None
    scale = 1.0
    for tok in doc[lo:hi]:
        base, s = _number_value(tok, lex, _glued(tok))
        if base is not None:
            value = base if value is None else value + base
        scale *= s
    if value is None:
        return None
    value *= scale

    start_i, end_i = lo, hi
    unit = None
    # currency symbol before ("€6 billion"), or glued to the number ("$5")
    if start_i > 0 and doc[start_i - 1].text.lower() in lex.units:
        sym = doc[start_i - 1].text.lower()
        if not sym.isalpha():
            unit = lex.units[sym]
            start_i -= 1
    # unit word after ("12 percent", "5 km", "300 euros", "20 percentage points")
    if unit is None:
        for width in (2, 1):
            if end_i + width <= len(doc):
                phrase = " ".join(t.text.lower() for t in doc[end_i : end_i + width])
                if phrase in lex.units:
                    unit = lex.units[phrase]
                    end_i += width
                    break
    # bound phrase before ("at least", "up to", "more than")
    bound = None
    for width in (3, 2, 1):
        if start_i - width >= 0:
            words = tuple(t.text.lower() for t in doc[start_i - width : start_i])
            if words in lex.bounds:
                bound = lex.bounds[words]
                start_i -= width
                break

    counts = _counts(doc, lo, hi, start_i, end_i, unit, lex)
    if unit is None and bound is None and counts is None:
        return None
    if unit is None and bound is None and hi - lo == 1 and doc[lo].lower_ == "one":
        return None  # "one occasion", "one guy": the indefinite "one", no figure to check
    start, end = doc[start_i].idx, doc[end_i - 1].idx + len(doc[end_i - 1].text)
    return Quantity(
        start=start, end=end, text=text[start:end], value=value, unit=unit, bound=bound, counts=counts
    )


def _phrase(doc: Doc, lo: int, head: Token) -> str | None:
    """The noun phrase from token ``lo`` to ``head`` (inclusive), as text, or None if odd."""
    if head.i < lo:
        return None
    toks = [t for t in doc[lo : head.i + 1]]
    while toks and (toks[0].is_punct or toks[0].pos_ in ("DET", "ADP", "CCONJ")):
        toks = toks[1:]
    if not toks:
        return None
    phrase = doc[toks[0].i : toks[-1].i + 1].text  # not doc.text: spaCy rebuilds it on every call
    return phrase if phrase.strip() and "\n" not in phrase else None


def _noun_phrase(doc: Doc, noun: Token) -> str | None:
    """The noun with its left modifiers (adjectives, compounds), without determiners."""
    lo = noun.i
    while lo > 0 and doc[lo - 1].head.i == noun.i and doc[lo - 1].dep_ in ("amod", "compound", "nmod"):
        lo -= 1
    return _phrase(doc, lo, noun)


def _counts(
    doc: Doc, lo: int, hi: int, start_i: int, end_i: int, unit: str | None, lex: QuantityLexicon
) -> str | None:
    """What the figure counts or measures, read from the parse (None when it does not say)."""
    span_ids = set(range(start_i, end_i))
    heads = [t for t in doc[start_i:end_i] if t.head.i not in span_ids or t.head.i == t.i]
    head = heads[0].head if heads else doc[lo]
    # a bare number before the noun it counts: "30,000 European troops"
    if unit is None:
        if head.i >= end_i and head.pos_ in ("NOUN", "PROPN") and head.text.lower() not in lex.scales:
            return _phrase(doc, end_i, head)
        nxt = doc[end_i] if end_i < len(doc) else None
        if nxt is not None and nxt.lower_ == "of":
            objs = [c for c in nxt.children if c.dep_ == "pobj"]
            if objs:
                return _noun_phrase(doc, objs[0])
        return None
    # money or a share: "€6 billion in aid", "20% of voters"
    nxt = doc[end_i] if end_i < len(doc) else None
    if nxt is not None and nxt.lower_ in ("of", "in", "for") and nxt.head.i in span_ids:
        objs = [c for c in nxt.children if c.dep_ == "pobj"]
        if objs:
            return _noun_phrase(doc, objs[0])
    # "a €6 billion package"
    if head.i >= end_i and head.pos_ == "NOUN" and head.text.lower() not in lex.units:
        return _phrase(doc, end_i, head)
    # "aid ... amounting to €6 billion", "aid worth €6 billion"
    node = head
    for _ in range(3):
        if node.lemma_.lower() in _AMOUNT_LEMMAS:
            target = node.head if node.dep_ in ("acl", "amod", "relcl") else None
            if node.dep_ == "advcl":  # "preparing aid ..., amounting to": the head verb's object
                objs = [c for c in node.head.children if c.dep_ == "dobj" and c.i < node.i]
                target = objs[-1] if objs else None
            if target is None:
                subj = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
                target = subj[0] if subj else None
            if target is not None and target.pos_ in ("NOUN", "PROPN"):
                return _noun_phrase(doc, target)
            return None
        if node.head is node:
            break
        node = node.head
    return None


def within(quantities: Sequence[Quantity], start: int, end: int) -> tuple[Quantity, ...]:
    """The quantities lying inside ``[start, end)``."""
    return tuple(q for q in quantities if start <= q.start and q.end <= end)
