"""Recording an analyst's review from the UI: confirm or override a grade, a claim link or a
source's reliability, with a note.

This is the UI's one entry into review storage. It writes through ``Store.add_review`` (who, when,
the action, the new value and the value it replaced, the note); the review logic proper (reviews
applied to the corpus records and surviving re-runs) belongs to ``admiralty.review`` (issue 7), and
when that module exists ``record`` delegates to it.

What a review targets and what its value means:

=============  ======================  =============================================
kind           target                  value
=============  ======================  =============================================
``grade``      the claim id            reliability letter + credibility digit, ``C3``
``claim_link`` ``"<claim>|<claim>"``   a relation: restates, supports, related,
                                        contradicts, or ``unlinked``
``source``     the source id           a reliability letter ``A``..``F``
=============  ======================  =============================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..model import Review
from ..store import Store

KINDS = ("grade", "claim_link", "source")
ACTIONS = ("confirm", "override")
LINK_VALUES = ("restates", "supports", "related", "contradicts", "unlinked")
_GRADE = re.compile(r"[A-F][1-6]")
_RELIABILITY = re.compile(r"[A-F]")
MAX_NOTE = 4000
MAX_REVIEWER = 120


class ReviewError(ValueError):
    """A review the form cannot record (bad value, missing note on an override, ...)."""


@dataclass(frozen=True, slots=True)
class Request:
    kind: str
    target: str
    action: str
    value: str
    note: str
    reviewer: str


def validate(req: Request, current: str) -> str:
    """The value to store (a confirm stores the current one); raises ``ReviewError``."""
    if req.kind not in KINDS:
        raise ReviewError(f"cannot review a {req.kind!r}: one of {', '.join(KINDS)}")
    if req.action not in ACTIONS:
        raise ReviewError("action must be confirm or override")
    if len(req.note) > MAX_NOTE or len(req.reviewer) > MAX_REVIEWER:
        raise ReviewError(f"note (at most {MAX_NOTE} characters) or reviewer name too long")
    if not req.reviewer.strip():
        raise ReviewError("a review needs the reviewer's name")
    if req.action == "confirm":
        return current
    value = req.value.strip().upper() if req.kind != "claim_link" else req.value.strip().lower()
    if req.kind == "grade" and len(value) == 1 and value in "123456" and current:
        value = current[0] + value  # a bare credibility keeps the reliability letter in force
    if not req.note.strip():
        raise ReviewError("an override needs a note saying why")
    pattern_ok = {
        "grade": bool(_GRADE.fullmatch(value)),
        "source": bool(_RELIABILITY.fullmatch(value)),
        "claim_link": value in LINK_VALUES,
    }[req.kind]
    if not pattern_ok:
        expected = {"grade": "a letter A-F and a digit 1-6, e.g. C3", "source": "a letter A-F",
                    "claim_link": ", ".join(LINK_VALUES)}[req.kind]
        raise ReviewError(f"override value {value!r} is not {expected}")
    if value == current:
        raise ReviewError(f"the override value {value} is the current value: confirm it instead")
    return value


def record(store: Store, req: Request, current: str) -> Review:
    """Validate and store one review; returns what was stored."""
    value = validate(req, current)
    review = Review(
        reviewer=req.reviewer.strip(),
        at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        action=req.action,  # type: ignore[arg-type]
        value=value,
        replaced=current,
        note=req.note.strip(),
    )
    delegate = _review_module()
    if delegate is not None and hasattr(delegate, "record_review"):
        delegate.record_review(store, req.kind, req.target, review)
    else:
        store.add_review(req.kind, req.target, review)
    return review


def _review_module() -> Any:
    try:
        from .. import review
    except ImportError:
        return None
    return review


def link_key(first: str, second: str) -> str:
    """The review target of a claim link: its two claim ids, sorted (``admiralty.review``'s key)."""
    return "|".join(sorted((first, second)))


def effective(value: str, reviews: list[dict[str, str]]) -> tuple[str, dict[str, str] | None]:
    """The value shown after the latest review, and that review (None: still a suggestion)."""
    if not reviews:
        return value, None
    last = reviews[-1]
    return last["value"], last
