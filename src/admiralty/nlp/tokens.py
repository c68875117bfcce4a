"""Per-token tables of a parsed doc, read from spaCy once and shared by the stages.

Stages that look at every token many times (claims, techniques) read these plain Python lists
instead of creating a spaCy ``Token`` per read, which was the slow part of their loops. The view
is built on first use and kept in ``doc.user_data``, so the second stage that asks gets it free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.strings import StringStore
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class TokenView:
    """Per-token attributes read from the Doc once (iterating spaCy tokens is the slow part):
    the word columns, and the parse's (heads, children, character offsets) that
    :mod:`admiralty.nlp.deps` names ``Deps``."""

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
    head: list[int]  # index of the token's head (itself for a root)
    # the tokens whose head is ``i``, in text order, as ``Token.children`` yields them (left
    # children, then right children); a leaf's is the shared empty tuple
    children: list[Sequence[int]]
    idx: list[int]  # character offset of the token
    end: list[int]  # character offset just past the token's text
    space_after: list[bool]  # the token is followed by whitespace (``Token.whitespace_``)


_VIEW_KEY = "admiralty.tokens.view"

# spaCy's string keys are hashes of the strings (and fixed symbol ids for parts of speech and
# some labels), so one key names the same string in every vocab: the lookups are kept across
# docs. One table per column transform; cleared when large (the outputs never depend on it).
_NAMES: dict[int, str] = {0: ""}
_LEMMAS: dict[int, str] = {0: ""}  # lower-cased
_ENTS: dict[int, str] = {0: "O"}
_NAMES_MAX = 200_000  # per table: a few tens of MB at most


def _strings(keys: list[int], cache: dict[int, str], strings: StringStore, fold: Callable[[str], str]) -> list[str]:
    """The string of each key, from ``cache`` when known (one C-level map), else looked up."""
    out = list(map(cache.get, keys))
    if None in out:
        if len(cache) >= _NAMES_MAX:
            cache.clear()
        for k, (key, name) in enumerate(zip(keys, out, strict=True)):
            if name is None:
                name = cache[key] = fold(strings[key])
                out[k] = name
    return out  # type: ignore[return-value]


def _same(name: str) -> str:
    return name


def _label(name: str) -> str:
    return name or "O"


def token_view(doc: Doc) -> TokenView:
    """The doc's :class:`TokenView`, built on first use and kept in ``doc.user_data``. The
    attributes come out of spaCy as one integer array (``Doc.to_array``) and each distinct string
    is looked up once: creating a Python ``Token`` per token per attribute was the slow part."""
    cached = doc.user_data.get(_VIEW_KEY)
    if isinstance(cached, TokenView) and len(cached.text) == len(doc):
        return cached
    from spacy import attrs as a

    table = doc.to_array([a.ORTH, a.LOWER, a.LEMMA, a.POS, a.TAG, a.DEP, a.ENT_TYPE, a.HEAD, a.IDX, a.LENGTH, a.SPACY,
                          a.SENT_START, a.IS_STOP, a.IS_PUNCT, a.IS_SPACE, a.IS_ALPHA])
    strings = doc.vocab.strings
    n = len(doc)
    cols = table[:, :7].T.tolist()  # the string keys, column by column

    lemma = _strings(cols[2], _LEMMAS, strings, str.lower)
    signed = table[:, 7:12].astype(np.int64)  # HEAD is a signed offset, SENT_START -1/0/1
    head_arr = np.arange(n, dtype=np.int64) + signed[:, 0]
    head = head_arr.tolist()
    # A leaf shares the empty tuple: a list for every token was a third of the build.
    children: list[Sequence[int]] = [()] * n
    for i, h in enumerate(head):
        if h != i:
            kids = children[h]
            if isinstance(kids, list):
                kids.append(i)
            else:
                children[h] = [i]
    idx_arr, length = signed[:, 1], signed[:, 2]
    # Sentences as ``Doc.sents`` yields them: a new one at each token marked as a sentence start.
    starts = signed[:, 4] == 1
    if n:
        starts[0] = True
    first = np.flatnonzero(starts)
    sents = list(zip(first.tolist(), [*first[1:].tolist(), n], strict=True)) if n else []
    sent_id = (np.cumsum(starts) - 1).astype(np.int32)
    flags = table[:, 12:16].astype(bool)
    is_alpha = flags[:, 3]
    view = TokenView(
        text=_strings(cols[0], _NAMES, strings, _same),
        lower=_strings(cols[1], _NAMES, strings, _same),
        lemma=lemma,
        pos=_strings(cols[3], _NAMES, strings, _same),
        tag=_strings(cols[4], _NAMES, strings, _same),
        dep=_strings(cols[5], _NAMES, strings, _same),
        head_lemma=list(map(lemma.__getitem__, head)),
        ent=_strings(cols[6], _ENTS, strings, _label),
        is_stop=flags[:, 0].tolist(),
        is_punct=flags[:, 1].tolist(),
        is_space=flags[:, 2].tolist(),
        content=(is_alpha & ~flags[:, 0] & (length > 2)).tolist(),
        sents=sents,
        sent_id=sent_id,
        head=head,
        children=children,
        idx=idx_arr.tolist(),
        end=(idx_arr + length).tolist(),
        space_after=signed[:, 3].astype(bool).tolist(),
    )
    doc.user_data[_VIEW_KEY] = view
    return view
