"""Admiralty grades per claim: the reliability of its source (A-F) and the credibility of the
information (1-6), each with its reasons.

Baseline until the grading issue lands: every claim is 6 (truth cannot be judged) and takes the
reliability of its source from the ``sources`` block (F for now).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import CREDIBILITY_WORDS, Article, CorpusResult, Grade, Reason, source_id
from ..resources import Resources

VERSION = "grade.baseline/0"

ClaimSources = list[tuple[str, str | None]]  # (claim id, source id)


class Grades:
    name = "grade"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> ClaimSources:
        pairs = []
        for article in articles:
            by_id = {a.id: a for a in article.attributions}
            for claim in article.claims:
                attribution = by_id.get(claim.attribution or "")
                if attribution is not None and attribution.source is not None:
                    source = attribution.source.ref
                elif article.outlet:
                    source = source_id("outlet", article.outlet)  # the outlet's own assertion
                else:
                    source = None
                pairs.append((claim.id, source))
        return pairs

    def merge(self, left: ClaimSources, right: ClaimSources) -> ClaimSources:
        return left + right

    def query(self, state: ClaimSources, previous: CorpusResult, res: Resources) -> CorpusResult:
        reliability = {s.id: s.reliability for s in previous.sources}
        credibility = int(res.config["grading.unjudged_credibility"])
        fallback = str(res.config["grading.unknown_reliability"])
        grades = []
        for claim, source in sorted(state):
            reason = Reason(
                rule="credibility.unjudged",
                version=VERSION,
                params={},
                records=(claim,),
                text=f"No independent confirmation or contradiction was looked for yet: "
                f"{CREDIBILITY_WORDS[credibility]}.",
            )
            grades.append(
                Grade(claim, source, reliability.get(source or "", fallback), credibility,  # type: ignore[arg-type]
                      0, 0, "suggested", None, (reason,))
            )
        return replace(previous, grades=tuple(grades))
