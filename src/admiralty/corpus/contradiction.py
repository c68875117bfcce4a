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

* ``contradiction.denial`` -- one claim puts a proposition under a denial or refutation frame and
  the other claim, from another article, asserts that proposition ("Kremlin denies its forces
  killed civilians in Bucha" / "Russian forces killed civilians in Bucha"). Real disagreement in
  news is written as a report of disagreement, not as the same sentence negated. The frames
  (``lexicons/denial_frames.txt``): a refutation verb ("X denied that P", "vehemently denied P");
  a verb that denies only what is said, with a report noun for object ("X rejects claims that P",
  "dismissed reports of P": "Turkey rejects Russia's annexation" refuses, it denies nothing); a
  falsity word joined to the proposition ("P is fake", "calls P a provocation", "dismissed P as
  propaganda"); a prefix ("there is no truth in reports that P", "contrary to claims that P");
  and, when the claim is only the content of an attribution whose cue is a refutation verb, the
  whole claim. The denied proposition runs to the next clause boundary, report nouns ("allegations
  that", "claims of") dropped from its front; an anaphoric object ("Moscow denies it") is no
  proposition. The other claim must be a certain, affirmed fact carrying no frame or falsity word
  of its own, and must contain at least ``contradiction_denial_min_coverage`` of the denied
  proposition's content words (at least ``contradiction_denial_min_shared_words`` of them, its
  figures included) and at least ``contradiction_denial_min_predicate_coverage`` of its words
  other than names (what is said of Russia and Bucha: "killed", "civilians", "forces"), share a
  named entity, and be published within ``contradiction_denial_max_days_apart`` days (a denial
  often comes days after the report it denies). Words of ``lexicons/contradiction_synonyms.txt``
  read as one for this rule only (troops / forces / military, killed / murdered). A denied gerund
  takes the speaker as its agent ("Russia denies killing civilians" needs Russia in the other
  claim). A claim whose sentence puts it under a frame before its span ("disproves Russia's claim
  that" + the claim) is framed too, and so never the asserting side.

Every rule of rules/1 (polarity, antonym, quantity) also needs (the gate): both claims facts
stated as certain (a hedge, an opinion, a prediction or a question asserts nothing that can be
contradicted), neither conditional ("if", "unless", "whether"), the same time expressions, at
least ``contradiction_min_content_words`` content words (a short generic claim like "I don't know"
is not a proposition about anything), a shared named entity
(``contradiction_require_shared_entity``), and -- when both articles carry a date -- publication
within ``contradiction_max_days_apart`` days (what is true changes).

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
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..resources import Resources

VERSION = "contradiction.rules/3"

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
    denial: DenialLexicon | None = None
    synonyms: Mapping[str, str] | None = None  # stemmed form -> class, for the denial rule only


@dataclass(frozen=True, slots=True)
class DenialLexicon:
    """``lexicons/denial_frames.txt`` by kind; phrases as word tuples."""

    verbs: frozenset[tuple[str, ...]]
    claim_verbs: frozenset[tuple[str, ...]]  # deny only with a report object ("rejects claims that")
    false: frozenset[tuple[str, ...]]
    copulas: frozenset[str]
    prefixes: frozenset[tuple[str, ...]]
    report: frozenset[str]
    adverbs: frozenset[str]
    anaphors: frozenset[tuple[str, ...]]
    stops: frozenset[tuple[str, ...]]
    # Derived once (``with_derived``), not per call: the frame reader asks for them per claim.
    longest: int = 1
    # the longest word of each cue phrase: a text with none of them has no frame (a fast, exact
    # test: a frame needs a whole phrase, so all its words)
    signals: frozenset[str] = frozenset()
    all_verbs: frozenset[tuple[str, ...]] = frozenset()

    def with_derived(self) -> DenialLexicon:
        """The lexicon with ``longest`` (words of the longest phrase), ``signals`` and
        ``all_verbs`` (``verbs`` and ``claim_verbs``) filled in."""
        phrases = (self.verbs, self.claim_verbs, self.false, self.prefixes)
        return replace(
            self,
            longest=max((len(p) for ps in (*phrases, self.stops) for p in ps), default=1),
            signals=frozenset(max(p, key=len) for ps in phrases for p in ps if p),
            all_verbs=self.verbs | self.claim_verbs,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    min_content_words: int
    max_days_apart: float
    quantity_tolerance: float
    require_shared_entity: bool
    denial_min_coverage: float = 1.0
    denial_min_shared_words: int = 3
    denial_max_days_apart: float = 0.0
    denial_min_predicate_coverage: float = 1.0

    @classmethod
    def from_config(cls, res: Resources) -> Settings:
        c = res.config
        return cls(int(c["links.contradiction_min_content_words"]),
                   float(c["links.contradiction_max_days_apart"]),
                   float(c["links.contradiction_quantity_tolerance"]),
                   bool(c["links.contradiction_require_shared_entity"]),
                   float(c["links.contradiction_denial_min_coverage"]),
                   int(c["links.contradiction_denial_min_shared_words"]),
                   float(c["links.contradiction_denial_max_days_apart"]),
                   float(c["links.contradiction_denial_min_predicate_coverage"]))


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
        kinds: dict[str, set[tuple[str, ...]]] = {}
        for line in res.lexicon("denial_frames"):
            kind, _, phrase = line.partition("\t")
            if phrase.strip():
                kinds.setdefault(kind.strip(), set()).add(tuple(words(phrase)))
        one = {k: frozenset(p[0] for p in v if len(p) == 1) for k, v in kinds.items()}
        denial = DenialLexicon(frozenset(kinds.get("verb", ())), frozenset(kinds.get("claim", ())),
                               frozenset(kinds.get("false", ())),
                               one.get("copula", frozenset()), frozenset(kinds.get("prefix", ())),
                               one.get("report", frozenset()), one.get("adverb", frozenset()),
                               frozenset(kinds.get("anaphor", ())),
                               frozenset(kinds.get("stop", ()))).with_derived()
        synonyms: dict[str, str] = {}
        for line in res.lexicon("contradiction_synonyms"):
            form, _, cls = line.partition("|")
            if form.strip() and cls.strip():
                synonyms[_stem(form.strip().lower(), lemmas)] = cls.strip().lower()
        return Lexicons(frozenset(stop), lemmas, {k: frozenset(v) for k, v in pairs.items()}, tuple(estimates),
                        denial, synonyms)

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
        return denial(a, b, lex, s)
    found = _same_statement(a, b, ra, rb, lex, s)
    return found if found is not None else denial(a, b, lex, s)


def _same_statement(a: ClaimLike, b: ClaimLike, ra: Reading, rb: Reading, lex: Lexicons,
                    s: Settings) -> Finding | None:
    """rules/1: the same statement said both ways (polarity, antonym, quantity)."""
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


# -- denial frames (contradiction.denial) ----------------------------------------------------------

_SPAN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_BOUNDARY = re.compile(r"[;:(\u2014\u2013]|\s-\s|\s--\s")
_BLOCKERS = frozenset({"not", "never", "refuse", "refused", "refuses", "declined", "declines", "failed", "fails",
                       "did", "does", "won't", "wouldn't", "cannot", "can't", "didn't", "doesn't"})
_DETERMINERS = frozenset({"a", "an", "another", "just", "all", "pure", "complete", "total", "simply", "more",
                          "the", "latest", "new", "absolute", "utter", "outright", "blatant", "obvious"})


@dataclass(frozen=True, slots=True)
class Frame:
    """A proposition under a denial: ``kind`` verb / false / prefix / attribution, the cue as
    written, the text before the cue in its clause (the speaker, often) and the denied text."""

    kind: str
    cue: str
    speaker: str
    content: str


def _spans(text: str) -> list[tuple[str, int, int]]:
    folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text.translate(_FOLD))
    return [(m.group(), m.start(), m.end()) for m in _SPAN.finditer(folded)]


# phrase set id -> (the set, its phrases' first words); the set is kept so its id stays its own
_FIRST_WORDS: dict[int, tuple[frozenset[tuple[str, ...]], frozenset[str]]] = {}


def _first_words(phrases: frozenset[tuple[str, ...]]) -> frozenset[str]:
    hit = _FIRST_WORDS.get(id(phrases))
    if hit is None or hit[0] is not phrases:
        hit = (phrases, frozenset(p[0] for p in phrases if p))
        _FIRST_WORDS[id(phrases)] = hit
    return hit[1]


def _match_at(toks: list[tuple[str, int, int]], k: int, phrases: frozenset[tuple[str, ...]],
              longest: int) -> int:
    """Length of the longest phrase of ``phrases`` starting at token ``k`` (0 when none; at once
    when the token begins no phrase)."""
    if k >= len(toks) or toks[k][0] not in _first_words(phrases):
        return 0
    for n in range(min(longest, len(toks) - k), 0, -1):
        if tuple(w for w, _, _ in toks[k : k + n]) in phrases:
            return n
    return 0


def _clause_bounds(text: str, toks: list[tuple[str, int, int]], stops: frozenset[tuple[str, ...]],
                   k: int, longest: int) -> tuple[int, int]:
    """Token range ``[lo, hi)`` of the clause around token ``k``: boundaries are ``;`` ``:``
    dashes, an opening bracket, and (after ``k`` only) a stop word ("as", "while", "but")."""
    lo = k
    while lo > 0 and not _BOUNDARY.search(text[toks[lo - 1][2] : toks[lo][1]]):
        lo -= 1
    hi = k + 1
    while hi < len(toks):
        if _BOUNDARY.search(text[toks[hi - 1][2] : toks[hi][1]]) or _match_at(toks, hi, stops, longest):
            break
        hi += 1
    return lo, hi


def _strip_report(toks: list[tuple[str, int, int]], lo: int, hi: int, d: DenialLexicon) -> int:
    """Drop report nouns and their modifiers from the front of ``toks[lo:hi]`` ("Ukrainian
    allegations that", "claims by separatists that"): the index where the proposition starts."""
    k = lo
    while k < hi and toks[k][0] in d.report:
        k += 1
    # "Ukrainian allegations its forces ...": a modifier or two before a report noun.
    for j in range(k, min(k + 3, hi)):
        if toks[j][0] in d.report and toks[j][0] not in _DETERMINERS and toks[j][0] not in ("that", "of", "about"):
            k = j + 1
            while k < hi and toks[k][0] in d.report:
                k += 1
            break
    # "claims by pro-Russian separatists that they have encircled ...": the proposition after "that".
    if k < hi and toks[k][0] == "by":
        k = next((m + 1 for m in range(k + 1, min(k + 8, hi)) if toks[m][0] == "that"), hi)
    return k


_REPORT_FUNCTION = frozenset({"of", "about", "any", "by"})


def _reported(toks: list[tuple[str, int, int]], lo: int, start: int, d: DenialLexicon) -> bool:
    """Whether ``toks[lo:start]`` (what was dropped before the proposition) holds a report noun or
    "that": the object of "rejects" is something said, not a thing done."""
    return any(w in d.report and w not in _DETERMINERS and w not in _REPORT_FUNCTION for w, _, _ in toks[lo:start])


def _blocked(toks: list[tuple[str, int, int]], k: int) -> bool:
    """A negated or refused cue ("did not deny", "refused to deny") frames nothing."""
    return any(w in _BLOCKERS for w, _, _ in toks[max(0, k - 3) : k])


def _text(text: str, toks: list[tuple[str, int, int]], lo: int, hi: int) -> str:
    return text[toks[lo][1] : toks[hi - 1][2]] if lo < hi else ""


def frame(text: str, lex: Lexicons, cue: str = "") -> Frame | None:
    """The denial frame of a claim, or None. ``cue``: the claim's attribution cue when it lies
    outside the claim's span ("Russia denied" + the claim "its forces killed civilians")."""
    d = lex.denial
    if d is None:
        return None
    toks = _spans(text)
    longest = d.longest
    if not cue and not any(w in d.signals for w, _, _ in toks):
        return None
    if cue:
        ctoks = [w for w, _, _ in _spans(cue) if w not in d.adverbs]
        plain = any(tuple(ctoks[:n]) in d.verbs for n in range(1, len(ctoks) + 1))
        claim = any(tuple(ctoks[:n]) in d.claim_verbs for n in range(1, len(ctoks) + 1))
        if (plain or claim) and toks:
            start = _strip_report(toks, 0, len(toks), d)
            if plain or _reported(toks, 0, start, d):
                lo, hi = _clause_bounds(text, toks, d.stops, start, longest)
                return Frame("attribution", cue, "", _text(text, toks, start, hi))
    for k in range(len(toks)):
        n = _match_at(toks, k, d.prefixes, longest)
        if n:
            lo, hi = _clause_bounds(text, toks, d.stops, k + n, longest) if k + n < len(toks) else (k, k)
            start = _strip_report(toks, k + n, hi, d)
            if start < hi and toks[start][0] not in _WH:
                return Frame("prefix", _text(text, toks, k, k + n), _text(text, toks, lo, k),
                             _text(text, toks, start, hi))
        n = _match_at(toks, k, d.all_verbs, longest)
        if n and not _blocked(toks, k):
            plain = _match_at(toks, k, d.verbs, longest) == n
            lo, _ = _clause_bounds(text, toks, d.stops, k, longest)
            j = k + n
            while j < len(toks) and toks[j][0] in d.adverbs:
                j += 1
            if j >= len(toks) or _match_at(toks, j, d.stops, longest):
                continue
            _, hi = _clause_bounds(text, toks, d.stops, j, longest)
            body = tuple(w for w, _, _ in toks[j:hi])
            if body in d.anaphors:
                continue
            # "dismissed P as propaganda": the proposition ends before the copula.
            called_false = False
            for m in range(j + 1, hi):
                if toks[m][0] in d.copulas and _false_after(toks, m + 1, hi, d, longest):
                    hi, called_false = m, True
                    break
            start = _strip_report(toks, j, hi, d)
            if not (plain or called_false or _reported(toks, j, start, d)):
                continue  # "rejects the annexation": a refusal, not a denial of a report
            if start < hi and toks[start][0] not in _WH:
                return Frame("verb", _text(text, toks, k, k + n), _text(text, toks, lo, k),
                             _text(text, toks, start, hi))
        n = _match_at(toks, k, d.false, longest)
        if n and k > 0 and _ends_clause(text, toks, k + n, d, longest):
            found = _false_frame(text, toks, k, n, d, longest)
            if found is not None:
                return found
    return None


def _false_after(toks: list[tuple[str, int, int]], k: int, hi: int, d: DenialLexicon, longest: int) -> bool:
    while k < hi and toks[k][0] in _DETERMINERS:
        k += 1
    return k < hi and _match_at(toks, k, d.false, longest) > 0


def _ends_clause(text: str, toks: list[tuple[str, int, int]], k: int, d: DenialLexicon, longest: int) -> bool:
    """The falsity word closes its clause (at most one report noun after it: "fake news")."""
    for extra in (0, 1):
        j = k + extra
        if extra and (j > len(toks) or toks[j - 1][0] not in d.report):
            return False
        if j >= len(toks) or _BOUNDARY.search(text[toks[j - 1][2] : toks[j][1]]) or re.search(
                r"[.,!\"'\u201d\u2019]", text[toks[j - 1][2] : toks[j][1]]) or _match_at(toks, j, d.stops, longest):
            return True
    return False


_WH = frozenset({"what", "which", "who", "whom", "whose", "how", "why", "when", "where", "whatever"})
_LINKING = frozenset({"is", "are", "was", "were"})
_SPEECH = frozenset({"says", "said", "claims", "claimed", "insists", "insisted", "that"})


def _false_frame(text: str, toks: list[tuple[str, int, int]], k: int, n: int, d: DenialLexicon,
                 longest: int) -> Frame | None:
    """"P is fake" / "calls P fake" / "dismissed P as propaganda": the falsity word at ``k``."""
    j = k - 1
    while j > 0 and toks[j][0] in _DETERMINERS:
        j -= 1
    lo, _ = _clause_bounds(text, toks, d.stops, j, longest)
    cue = _text(text, toks, j, k + n)
    if toks[j][0] in _LINKING:
        if _blocked(toks, j):
            return None
        # The subject, from the clause start or after a speech verb of its own ("X says P is fake").
        start = next((m + 1 for m in range(j - 1, lo - 1, -1) if toks[m][0] in _SPEECH), lo)
        end = j
    else:
        # "calls P fake" / "dismissed P as fake": P sits between the naming verb and the word.
        end = j if toks[j][0] == "as" else j + 1
        verb = next((m for m in range(end - 1, lo - 1, -1)
                     if (toks[m][0] in d.copulas and toks[m][0] not in _LINKING and toks[m][0] != "as")
                     or _match_at(toks, m, d.all_verbs, longest)), -1)
        if verb < 0 or _blocked(toks, verb):
            return None
        start = verb + (_match_at(toks, verb, d.all_verbs, longest) or 1)
        cue = f"{_text(text, toks, verb, start)} ... {_text(text, toks, k, k + n)}"
    begin = _strip_report(toks, start, end, d)
    if begin >= end:
        return None
    return Frame("false", cue, _text(text, toks, lo, start), _text(text, toks, begin, end))


_UP_TO_LAST_END = re.compile(r"(?s).*(?:[.!?]\s|\n)")


def lead_of(text: str, start: int, limit: int = 160) -> str:
    """The words of a claim's sentence before the claim (at most ``limit`` characters), where
    ``frame_of`` looks for a frame that runs into the claim ("disproves Russia's claim that" ...)."""
    window = text[max(0, start - limit) : start]
    m = _UP_TO_LAST_END.match(window)
    return window[m.end() :] if m else window


def frame_of(c: ClaimLike, lex: Lexicons) -> Frame | None:
    """The claim's denial frame: in its text, in its attribution cue outside the span
    (``frame_cue``), or in the words before it in its sentence (``lead``: "disproves Russia's claim
    that" + the claim) when what that frame denies runs into the claim."""
    found = frame(c.text, lex, str(getattr(c, "frame_cue", "") or ""))
    lead = str(getattr(c, "lead", "") or "")
    if found is not None or not lead.strip() or lex.denial is None:
        return found
    tail = _BOUNDARY.split(lead)[-1]  # the last clause before the claim
    if not tail.strip():
        return None
    joined = tail + c.text
    f = frame(joined, lex)
    if f is None:
        return None
    at = joined.rfind(f.content)
    return Frame(f.kind, f.cue, f.speaker, c.text) if at >= 0 and at + len(f.content) > len(tail) else None


def _mentions_falsity(toks: list[tuple[str, int, int]], d: DenialLexicon) -> bool:
    longest = d.longest
    return any(_match_at(toks, k, d.all_verbs, longest) or _match_at(toks, k, d.false, longest)
               or _match_at(toks, k, d.prefixes, longest) for k in range(len(toks)))


def asserts(c: ClaimLike, lex: Lexicons) -> Reading | None:
    """The claim's reading when it plainly asserts something a denial can contradict: a certain,
    affirmed fact, no question, no conditional, no denial or falsity word of its own."""
    if c.type != "fact" or c.certainty != "certain" or "?" in c.text:
        return None
    if str(getattr(c, "polarity", "affirmed")) == "negated" or frame_of(c, lex) is not None:
        return None
    r = read(c.text, lex)
    if r.negations or _CONDITIONAL.intersection(r.words):
        return None
    if lex.denial is not None and _mentions_falsity(_spans(c.text), lex.denial):
        return None
    return r


def denial(a: ClaimLike, b: ClaimLike, lex: Lexicons, s: Settings) -> Finding | None:
    """``contradiction.denial``: one claim denies the proposition the other asserts."""
    if lex.denial is None or s.denial_min_coverage > 1.0:
        return None
    if s.require_shared_entity and not (a.entities & b.entities):
        return None
    apart = days_apart(a.published, b.published)
    if apart is not None and apart > s.denial_max_days_apart:
        return None
    for x, y, side in ((a, b, "a"), (b, a, "b")):
        if "?" in x.text or _CONDITIONAL.intersection(words(x.text)):
            continue
        f = frame_of(x, lex)
        if f is None:
            continue
        ry = asserts(y, lex)
        if ry is None:
            continue
        syn = lex.synonyms or {}
        rp = read(f.content, lex)
        denied = {syn.get(w, w) for w in rp.content}
        asserted = {syn.get(w, w) for w in ry.content}
        names = {syn.get(w, w) for w in read(" ".join(sorted(a.entities | b.entities)), lex).content}
        shared = denied & asserted
        # What is said of the names (killed, civilians, forces), not only the names, must be there;
        # "Russia denies killing civilians": the speaker is the agent of the denied gerund.
        predicate = denied - names
        first = words(f.content)[:1]
        if f.speaker.strip() and first and first[0].endswith("ing"):
            agent = {syn.get(w, w) for w in read(f.speaker, lex).content}
            predicate |= agent
            denied |= agent
            shared = denied & asserted
        if (len(shared) < s.denial_min_shared_words
                or len(shared) < s.denial_min_coverage * len(denied)
                or not predicate
                or len(predicate & asserted) < s.denial_min_predicate_coverage * len(predicate)
                or not rp.numbers <= ry.numbers):
            continue
        who = f"{f.speaker.strip()} ({f.cue})" if f.speaker.strip() else f"A denial ({f.cue})"
        return Finding("contradiction.denial",
                       {"denial": side, "frame": f.kind, "cue": f.cue, "speaker": f.speaker,
                        "denied": f.content, "shared_words": sorted(shared),
                        "coverage": round(len(shared) / max(1, len(denied)), 3)},
                       f"{who} rejects what the other claim asserts (\"{_short(f.content)}\"): "
                       f"\"{_short(x.text)}\" against \"{_short(y.text)}\".")
    return None
