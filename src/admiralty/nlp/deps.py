"""Dependency tables of a parsed doc, read from spaCy once and shared by the rule stages.

The attribution and claims rules walk the parse (heads, children, character offsets) many times
per token; creating a spaCy ``Token`` for each step was most of their cost. These plain lists are
built from one ``Doc.to_array`` call on first use and kept in ``doc.user_data``, beside the word
tables of :mod:`admiralty.nlp.tokens`.

``children[i]`` lists the tokens whose head is ``i`` in text order, as ``Token.children`` yields
them (left children, then right children, each in text order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Deps:
    """Per-token parse facts: head index, children, character offsets, trailing whitespace."""

    head: list[int]
    children: list[Sequence[int]]
    idx: list[int]  # character offset of the token
    end: list[int]  # character offset just past the token's text
    space_after: list[bool]  # the token is followed by whitespace (``Token.whitespace_``)


_KEY = "admiralty.deps"


def deps(doc: Doc) -> Deps:
    """The doc's :class:`Deps`, built on first use and kept in ``doc.user_data``."""
    cached = doc.user_data.get(_KEY)
    if isinstance(cached, Deps) and len(cached.head) == len(doc):
        return cached
    from spacy.attrs import HEAD, IDX, LENGTH, SPACY

    table = doc.to_array([HEAD, IDX, LENGTH, SPACY]).astype(np.int64)
    n = len(doc)
    head_arr = np.arange(n, dtype=np.int64) + table[:, 0]  # HEAD is an offset
    idx_arr = table[:, 1]
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
    view = Deps(
        head=head,
        children=children,
        idx=idx_arr.tolist(),
        end=(idx_arr + table[:, 2]).tolist(),
        space_after=table[:, 3].astype(bool).tolist(),
    )
    doc.user_data[_KEY] = view
    return view


def subtree_bounds(dp: Deps, i: int) -> tuple[int, int]:
    """The first and the last token index of the subtree of token ``i`` (the tokens
    ``Token.subtree`` yields: ``i`` and all its descendants)."""
    lo = hi = i
    stack = [i]
    children = dp.children
    while stack:
        k = stack.pop()
        if k < lo:
            lo = k
        elif k > hi:
            hi = k
        stack.extend(children[k])
    return lo, hi
