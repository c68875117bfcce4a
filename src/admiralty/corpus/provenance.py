"""Provenance cues: what an article's own text says about where it came from.

Found in the first and last ``window`` characters of the text (where credit lines, datelines and
bylines live), never in the body, so "Reuters reported" inside a paragraph (an attribution, handled
by the attribution stage) does not make an article a Reuters copy.

Kinds:

* ``credit``   -- "Read Full Article at RT.com", "originally published by X", "first appeared on
  X", "republished from X", "Source: X", "via X" on a line of its own: the text was taken from X.
* ``wire``     -- a wire-agency dateline, "(AFP) -", "WASHINGTON (Reuters) -", "(AP) --": the text
  is the agency's.
* ``byline``   -- "Ramin Sohrabi for TROIB News": names the outlet that *carries* the article
  (its publisher, often an aggregator), not its origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CueKind = Literal["credit", "wire", "byline"]

# A capitalised outlet name of one to five words, or a domain (RT.com, news.example.co.uk).
# A name's words may hold inner dots ("RT.com", "U.S") but never end on one, so a name stops at
# the end of its sentence ("Republished from Coastal Wire. Read the full story ...").
_WORD = r"[A-Z](?:[\w&'-]|\.(?=\w))*"
_NAME = rf"(?:{_WORD}(?:[ \t]+(?:of|the|and|{_WORD})){{0,4}}|[a-z][\w-]*(?:\.[a-z][\w-]*)+)"

_CREDIT = [
    re.compile(
        rf"\b(?i:read (?:the )?(?:full|more|original|whole|rest of the)?[ \t]*"
        rf"(?:article|story|report|piece)?[ \t]*(?:at|on|in))[ \t]+(?P<outlet>{_NAME})"
    ),
    re.compile(
        rf"\b(?i:(?:was |is |were )?(?:originally|first) (?:published|appeared|posted|ran)[ \t]+"
        rf"(?:by|on|in|at))[ \t]+(?P<outlet>{_NAME})"
    ),
    re.compile(
        rf"\b(?i:republished (?:from|with permission (?:of|from)|courtesy of))[ \t]+(?P<outlet>{_NAME})"
    ),
    re.compile(
        rf"(?m)^[ \t]*(?:Source|Via|Courtesy of|Credit)[ \t]*[:\-–—]?[ \t]*"
        rf"(?P<outlet>{_NAME})[ \t]*\.?[ \t]*$"
    ),
]
_WIRE_AGENCIES = (
    "AFP|AP|Reuters|UPI|Bloomberg|dpa|DPA|Xinhua|TASS|Interfax|ANI|PTI|IANS|ANSA|EFE|Kyodo|Yonhap|"
    "RIA Novosti|Ukrinform|Anadolu|Sputnik"
)
_WIRE = re.compile(rf"\((?P<outlet>{_WIRE_AGENCIES})\)\s*(?:[-–—]{{1,2}}|:)")
_BYLINE = re.compile(
    rf"(?m)^[ \t]*(?:By[ \t]+)?(?P<person>[A-Z][\w.'-]+(?:[ \t]+[A-Z][\w.'-]+){{1,3}})[ \t]+for[ \t]+"
    rf"(?P<outlet>{_NAME})[ \t]*\.?[ \t]*$"
)


@dataclass(frozen=True, slots=True)
class ProvenanceCue:
    kind: CueKind
    outlet: str
    start: int
    end: int
    text: str


def _clean(name: str) -> str:
    name = name.strip().rstrip(".,;:")
    return " ".join(name.split())


def find_cues(text: str, window: int) -> tuple[ProvenanceCue, ...]:
    """Provenance cues in the head and tail ``window`` characters of ``text``, in text order.

    Offsets are code points into ``text`` and ``cue.text == text[start:end]``.
    """
    if not text:
        return ()
    regions = [(0, min(len(text), window))]
    if len(text) > window:
        regions.append((max(window, len(text) - window), len(text)))
    found: dict[tuple[int, int, str], ProvenanceCue] = {}
    for lo, hi in regions:
        chunk = text[lo:hi]
        for kind, patterns in (("credit", _CREDIT), ("wire", [_WIRE]), ("byline", [_BYLINE])):
            for pattern in patterns:
                for m in pattern.finditer(chunk):
                    outlet = _clean(m.group("outlet"))
                    if not outlet or len(outlet) < 2:
                        continue
                    start, end = lo + m.start(), lo + m.end()
                    # trim surrounding whitespace so the span text is the cue itself
                    while start < end and text[start].isspace():
                        start += 1
                    while end > start and text[end - 1].isspace():
                        end -= 1
                    key = (start, end, kind)
                    found[key] = ProvenanceCue(kind, outlet, start, end, text[start:end])  # type: ignore[arg-type]
    return tuple(found[k] for k in sorted(found))


def same_outlet(a: str | None, b: str | None) -> bool:
    """Loose outlet-name equality: case, punctuation, a leading "the" and a ".com" do not count."""
    if not a or not b:
        return False
    return outlet_key(a) == outlet_key(b)


def outlet_key(name: str) -> str:
    key = name.lower().strip()
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"^(?:www\.)", "", key)
    key = re.sub(r"\.(?:com|org|net|co\.uk|co|ru|info|news)$", "", key)
    return re.sub(r"[^\w]+", "", key)
