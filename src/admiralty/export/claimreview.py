"""schema.org ClaimReview (JSON-LD) for the claims an analyst has reviewed, and only those.

A ClaimReview carries a fact-checker's verdict; a machine suggestion is not one, so claims whose
grade is still ``suggested`` are never exported. The verdict is the reviewed credibility: its words
(``alternateName``) and, for 1-5, a rating from 5 (confirmed) down to 1 (improbable); 6 ("truth
cannot be judged") carries no numeric rating. The review's note is the ``reviewBody``; the claim's
speaker (or the outlet, for its own assertions) is the claim's author; the article is where it
appeared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import CREDIBILITY_WORDS, Document, Review
from .graded import standing


def claim_reviews(doc: Document, reviews: list[tuple[str, str, Review]]) -> list[dict[str, Any]]:
    graded = standing(doc.grades, reviews)
    sources = {s.id: s for s in doc.sources}
    out = []
    for a in doc.articles:
        for c in a.claims:
            st = graded.get(c.id)
            if st is None or st.review is None:
                continue
            src = sources.get(st.source or "")
            author: dict[str, Any] = {
                "@type": "Person" if src is not None and src.kind == "named_person" else "Organization",
                "name": src.name if src is not None else (a.outlet or "unknown"),
            }
            appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": a.title or a.input}
            if a.url:
                appearance["url"] = a.url
            if a.outlet:
                appearance["publisher"] = {"@type": "Organization", "name": a.outlet}
            item: dict[str, Any] = {"@type": "Claim", "author": author, "appearance": appearance}
            if a.published:
                item["datePublished"] = a.published
            rating: dict[str, Any] = {"@type": "Rating", "alternateName": CREDIBILITY_WORDS[st.credibility]}
            if st.credibility <= 5:
                rating.update(ratingValue=6 - st.credibility, bestRating=5, worstRating=1)
            out.append({
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "claimReviewed": c.text,
                "datePublished": st.review.at[:10],
                "author": {"@type": "Person", "name": st.review.reviewer},
                "reviewRating": rating,
                "reviewBody": st.review.note,
                "itemReviewed": item,
                "identifier": c.id,
            })
    return out


def write_claimreview(doc: Document, reviews: list[tuple[str, str, Review]], path: Path) -> int:
    items = claim_reviews(doc, reviews)
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(items)
