"""A corpus stage that adds nothing yet, and says ``baseline`` in its version so no reader
mistakes its empty output for a finding. The cross-source issue replaces each use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..model import Article, CorpusResult
from ..resources import Resources


class Placeholder:
    def __init__(self, name: str, field: str) -> None:
        self.name = name
        self.version = f"{name}.baseline/0"
        self.field = field

    def build(self, articles: Sequence[Article], res: Resources) -> Any:
        return None

    def merge(self, left: Any, right: Any) -> Any:
        return None

    def query(self, state: Any, previous: CorpusResult, res: Resources) -> CorpusResult:
        return replace(previous, **{self.field: ()})
