"""Persuasion techniques: the 14 classes of SemEval-2020 Task 11, as spans.

Placeholder until the techniques issue lands: finds nothing and says ``baseline``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "techniques.baseline/0"


@stage("techniques", VERSION, requires=("doc",), assigns=("techniques",))
def find_techniques(article: Article, doc: Doc | None, res: Resources) -> Article:
    """persuasion technique spans (baseline: none)"""
    return article
