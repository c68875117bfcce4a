"""Check-worthiness: how much each claim deserves a fact-checker's time, in [0, 1].

Placeholder until the claims issue lands: leaves every score at 0 and says ``baseline``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "checkworthiness.baseline/0"


@stage("checkworthiness", VERSION, requires=("claims",), assigns=("checkworthiness",))
def score_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """a check-worthiness score per claim (baseline: 0)"""
    return article
