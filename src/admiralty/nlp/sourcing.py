"""The sourcing profile of one article: how many attributions rest on which kind of source,
how many claims carry no attribution (the outlet's own assertions), and how many are second-hand.

Confirmation and denial cues come with the attribution issue; until then ``confirmation`` is
``none`` and the version says ``baseline``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..model import Sourcing
from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "sourcing.baseline/0"


def count_sources(article: Article) -> Sourcing:
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
    )


@stage("sourcing", VERSION, requires=("attributions", "claims"), assigns=("sourcing",))
def profile_sourcing(article: Article, doc: Doc | None, res: Resources) -> Article:
    """counts by source kind, unattributed and second-hand claims"""
    return replace(article, sourcing=count_sources(article))
