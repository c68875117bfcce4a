"""admiralty: reads news articles the way an analyst does.

For every claim: who says it, how it is hedged, which persuasion techniques carry it, which
independent outlets confirm or contradict it, graded on the NATO Admiralty scale. The public API::

    import admiralty
    doc = admiralty.analyze(["articles/"])
    for article in doc.articles:
        print(article.title, article.sourcing)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import Analysis, analyze
from .config import Config
from .errors import AdmiraltyError
from .model import Article, Claim, Document, Failure, Grade, Source
from .pipeline import Pipeline
from .resources import Resources
from .store import Store

__all__ = [
    "AdmiraltyError",
    "Analysis",
    "Article",
    "Claim",
    "Config",
    "Document",
    "Failure",
    "Grade",
    "Pipeline",
    "Resources",
    "Source",
    "Store",
    "__version__",
    "analyze",
]
