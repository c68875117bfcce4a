"""Per-token tables of a parsed doc, read from spaCy once and shared by the stages.

Stages that look at every token many times (claims, techniques) read these plain Python lists
instead of creating a spaCy ``Token`` per read, which was the slow part of their loops. The view
is built on first use and kept in ``doc.user_data``, so the second stage that asks gets it free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class TokenView:
    """Per-token attributes read from the Doc once (iterating spaCy tokens is the slow part)."""

    text: list[str]
    lower: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head_lemma: list[str]
    ent: list[str]
    is_stop: list[bool]
    is_punct: list[bool]
    is_space: list[bool]
    content: list[bool]
    sents: list[tuple[int, int]]  # token ranges of the sentences
    sent_id: np.ndarray


_VIEW_KEY = "admiralty.tokens.view"


def token_view(doc: Doc) -> TokenView:
    """The doc's :class:`TokenView`, built on first use and kept in ``doc.user_data``. The
    attributes come out of spaCy as one integer array (``Doc.to_array``) and each distinct string
    is looked up once: creating a Python ``Token`` per token per attribute was the slow part."""
    cached = doc.user_data.get(_VIEW_KEY)
    if isinstance(cached, TokenView) and len(cached.text) == len(doc):
        return cached
    from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER, ORTH, POS, TAG

    table = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, HEAD, ENT_TYPE, IS_STOP, IS_PUNCT, IS_SPACE, IS_ALPHA])
    strings = doc.vocab.strings
    names: dict[int, str] = {0: ""}

    def column(k: int) -> list[str]:
        out = []
        for key in table[:, k].tolist():
            name = names.get(key)
            if name is None:
                name = names[key] = strings[key]
            out.append(name)
        return out

    text, lower = column(0), column(1)
    lemma = [w.lower() for w in column(2)]
    heads = (np.arange(len(doc)) + table[:, 6].astype(np.int64)).tolist()  # HEAD is an offset
    is_stop, is_punct, is_space, is_alpha = (table[:, k].astype(bool).tolist() for k in (8, 9, 10, 11))
    sents = [(s.start, s.end) for s in doc.sents]
    sent_id = np.zeros(len(doc), dtype=np.int32)
    for k, (a, b) in enumerate(sents):
        sent_id[a:b] = k
    view = TokenView(
        text=text,
        lower=lower,
        lemma=lemma,
        pos=column(3),
        tag=column(4),
        dep=column(5),
        head_lemma=[lemma[h] for h in heads],
        ent=[e or "O" for e in column(7)],
        is_stop=is_stop,
        is_punct=is_punct,
        is_space=is_space,
        content=[a and not st and len(w) > 2 for a, st, w in zip(is_alpha, is_stop, text, strict=True)],
        sents=sents,
        sent_id=sent_id,
    )
    doc.user_data[_VIEW_KEY] = view
    return view
