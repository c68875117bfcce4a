"""The public API is what ``admiralty.__all__`` says, sorted, and nothing changes it by accident."""

from __future__ import annotations

import admiralty

PUBLIC = [
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


def test_public_api_is_pinned_and_sorted() -> None:
    assert admiralty.__all__ == PUBLIC
    assert sorted(admiralty.__all__) == admiralty.__all__
    for name in PUBLIC:
        assert hasattr(admiralty, name)
