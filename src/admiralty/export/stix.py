"""A STIX 2.1 bundle for MISP, OpenCTI and other threat-intelligence platforms.

* one ``identity`` (the system that wrote the bundle, ``export.stix_identity``), and one
  ``identity`` per source (who is quoted: individual, organization, or ``unknown`` for anonymous
  sources), its Admiralty reliability in its description and labels;
* one ``report`` per article (``report_types: ["news-analysis"]``), referring to its notes and
  sources;
* one ``note`` per claim: the claim's text, its grade, and STIX ``confidence`` mapped from the
  credibility in force (1 -> 90, 2 -> 70, 3 -> 50, 4 -> 30, 5 -> 10; 6, "cannot be judged", has no
  confidence at all rather than a made-up one);
* one ``opinion`` per analyst review of a grade (reviewed credibility 1-2 agree, 3 neutral,
  4-5 disagree, 6 neutral), authored by the reviewer, with the note as its explanation.

Ids are UUIDv5 of admiralty's own ids, so exporting the same store twice gives the same bundle.
Objects are built with the ``stix2`` library, which validates every property.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from ..model import CREDIBILITY_WORDS, RELIABILITY_WORDS, Document, Review
from .graded import standing, stix_confidence

NAMESPACE = uuid.UUID("5d1f1a3e-6a55-4b8e-9f0e-61646d6972c1")  # admiralty's fixed UUIDv5 namespace
OPINIONS = {1: "strongly-agree", 2: "agree", 3: "neutral", 4: "disagree", 5: "strongly-disagree", 6: "neutral"}
IDENTITY_CLASS = {"named_person": "individual", "named_organization": "organization", "outlet": "organization",
                  "document": "organization", "unnamed_official": "individual", "anonymous": "unknown"}


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _stamp(value: str | None, default: dt.datetime) -> dt.datetime:
    if value:
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    return default


def bundle(doc: Document, reviews: list[tuple[str, str, Review]], identity_name: str = "admiralty") -> Any:
    """The ``stix2.Bundle`` of a document (validated as it is built)."""
    import stix2

    created = _stamp(doc.run.started, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    me = stix2.Identity(id=stix_id("identity", identity_name), name=identity_name, identity_class="system",
                        created=created, modified=created,
                        description="admiralty: machine-suggested Admiralty grades of news claims")
    objects: list[Any] = [me]
    graded = standing(doc.grades, reviews)
    source_ids: dict[str, str] = {}
    for s in doc.sources:
        sid = stix_id("identity", s.id)
        source_ids[s.id] = sid
        objects.append(stix2.Identity(
            id=sid, name=s.name or s.id, identity_class=IDENTITY_CLASS.get(s.kind, "unknown"),
            created=created, modified=created, created_by_ref=me.id,
            description=f"{s.kind.replace('_', ' ')}; Admiralty source reliability {s.reliability} "
                        f"({RELIABILITY_WORDS[s.reliability]}), {s.status}",
            labels=[f"admiralty-reliability-{s.reliability.lower()}", f"admiralty-{s.status}"],
        ))
    for a in doc.articles:
        published = _stamp(a.published, created)
        report_id = stix_id("report", a.id)
        refs: list[str] = []
        for c in a.claims:
            st = graded.get(c.id)
            note_id = stix_id("note", c.id)
            refs.append(note_id)
            fields: dict[str, Any] = {}
            labels = [f"admiralty-claim-{c.type}", f"admiralty-{c.certainty}"]
            abstract = f"claim {c.id} ({c.type}, {c.certainty}, {c.polarity})"
            if st is not None:
                conf = stix_confidence(st.credibility)
                if conf is not None:
                    fields["confidence"] = conf
                labels += [f"admiralty-reliability-{st.reliability.lower()}",
                           f"admiralty-credibility-{st.credibility}",
                           "admiralty-reviewed" if st.reviewed else "admiralty-suggested"]
                abstract = (f"Admiralty {st.reliability}{st.credibility}: {RELIABILITY_WORDS[st.reliability]} "
                            f"source, {CREDIBILITY_WORDS[st.credibility]}")
                if st.source in source_ids:
                    refs.append(source_ids[st.source])
            objects.append(stix2.Note(
                id=note_id, abstract=abstract, content=c.text, authors=[identity_name],
                object_refs=[report_id], created=created, modified=created, created_by_ref=me.id,
                labels=labels, external_references=_refs(a.url, a.id), **fields,
            ))
            if st is not None and st.review is not None:
                objects.append(stix2.Opinion(
                    id=stix_id("opinion", f"{c.id}:{st.review.at}"), opinion=OPINIONS[st.credibility],
                    explanation=st.review.note or f"{st.review.action} {st.review.value}",
                    authors=[st.review.reviewer], object_refs=[note_id],
                    created=_stamp(st.review.at, created), modified=_stamp(st.review.at, created),
                    created_by_ref=me.id,
                ))
        objects.append(stix2.Report(
            id=report_id, name=a.title or a.input, published=published, report_types=["news-analysis"],
            object_refs=sorted(set(refs)) or [me.id], created=created, modified=created, created_by_ref=me.id,
            description=f"{a.outlet or 'unknown outlet'} · {a.input}", external_references=_refs(a.url, a.id),
            labels=[f"admiralty-confirmation-{a.sourcing.confirmation}"],
        ))
    return stix2.Bundle(objects=objects, id=stix_id("bundle", doc.run.started + doc.run.config_digest),
                        allow_custom=False)


def _refs(url: str | None, article_id: str) -> list[dict[str, str]]:
    ref = {"source_name": "admiralty", "external_id": article_id}
    if url and url.startswith(("http://", "https://")):
        ref["url"] = url
    return [ref]


def write_stix(doc: Document, reviews: list[tuple[str, str, Review]], path: Path,
               identity_name: str = "admiralty") -> int:
    b = bundle(doc, reviews, identity_name)
    data = json.loads(b.serialize())
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(data["objects"])
