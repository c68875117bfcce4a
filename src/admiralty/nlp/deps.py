"""Dependency tables of a parsed doc, read from spaCy once and shared by the rule stages.

The attribution and claims rules walk the parse (heads, children, character offsets) many times
per token; creating a spaCy ``Token`` for each step was most of their cost. The columns (``head``,
``children``, ``idx``, ``end``, ``space_after``) are built with the word tables of
:mod:`admiralty.nlp.tokens` from the same ``Doc.to_array`` call, in one per-doc table object
kept in ``doc.user_data``: ``deps(doc)`` is that object.

``children[i]`` lists the tokens whose head is ``i`` in text order, as ``Token.children`` yields
them (left children, then right children, each in text order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .tokens import TokenView, token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Per-token parse facts: head index, children, character offsets, trailing whitespace (the
# dependency columns of the doc's one table object).
Deps = TokenView


def deps(doc: Doc) -> Deps:
    """The doc's table object (:func:`admiralty.nlp.tokens.token_view`), built on first use."""
    return token_view(doc)


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
