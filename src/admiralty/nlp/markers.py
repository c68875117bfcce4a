"""Framing and usage markers: namings of one referent that mark a side ("Kiev" vs "Kyiv").

Separate from the 14 persuasion techniques: a marker says nothing about truth or manipulation, only
which usage an article follows -- "Kiev", "Russia's military operation", "the Kiev regime",
"Vladimir Zelensky" (Russian-state usage) against "Kyiv", "full-scale invasion", "Volodymyr
Zelensky". The marker sets are data: ``lexicons/markers.tsv`` (``set<TAB>variant<TAB>phrase``),
extended by ``[markers] extra`` entries (``"set|variant|phrase"``) in the config.

Each phrase becomes one case-insensitive regular expression on whole words (an apostrophe matches
``'`` or ``’``, a hyphen a hyphen, dash or space, a space any whitespace). Where two phrases of one
set overlap, the longer wins ("full-scale invasion of Ukraine" is one marker, not two); markers of
different sets may overlap ("Kiev regime" is both ``kiev_regime`` and ``kyiv_spelling``).
:func:`summarise` gives the per-article view: counts per set and variant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ModelError
from ..model import Marker
from ..pipeline import replace, stage
from ..resources import LEXICON_DIR, read_word_list

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "markers.lexicon/1"
MARKER_FILE = "markers.tsv"

_APOSTROPHES = "['\u2019\u02bc]"
_HYPHENS = "[-\u2010\u2011\u2013\u2014\\s]"


@dataclass(frozen=True, slots=True)
class MarkerEntry:
    set: str
    variant: str
    phrase: str
    pattern: re.Pattern[str]

    @property
    def key(self) -> str:
        """A lower-case word every match must contain (a cheap pre-filter before the regex)."""
        words = re.findall(r"\w+", self.phrase.lower())
        return max(words, key=len) if words else ""


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The regular expression of one marker phrase (see the module docstring)."""
    out = []
    for ch in phrase.strip():
        if ch in "'\u2019\u02bc":
            out.append(_APOSTROPHES)
        elif ch in "-\u2010\u2011\u2013\u2014":
            out.append(_HYPHENS)
        elif ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return re.compile(r"(?<!\w)" + "".join(out) + r"(?!\w)", re.IGNORECASE)


def parse_entries(lines: Iterable[str], sep: str = "\t") -> list[MarkerEntry]:
    """Marker entries from ``set<sep>variant<sep>phrase`` lines; malformed lines raise."""
    entries = []
    for line in lines:
        parts = [p.strip() for p in line.split(sep)]
        if len(parts) != 3 or not all(parts):
            raise ModelError(
                f"marker entry {line!r} must have three fields, set{sep}variant{sep}phrase "
                "(e.g. kyiv_spelling, russian_usage, Kiev)"
            )
        entries.append(MarkerEntry(parts[0], parts[1], parts[2], phrase_pattern(parts[2])))
    return entries


def marker_entries(res: Resources) -> list[MarkerEntry]:
    """The packaged marker sets plus the config's ``[markers] extra`` entries, loaded once."""

    def build() -> list[MarkerEntry]:
        entries = parse_entries(read_word_list(LEXICON_DIR / MARKER_FILE))
        entries += parse_entries((str(x) for x in res.config["markers.extra"]), sep="|")
        return entries

    value = res.cached("markers:entries", build)
    assert isinstance(value, list)
    return value


def find(text: str, entries: Iterable[MarkerEntry]) -> list[Marker]:
    """Every marker in ``text``, longest first within a set, sorted by offset."""
    cands = []
    lowered = text.lower()
    for entry in entries:
        if entry.key not in lowered:
            continue
        for m in entry.pattern.finditer(text):
            if m.end() > m.start():
                cands.append((m.start(), m.end(), entry))
    cands.sort(key=lambda c: (c[2].set, c[0], -(c[1] - c[0]), c[2].variant))
    taken: dict[str, list[tuple[int, int]]] = {}
    out = []
    for start, end, entry in cands:
        spans = taken.setdefault(entry.set, [])
        if any(start < e and s < end for s, e in spans):
            continue
        spans.append((start, end))
        out.append(Marker(start, end, text[start:end], entry.set, entry.variant))
    out.sort(key=lambda m: (m.start, m.end, m.set))
    return out


def summarise(markers: Iterable[Marker]) -> dict[str, dict[str, int]]:
    """Counts per marker set and variant, e.g. ``{"kyiv_spelling": {"russian_usage": 2}}``."""
    out: dict[str, dict[str, int]] = {}
    for m in markers:
        by_variant = out.setdefault(m.set, {})
        by_variant[m.variant] = by_variant.get(m.variant, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


@stage("markers", VERSION, requires=("text",), assigns=("markers",))
def find_markers(article: Article, doc: Doc | None, res: Resources) -> Article:
    """framing / usage markers ("Kiev" vs "Kyiv", "military operation" vs "invasion") from data sets"""
    return replace(article, markers=tuple(find(article.text, marker_entries(res))))
