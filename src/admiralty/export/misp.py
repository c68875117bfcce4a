"""A MISP event (MISP core format JSON) with ``admiralty-scale`` tags.

One event for the export (``info`` names what it holds). Each claim is a ``text`` attribute in
the category ``External analysis``, tagged with the MISP taxonomy ``admiralty-scale``:
``admiralty-scale:source-reliability="f"`` and ``admiralty-scale:information-credibility="6"``
(the grade in force: an analyst's review replaces the machine's suggestion). Each article URL is
a ``link`` attribute; the article, speaker and grade status go in the attribute ``comment``. No
attribute is an indicator (``to_ids`` is false): these are claims to weigh, not IOCs to block.
Distribution, threat level and analysis state come from ``[export]`` (organisation only,
undefined, ongoing by default). UUIDs are UUIDv5 of admiralty's ids, so a re-export updates the
same event in MISP rather than duplicating it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from ..model import Document, Review
from .graded import standing

NAMESPACE = uuid.UUID("0b6c2d1e-3f4a-5b6c-8d7e-61646d697370")  # admiralty's UUIDv5 namespace for MISP
TAXONOMY = "admiralty-scale"


def reliability_tag(letter: str) -> str:
    return f'{TAXONOMY}:source-reliability="{letter.lower()}"'


def credibility_tag(digit: int) -> str:
    return f'{TAXONOMY}:information-credibility="{digit}"'


def _uuid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def _epoch(value: str | None) -> str:
    if value:
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            return str(int(when.timestamp()))
        except ValueError:
            pass
    return "0"


def event(doc: Document, reviews: list[tuple[str, str, Review]], *, distribution: int = 0,
          threat_level: int = 4, analysis: int = 1, info: str | None = None) -> dict[str, Any]:
    graded = standing(doc.grades, reviews)
    sources = {s.id: s for s in doc.sources}
    stamp = _epoch(doc.run.started)
    attributes: list[dict[str, Any]] = []
    for a in doc.articles:
        if a.url:
            attributes.append({
                "uuid": _uuid(f"link:{a.id}"), "type": "link", "category": "External analysis",
                "value": a.url, "to_ids": False, "distribution": "5", "timestamp": stamp,
                "comment": f"article {a.id}: {a.title or a.input} ({a.outlet or 'unknown outlet'})",
                "Tag": [],
            })
        for c in a.claims:
            st = graded.get(c.id)
            tags = []
            comment = f"claim {c.id} in article {a.id} ({a.outlet or 'unknown outlet'})"
            if st is not None:
                tags = [{"name": reliability_tag(st.reliability)}, {"name": credibility_tag(st.credibility)}]
                src = sources.get(st.source or "")
                if src is not None:
                    comment += f"; source {src.name} ({src.kind.replace('_', ' ')})"
                comment += "; reviewed by an analyst" if st.reviewed else "; machine suggestion"
            attributes.append({
                "uuid": _uuid(f"claim:{c.id}"), "type": "text", "category": "External analysis",
                "value": c.text, "to_ids": False, "distribution": "5", "timestamp": stamp,
                "comment": comment, "Tag": tags,
            })
    dates = sorted(a.published[:10] for a in doc.articles if a.published)
    day = dates[0] if dates else (doc.run.started[:10] or dt.date.today().isoformat())
    return {"Event": {
        "uuid": _uuid(f"event:{doc.run.started}:{len(doc.articles)}:{info or ''}"),
        "info": info or f"admiralty analysis of {len(doc.articles)} news articles",
        "date": day,
        "threat_level_id": str(threat_level),
        "analysis": str(analysis),
        "distribution": str(distribution),
        "published": False,
        "timestamp": stamp,
        "Tag": [],
        "Attribute": attributes,
    }}


def write_misp(doc: Document, reviews: list[tuple[str, str, Review]], path: Path, **options: Any) -> int:
    ev = event(doc, reviews, **options)
    path.write_text(json.dumps(ev, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(ev["Event"]["Attribute"])
