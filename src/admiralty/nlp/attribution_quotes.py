"""Quotation regions of a text: where direct speech begins and ends.

Marks handled: curly double quotes, straight double quotes (an opener follows a space, a line
start or an opening bracket/dash; anything else closes), two single quotes (``''`` and the
backtick opener), guillemets and low-9 quotes. A quote may run over sentences and over
paragraphs in the newspaper style where each new paragraph reopens the quote without closing the
previous one. A mark that never closes (within ``max_chars``, or before the paragraph ends with no
reopening) is dropped: it costs that one quote, never the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_MARKS = re.compile(r"``|''|[\u201c\u201d\u201e\u00ab\u00bb\"]")
_OPEN_ONLY = {"\u201c", "\u201e", "\u00ab", "``"}
_CLOSE_ONLY = {"\u201d", "\u00bb"}
_AMBIGUOUS = {'"', "''"}
_OPEN_CONTEXT = set(" \t\n([{\u2014\u2013-/:") | {""}


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: ``start``/``end`` include the marks; ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int

    def words(self, text: str) -> int:
        return len(text[self.inner_start:self.inner_end].split())


def find_quotes(text: str, max_chars: int) -> tuple[Quote, ...]:
    """Balanced quotation regions in text order (never raises on odd marks)."""
    marks = [(m.start(), m.end(), m.group()) for m in _MARKS.finditer(text)]
    out: list[Quote] = []
    open_at: tuple[int, int] | None = None  # (mark start, mark end) of the pending opener
    for start, end, mark in marks:
        before = text[start - 1] if start > 0 else ""
        is_open = mark in _OPEN_ONLY or (mark in _AMBIGUOUS and before in _OPEN_CONTEXT)
        if mark == "''" and before.isalnum() and open_at is None:
            continue  # a possessive or a stray pair of apostrophes
        if open_at is not None:
            gap = text[open_at[1]:start]
            if start - open_at[0] > max_chars or ("\n" in gap and not _reopens(text, open_at[1], start)):
                open_at = None
        if open_at is None:
            if (is_open or (mark in _AMBIGUOUS and before not in ".,;!?")) and mark not in _CLOSE_ONLY:
                open_at = (start, end)
            continue
        if mark in _OPEN_ONLY and _paragraph_start(text, start):
            continue  # a continued quote reopened at a new paragraph
        if is_open and mark in _AMBIGUOUS and _paragraph_start(text, start):
            continue
        if is_open and mark in _OPEN_ONLY:
            open_at = (start, end)  # the previous opener never closed: drop it
            continue
        out.append(Quote(open_at[0], end, open_at[1], start))
        open_at = None
    return tuple(q for q in out if q.inner_end > q.inner_start)


def _paragraph_start(text: str, at: int) -> bool:
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _reopens(text: str, after: int, at: int) -> bool:
    """True when every line break between the opener and ``at`` is followed by a reopening
    mark (a quote continued over paragraphs)."""
    for m in re.finditer(r"\n\s*", text[after:at]):
        nxt = after + m.end()
        if nxt >= at and at < len(text):
            nxt = at
        if not _MARKS.match(text, nxt):
            return False
    return True


def quote_at(quotes: Sequence[Quote], start: int, end: int) -> list[Quote]:
    """Quotes overlapping ``[start, end)``."""
    return [q for q in quotes if q.start < end and start < q.end]
