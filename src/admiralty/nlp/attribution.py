"""Attribution: who stands behind each statement (source, cue, content).

Placeholder until the attribution issue lands: finds nothing, and says ``baseline`` in its
version so no reader mistakes it for the real stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "attribution.baseline/0"


@stage("attribution", VERSION, requires=("doc", "entities"), assigns=("attributions",))
def find_attributions(article: Article, doc: Doc | None, res: Resources) -> Article:
    """who says what: source, cue and content spans (baseline: none)"""
    return article
