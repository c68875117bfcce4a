"""Framing and usage markers: namings of one referent that mark a side ("Kiev" vs "Kyiv").

Placeholder until the techniques issue lands: finds nothing and says ``baseline``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "markers.baseline/0"


@stage("markers", VERSION, requires=("doc",), assigns=("markers",))
def find_markers(article: Article, doc: Doc | None, res: Resources) -> Article:
    """framing / usage marker spans (baseline: none)"""
    return article
