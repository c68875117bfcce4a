"""Claims: the statements of an article, as clause-level spans with type, certainty, polarity.

What is extracted, and how (rules over the spaCy parse, word lists in ``lexicons/claims_*.txt``):

1. **Segments.** Each sentence (cut again at line breaks, which spaCy sometimes runs across) with
   a verb and at least ``claims.min_tokens`` words is a candidate. Imperatives with no subject
   ("Read Full Article at RT.com") are boilerplate, not claims.
2. **Reporting frames.** In "X said (that) Y" the claim is Y: when the head of a segment is a
   reporting verb (``claims_reporting.txt``) with a clausal complement covering at least
   ``claims.frame_min_share`` of the segment, the claim span is the complement; a leading
   "According to X," is dropped likewise. The frame stays evidence: its cues count for the claim.
3. **Clauses.** A segment that carries several statements is cut: coordinated clauses with their
   own subject ("..., and Poland refused"), and a non-restrictive relative clause at the end
   (", which would include 1.5 million rounds"). A piece shorter than
   ``claims.min_split_tokens`` words stays with its neighbour. A relative clause inherits the
   hedges of the clause it hangs on ("reportedly preparing aid ..., which would include ...").
4. **Fields**, each decided on its own:
   - ``type``: question (ends with "?"), opinion (deontic modal "should", first-person belief
     "I think", evaluative words), prediction ("will", "is expected to", "next week"), else fact.
   - ``certainty``: hedged when a hedge cue scopes over the claim (``claims_hedges.txt``, modal
     verbs "could/may/might/would", "according to sources", "sources say"), else certain. A hedge
     inside an adverbial or relative clause of the claim hedges that clause only, a negated
     "could" is inability, and a "would" in quoted speech is the speaker's own (no backshift);
     after a past reporting verb, "would" is the reported "will" -- of the claim's verb or of a
     verb coordinated with it ("said they had offered a rise and would not change the shifts").
   - ``polarity``: negated when the main predicate is negated ("not", "never", "no" on its
     subject or object) or is a denial predicate ("dismissed the possibility", "firmly
     opposed", "denied that"), else affirmed.
   - ``cues``: every cue word that decided the above (kinds hedge, booster, negation, denial,
     opinion, prediction, question, report), as spans; frame cues lie outside the claim span.
   - ``quantities`` and ``times``: see ``quantities.py`` and ``times.py``.
   - ``attribution``: the attribution whose content spans cover most of the claim (at least
     ``claims.attribution_min_overlap`` of its characters); None when the outlet asserts it.
   - ``checkworthiness`` is 0 here; the checkworthiness stage scores it.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model import Claim, Cue, record_id
from ..pipeline import replace, stage
from . import quantities as quantities_mod
from . import times as times_mod
from .deps import Deps, deps
from .tokens import TokenView, token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..model import Article, Attribution
    from ..resources import Resources

VERSION = "claims.rules/4"

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "pobj", "dative"})
CLOSING = frozenset({".", "?", "!", "\u201d", '"', "\u2019", "'", ")", "\u00bb"})
CONTRAST_OPENERS = frozenset({"but", "however", "and", "yet", "so", "still", "meanwhile", "moreover"})
# Words that open a relative clause: after a comma, such a clause is non-restrictive (a statement
# of its own: ", which would include ...", ", where he intended ...", ", that decimated ...").
RELATIVE_OPENERS = frozenset({"which", "who", "whom", "whose", "where", "that"})
# Dependencies that embed a clause in another: a modal below one of them belongs to the embedded
# clause ("concluding that the cause should be changed"), not to the claim's own predicate.
EMBEDDING_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "csubj", "csubjpass", "pcomp", "parataxis"})
OPENING_QUOTES = frozenset({"\u201c", "\u2018", '"', "'"})
QUOTE_MARKS = frozenset({"\u201c", "\u201d", "\u2018", "\u2019", '"', "'", "``", "''", "\u2018\u2018", "\u2019\u2019"})
# Dependencies of adverbial and relative clauses: a hedge word inside one hedges that clause, not
# the claim it hangs on.
ADJUNCT_DEPS = frozenset({"advcl", "relcl", "acl"})


# ---------------------------------------------------------------------------------------------
# Word lists


class PhraseSet:
    """Lower-cased phrases matched on whole tokens (longest match first)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._last: tuple[list[str], list[tuple[int, int]]] | None = None
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(_split_words(phrase))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)

    def match_at(self, lows: Sequence[str], i: int) -> int:
        """Length (in tokens) of the longest phrase starting at token ``i``, or 0. ``lows`` are
        the doc's words as :func:`_lows` gives them."""
        for words in self.by_first.get(lows[i], ()):
            if i + len(words) < len(lows) and all(lows[i + k] == w for k, w in enumerate(words)):
                return len(words)
        return 0

    def hits(self, lows: list[str], index: dict[str, list[int]]) -> list[tuple[int, int]]:
        """``(i, match_at(lows, i))`` for every token ``i`` where a phrase starts, in text order
        (``index``: where each word of ``lows`` stands). Kept for the last ``lows`` asked about
        (one doc at a time: the stage asks for each claim of the doc in turn)."""
        last = self._last
        if last is not None and last[0] is lows:
            return last[1]
        found = [(i, n) for w in self.by_first.keys() & index.keys() for i in index[w] if (n := self.match_at(lows, i))]
        found.sort()
        self._last = (lows, found)
        return found


def _low(tok: Token) -> str:
    """The token lower-cased, with a typographic apostrophe as a plain one ("don’t" is
    "do" + "n't", "they’ll" ends in "'ll"), so word lists match either spelling."""
    return tok.lower_.replace("\u2019", "'")


@dataclass(frozen=True, slots=True)
class _Tables:
    """What the stage reads about a doc's tokens, built once per doc and kept in its
    ``user_data`` (the stage reads each token many times; creating a spaCy ``Token`` for every
    read was the slow part): the shared token tables, each token's :func:`_low` (and an empty
    string past the last), the running count of words (tokens neither punctuation nor space),
    and where each :func:`_low` word stands."""

    view: TokenView
    dp: Deps
    lows: list[str]
    counts: list[int]
    index: dict[str, list[int]]


_TABLES_KEY = "admiralty.claims.tables"


def _tables(doc: Doc) -> _Tables:
    cached = doc.user_data.get(_TABLES_KEY)
    if isinstance(cached, _Tables) and len(cached.lows) == len(doc) + 1:
        return cached
    view = token_view(doc)
    lows = [w.replace("\u2019", "'") for w in view.lower]
    words = [not (p or sp) for p, sp in zip(view.is_punct, view.is_space, strict=True)]
    index: dict[str, list[int]] = {}
    for i, w in enumerate(lows):
        at = index.get(w)
        if at is None:
            index[w] = [i]
        else:
            at.append(i)
    tables = _Tables(view, deps(doc), [*lows, ""], [0, *np.cumsum(words, dtype=np.int64).tolist()], index)
    doc.user_data[_TABLES_KEY] = tables
    return tables


def _lows(doc: Doc) -> list[str]:
    """:func:`_low` of every token (and an empty string past the last)."""
    return _tables(doc).lows


def _split_words(phrase: str) -> list[str]:
    """Split a lexicon phrase as spaCy splits text ("n't" and "'ll" are tokens of their own)."""
    out: list[str] = []
    for word in phrase.lower().split():
        for suffix in ("n't", "'ll", "'s"):
            if word.endswith(suffix) and word != suffix:
                out.extend([word[: -len(suffix)], suffix])
                break
        else:
            out.append(word)
    return out


@dataclass(frozen=True)
class ClaimLexicon:
    hedges: PhraseSet
    hedge_verbs: frozenset[str]
    hedge_modals: frozenset[str]
    boosters: PhraseSet
    denials: frozenset[str]
    negators: frozenset[str]
    opinion: PhraseSet
    opinion_md: frozenset[str]
    opinion_first: frozenset[str]
    prediction: PhraseSet
    prediction_md: frozenset[str]
    reporting: frozenset[str]
    anonymous: frozenset[str]
    boilerplate: PhraseSet
    quantities: quantities_mod.QuantityLexicon


def _prefixed(entries: Iterable[str], prefix: str) -> tuple[frozenset[str], list[str]]:
    tagged, plain = set(), []
    for e in entries:
        if e.startswith(prefix):
            tagged.add(e[len(prefix) :].strip().lower())
        elif ":" not in e:
            plain.append(e)
    return frozenset(tagged), plain


def load_lexicon(res: Resources) -> ClaimLexicon:
    hedge_verbs, hedges = _prefixed(res.lexicon("claims_hedges"), "verb:")
    opinion = res.lexicon("claims_opinion")
    opinion_md, _ = _prefixed(opinion, "md:")
    opinion_first, opinion_plain = _prefixed(opinion, "first:")
    prediction_md, prediction_plain = _prefixed(res.lexicon("claims_prediction"), "md:")
    return ClaimLexicon(
        hedges=PhraseSet(hedges),
        hedge_verbs=hedge_verbs,
        hedge_modals=frozenset(w.lower() for w in res.lexicon("claims_hedge_modals")),
        boosters=PhraseSet(res.lexicon("claims_boosters")),
        denials=frozenset(w.lower() for w in res.lexicon("claims_denials")),
        negators=frozenset(w.lower() for w in res.lexicon("claims_negators")),
        opinion=PhraseSet(opinion_plain),
        opinion_md=opinion_md,
        opinion_first=opinion_first,
        prediction=PhraseSet(prediction_plain),
        prediction_md=prediction_md,
        reporting=frozenset(w.lower() for w in res.lexicon("claims_reporting")),
        anonymous=frozenset(w.lower() for w in res.lexicon("claims_anonymous")),
        boilerplate=PhraseSet(res.lexicon("claims_boilerplate")),
        quantities=quantities_mod.QuantityLexicon.from_lines(
            res.lexicon("quantities_units"),
            res.lexicon("quantities_bounds"),
            res.lexicon("quantities_scales"),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Segmentation


@dataclass
class Piece:
    """One claim-to-be: token range ``[lo, hi)`` of the doc, its head, its frame, its parent."""

    lo: int
    hi: int
    head: Token
    frame: tuple[int, ...] = ()  # token indices of the reporting frame around the claim
    frame_head: Token | None = None
    parent: Piece | None = None  # the clause a relative clause hangs on


@dataclass(frozen=True)
class Settings:
    min_tokens: int
    min_split_tokens: int
    frame_min_share: float
    attribution_min_overlap: float

    @classmethod
    def from_config(cls, res: Resources) -> Settings:
        c = res.config
        return cls(
            min_tokens=int(c["claims.min_tokens"]),
            min_split_tokens=int(c["claims.min_split_tokens"]),
            frame_min_share=float(c["claims.frame_min_share"]),
            attribution_min_overlap=float(c["claims.attribution_min_overlap"]),
        )


def _words(doc: Doc, lo: int, hi: int) -> int:
    """Tokens in ``[lo, hi)`` that are neither punctuation nor space."""
    counts = _tables(doc).counts
    return counts[hi] - counts[lo]


def _segments(doc: Doc) -> list[tuple[int, int]]:
    """Sentences, cut again at line breaks, without surrounding whitespace tokens."""
    view = _tables(doc).view
    space, words = view.is_space, view.text
    out = []
    for start, end in view.sents:
        lo = start
        for i in range(start, end):
            # (a line break is always a space token of its own: spaCy's trailing whitespace
            # after a token is one plain space at most)
            if space[i] and "\n" in words[i]:
                out.append((lo, i))
                lo = i + 1
        out.append((lo, end))
    cleaned = []
    for lo, hi in out:
        while lo < hi and space[lo]:
            lo += 1
        while hi > lo and space[hi - 1]:
            hi -= 1
        if hi > lo:
            cleaned.append((lo, hi))
    return cleaned


def _head_of(doc: Doc, lo: int, hi: int) -> Token:
    """The token of ``[lo, hi)`` highest in the parse: its head lies outside the range (or is
    itself); a verb is preferred when several tokens qualify (a segment cut at a line break)."""
    t = _tables(doc)
    view, heads = t.view, t.dp.head
    punct, space = view.is_punct, view.is_space
    tops = [
        i for i in range(lo, hi)
        if not (punct[i] or space[i]) and (heads[i] == i or not lo <= heads[i] < hi)
    ]
    verbs = [i for i in tops if view.pos[i] in ("VERB", "AUX")]
    return doc[(verbs or tops or [lo])[0]]


def _is_boilerplate(doc: Doc, lo: int, hi: int, head: Token, lex: ClaimLexicon) -> bool:
    """Not a statement of the article: an imperative (a base-form verb heading the segment with
    no subject and no auxiliary: "Read Full Article at ...", "Before you go, sign the petition"),
    site furniture (``claims_boilerplate.txt``: "Sign up", "Privacy Policy", "posted with
    permission"), or a bare reporting frame whose content follows the colon ("L.A. Times reports:")."""
    t = _tables(doc)
    view, dp = t.view, t.dp
    dep_of, h = view.dep, head.i
    first = next((i for i in range(lo, hi) if not view.is_punct[i]), None)
    has_subject = any(dep_of[c] in SUBJECT_DEPS for c in dp.children[h])
    has_aux = any(dep_of[c] in ("aux", "auxpass") for c in dp.children[h])
    tag = view.tag[h]
    if not has_subject and first is not None and (
        (tag == "VB" and first == h)
        # a base form heading the sentence after an adjunct; the parser tags some as present
        or (tag in ("VB", "VBP") and not has_aux and dep_of[h] == "ROOT")
    ):
        return True
    t = _tables(doc)
    hits = lex.boilerplate.hits(t.lows, t.index)
    k = bisect.bisect_left(hits, (lo, 0))
    if k < len(hits) and hits[k][0] < hi:
        return True
    last = next((i for i in range(hi - 1, lo - 1, -1) if not view.is_space[i]), None)
    return (
        last is not None
        and view.text[last] == ":"
        and view.lemma[h] in lex.reporting
        and not any(dep_of[c] in ("ccomp", "xcomp", "dobj") for c in dp.children[h])
    )


def _core(doc: Doc, lo: int, hi: int, head: Token, lex: ClaimLexicon, cfg: Settings) -> Piece:
    """The claim part of a segment: the complement of a reporting frame, or all of it."""
    total = max(_words(doc, lo, hi), 1)
    view = _tables(doc).view
    if head.lemma_.lower() in lex.reporting:
        comps = [c for c in head.children if c.dep_ in ("ccomp", "xcomp") and lo <= c.i < hi]
        comps = [c for c in comps if c.dep_ == "ccomp" or c.pos_ in ("VERB", "AUX")]
        for comp in comps:
            clo, chi = comp.left_edge.i, comp.right_edge.i + 1
            clo = max(clo, lo)
            chi = min(chi, hi)
            while clo < chi and (view.dep[clo] == "mark" or (view.is_punct[clo] and view.lower[clo] in (",", ":"))):
                clo += 1
            if head.i < clo:
                # the frame comes first: the claim runs to the end of the segment (this also
                # covers further "..., and that ..." complements and parses broken at the edge)
                chi = hi
            if _words(doc, clo, chi) >= cfg.frame_min_share * total and _words(doc, clo, chi) >= cfg.min_tokens:
                frame = tuple(i for i in range(lo, hi) if not clo <= i < chi)
                return Piece(clo, chi, comp, frame=frame, frame_head=head)
    # a reporting word the parser took for a noun: "Our sources ... report that Y"
    for m in range(lo + 1, lo + max(2, int((hi - lo) * (1 - cfg.frame_min_share)))):
        if m >= hi - 1:
            break
        if view.lower[m] == "that" and view.dep[m] == "mark" and (
            view.lemma[m - 1] in lex.reporting or view.lower[m - 1] in lex.reporting
        ):
            if _words(doc, m + 1, hi) >= max(cfg.min_tokens, cfg.frame_min_share * total):
                return Piece(m + 1, hi, doc[m].head, frame=tuple(range(lo, m + 1)), frame_head=doc[m - 1])
            break
    # "According to X, Y" (possibly after "But,"): the claim starts after the comma
    for i in range(lo, min(hi - 1, lo + 4)):
        if view.lower[i] == "according" and view.lower[i + 1] == "to":
            comma = next((k for k in range(i + 2, hi) if view.text[k] == ","), None)
            if comma is not None and comma < head.i and _words(doc, comma + 1, hi) >= cfg.min_tokens:
                frame = tuple(range(lo, comma + 1))
                return Piece(comma + 1, hi, head, frame=frame, frame_head=None)
            break
    return Piece(lo, hi, head)


def _split(doc: Doc, core: Piece, lex: ClaimLexicon, cfg: Settings) -> list[Piece]:
    """Cut a core into clauses: coordinated clauses with their own subject, and a trailing
    non-restrictive relative clause."""
    cuts: list[tuple[int, Token, bool]] = []  # (first token, clause head, is relative clause)
    t = _tables(doc)
    view, dp = t.view, t.dp
    dep_of, heads, children = view.dep, dp.head, dp.children
    last = core.hi - 1
    while last > core.lo and view.is_punct[last]:
        last -= 1
    frame_i = core.frame_head.i if core.frame_head is not None else None
    for i in range(core.lo, core.hi):
        dep = dep_of[i]
        frame_conj = (
            frame_i is not None
            and heads[i] == frame_i
            and dep == "conj"
            and any(dep_of[c] == "mark" for c in children[i])
        )
        if dep in ("conj", "parataxis") and view.pos[i] in ("VERB", "AUX") and (
            heads[i] == core.head.i or frame_conj
        ):
            if not any(dep_of[c] in SUBJECT_DEPS for c in children[i]):
                continue
            if dep == "parataxis" and view.lemma[i] in lex.reporting:
                continue
            tok = doc[i]
            start = tok.left_edge.i
            if start > core.lo and tok.right_edge.i >= last:
                cuts.append((start, tok, False))
        elif dep == "relcl":
            tok = doc[i]
            if tok.right_edge.i >= last:
                start = tok.left_edge.i
                if start - 1 > core.lo and view.text[start - 1] == "," and view.lower[start] in RELATIVE_OPENERS:
                    cuts.append((start, tok, True))
    if not cuts:
        return [core]
    cuts.sort(key=lambda c: c[0])
    pieces: list[Piece] = []
    lo = core.lo
    head = core.head
    parent_piece: Piece | None = None
    for start, tok, is_rel in cuts:
        if _words(doc, lo, start) < cfg.min_split_tokens or _words(doc, start, core.hi) < cfg.min_split_tokens:
            continue
        piece = Piece(lo, start, head, core.frame, core.frame_head, parent=parent_piece)
        pieces.append(piece)
        lo, head = start, tok
        parent_piece = piece if is_rel else None
    pieces.append(Piece(lo, core.hi, head, core.frame, core.frame_head, parent=parent_piece))
    return pieces


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """Drop leading conjunctions and punctuation, and trailing commas and spaces."""
    view = _tables(doc).view
    space, dep_of, words = view.is_space, view.dep, view.text
    while lo < hi and (
        space[lo]
        or (dep_of[lo] in ("cc", "mark") and view.lower[lo] in ("and", "but", "or", "that"))
        or words[lo] in (",", ";", ":", "-", "\u2013", "\u2014")
    ):
        lo += 1
    while hi > lo and (
        space[hi - 1]
        or (view.is_punct[hi - 1] and words[hi - 1] not in CLOSING)
        or dep_of[hi - 1] == "cc"
    ):
        hi -= 1
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Cues


def _cue(doc: Doc, i: int, j: int, kind: str) -> Cue:
    """The cue over tokens ``[i, j)``; its text is the tokens' with the spaces between them, as
    ``doc[i:j].text`` gives it (not doc.text: spaCy rebuilds it on every call)."""
    t = _tables(doc)
    words, dp = t.view.text, t.dp
    text = words[i] if j == i + 1 else "".join(
        [*(words[k] + (" " if dp.space_after[k] else "") for k in range(i, j - 1)), words[j - 1]])
    return Cue(dp.idx[i], dp.end[j - 1], text, kind)


def _phrase_cues(doc: Doc, idx: Sequence[int], phrases: PhraseSet, kind: str) -> list[Cue]:
    """Phrase matches whose tokens all lie in ``idx`` (a sorted run or runs of token indices)."""
    allowed = set(idx)
    out = []
    # Walking the allowed tokens in order, a match taken skips the tokens it covers; the others
    # are tried one by one. Only the tokens where a phrase starts can match.
    taken_to = -1
    t = _tables(doc)
    for i, n in phrases.hits(t.lows, t.index):
        if i < taken_to or i not in allowed:
            continue
        if all(i + m in allowed for m in range(n)):
            out.append(_cue(doc, i, i + n, kind))
            taken_to = i + n
    return out


def _hedge_cues(doc: Doc, idx: Sequence[int], lex: ClaimLexicon) -> list[Cue]:
    cues = _phrase_cues(doc, idx, lex.hedges, "hedge")
    covered = {(c.start, c.end) for c in cues}
    t = _tables(doc)
    view, dp, lows = t.view, t.dp, t.lows
    tags, poss, lemmas, lowers, dep_of = view.tag, view.pos, view.lemma, view.lower, view.dep
    n = len(lowers)
    for i in idx:
        low = lows[i]
        if tags[i] == "MD" and low in lex.hedge_modals:
            cues.append(_cue(doc, i, i + 1, "hedge"))
        elif poss[i] == "VERB" and lemmas[i] in lex.hedge_verbs:
            if any(dep_of[c] in ("xcomp", "ccomp", "acomp", "attr", "oprd") for c in dp.children[i]) or (
                i + 1 < n and lowers[i + 1] in ("to", "that", "as", "like")
            ):
                cues.append(_cue(doc, i, i + 1, "hedge"))
        elif low == "according" and i + 1 < n and lowers[i + 1] == "to":
            objs = [c for c in dp.children[i + 1] if dep_of[c] == "pobj"]
            if objs and lemmas[objs[0]] in lex.anonymous | {o.rstrip("s") for o in lex.anonymous}:
                span = (dp.idx[i], dp.end[objs[0]])
                if not any(s <= span[0] < e for s, e in covered):
                    cues.append(_cue(doc, i, objs[0] + 1, "hedge"))
        elif low in lex.anonymous and dep_of[i] == "nsubj" and lemmas[dp.head[i]] in lex.reporting:
            # "sources say", "the interlocutors specify"
            verb = dp.head[i]
            lo, hi = min(i, verb), max(i, verb) + 1
            if hi - lo <= 3 and not any((dp.idx[lo], dp.idx[hi - 1]) == s for s in covered):
                cues.append(_cue(doc, lo, hi, "hedge"))
    return _dedupe(cues)


def _dedupe(cues: Iterable[Cue]) -> list[Cue]:
    """Sorted, without duplicates, and without cues nested inside a longer one of a kind."""
    uniq = sorted(set(cues), key=lambda c: (c.start, -c.end, c.kind))
    out: list[Cue] = []
    for c in uniq:
        if any(o.kind == c.kind and o.start <= c.start and c.end <= o.end for o in out):
            continue
        out.append(c)
    return out


def _negation_cues(doc: Doc, head: Token, lex: ClaimLexicon) -> list[Cue]:
    """Negation of the clause's main predicate: "not"/"never" on it (or on its copular
    complement), a negative adverb ("scarcely", "hardly"), "no"/"nothing" as its subject or
    object, or a denial predicate. A negated denial ("won't rule out", "did not deny") affirms:
    the two cancel and neither is a cue."""
    t = _tables(doc)
    view, dp, lows = t.view, t.dp, t.lows
    dep_of, lowers, children = view.dep, view.lower, dp.children
    n = len(lowers)
    negators = lex.negators | {"n't", "not", "never"}
    cues: list[Cue] = []
    heads = [head.i] + [c for c in children[head.i] if dep_of[c] in ("acomp", "xcomp") and head.lemma_ == "be"]
    for h in heads:
        before = len(cues)
        aux_children = [g for a in children[h] if dep_of[a] in ("aux", "auxpass") for g in children[a]]
        for c in [*children[h], *aux_children]:
            low = lows[c]
            if low == "none" and lowers[c + 1 : c + 3] == ["the", "less"]:
                continue  # "none the less" is "nevertheless", not a negation
            if (dep_of[c] == "neg" and low in negators) or (
                dep_of[c] == "advmod" and low in lex.negators and lowers[c] != "no"
            ) or (low == "n't" and _contracted_on(dep_of, dp.head, c, h)):
                if c + 1 < n and lowers[c + 1] in ("only", "just"):
                    continue  # "not only ... but also" affirms
                cues.append(_cue(doc, c, c + 1, "negation"))
            elif dep_of[c] in ARG_DEPS and lowers[c] in ("nothing", "nobody", "none", "no one"):
                cues.append(_cue(doc, c, c + 1, "negation"))
            elif dep_of[c] in ("nsubj", "dobj", "attr", "nsubjpass"):
                for d in children[c]:
                    if dep_of[d] == "det" and lowers[d] == "no":
                        cues.append(_cue(doc, d, d + 1, "negation"))
        lemma = view.lemma[h]
        if lemma in lex.denials and view.pos[h] in ("VERB", "ADJ", "AUX"):
            if lemma == "rule" and not any(dep_of[c] == "prt" and lowers[c] == "out" for c in children[h]):
                continue
            end = h + 1
            objs = [c for c in children[h] if dep_of[c] in ("dobj", "prep", "prt") and c > h]
            if (objs and dep_of[objs[0]] == "prt") or (objs and dep_of[objs[0]] == "dobj" and view.lemma[objs[0]] in (
                "possibility", "idea", "claim", "report", "reports", "allegation", "suggestion", "notion"
            )):
                end = objs[0] + 1
            if any(dep_of[c] == "neg" for c in children[h]):
                del cues[before:]  # "won't rule out": the negation and the denial cancel
                continue
            cues.append(_cue(doc, h, end, "denial"))
    return cues


def _contracted_on(dep_of: Sequence[str], heads: Sequence[int], neg: int, h: int) -> bool:
    """Whether a contracted "n't" the parser mislabelled (it often takes "n’t" with a
    typographic apostrophe for a noun or punctuation) sits on ``h`` itself or right after one of
    its auxiliaries ("I do n’t mind", "Is n’t it")."""
    prev = neg - 1 if neg > 0 else None
    return prev is not None and (prev == h or (heads[prev] == h and dep_of[prev] in ("aux", "auxpass")))


def _s_form_verb(head: Token) -> bool:
    """Whether a segment's head tagged as a plural noun is the verb of a clause the tagger misread:
    a lower-case "-s" form with a subject before it ("Brownback fares the worst": "fares" read as
    NNS, the verb/plural-noun ambiguity of English "-s" forms)."""
    return head.tag_ == "NNS" and head.text.islower() and head.text.endswith("s") and any(
        c.dep_ == "nsubj" and c.i < head.i for c in head.children
    )


def _in_adjunct_clause(tok: Token, head: Token) -> bool:
    """Whether ``tok`` lies in an adverbial or relative clause below ``head`` (``ADJUNCT_DEPS``
    on its path up to ``head``, its own dependency included when it is a verb heading that
    clause). A token whose path never meets ``head`` is not."""
    node = tok
    inside = False
    for _ in range(len(tok.doc)):
        if node.i == head.i:
            return inside
        if node.dep_ in ADJUNCT_DEPS and (node.i != tok.i or tok.pos_ in ("VERB", "AUX")):
            inside = True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _negated_could(doc: Doc, cue: Cue) -> bool:
    """Whether a hedge cue is "could" negated ("couldn't", "could not"), not followed by "have"."""
    if cue.text.lower() != "could":
        return False
    tok = _token_at(doc, cue)
    nxt = [doc[k] for k in range(tok.i + 1, min(tok.i + 3, len(doc)))]
    return bool(nxt) and _low(nxt[0]) in ("n't", "not") and not (len(nxt) > 1 and nxt[1].lower_ == "have")


def _conjunct_of(tok: Token, head: Token) -> bool:
    """Whether ``tok`` is a verb coordinated with ``head`` (reached from it by ``conj`` links
    only), so that it shares ``head``'s reporting frame and tense; ``head`` itself is not."""
    node = tok
    for _ in range(len(tok.doc)):
        if node.dep_ != "conj" or node.head.i == node.i:
            return False
        node = node.head
        if node.i == head.i:
            return True
    return False


def _direct_speech(doc: Doc, frame_head: Token, lo: int, hi: int) -> bool:
    """Whether a quotation mark stands between the frame's verb and the claim ``[lo, hi)``: the
    claim is quoted speech, whose tenses are the speaker's own (no backshift, so its "would" is
    not a reported "will")."""
    between = range(hi, frame_head.i) if frame_head.i >= hi else range(frame_head.i + 1, lo)
    return any(doc[k].text in QUOTE_MARKS for k in between)


def _in_main_clause(tok: Token, head: Token) -> bool:
    """Whether ``tok`` belongs to the clause headed by ``head`` rather than to a clause embedded
    in it: its path up to ``head`` crosses no clausal dependency (``EMBEDDING_DEPS``). A token
    whose path never meets ``head`` (a frame word) counts as main when it crosses none either."""
    doc = tok.doc
    t = _tables(doc)
    return _in_main_clause_at(t.view.dep, t.dp.head, tok.i, head.i)


def _in_main_clause_at(dep_of: Sequence[str], heads: Sequence[int], tok: int, head: int) -> bool:
    """:func:`_in_main_clause` on the doc's tables (token indices)."""
    node = tok
    for _ in range(len(heads)):
        if node == head:
            return True
        if node != tok and dep_of[node] in EMBEDDING_DEPS:
            return False
        if heads[node] == node:
            return True
        node = heads[node]
    return True


def _type_cues(
    doc: Doc, idx: Sequence[int], lex: ClaimLexicon, head: Token
) -> tuple[list[Cue], list[Cue], list[Cue]]:
    """(strong opinion, prediction, weak opinion) cues among tokens ``idx``. Modals, verb phrases
    ("plans to", "need to") and first-person beliefs count only in the claim's own clause, not in
    a clause embedded in it ("fleshes out how God will ...")."""
    strong, weak = [], []

    def main(cue: Cue) -> bool:
        span = doc.char_span(cue.start, cue.end)
        return span is None or _in_main_clause(span[0], head)

    prediction = [c for c in _phrase_cues(doc, idx, lex.prediction, "prediction") if main(c)]
    for cue in _phrase_cues(doc, idx, lex.opinion, "opinion"):
        if " " in cue.text:
            if main(cue):
                strong.append(cue)
        else:
            weak.append(cue)
    t = _tables(doc)
    view, dp, lows = t.view, t.dp, t.lows
    tags, dep_of, lowers = view.tag, view.dep, view.lower
    for i in idx:
        low = lows[i]
        if tags[i] == "MD" and low in lex.prediction_md:
            kind = "prediction"
        elif (tags[i] == "MD" and low in lex.opinion_md) or (
            view.pos[i] == "VERB"
            and view.lemma[i] in lex.opinion_first
            and any(dep_of[c] == "nsubj" and lowers[c] in ("i", "we") for c in dp.children[i])
        ):
            kind = "opinion"
        else:
            continue
        if not _in_main_clause_at(dep_of, dp.head, i, head.i):
            continue
        (prediction if kind == "prediction" else strong).append(_cue(doc, i, i + 1, kind))
    weak = [c for c in weak if _is_evaluative(doc, c)]
    return _dedupe(strong), _dedupe(prediction), _dedupe(weak)


def _is_evaluative(doc: Doc, cue: Cue) -> bool:
    span = doc.char_span(cue.start, cue.end)
    return span is not None and all(t.pos_ in ("ADJ", "ADV") for t in span)


# ---------------------------------------------------------------------------------------------
# The stage


@stage("claims", VERSION, requires=("doc", "attributions"), assigns=("claims",))
def find_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """clause-level claim spans with type, certainty, polarity, cues, quantities and times"""
    assert doc is not None
    lex: ClaimLexicon = res.cached("claims:lexicon", lambda: load_lexicon(res))
    cfg: Settings = res.cached("claims:settings", lambda: Settings.from_config(res))
    quantities = quantities_mod.find_quantities(doc, lex.quantities, article.text)
    times = times_mod.find_times(doc, article.published, article.text)
    claims: list[Claim] = []
    pos = _tables(doc).view.pos
    attributions = _content_spans(article.attributions)
    for lo, hi in _segments(doc):
        if _words(doc, lo, hi) < cfg.min_tokens:
            continue
        head = _head_of(doc, lo, hi)
        if not any(pos[i] in ("VERB", "AUX") for i in range(lo, hi)) and not _s_form_verb(head):
            continue
        if _is_boilerplate(doc, lo, hi, head, lex):
            continue
        core = _core(doc, lo, hi, head, lex, cfg)
        pieces = _split(doc, core, lex, cfg)
        hedges_of: dict[int, list[Cue]] = {}
        for piece in pieces:
            claim = _claim(article, doc, piece, lex, cfg, quantities, times, hedges_of, (lo, hi), attributions)
            if claim is not None:
                claims.append(claim)
    claims.sort(key=lambda c: (c.start, c.end))
    numbered = tuple(
        replace_claim(c, id=record_id(article.id, "c", n)) for n, c in enumerate(claims, start=1)
    )
    return replace(article, claims=numbered)


def replace_claim(claim: Claim, **changes: object) -> Claim:
    return dataclasses.replace(claim, **changes)  # type: ignore[arg-type]


def _claim(
    article: Article,
    doc: Doc,
    piece: Piece,
    lex: ClaimLexicon,
    cfg: Settings,
    quantities: Sequence[quantities_mod.Quantity],
    times: Sequence[times_mod.TimeExpression],
    hedges_of: dict[int, list[Cue]],
    segment: tuple[int, int],
    attributions: Sequence[tuple[str, list[tuple[int, int]], int, int]],
) -> Claim | None:
    lo, hi = _trim(doc, piece.lo, piece.hi)
    if hi <= lo or _words(doc, lo, hi) < cfg.min_tokens:
        return None
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
    text = article.text[start:end]
    if not text.strip():
        return None
    own = list(range(lo, hi))
    scope = sorted(set(own) | set(piece.frame))

    hedges = _hedge_cues(doc, scope, lex)
    if piece.frame_head is not None:
        fh = piece.frame_head
        hedges = [c for c in hedges if c.start != fh.idx]  # "suggested that": a frame, not a hedge
        t = _tables(doc)
        view, offsets = t.view, t.dp.idx
        for i in piece.frame:  # an anonymous source in the frame: "Our sources ... report that"
            if view.lower[i] in lex.anonymous and view.pos[i] == "NOUN" and not any(
                c.start <= offsets[i] < c.end for c in hedges
            ):
                hedges.append(_cue(doc, i, i + 1, "hedge"))
    # a modal hedges its own clause, not the claim it is embedded in ("a letter that may ...")
    hedges = [c for c in hedges if not _is_modal_cue(doc, c) or _in_main_clause(_token_at(doc, c), piece.head)]
    # any other hedge word inside an adverbial or relative clause of the claim hedges that clause
    # only ("emerged ..., seeming like a new person", "Saint Mary's, where he is said to be ...")
    hedges = [c for c in hedges if not (start <= c.start < end and _in_adjunct_clause(_token_at(doc, c), piece.head))]
    # "couldn't do that": a negated "could" is inability, not a hedge ("could not have" stays one)
    hedges = [c for c in hedges if not _negated_could(doc, c)]
    future_in_past = []
    if piece.frame_head is not None and piece.frame_head.tag_ in ("VBD", "VBN") and not _direct_speech(
        doc, piece.frame_head, lo, hi
    ):
        # "she declared she would be filing": "would" is the reported "will", not a hedge; so is the
        # "would" of a verb coordinated with the claim's ("she said they had offered a rise and
        # would not change the shifts"), which hangs on the same reporting verb. Only the head's own
        # makes the claim a prediction: the coordinated one leaves the head clause's type.
        future_in_past = [c for c in hedges if c.text.lower() == "would" and _token_at(doc, c).head.i == piece.head.i]
        backshifted = [c for c in hedges
                       if c.text.lower() == "would" and _conjunct_of(_token_at(doc, c).head, piece.head)]
        hedges = [c for c in hedges if c not in future_in_past and c not in backshifted]
    question = text.rstrip("\"'\u201d\u2019) ").endswith("?") and not _embedded_question(text)
    if not question:
        hedges += _condition_cues(doc, piece.head, lo, hi)
    if piece.parent is not None:
        hedges = _dedupe(hedges + hedges_of.get(piece.parent.lo, []))
    hedges_of[piece.lo] = hedges
    boosters = _phrase_cues(doc, scope, lex.boosters, "booster")
    negations = [c for c in _negation_cues(doc, piece.head, lex) if start <= c.start < end]
    if piece.frame_head is not None and piece.frame_head.lemma_.lower() in lex.denials:
        negations.append(_cue(doc, piece.frame_head.i, piece.frame_head.i + 1, "denial"))
    strong, prediction, weak = _type_cues(doc, own, lex, piece.head)
    if piece.frame_head is not None and piece.frame_head.lemma_.lower() in ("predict", "forecast"):
        prediction.append(_cue(doc, piece.frame_head.i, piece.frame_head.i + 1, "prediction"))
    prediction += [dataclasses.replace(c, kind="prediction") for c in future_in_past]

    type_cues: list[Cue] = []
    if question:
        ctype = "question"
        type_cues = [Cue(end - 1, end, article.text[end - 1 : end], "question")] if text.endswith("?") else []
    elif strong:
        ctype, type_cues = "opinion", strong
    elif prediction:
        ctype, type_cues = "prediction", prediction
    elif weak:
        ctype, type_cues = "opinion", weak
    else:
        ctype = "fact"
    report = []
    if piece.frame_head is not None:
        fh = piece.frame_head
        report = [_cue(doc, fh.i, fh.i + 1, "report")]

    cues = _dedupe(hedges + boosters + negations + type_cues + report)
    return Claim(
        id="",
        start=start,
        end=end,
        text=text,
        by=VERSION,
        checkworthiness=0.0,
        attribution=_attribution(attributions, start, end, cfg.attribution_min_overlap),
        type=ctype,  # type: ignore[arg-type]
        certainty="hedged" if hedges else "certain",
        polarity="negated" if negations else "affirmed",
        cues=tuple(sorted(cues, key=lambda c: (c.start, c.end, c.kind))),
        quantities=quantities_mod.within(quantities, start, end),
        times=_times_for(times, start, end, piece, doc),
    )


def _token_at(doc: Doc, cue: Cue) -> Token:
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    return span[0] if span is not None and len(span) else doc[0]


def _is_modal_cue(doc: Doc, cue: Cue) -> bool:
    return " " not in cue.text and _token_at(doc, cue).tag_ == "MD"


def _embedded_question(text: str) -> bool:
    """Whether a final "?" closes a question quoted inside the claim ("friends asking, 'Have you
    heard of this guy?'") rather than the claim itself: an opening quote mark after the claim's
    first character with no closing mark before the "?"."""
    body = text.rstrip("\"'\u201d\u2019) ")
    for k in range(len(body) - 1, 0, -1):
        ch = body[k]
        if ch in ("\u201d", "\u2019") and not body[k - 1 : k].isalpha():
            return False  # a quote closed before the "?": the question is the claim's
        if ch in OPENING_QUOTES and (ch not in ("'", '"') or body[k - 1] in " ,:("):
            return True
    return False


def _condition_cues(doc: Doc, head: Token, lo: int, hi: int) -> list[Cue]:
    """An "if" / "unless" condition on the claim's own predicate ("If this is the case, she will
    ...") makes it hypothetical: the condition word is a hedge. "even if" and "as if" are not."""
    out = []
    t = _tables(doc)
    view, children = t.view, t.dp.children
    dep_of, lowers = view.dep, view.lower
    for clause in children[head.i]:
        if dep_of[clause] != "advcl":
            continue
        for mark in children[clause]:
            if dep_of[mark] == "mark" and lowers[mark] in ("if", "unless") and lo <= mark < hi:
                prev = lowers[mark - 1] if mark > 0 else ""
                if prev not in ("even", "as"):
                    out.append(_cue(doc, mark, mark + 1, "hedge"))
    return out


def _times_for(
    times: Sequence[times_mod.TimeExpression], start: int, end: int, piece: Piece, doc: Doc
) -> tuple[times_mod.TimeExpression, ...]:
    """Times inside the claim, and times in its reporting frame ("on Friday, X said that ...")."""
    dp = _tables(doc).dp
    frame_spans = [(dp.idx[i], dp.end[i]) for i in piece.frame]
    if not frame_spans:
        return times_mod.within(times, start, end)
    lo = min(s for s, _ in [*frame_spans, (start, end)])
    hi = max(e for _, e in [*frame_spans, (start, end)])
    return tuple(t for t in times if lo <= t.start and t.end <= hi)


def _content_spans(attributions: Sequence[Attribution]) -> list[tuple[str, list[tuple[int, int]], int, int]]:
    """Each attribution's id, content spans and their first and last character, in order."""
    out = []
    for attr in attributions:
        spans = [(span.start, span.end) for span in attr.content]
        if spans:
            out.append((attr.id, spans, min(s for s, _ in spans), max(e for _, e in spans)))
    return out


def _attribution(
    attributions: Sequence[tuple[str, list[tuple[int, int]], int, int]], start: int, end: int, min_overlap: float
) -> str | None:
    """The attribution whose content spans cover most of ``[start, end)``, if enough of it
    (``attributions`` as :func:`_content_spans` gives them)."""
    best, best_share = None, 0.0
    length = max(end - start, 1)
    for attr_id, spans, first, last in attributions:
        if last <= start or first >= end:
            continue  # covers nothing of the claim
        covered = 0
        for s, e in spans:
            covered += max(0, min(end, e) - max(start, s))
        share = covered / length
        if share > best_share:
            best, best_share = attr_id, share
    return best if best is not None and best_share >= min_overlap else None
