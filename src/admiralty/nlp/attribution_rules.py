"""Rules that find attribution relations over a spaCy dependency parse.

Each rule yields a ``Candidate``: the token of the cue, the source token (the head of the source
phrase, or none), and the content as character ranges. The rules:

- **verb cue** — a reporting or stance verb (``lexicons/attribution_*_verbs.txt``) with its subject
  as source (through conjunctions, participles and relative clauses; the agent of a passive) and
  its clausal complement, infinitive, object or prepositional object as content ("X said that …",
  "X dismissed the possibility of …", "X advocated for …"); a parenthetical verb ("…, sources say,
  …", "…, he said.") takes the clause around it; a colon or dash lead-in ("He said: …") takes what
  follows, including a quote that runs on over sentences.
- **according to** — "according to X" with the clause it modifies as content.
- **hearsay adverb** — "reportedly", "allegedly": no source, the modified clause as content.
- **nominal cue** — a noun like "claim", "remarks", "warning" owned by a source ("Trump's claim
  that …", "a warning from the ministry that …") with a clause as content.

Content that touches a quotation grows to the whole quotation (quotes cross sentence boundaries
where the parser does not), and a quotation that continues right after the speaker ("…," he said,
"…") is added as a second content span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .attribution_quotes import Quote, quote_at
from .deps import Deps, deps, subtree_bounds
from .tokens import TokenView, token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
CLAUSES = frozenset({"ccomp"})
OBJECTS = frozenset({"dobj", "attr", "oprd"})
CONTENT_PREPS = frozenset({"for", "of", "about", "against", "on", "over"})
# Prepositions whose object is content for a cue the tagger proposed ("pushed for", "railed
# against", "pointed to", "criticism of").
LEARNED_PREPS = CONTENT_PREPS | {"to", "at", "with", "as", "into", "toward", "towards"}
# Verb + preposition pairs whose object is what was said ("warned of", "called for").
VERB_PREPS = frozenset({
    ("advocate", "for"), ("call", "for"), ("argue", "for"), ("argue", "against"), ("warn", "of"),
    ("warn", "about"), ("warn", "against"), ("speak", "of"), ("speak", "about"), ("talk", "about"),
    ("complain", "about"), ("comment", "on"), ("push", "for"), ("plead", "for"), ("ask", "for"),
    ("hint", "at"), ("boast", "about"), ("brag", "about"), ("write", "about"), ("testify", "about"),
    ("caution", "against"), ("insist", "on"), ("press", "for"), ("lobby", "for"), ("object", "to"),
    ("refer", "to"), ("focus", "on"), ("vote", "for"), ("point", "to"), ("talk", "of"), ("thank", "for"),
})
PARENTHETICAL = frozenset({"parataxis"})
INHERITS_SUBJECT = frozenset({"conj", "advcl", "xcomp", "acl", "pcomp"})
# ("apparently" is an evidential hedge, not hearsay: PolNeAR train marks 5 of its 26 uses.)
HEARSAY = frozenset({"reportedly", "allegedly", "purportedly", "supposedly"})
LEAD_IN = frozenset({":", "—", "–", "-", "--"})
RELATIVE = frozenset({"who", "which", "that", "whom"})
SKIP_DEPS = frozenset({"amod", "compound", "nmod"})


@dataclass
class Candidate:
    """One attribution found by a rule, before source kinds and resolution."""

    rule: str
    cue: tuple[int, int]
    cue_token: int
    source: tuple[int, int] | None
    source_token: int | None
    content: list[tuple[int, int]]
    sentence: int
    via_token: int | None = None
    via: tuple[int, int] | None = None
    form: str = "indirect"
    speech: bool = True
    nested_in: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Lexicon:
    speech: frozenset[str]
    stance: frozenset[str]
    nouns: frozenset[str]
    via_nouns: frozenset[str] = frozenset({"interview", "conversation", "comment", "remark", "statement"})
    headline_words: int = 5  # longest "Speaker:" before a headline colon (config overrides)


def candidates(doc: Doc, text: str, quotes: Sequence[Quote], lex: Lexicon, min_content: int,
               learned: Callable[[int], bool] | None = None) -> list[Candidate]:
    """Every attribution the rules find in ``doc``, in no particular order. ``text`` is the doc's
    text (the article's), passed in because spaCy's ``Doc.text`` joins every token on each access.
    ``learned`` (the cue tagger, asked with a token index) is asked about the verbs and nouns no
    rule took; where it says yes, the same parse rules, relaxed, find the source and content.

    The rules' tests on each token read the per-doc tables (:mod:`.tokens`, :mod:`.deps`); a
    spaCy ``Token`` is made only for the tokens a rule then looks at."""
    view, dp = token_view(doc), deps(doc)
    lowers, lemmas, poss, dep_of = view.lower, view.lemma, view.pos, view.dep
    sents = list(doc.sents)
    sent_index = {s.start: i for i, s in enumerate(sents)}
    # Token -> sentence number, once (spaCy's Token.sent scans the doc on every call).
    sent_of = view.sent_id.tolist()
    n = len(doc)
    via_nouns = [i for i, lemma in enumerate(lemmas) if lemma in lex.via_nouns]
    found: list[Candidate] = []
    for i in range(n):
        low, lemma, pos = lowers[i], lemmas[i], poss[i]
        # Which rule the token is for, decided on the tables, in the rules' order of precedence.
        if low == "according" and i + 1 < n and lowers[i + 1] == "to":
            rule = "according"
        elif low in HEARSAY and dep_of[i] == "advmod":
            rule = "hearsay"
        elif pos in ("VERB", "AUX") and (lemma in lex.speech or lemma in lex.stance):
            rule = "verb"
        elif pos == "VERB" and _speaker_that_clause(i, view, dp):
            rule = "verb.that_clause"
        elif pos in ("NOUN", "PROPN", "ADJ") and lemma in lex.speech and i + 1 < n and lowers[i + 1] == "that" \
                and not (i > 0 and poss[i - 1] == "DET"):  # "the state that …" is a noun
            rule = "surface"
        elif pos == "NOUN" and lemma in lex.nouns:
            rule = "noun"
        elif learned is not None and pos in ("VERB", "NOUN"):
            rule = ""
        else:
            continue
        if not rule and not (learned is not None and learned(i)):
            continue  # the tagger's "no", without a Token made
        si = sent_of[i]
        sent = sents[si]
        tok = doc[i]
        cand = None
        try:
            if not rule:  # no rule's word; the tagger said yes
                cand = _learned(tok, text, sent, si, sents, quotes)
            else:
                if rule == "according":
                    cand = _according(tok, sent, si)
                elif rule == "hearsay":
                    cand = _hearsay(tok, sent, si)
                elif rule == "verb":
                    cand = _verb(tok, text, sent, si, sents, quotes, lemma in lex.speech)
                elif rule == "verb.that_clause":
                    cand = _verb(tok, text, sent, si, sents, quotes, False)
                    if cand is not None:
                        cand.rule = "verb.that_clause"
                elif rule == "surface":
                    cand = _surface(tok, sent, si)
                elif rule == "noun":
                    cand = _noun(tok, sent, si)
                if cand is None and learned is not None and pos in ("VERB", "NOUN") and learned(i):
                    cand = _learned(tok, text, sent, si, sents, quotes)
        except (IndexError, ValueError):
            continue  # an odd parse costs this one candidate, never the text
        if cand is None or any(q.inner_start <= cand.cue[0] < q.inner_end for q in quotes):
            continue
        cand.content = [c for c in (_trim(text, s, e) for s, e in cand.content) if c[1] - c[0] >= min_content]
        if not cand.content:
            continue
        _fit_lines(cand, text, quotes)
        if not cand.content:
            continue
        _grow_to_quotes(cand, text, quotes)
        _add_split_quote(cand, text, quotes)
        if tok.pos_ in ("VERB", "AUX") and cand.cue_token == tok.i:
            _extend_cue(cand, tok)
        _set_via(cand, tok, sent, lex, via_nouns)
        found.append(cand)
    found.extend(_headline_colons(doc, text, sent_index, lex.headline_words))
    return found


_HEADLINE = re.compile(r"^[ \t]*([A-Z][^:\n]{1,60}?):[ \t]+(\S[^\n]*?)[ \t]*$", re.MULTILINE)


def _sentence_start(doc: Doc, i: int) -> int:
    while i > 0 and not doc[i].is_sent_start:
        i -= 1
    return i


def _headline_colons(doc: Doc, text: str, sent_index: dict[int, int], max_words: int) -> Iterator[Candidate]:
    """Headline style "Speaker: what they say" on a line of its own."""
    for m in _HEADLINE.finditer(text):
        s_start, s_end = m.span(1)
        if len(m.group(1).split()) > max_words:
            continue
        span = doc.char_span(s_start, s_end, alignment_mode="expand")
        colon = doc.char_span(s_end, s_end + 1, alignment_mode="expand")
        if span is None or colon is None or any(t.pos_ in ("VERB", "AUX") for t in span):
            continue
        nouns = [t for t in span if t.pos_ in ("PROPN", "NOUN")]
        if not nouns:
            continue
        c_start, c_end = _trim(text, *m.span(2))
        if c_end - c_start < 3:
            continue
        said = doc.char_span(c_start, c_end, alignment_mode="expand")
        if said is None or not any(t.pos_ in ("VERB", "AUX") for t in said):
            continue  # "Clinton: 1,769", "The Ninth Circle: The Hellish View": a label, not a statement
        head = min(nouns, key=lambda t: (t.head.i in range(span.start, span.end) and t.head.i != t.i, -t.i))
        yield Candidate("headline_colon", (s_end, s_end + 1), colon.start, (s_start, s_end), head.i,
                        [(c_start, c_end)], sent_index.get(_sentence_start(doc, colon.start), 0))


# -- rules ------------------------------------------------------------------------------------


def _according(tok: Token, sent: Span, si: int) -> Candidate | None:
    doc = tok.doc
    to = tok.nbor(1)
    objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
    if not objs:
        return None
    src = objs[0]
    s_start, s_end = _phrase(src)
    phrase_lo = min(tok.i, to.i)
    phrase_hi = max(tok.i, to.i, subtree_bounds(deps(doc), src.i)[1])
    content = _around(sent, phrase_lo, phrase_hi)
    return Candidate("according_to", (tok.idx, to.idx + len(to)), tok.i,
                     (doc[s_start].idx, _end(doc[s_end - 1])), src.i, content, si, form="according_to")


def _hearsay(tok: Token, sent: Span, si: int) -> Candidate | None:
    content = _clause_around(tok, sent, tok.i, tok.i)
    return Candidate("hearsay", (tok.idx, _end(tok)), tok.i, None, None, content, si)


def _learned(tok: Token, text: str, sent: Span, si: int, sents: list[Span],
             quotes: Sequence[Quote]) -> Candidate | None:
    """A cue the tagger proposed: a verb's or a noun's source and content by the relaxed rules.
    A negated verb ("have not provided confirmation") says nothing was said: not an attribution
    (the sourcing profile reports it as a non-confirmation)."""
    if any(c.dep_ == "neg" for c in tok.children):
        return None
    if tok.tag_ == "VB" and tok.dep_ == "ROOT" and not any(c.dep_ in SUBJECTS for c in tok.children):
        return None  # an imperative ("Read the full article") attributes nothing
    if tok.pos_ == "VERB":
        cand = _verb(tok, text, sent, si, sents, quotes, False, relaxed=True)
    else:
        cand = _noun(tok, sent, si, relaxed=True)
    doc = tok.doc
    if cand is not None and all(
            t.ent_type_ in PLACE_TIME or t.is_punct or t.like_num
            for s, e in cand.content for t in (doc.char_span(s, e, alignment_mode="expand") or ())):
        return None  # content that is only a date or a place is a circumstance, not what was said
    if cand is not None:
        cand.rule = "learned." + cand.rule
        cand.extra["learned"] = "1"
    return cand


def _verb(tok: Token, text: str, sent: Span, si: int, sents: list[Span], quotes: Sequence[Quote],
          speech: bool, relaxed: bool = False) -> Candidate | None:
    """A verb cue. ``relaxed`` (a cue the tagger proposed): any object or content preposition is
    content, and the source may be missing ("is expected to …")."""
    doc = tok.doc
    view, dp = token_view(doc), deps(doc)
    dep_of = view.dep
    if dep_of[tok.i] in SKIP_DEPS:
        return None
    kids = dp.children[tok.i]
    children = [doc[c] for c in kids]
    passive = any(dep_of[c] == "auxpass" for c in kids)
    src = _subject(tok, passive)
    content: list[tuple[int, int]] = []
    rule = "verb"
    content_preps = LEARNED_PREPS if relaxed else CONTENT_PREPS
    clauses = [t for c, t in zip(kids, children, strict=True) if dep_of[c] in CLAUSES]
    xcomps = [t for c, t in zip(kids, children, strict=True) if dep_of[c] == "xcomp"]
    objs = [t for c, t in zip(kids, children, strict=True) if dep_of[c] in OBJECTS]
    preps = [t for c, t in zip(kids, children, strict=True) if dep_of[c] == "prep" and view.lower[c] in content_preps]
    advcls = [t for c, t in zip(kids, children, strict=True)
              if dep_of[c] == "advcl" and c > tok.i and t.left_edge.lower_ == "for"]
    if clauses:
        content = [_subtree_range(c) for c in clauses]
        # "... note that X, and that Y": the second clause hangs from the verb as a conjunct.
        for c in children:
            if c.dep_ == "conj" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                content.append(_subtree_range(c))
        content = _merge_gaps(text, content)
        rule = "verb.clause"
    elif tok.dep_ in PARENTHETICAL or _is_parenthetical(tok):
        lo, hi = subtree_bounds(deps(doc), tok.i)
        content = _around(sent, lo, hi)
        rule = "verb.parenthetical"
    elif xcomps:
        if tok.lemma_.lower() in INFINITIVE_NOT_CONTENT and not relaxed:
            return None
        first = min([*(o.left_edge.i for o in objs), xcomps[0].left_edge.i])
        content = [(doc[first].idx, _end(doc[_tail(tok, xcomps[0])]))]
        rule = "verb.infinitive"
    else:
        lead = _lead_in(tok, text, sent, sents, quotes)
        if lead is not None:
            content = [lead]
            rule = "verb.lead_in"
        elif objs and not passive and tok.lemma_.lower() in NAMING_VERBS and any(
                c.dep_ in ("oprd", "xcomp", "ccomp", "attr") and c.i > objs[0].i for c in objs[0].head.children):
            last = max(c.right_edge.i for c in children if c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "attr"))
            content = [(doc[objs[0].left_edge.i].idx, _end(doc[last]))]
            rule = "verb.naming"
        elif objs and not passive and (relaxed or tok.lemma_.lower() not in OBJECT_NOT_CONTENT):
            # "praised X for Y", "described X as Y": what follows the object belongs to it.
            last = _tail(tok, objs[0])
            content = [(doc[objs[0].left_edge.i].idx, _end(doc[last]))]
            rule = "verb.object"
        elif advcls and not passive:
            first = advcls[0].left_edge.i + 1
            content = [(doc[first].idx, _end(doc[advcls[0].right_edge.i]))]
            rule = "verb.for_clause"
        elif preps and (relaxed or (not passive and (tok.lemma_.lower(), preps[0].lower_) in VERB_PREPS)):
            for prep in preps if relaxed else preps[:1]:
                pobj = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
                if pobj and pobj[0].ent_type_ not in PLACE_TIME:
                    content = [(doc[pobj[0].left_edge.i].idx, _end(doc[_tail(tok, prep)]))]
                    rule = "verb.preposition"
                    break
    if not content and speech:
        near = _quote_before(tok, text, src, quotes)
        if near is not None:
            content = [near]
            rule = "verb.quote_before"
    if not content:
        return None
    if src is None and not passive and rule != "verb.parenthetical" and not relaxed:
        return None
    if src is not None and _overlaps(_subtree_range(src), content):
        src = None
    s_span = None
    if src is not None:
        a, b = _phrase(src)
        s_span = (doc[a].idx, _end(doc[b - 1]))
    cue_start = tok.idx
    return Candidate(rule, (cue_start, _end(tok)), tok.i, s_span, src.i if src is not None else None,
                     content, si, speech=speech)


SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "i", "we"})


def _tail(verb: Token, first: Token) -> int:
    """Last token of content that begins with ``first`` (a child of ``verb``): its subtree plus
    the verb's later complements the parser hung on the verb rather than on it ("praised X for
    Y", "discussed X and how Y"), but not a time or a place ("on Friday", "in Iowa")."""
    last = first.right_edge.i
    for c in verb.children:
        if c.i <= first.i:
            continue
        if c.dep_ == "prep":
            pobj = next((p for p in c.children if p.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ in PLACE_TIME:
                break
            if c.lower_ not in OBJECT_PREPS and c.lower_ not in TAIL_PREPS:
                break
        elif c.dep_ not in ("oprd", "xcomp", "ccomp", "cc", "conj", "dobj", "attr"):
            break
        if c.dep_ == "conj" and any(k.dep_ in SUBJECTS for k in c.children):
            break
        last = c.right_edge.i
    doc = verb.doc
    while last > first.i and (doc[last].lower_ in ("and", "or") or (
            doc[last].is_punct and doc[last].text not in "\"”’'")):
        last -= 1
    return last


def _speaker_that_clause(i: int, view: TokenView, dp: Deps) -> bool:
    """Any verb whose subject is a person-like phrase and whose complement is a that-clause
    ("Trump acknowledged that …", "she learned that …"): outside the verb lists but attributive."""
    kids = dp.children[i]
    dep_of, children = view.dep, dp.children
    subj = next((c for c in kids if dep_of[c] == "nsubj"), None)
    if subj is None or not (view.lower[subj] in SPEAKER_PRONOUNS or view.pos[subj] == "PROPN"):
        return False
    return any(dep_of[c] == "ccomp" and any(dep_of[m] == "mark" and view.lower[m] == "that" for m in children[c])
               for c in kids)


def _surface(tok: Token, sent: Span, si: int) -> Candidate | None:
    """A reporting verb the tagger took for a noun ("Our sources ... report that X"): the words
    before it (from the sentence start or the last comma) are the source, the rest the content."""
    doc = tok.doc
    a = tok.i - 1
    while a > sent.start and doc[a - 1].text not in (",", ";", ":", "\n") and not doc[a - 1].is_space:
        a -= 1
    if a >= tok.i or not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in doc[a:tok.i]):
        return None
    head = max(doc[a:tok.i], key=lambda t: (t.pos_ in ("NOUN", "PROPN", "PRON"), -_depth(t, a, tok.i), -t.i))
    end = sent.end - 1
    while end > tok.i and doc[end].is_punct:
        end -= 1
    if end <= tok.i + 1:
        return None
    return Candidate("surface", (tok.idx, _end(tok)), tok.i, (doc[a].idx, _end(doc[tok.i - 1])), head.i,
                     [(doc[tok.i + 1].idx, _end(doc[end]))], si)


def _depth(tok: Token, lo: int, hi: int) -> int:
    """How many heads up from ``tok`` stay inside tokens ``lo..hi`` (0 = the phrase's root)."""
    n = 0
    while lo <= tok.head.i < hi and tok.head.i != tok.i and n < 20:
        tok = tok.head
        n += 1
    return n


def _fit_lines(cand: Candidate, text: str, quotes: Sequence[Quote]) -> None:
    """Headlines and bylines have no full stop, so the parser runs lines together: keep the
    source on the cue's line, and content that stays on one line within it."""
    line_start = text.rfind("\n", 0, cand.cue[0]) + 1
    line_end = text.find("\n", cand.cue[1])
    line_end = len(text) if line_end < 0 else line_end
    if cand.source is not None:
        s, e = cand.source
        if e <= cand.cue[0] and s < line_start < e:
            s = line_start
            while s < e and text[s].isspace():
                s += 1
            cand.source = (s, e)
    fitted = []
    for s, e in cand.content:
        if any(q.start <= s and e <= q.end for q in quotes) or "\n" not in text[s:e]:
            fitted.append((s, e))
            continue
        if s >= cand.cue[1] and s < line_end:
            fitted.append((s, line_end))
        elif e <= cand.cue[0] and e > line_start:
            fitted.append((max(s, line_start), e))
        else:
            fitted.append((s, e))
    # A headline's content cut short by the run-on parse: finish the line.
    out = []
    for s, e in fitted:
        rest = text[e:line_end]
        if s >= cand.cue[1] and line_end < len(text) and rest.strip() and len(rest.split()) <= 3 \
                and not any(ch in rest for ch in ".!?;:\"“”"):
            e = line_end
        out.append((s, e))
    cand.content = [(s, e) for s, e in out if e > s]


def _noun(tok: Token, sent: Span, si: int, relaxed: bool = False) -> Candidate | None:
    """A nominal cue owned by a source with a that-clause ("Trump's claim that …"); ``relaxed``
    (a cue the tagger proposed): the owner may be missing and a prepositional object may be the
    content ("criticism of the deal", "support for the bill")."""
    doc = tok.doc
    children = list(tok.children)
    owner = next((c for c in children if c.dep_ == "poss"), None)
    if owner is None:
        for prep in (c for c in children if c.dep_ == "prep" and c.lower_ in ("by", "from")):
            owner = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if owner is not None:
                break
    clause = next((c for c in children if c.dep_ in ("acl", "ccomp", "relcl") and
                   any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None:
        clause = next((c for c in children if c.dep_ in ("acl", "ccomp") and c.i > tok.i
                       and c.left_edge.lower_ == "that"), None)
    content = [_subtree_range(clause)] if clause is not None else []
    if relaxed and not content:
        for prep in (c for c in children if c.dep_ == "prep" and c.lower_ in LEARNED_PREPS and c.i > tok.i):
            pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                content = [_subtree_range(pobj)]
                break
    if not content or (owner is None and not relaxed):
        return None
    if owner is None:
        return Candidate("noun", (tok.idx, _end(tok)), tok.i, None, None, content, si)
    a, b = _phrase(owner)
    return Candidate("noun", (tok.idx, _end(tok)), tok.i, (doc[a].idx, _end(doc[b - 1])), owner.i,
                     content, si)


# -- helpers ----------------------------------------------------------------------------------


def _end(tok: Token) -> int:
    return tok.idx + len(tok.text)


def _subtree_range(tok: Token) -> tuple[int, int]:
    doc = tok.doc
    return doc[tok.left_edge.i].idx, _end(doc[tok.right_edge.i])


def _phrase(tok: Token) -> tuple[int, int]:
    """Token range [a, b) of a source phrase: the head's subtree without trailing punctuation."""
    a, b = tok.left_edge.i, tok.right_edge.i + 1
    doc = tok.doc
    while b > a + 1 and doc[b - 1].is_punct and doc[b - 1].text not in ")’'":
        b -= 1
    while a < b - 1 and doc[a].is_punct:
        a += 1
    return a, b


def _subject(tok: Token, passive: bool) -> Token | None:
    """The speaker of a reporting verb, following the parse up through verbs that share it."""
    doc = tok.doc
    view, dp = token_view(doc), deps(doc)
    dep_of, pos, heads, children = view.dep, view.pos, dp.head, dp.children
    seen = 0
    cur = tok.i
    while seen < 6:
        seen += 1
        kids = children[cur]
        if passive and cur == tok.i:
            agent = next((c for c in kids if dep_of[c] == "agent"), None)
            if agent is not None:
                obj = next((c for c in children[agent] if dep_of[c] == "pobj"), None)
                return doc[obj] if obj is not None else None
            return None
        subj = next((c for c in kids if dep_of[c] in SUBJECTS), None)
        if subj is not None:
            return doc[subj]
        head = heads[cur]
        if dep_of[cur] == "relcl" and pos[head] in ("NOUN", "PROPN", "PRON"):
            return doc[head]
        if dep_of[cur] == "acl" and pos[head] in ("NOUN", "PROPN"):
            return _subject(doc[heads[head]], False) if dep_of[head] in ("dobj", "pobj") else doc[head]
        if dep_of[cur] in INHERITS_SUBJECT and head != cur:
            cur = head
            continue
        return None
    return None


def _quote_before(tok: Token, text: str, src: Token | None, quotes: Sequence[Quote]) -> tuple[int, int] | None:
    """'"…," Smith said' when the parser did not attach the quote: a quotation that ends right
    before the speaker and the verb."""
    start = tok.idx if src is None else min(tok.idx, src.left_edge.idx)
    for q in quotes:
        if q.end <= start and not text[q.end:start].strip(" ,\u2014-"):
            return q.start, q.end
    return None


def _is_parenthetical(tok: Token) -> bool:
    """A reporting verb set off inside or after the clause it reports ("…, he said, …")."""
    if tok.dep_ not in ("ccomp", "advcl", "conj") or tok.head.i == tok.i:
        return False
    if any(c.dep_ in CLAUSES or c.dep_ in OBJECTS for c in tok.children):
        return False
    if tok.i < tok.head.i:
        return False
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    marks = (",", "—", "–", "-", "(")
    before = doc[lo].text in marks or (lo > 0 and doc[lo - 1].text in marks)
    after = hi + 1 >= len(doc) or doc[hi].text in marks or doc[hi + 1].text in (*marks, ".", ")")
    return before and after


def _clause_around(tok: Token, sent: Span, lo: int, hi: int, head: Token | None = None) -> list[tuple[int, int]]:
    """The clause a parenthetical phrase (tokens ``lo..hi``) sits in, without the phrase: one or
    two character ranges."""
    doc = tok.doc
    h = head if head is not None else tok.head
    while h.dep_ in ("prep", "pobj", "advmod", "npadvmod") and h.head.i != h.i:
        h = h.head
    if h.i == tok.i:
        left, right = sent.start, sent.end - 1
    else:
        left, right = h.left_edge.i, h.right_edge.i
    left, right = max(left, sent.start), min(right, sent.end - 1)
    out = []
    a, b = left, lo - 1
    while b >= a and (doc[b].is_punct or doc[b].lower_ in ("but", "and", "however")):
        b -= 1
    if b >= a:
        out.append((doc[a].idx, _end(doc[b])))
    a, b = hi + 1, right
    while a <= b and doc[a].is_punct:
        a += 1
    while b >= a and doc[b].is_punct and doc[b].text not in "”\"'’":
        b -= 1
    if b >= a:
        out.append((doc[a].idx, _end(doc[b])))
    return out


NAMING_VERBS = frozenset({"call", "describe", "label", "brand", "dub", "term", "deem"})
# Prepositions after an object that carry what is said about it ("blamed X for Y", "slammed X as Y").
OBJECT_PREPS = frozenset({"for", "as", "of", "over"})
# Further prepositions after an object that still belong to the content ("support to X").
TAIL_PREPS = frozenset({"to", "against", "about", "on", "with", "in"})
# Entity types of a prepositional object that make it a circumstance, not content.
PLACE_TIME = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC"})
# Verbs whose object is a person or a thing named, not what was said ("told him", "called it").
OBJECT_NOT_CONTENT = frozenset({
    "tell", "ask", "call", "see", "show", *NAMING_VERBS,
    # their object is rarely what was said ("found the money", "added jobs", "maintained
    # control", "speaks English", "read the bill", "continued the tour"; PolNeAR train: 59-92 %
    # of these rule hits are no attribution); the tagger still decides them
    "find", "add", "maintain", "speak", "read", "continue",
})
# Verbs whose infinitive is not what was said ("continued to rise").
INFINITIVE_NOT_CONTENT = frozenset({"continue"})
CONNECTIVES = frozenset({"but", "and", "however", "yet", "so", "still", "also", "now", "then", "meanwhile"})


def _around(sent: Span, lo: int, hi: int) -> list[tuple[int, int]]:
    """Content around a parenthetical (tokens ``lo..hi``) by position: what follows it in the
    sentence, plus what precedes it when that is a fragment of the same clause (no verb of its
    own) — or only what precedes it when the parenthetical ends the sentence."""
    doc = sent.doc
    a, b = sent.start, lo - 1
    while a <= b and (doc[a].is_punct or doc[a].lower_ in CONNECTIVES or doc[a].is_space):
        a += 1
    while b >= a and (doc[b].is_punct or doc[b].lower_ in CONNECTIVES or doc[b].is_space):
        b -= 1
    c, d = hi + 1, sent.end - 1
    while c <= d and ((doc[c].is_punct and doc[c].text not in "\"“‘'") or doc[c].is_space):
        c += 1
    while d >= c and ((doc[d].is_punct and doc[d].text not in "\"”’'") or doc[d].is_space):
        d -= 1
    right_words = sum(1 for t in doc[c:d + 1] if not t.is_punct) if d >= c else 0
    left_words = sum(1 for t in doc[a:b + 1] if not t.is_punct) if b >= a else 0
    left_clause = any(t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj", "advcl", "parataxis")
                      for t in doc[a:b + 1]) if b >= a else False
    out = []
    if left_words and (right_words < 3 or not left_clause):
        out.append((doc[a].idx, _end(doc[b])))
    if right_words >= 3 or (right_words and not out):
        out.append((doc[c].idx, _end(doc[d])))
    return out


def _merge_gaps(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join content ranges separated only by punctuation and "and"/"or"."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and all(w in (",", "and", "or", ";", "but") for w in text[out[-1][1]:s].replace(",", " , ").split()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _lead_in(tok: Token, text: str, sent: Span, sents: list[Span], quotes: Sequence[Quote]) -> tuple[int, int] | None:
    """Content after "He said:" / "She warned —": the rest of the sentence, or a quotation that
    starts right after the mark (however many sentences it runs)."""
    doc = tok.doc
    j = tok.i + 1
    while j < len(doc) and doc[j].dep_ in ("prt", "advmod", "npadvmod") and j - tok.i < 4:
        j += 1
    if j >= len(doc) or doc[j].text not in (*LEAD_IN, ","):
        return None
    after = _end(doc[j])
    k = after
    while k < len(text) and text[k].isspace():
        k += 1
    for q in quotes:
        if q.start == k:
            return q.start, q.end
    if doc[j].text == ",":
        return None
    if j + 1 < sent.end:
        return doc[j + 1].idx, _end(doc[sent.end - 1])
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and loose punctuation from the ends of a range (quotes kept)."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-.("):
        end -= 1
    return start, end


def _overlaps(rng: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(rng[0] < e and s < rng[1] for s, e in spans)


def _grow_to_quotes(cand: Candidate, text: str, quotes: Sequence[Quote]) -> None:
    """Let content that touches a quotation cover the whole quotation, and set the form."""
    grown = []
    quoted = 0
    partial = False
    for s, e in cand.content:
        for q in quote_at(quotes, s, e):
            if q.start <= cand.cue[0] < q.end:
                continue  # the cue itself is inside this quote: leave it
            if cand.source and q.start < cand.source[1] and cand.source[0] < q.end:
                continue
            s, e = min(s, q.start), max(e, q.end)
        grown.append((s, e))
    cand.content = _merge(grown)
    for s, e in cand.content:
        qs = quote_at(quotes, s, e)
        inside = sum(min(e, q.end) - max(s, q.start) for q in qs)
        body = len(text[s:e].strip(" ,.;"))
        if qs and inside >= body - 2:
            quoted += 1
        elif qs:
            partial = True
    if cand.form == "according_to":
        return
    if quoted and not partial and quoted == len(cand.content):
        cand.form = "direct"
    elif quoted or partial:
        cand.form = "mixed"


def _add_split_quote(cand: Candidate, text: str, quotes: Sequence[Quote]) -> None:
    """'"A," he said, "B."': B continues the quotation that A began."""
    if not cand.content or cand.form not in ("direct", "mixed"):
        return
    last = cand.content[-1]
    if last[1] > cand.cue[0]:
        return
    tail = max(cand.cue[1], cand.source[1] if cand.source else 0)
    for q in quotes:
        if q.start >= tail:
            gap = text[tail:q.start]
            if len(gap) <= 3 and all(ch in " ,:;." for ch in gap):
                cand.content.append((q.start, q.end))
                tail = q.end
                continue
            if q.start > tail:
                return


CUE_BEFORE = frozenset({"aux", "auxpass", "neg", "advmod"})


def _extend_cue(cand: Candidate, tok: Token) -> None:
    """A verb cue as PolNeAR marks it: with its auxiliaries, negation and adverbs right before it
    ("has not yet said"), its particle ("pointed out"), the preposition that introduces the
    content ("called for", "referring to") and a lead-in colon ("said:") — never over the source
    or the content."""
    doc = tok.doc
    taken = [*cand.content, *([cand.source] if cand.source else [])]
    kids = {c.i: c for c in tok.children}
    a = tok.i
    while a - 1 >= 0 and (a - 1) in kids and kids[a - 1].dep_ in CUE_BEFORE:
        a -= 1
    starts = [s for s, _ in cand.content]

    def joins(kid: Token) -> bool:
        if kid.dep_ == "prt":
            return True
        if kid.dep_ == "prep":  # the content begins right after the preposition
            return any(0 < s - _end(kid) <= 1 for s in starts)
        return kid.text == ":" and any(s > kid.idx for s in starts)

    b = tok.i
    while b + 1 < len(doc) and (b + 1) in kids and joins(kids[b + 1]):
        b += 1
    while a < tok.i and _overlaps((doc[a].idx, _end(doc[a])), taken):
        a += 1
    while b > tok.i and _overlaps((doc[b].idx, _end(doc[b])), taken):
        b -= 1
    cand.cue = (doc[a].idx, _end(doc[b]))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _set_via(cand: Candidate, tok: Token, sent: Span, lex: Lexicon, via_nouns: Sequence[int]) -> None:
    """The channel a speaker used: "in an interview with X", "told X", "speaking to X".
    ``via_nouns`` are the doc's tokens whose lemma is one of ``lex.via_nouns``, in text order."""
    if cand.rule.startswith("according"):
        return
    doc = tok.doc
    verb = tok
    pool: list[Token] = []
    for child in verb.children:
        if child.dep_ in ("dative", "dobj") and verb.lemma_.lower() in ("tell", "say"):
            pool.append(child)
        if child.dep_ == "prep":
            pool.extend(_interview_objects(child, lex))
    # A fronted "In an interview with X, he said …" hangs from the main verb.
    view, dp = token_view(doc), deps(doc)
    for t in via_nouns:
        if t < sent.start or t >= sent.end:
            continue
        if view.pos[t] == "NOUN" and view.dep[dp.head[t]] == "prep":
            for prep in dp.children[t]:
                if view.dep[prep] == "prep" and view.lower[prep] in ("with", "to"):
                    pool.extend(doc[c] for c in dp.children[prep] if view.dep[c] == "pobj")
    for cand_tok in pool:
        rng = _subtree_range(cand_tok)
        if _overlaps(rng, cand.content):
            continue
        if cand.source and rng[0] < cand.source[1] and cand.source[0] < rng[1]:
            continue
        cand.via_token = cand_tok.i
        a, b = _phrase(cand_tok)
        cand.via = (doc[a].idx, _end(doc[b - 1]))
        return


def _interview_objects(prep: Token, lex: Lexicon) -> Iterator[Token]:
    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
        if pobj.lemma_.lower() in lex.via_nouns:
            for p2 in (c for c in pobj.children if c.dep_ == "prep" and c.lower_ in ("with", "to")):
                yield from (c for c in p2.children if c.dep_ == "pobj")
        elif prep.lower_ == "to" and prep.head.lemma_.lower() in ("speak", "talk"):
            yield pobj
