"""CSV for spreadsheets: three tables, ``claims.csv``, ``attributions.csv`` and ``sources.csv``.

One row per claim (with who says it and its grade), per attribution, per source. Cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) get a leading apostrophe: article text is hostile and must not become a formula in the
analyst's spreadsheet. Offsets are code points, as in the JSON.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import Document

CLAIM_COLUMNS = (
    "claim_id", "article_id", "outlet", "published", "start", "end", "text", "type", "certainty",
    "polarity", "checkworthiness", "attribution_id", "source_id", "source_name", "source_kind",
    "reliability", "credibility", "grade_status", "independent_confirmations", "contradictions",
    "cues", "quantities",
)
ATTRIBUTION_COLUMNS = (
    "attribution_id", "article_id", "form", "source_text", "source_kind", "source_id", "via_text",
    "cue", "content", "start", "end", "by",
)
SOURCE_COLUMNS = ("source_id", "kind", "name", "outlet", "reliability", "status", "reasons")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet (no formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def claim_rows(doc: Document) -> Iterator[tuple[Any, ...]]:
    grades = {g.claim: g for g in doc.grades}
    sources = {s.id: s for s in doc.sources}
    for a in doc.articles:
        atts = {x.id: x for x in a.attributions}
        for c in a.claims:
            g = grades.get(c.id)
            att = atts.get(c.attribution or "")
            sid = (g.source if g else None) or (att.source.ref if att and att.source else None)
            s = sources.get(sid or "")
            mention = att.source if att is not None else None
            yield (
                c.id, a.id, a.outlet, a.published, c.start, c.end, c.text, c.type, c.certainty, c.polarity,
                c.checkworthiness, c.attribution, sid, s.name if s else (mention.text if mention else None),
                s.kind if s else (mention.kind if mention else None),
                g.reliability if g else None, g.credibility if g else None, g.status if g else None,
                g.independent_confirmations if g else None, g.contradictions if g else None,
                "; ".join(f"{cue.text} ({cue.kind})" for cue in c.cues),
                "; ".join(q.text for q in c.quantities),
            )


def attribution_rows(doc: Document) -> Iterator[tuple[Any, ...]]:
    for a in doc.articles:
        for x in a.attributions:
            spans = [s for s in (x.source, x.cue, *x.content) if s is not None]
            yield (
                x.id, a.id, x.form, x.source.text if x.source else None, x.source.kind if x.source else None,
                x.source.ref if x.source else None, x.via.text if x.via else None, x.cue.text if x.cue else None,
                " … ".join(s.text for s in x.content), min((s.start for s in spans), default=None),
                max((s.end for s in spans), default=None), x.by,
            )


def source_rows(doc: Document) -> Iterator[tuple[Any, ...]]:
    for s in doc.sources:
        yield (s.id, s.kind, s.name, s.outlet, s.reliability, s.status, " | ".join(r.text for r in s.reasons))


def _write(path: Path, header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            n += 1
    return n


def write_csv(doc: Document, directory: Path) -> dict[str, int]:
    """Write the three tables into ``directory`` (created if needed); returns rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "claims.csv": _write(directory / "claims.csv", CLAIM_COLUMNS, claim_rows(doc)),
        "attributions.csv": _write(directory / "attributions.csv", ATTRIBUTION_COLUMNS, attribution_rows(doc)),
        "sources.csv": _write(directory / "sources.csv", SOURCE_COLUMNS, source_rows(doc)),
    }
