"""The per-doc token tables (``nlp/tokens.py``, ``nlp/deps.py``) against spaCy's own ``Token``
attributes, on the seed articles and odd texts: the rule stages read these tables instead of
spaCy, so any difference would change their records."""

from __future__ import annotations

from pathlib import Path

from admiralty.nlp import tokens
from admiralty.nlp.deps import deps, subtree_bounds
from admiralty.nlp.tokens import token_view

ODD = ["", "   \n\n  ", "“”“ ??? ”", "🙂🙂 The army said 🙂 that it would leave “soon.",
       "1,2,3,4 5 6 7 8 9 10 %% $$ €€", "he said that\n\nand that\n\n which would", "Word"]


def expected(doc):  # type: ignore[no-untyped-def]
    """Each table column as spaCy's Token attributes give it (the slow way)."""
    toks = list(doc)
    sents = [(s.start, s.end) for s in doc.sents] if len(doc) else []
    sent_id = [0] * len(doc)
    for k, (a, b) in enumerate(sents):
        for i in range(a, b):
            sent_id[i] = k
    return {
        "text": [t.text for t in toks],
        "lower": [t.lower_ for t in toks],
        "lemma": [t.lemma_.lower() for t in toks],
        "pos": [t.pos_ for t in toks],
        "tag": [t.tag_ for t in toks],
        "dep": [t.dep_ for t in toks],
        "head_lemma": [t.head.lemma_.lower() for t in toks],
        "ent": [t.ent_type_ or "O" for t in toks],
        "is_stop": [t.is_stop for t in toks],
        "is_punct": [t.is_punct for t in toks],
        "is_space": [t.is_space for t in toks],
        "content": [t.is_alpha and not t.is_stop and len(t.text) > 2 for t in toks],
        "sents": sents,
        "sent_id": sent_id,
        "head": [t.head.i for t in toks],
        "children": [[c.i for c in t.children] for t in toks],
        "idx": [t.idx for t in toks],
        "end": [t.idx + len(t.text) for t in toks],
        "space_after": [bool(t.whitespace_) for t in toks],
    }


def check(doc) -> None:  # type: ignore[no-untyped-def]
    view = token_view(doc)
    assert deps(doc) is view  # one table object per doc
    for name, want in expected(doc).items():
        got = getattr(view, name)
        if name == "sent_id":  # an int32 array
            assert got.dtype.name == "int32"
            got = got.tolist()
        got = [list(x) for x in got] if name == "children" else list(got)
        assert got == want, name
        assert [type(x) for x in got] == [type(x) for x in want], name
    for t in doc:
        sub = [s.i for s in t.subtree]
        assert subtree_bounds(view, t.i) == (min(sub), max(sub))


def test_tables_equal_spacy_on_seeds(nlp, seeds: Path) -> None:  # type: ignore[no-untyped-def]
    texts = [p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))]
    assert texts
    for doc in nlp.pipe(texts):
        check(doc)


def test_tables_equal_spacy_on_odd_texts(nlp) -> None:  # type: ignore[no-untyped-def]
    for doc in nlp.pipe(ODD):
        check(doc)


def test_string_tables_kept_across_docs_change_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    """The key -> string tables are shared by all docs (and emptied when large): a doc read
    with them full, empty, or emptied in between gives the same columns."""
    text = "The ministry said on Monday that 40 soldiers had crossed the border near Kharkiv."
    first = token_view(nlp(text))
    for table in (tokens._NAMES, tokens._LEMMAS, tokens._ENTS):
        table.clear()  # key 0 included: spaCy's strings give "" for it, read as "O" for entities
    again = token_view(nlp(text))
    assert first.text == again.text and first.lemma == again.lemma and first.ent == again.ent
    assert first.dep == again.dep and first.children == again.children
