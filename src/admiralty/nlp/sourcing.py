"""The sourcing profile of one article: how many attributions rest on which kind of source,
how many claims carry no attribution (the outlet's own assertions), how many are second-hand
(an outlet cited as the source, or any attribution through an intermediary), and what the text
says about confirmation.

Confirmation and denial cues come from ``lexicons/sourcing_cues.txt`` (``kind<TAB>phrase``;
``*`` in a phrase stands for one to three words): "has not yet provided official confirmation",
"could not be independently verified" (unconfirmed), "confirmed to" (confirmed), "denied"
(denied). Matches are case-insensitive on word boundaries; overlapping matches keep the longest.
The article's ``confirmation`` is ``denied`` when any denial cue is found, else ``unconfirmed``
when the text says something is not confirmed, else ``confirmed``, else ``none``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Confirmation, Cue, Sourcing
from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "sourcing.cues/1"
PRECEDENCE: tuple[Confirmation, ...] = ("denied", "unconfirmed", "confirmed")


def cue_patterns(lines: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(kind, compiled pattern)`` for each ``kind<TAB>phrase`` line."""
    out = []
    for line in lines:
        kind, _, phrase = line.partition("\t")
        words = phrase.split()
        if not kind.strip() or not words:
            continue
        parts = [r"(?:\S+\s+){1,3}?" if w == "*" else re.escape(w) + r"\s+" for w in words]
        body = "".join(parts)
        body = body[: -len(r"\s+")] if body.endswith(r"\s+") else body
        out.append((kind.strip(), re.compile(r"\b" + body + r"\b", re.IGNORECASE)))
    return tuple(out)


def find_cues(text: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[Cue, ...]:
    """Non-overlapping cue matches in text order (the longest wins an overlap)."""
    gate, covers, firsts = _gating(patterns)
    starts: dict[str, list[int]] = {}
    if gate is not None and _FOLDS_ODDLY.search(text) is None:
        # Where no letter folds oddly, a first word can only begin where the lower-cased text
        # holds it (positions are kept: only U+0130 changes length when lower-cased).
        low = text.lower()
        for word in covers.get("", ()):
            at = low.find(word)
            while at >= 0:
                starts.setdefault(word, []).append(at)
                at = low.find(word, at + 1)
    elif gate is not None:
        for m in gate.finditer(text):
            for word in covers[m.lastgroup or ""]:
                starts.setdefault(word, []).append(m.start())
    hits = []
    for (kind, pattern), first in zip(patterns, firsts, strict=True):
        found = pattern.finditer(text) if first is None else _matches_at(pattern, text, starts.get(first, ()))
        for m in found:
            hits.append((m.end() - m.start(), m.start(), m.end(), kind))
    cues: list[Cue] = []
    for _, start, end, kind in sorted(hits, key=lambda h: (-h[0], h[1], h[3])):
        if not any(start < c.end and c.start < end for c in cues):
            cues.append(Cue(start, end, text[start:end], kind))
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


# A cue pattern as ``cue_patterns`` writes it: a word boundary, then a first word of letters.
_FIRST_WORD = re.compile(r"\\b([a-z]+)(?:\\s\+|\\b$)")


# The letters a case-insensitive pattern matches to an ASCII letter that ``str.lower`` does not
# turn into it (dotted and dotless i, long s); ``test_sourcing`` checks the list on all of Unicode.
ODD_FOLDS = "\u0130\u0131\u017f"
_FOLDS_ODDLY = re.compile(f"[{ODD_FOLDS}]")


@functools.lru_cache(maxsize=8)
def _gating(
    patterns: tuple[tuple[str, re.Pattern[str]], ...],
) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]], tuple[str | None, ...]]:
    """One scan for the first words of all the patterns, so each pattern is tried only where
    its first word begins: (the scan, the first words each of its matches stands for, each
    pattern's first word or None when it must scan the text itself). A pattern can only match
    where its first word does, so ``find_cues`` finds exactly what each pattern's own
    ``finditer`` would."""
    firsts: list[str | None] = []
    for _, pattern in patterns:
        m = _FIRST_WORD.match(pattern.pattern)
        firsts.append(m.group(1) if m and pattern.flags == re.IGNORECASE | re.UNICODE else None)
    # Longest first: where several first words match at one place ("not", "no"), the scan
    # reports the longest, which stands for every first word that is a prefix of it.
    words = sorted({w for w in firsts if w}, key=lambda w: (-len(w), w))
    if not words:
        return None, {}, tuple(firsts)
    gate = re.compile(r"\b(?:" + "|".join(f"(?P<w{k}>{w})" for k, w in enumerate(words)) + ")", re.IGNORECASE)
    covers = {f"w{k}": tuple(v for v in words if w.startswith(v)) for k, w in enumerate(words)}
    covers[""] = tuple(words)
    return gate, covers, tuple(firsts)


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int] | tuple[()]) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` yields when the pattern can only match at ``starts``
    (ascending): the leftmost match at or after the end of the previous one."""
    end = 0
    for at in starts:
        if at < end:
            continue
        m = pattern.match(text, at)
        if m is not None:
            yield m
            end = m.end()


def confirmation_of(cues: tuple[Cue, ...]) -> Confirmation:
    kinds = {c.kind for c in cues}
    for kind in PRECEDENCE:
        if kind in kinds:
            return kind
    return "none"


def count_sources(article: Article, cues: tuple[Cue, ...] = ()) -> Sourcing:
    kinds = Counter(a.source.kind for a in article.attributions if a.source is not None)
    return Sourcing(
        named=kinds["named_person"] + kinds["named_organization"],
        anonymous=kinds["anonymous"],
        unnamed_official=kinds["unnamed_official"],
        outlet=kinds["outlet"],
        document=kinds["document"],
        unattributed_claims=sum(1 for c in article.claims if c.attribution is None),
        second_hand=sum(
            1
            for a in article.attributions
            if (a.source is not None and a.source.kind == "outlet") or a.via is not None
        ),
        confirmation=confirmation_of(cues),
        cues=cues,
    )


@stage("sourcing", VERSION, requires=("attributions", "claims"), assigns=("sourcing",))
def profile_sourcing(article: Article, doc: Doc | None, res: Resources) -> Article:
    """counts by source kind, unattributed and second-hand claims, confirmation and denial cues"""
    patterns = res.cached("sourcing.cues", lambda: cue_patterns(res.lexicon("sourcing_cues")))
    return replace(article, sourcing=count_sources(article, find_cues(article.text, patterns)))
