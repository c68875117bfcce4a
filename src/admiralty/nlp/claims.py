"""Claims: the factual statements of an article, as spans.

Placeholder until the claims issue lands: one claim per sentence that has a verb, typed by its
final punctuation only, never hedged or negated. Its version says ``baseline``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Claim, record_id
from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "claims.baseline/0"


@stage("claims", VERSION, requires=("doc", "attributions"), assigns=("claims",))
def find_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """claim spans with type, certainty and polarity (baseline: sentences with a verb)"""
    assert doc is not None
    claims = []
    for sent in doc.sents:
        if not any(t.pos_ in ("VERB", "AUX") for t in sent):
            continue
        start, end = sent.start_char, sent.end_char
        while end > start and article.text[end - 1].isspace():
            end -= 1
        text = article.text[start:end]
        claims.append(
            Claim(
                id=record_id(article.id, "c", len(claims) + 1),
                start=start,
                end=end,
                text=text,
                by=VERSION,
                checkworthiness=0.0,
                attribution=None,
                type="question" if text.endswith("?") else "fact",
                certainty="certain",
                polarity="affirmed",
            )
        )
    return replace(article, claims=tuple(claims))
