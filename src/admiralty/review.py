"""The analyst's review: confirm or override a claim's grade, a claim link or a source's
reliability, with a note. Machine grades are suggestions; a review is the analyst's last word.

* A review is stored in the store's ``reviews`` table with who, when, the action (``confirm`` or
  ``override``), the value it sets and the machine value it replaced, and the note.
* Targets (the same as the web UI's, ``web/reviews.py``): ``grade`` (a claim id; value ``"2"``
  sets the credibility, ``"B2"`` also the reliability shown on the grade), ``claim_link``
  (``"<claim id>|<claim id>"``; value a relation: restates, supports, related, contradicts, or
  ``unlinked`` to remove the link), ``source`` (a source id; value a letter A-F).
* The grade stage applies the stored reviews on top of the machine's suggestions every time the
  corpus is graded, so a review survives re-runs and new articles: reviewed links and source
  letters feed the claim grades, then reviewed grades replace the computed ones. The latest
  review of a target wins. Reviewed records say ``status: reviewed`` (grades and sources) and
  carry a ``review.*`` reason naming the reviewer, the time and the note.
* :func:`attached` wraps the corpus stages at the edge (``Analysis.corpus``, the CLI): it hands
  the stored reviews and imported ratings to the stages through the resources for that run only,
  so no stage opens the store and a later run without a store sees none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from .errors import AdmiraltyError
from .model import CREDIBILITY_WORDS, RELIABILITY_WORDS, ClaimLink, CorpusResult, Grade, Reason, Review, Source
from .registry import analyst_context
from .resources import Resources

VERSION = "review/1"
KINDS = ("grade", "claim_link", "source")
RELATIONS = ("restates", "supports", "related", "contradicts", "unlinked")
LETTERS = "ABCDEF"

ReviewRow = tuple[str, str, Review]  # (target kind, target id, review)


class ReviewError(AdmiraltyError):
    """A review that cannot apply (unknown target, bad value)."""


def reviewer_name() -> str:
    """``$ADMIRALTY_REVIEWER``, else the login name."""
    name = os.environ.get("ADMIRALTY_REVIEWER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "analyst"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def check_value(kind: str, value: str) -> str:
    """The normalised value of a review, or ReviewError."""
    v = value.strip()
    if kind == "grade":
        up = v.upper()
        if len(up) == 1 and up in "123456":
            return up
        if len(up) == 2 and up[0] in LETTERS and up[1] in "123456":
            return up
        raise ReviewError(f"a grade is a credibility 1-6, optionally after a reliability letter (B2), not {value!r}")
    if kind == "claim_link":
        if v.lower() in RELATIONS:
            return v.lower()
        raise ReviewError(f"a link relation is one of {', '.join(RELATIONS)}, not {value!r}")
    if kind == "source":
        if v.upper() in LETTERS and len(v) == 1:
            return v.upper()
        raise ReviewError(f"a source reliability is a letter A-F, not {value!r}")
    raise ReviewError(f"review target kind must be one of {', '.join(KINDS)}, not {kind!r}")


def latest(reviews: Iterable[ReviewRow], kind: str) -> dict[str, Review]:
    """The latest review of each target of one kind (reviews are in storage order)."""
    out: dict[str, Review] = {}
    for k, target, review in reviews:
        if k == kind:
            out[target] = review
    return out


def _review_reason(review: Review, what: str) -> Reason:
    verb = "confirmed" if review.action == "confirm" else "overrode"
    note = f": {review.note}" if review.note else ""
    return Reason(f"review.{review.action}", VERSION,
                  {"reviewer": review.reviewer, "at": review.at, "value": review.value, "replaced": review.replaced},
                  (), f"{review.reviewer} {verb} {what} at {review.at} "
                      f"({review.replaced} -> {review.value}){note}.")


def _strip(reasons: Sequence[Reason]) -> tuple[Reason, ...]:
    return tuple(r for r in reasons if not r.rule.startswith("review."))


def apply_link_reviews(links: Sequence[ClaimLink], reviews: Iterable[ReviewRow]) -> list[ClaimLink]:
    chosen = latest(reviews, "claim_link")
    out = []
    seen = set()
    for link in links:
        key = link_key(*link.claims)
        seen.add(key)
        review = chosen.get(key)
        if review is None:
            out.append(link)
            continue
        if review.value == "unlinked":
            continue
        out.append(replace(link, relation=review.value,  # type: ignore[arg-type]
                           reasons=(*_strip(link.reasons), _review_reason(review, "the link"))))
    # A link the analyst added that the machine did not find.
    for key in sorted(set(chosen) - seen):
        if chosen[key].value == "unlinked":
            continue
        a, _, b = key.partition("|")
        out.append(ClaimLink((a, b), chosen[key].value, 1.0, (_review_reason(chosen[key], "the link"),)))  # type: ignore[arg-type]
    return sorted(out, key=lambda x: x.claims)


def apply_source_reviews(sources: Sequence[Source], reviews: Iterable[ReviewRow]) -> list[Source]:
    chosen = latest(reviews, "source")
    out = []
    for s in sources:
        review = chosen.get(s.id)
        if review is None:
            out.append(s)
            continue
        note = "" if review.value == s.reliability else f" (the machine now suggests {s.reliability})"
        reason = _review_reason(review, "the reliability")
        reason = replace(reason, text=reason.text + note)
        out.append(replace(s, reliability=review.value, status="reviewed",  # type: ignore[arg-type]
                           reasons=(*_strip(s.reasons), reason)))
    return out


def apply_grade_reviews(grades: Sequence[Grade], reviews: Iterable[ReviewRow]) -> list[Grade]:
    chosen = latest(reviews, "grade")
    out = []
    for g in grades:
        review = chosen.get(g.claim)
        if review is None:
            out.append(g)
            continue
        value = review.value
        reliability = value[0] if len(value) == 2 else g.reliability
        credibility = int(value[-1])
        machine = f"{g.reliability}{g.credibility}"
        note = "" if machine == f"{reliability}{credibility}" else f" (the machine now suggests {machine})"
        reason = _review_reason(review, "the grade")
        out.append(replace(g, reliability=reliability, credibility=credibility, status="reviewed",  # type: ignore[arg-type]
                           review=review, reasons=(*_strip(g.reasons), replace(reason, text=reason.text + note))))
    return out


def apply_reviews(result: CorpusResult, reviews: Sequence[ReviewRow]) -> CorpusResult:
    """Reviews on top of a finished corpus result (links, sources, grades: no re-grading)."""
    return replace(result,
                   claim_links=tuple(apply_link_reviews(result.claim_links, reviews)),
                   sources=tuple(apply_source_reviews(result.sources, reviews)),
                   grades=tuple(apply_grade_reviews(result.grades, reviews)))


# -- the store side -----------------------------------------------------------------------------


def attach_store(res: Resources, store: Any) -> None:
    """Hand the store's reviews and imported ratings to the corpus stages (through ``res``)."""
    from .registry.imports import stored_ratings

    ctx = analyst_context(res)
    ctx.reviews = list(store.reviews())
    ctx.ratings = stored_ratings(store)


def detach(res: Resources) -> None:
    """Forget what :func:`attach_store` handed over (a later run without a store sees none)."""
    ctx = analyst_context(res)
    ctx.reviews, ctx.ratings = [], {}


@contextlib.contextmanager
def attached(res: Resources, store: Any | None) -> Iterator[None]:
    """The store's reviews and ratings visible to the corpus stages inside the block only."""
    if store is not None:
        attach_store(res, store)
    try:
        yield
    finally:
        detach(res)


def _machine_value(kind: str, target: str, corpus: CorpusResult) -> str:
    if kind == "grade":
        for g in corpus.grades:
            if g.claim == target:
                return f"{g.reliability}{g.credibility}"
        raise ReviewError(f"no graded claim {target!r} in the store (give a claim id like a1b2c3:c4)")
    if kind == "claim_link":
        for link in corpus.claim_links:
            if link_key(*link.claims) == target:
                return link.relation
        return "unlinked"
    for s in corpus.sources:
        if s.id == target:
            return s.reliability
    raise ReviewError(f"no source {target!r} in the store")


def find_source(corpus: CorpusResult, query: str) -> Source:
    """A source by id, or by name (case-insensitive) when exactly one matches."""
    for s in corpus.sources:
        if s.id == query:
            return s
    q = " ".join(query.lower().split())
    found = [s for s in corpus.sources if " ".join(s.name.lower().split()) == q]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ReviewError(f"no source named {query!r} in the store")
    raise ReviewError(f"{len(found)} sources are named {query!r}: give an id ({', '.join(s.id for s in found)})")


def add_review(store: Any, res: Resources, kind: str, target: str, action: str, value: str | None,
               note: str, reviewer: str | None = None) -> Review:
    """Store a review of the current (stored) corpus and re-grade so it shows at once."""
    if kind not in KINDS:
        raise ReviewError(f"review target kind must be one of {', '.join(KINDS)}")
    corpus = store.corpus()
    if kind == "claim_link":
        a, _, b = target.partition("|")
        if not b:
            raise ReviewError("a link is two claim ids")
        target = link_key(a, b)
    machine = _machine_value(kind, target, corpus)
    if action == "confirm":
        if kind == "claim_link" and machine == "unlinked":
            raise ReviewError(f"no link {target!r} to confirm: override it with a relation instead")
        chosen = machine
    elif action == "override":
        if value is None:
            raise ReviewError("an override needs a value")
        chosen = check_value(kind, value)
    else:
        raise ReviewError("action must be confirm or override")
    review = Review(reviewer or reviewer_name(), now(), action, chosen, machine, note)  # type: ignore[arg-type]
    store.add_review(kind, target, review)
    regrade(store, res)
    return review


def record_review(store: Any, kind: str, target: str, review: Review) -> None:
    """Store a review made elsewhere (the web UI) and show it on the stored records at once.
    Its effect on other grades (a reviewed link or source letter) follows at the next
    ``admiralty analyze`` or ``admiralty review`` of the store, which re-grade."""
    store.add_review(kind, target, review)
    store.replace_corpus(apply_reviews(store.corpus(), store.reviews()))


def regrade(store: Any, res: Resources) -> CorpusResult:
    """Re-run the grade stage over the stored articles and corpus records (copies, stories and
    links as stored; reviews and imported ratings applied) and store the result."""
    from .corpus.grade import Grades

    previous = store.corpus()
    stage = Grades()
    items = sorted((a for a in store.articles() if a.status == "analysed"), key=lambda a: a.id)
    with attached(res, store):
        result = stage.query(stage.build(items, res), previous, res)
    store.replace_corpus(result)
    return result


def describe(kind: str, target: str, review: Review) -> str:
    words = ""
    if kind == "grade":
        words = f" ({CREDIBILITY_WORDS[int(review.value[-1])]})"
    elif kind == "source":
        words = f" ({RELIABILITY_WORDS[review.value]})"
    return (f"{kind} {target}: {review.action} {review.replaced} -> {review.value}{words} "
            f"by {review.reviewer} at {review.at}" + (f" — {review.note}" if review.note else ""))
