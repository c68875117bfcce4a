"""``admiralty export``: CSV, GraphML, STIX 2.1 (validated with stix2), MISP (checked against the
MISP core format's structure), ClaimReview (reviewed claims only)."""

from __future__ import annotations

import csv
import json
import re
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from admiralty.cli import main
from admiralty.export.csv import cell
from admiralty.model import Review
from admiralty.store import Store
from test_web import build_store


@pytest.fixture()
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "x.db"
    return db, build_store(db)


def _export(db: Path, fmt: str, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


def _review(db: Path, claim: str, value: str, action: str = "override") -> None:
    with Store(db) as s:
        s.add_review("grade", claim, Review("ana", "2025-03-08T10:00:00Z", action, value, "F6", "checked: two wires"))


def test_csv_tables(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = store
    _export(db, "csv", tmp_path / "tables")
    with (tmp_path / "tables" / "claims.csv").open(encoding="utf-8") as fh:
        claims = list(csv.DictReader(fh))
    assert len(claims) == 6
    row = next(r for r in claims if r["claim_id"] == ids["claim"])
    assert row["source_kind"] == "named_person" and row["credibility"] == "6" and row["reliability"] == "F"
    assert row["text"].startswith("Piet <script>")  # the text as it is: a CSV is not HTML
    with (tmp_path / "tables" / "attributions.csv").open(encoding="utf-8") as fh:
        atts = list(csv.DictReader(fh))
    assert len(atts) == 3 and all(a["cue"] == "said" for a in atts)
    with (tmp_path / "tables" / "sources.csv").open(encoding="utf-8") as fh:
        assert {r["kind"] for r in csv.DictReader(fh)} == {"named_person", "outlet"}


def test_csv_cells_never_become_formulas() -> None:
    for bad in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert cell(bad).startswith("'")
    assert cell("Minister said") == "Minister said" and cell(0.5) == 0.5


def test_graphml_story_graph(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx

    db, ids = store
    _export(db, "graphml", tmp_path / "g.graphml")
    g = nx.read_graphml(tmp_path / "g.graphml")
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert sorted(set(kinds.values())) == ["article", "claim", "origin", "source", "story"]
    copy_edges = [(a, b) for a, b, d in g.edges(data=True) if d["kind"] == "copy_of"]
    assert {a for a, _ in copy_edges} == {f"article:{ids['a1']}", f"article:{ids['a2']}"}  # one origin
    assert any(d["kind"] == "link" and d["relation"] == "supports" for _, _, d in g.edges(data=True))
    assert any(d["kind"] == "says" for _, _, d in g.edges(data=True))
    assert "<script>" in g.nodes[f"story:{ids['story']}"]["label"]  # escaped in XML, intact as data


def test_stix_bundle_parses_with_stix2_and_maps_confidence(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import stix2

    db, ids = store
    _review(db, ids["claim"], "B2")
    _export(db, "stix", tmp_path / "b.json")
    raw = (tmp_path / "b.json").read_text(encoding="utf-8")
    bundle = stix2.parse(raw, allow_custom=False)
    objects = bundle.objects
    by_type: dict[str, list] = {}
    for o in objects:
        by_type.setdefault(o.type, []).append(o)
    assert len(by_type["report"]) == 3 and len(by_type["note"]) == 6
    assert any(i.identity_class == "system" for i in by_type["identity"])
    reviewed = [n for n in by_type["note"] if "admiralty-reviewed" in n.labels]
    assert len(reviewed) == 1 and reviewed[0].confidence == 70  # credibility 2 -> 70
    for n in by_type["note"]:
        if "admiralty-credibility-6" in n.labels:
            assert "confidence" not in n  # 6: no confidence at all
    (opinion,) = by_type["opinion"]
    assert opinion.opinion == "agree" and opinion.authors == ["ana"] and opinion.object_refs == [reviewed[0].id]
    # every reference resolves inside the bundle
    known = {o.id for o in objects}
    for o in by_type["report"] + by_type["note"]:
        assert set(o.object_refs) <= known
    # deterministic: the same store exports the same bundle
    _export(db, "stix", tmp_path / "b2.json")
    assert (tmp_path / "b2.json").read_text(encoding="utf-8") == raw


def test_stix_confidence_scale() -> None:
    from admiralty.export.graded import stix_confidence

    assert [stix_confidence(c) for c in range(1, 7)] == [90, 70, 50, 30, 10, None]


# MISP core format (draft-dulaunoy-misp-core-format, "Event" and "Attribute" sections): the keys
# we emit, their JSON types, and the category of each attribute type we use, as MISP's
# describeTypes lists them.
_EVENT_KEYS = {"uuid": str, "info": str, "date": str, "threat_level_id": str, "analysis": str,
               "distribution": str, "published": bool, "timestamp": str, "Attribute": list, "Tag": list}
_ATTRIBUTE_KEYS = {"uuid": str, "type": str, "category": str, "value": str, "to_ids": bool,
                   "distribution": str, "timestamp": str, "comment": str, "Tag": list}
_CATEGORIES = {"text": {"Other", "External analysis", "Attribution", "Internal reference", "Social network"},
               "link": {"External analysis", "Internal reference", "Payload delivery", "Antivirus detection"}}
_ADMIRALTY_TAG = re.compile(r'admiralty-scale:(source-reliability="[a-f]"|information-credibility="[1-6]")')


def validate_misp_event(doc: dict) -> None:  # type: ignore[type-arg]
    """A structural check of one MISP event against the core format; raises AssertionError."""
    assert set(doc) == {"Event"}
    ev = doc["Event"]
    for key, typ in _EVENT_KEYS.items():
        assert isinstance(ev.get(key), typ), f"Event.{key} missing or not {typ.__name__}"
    uuid.UUID(ev["uuid"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ev["date"])
    assert ev["threat_level_id"] in {"1", "2", "3", "4"} and ev["analysis"] in {"0", "1", "2"}
    assert ev["distribution"] in {"0", "1", "2", "3", "4"} and ev["timestamp"].isdigit()
    seen = set()
    for attr in ev["Attribute"]:
        for key, typ in _ATTRIBUTE_KEYS.items():
            assert isinstance(attr.get(key), typ), f"Attribute.{key} missing or not {typ.__name__}"
        assert attr["uuid"] not in seen
        seen.add(attr["uuid"])
        uuid.UUID(attr["uuid"])
        assert attr["category"] in _CATEGORIES[attr["type"]], (attr["type"], attr["category"])
        assert attr["distribution"] in {"0", "1", "2", "3", "4", "5"}
        for tag in attr["Tag"]:
            assert set(tag) == {"name"} and _ADMIRALTY_TAG.fullmatch(tag["name"]), tag


def test_misp_event_with_admiralty_scale_tags(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = store
    _review(db, ids["claim"], "C3")
    _export(db, "misp", tmp_path / "e.json", "--story", ids["story"])
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    validate_misp_event(doc)
    attrs = doc["Event"]["Attribute"]
    claims = [a for a in attrs if a["type"] == "text"]
    assert len(claims) == 6 and not any(a["to_ids"] for a in attrs)
    tags = {t["name"] for a in claims if ids["claim"] in a["comment"] for t in a["Tag"]}
    assert tags == {'admiralty-scale:source-reliability="c"', 'admiralty-scale:information-credibility="3"'}
    with pytest.raises(AssertionError):
        validate_misp_event({"Event": {**doc["Event"], "threat_level_id": "9"}})


def test_claimreview_only_for_reviewed_claims(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, ids = store
    _export(db, "claimreview", tmp_path / "none.json")
    assert json.loads((tmp_path / "none.json").read_text(encoding="utf-8")) == []  # machine grades: never
    _review(db, ids["claim"], "A1")
    _export(db, "claimreview", tmp_path / "cr.json")
    (item,) = json.loads((tmp_path / "cr.json").read_text(encoding="utf-8"))
    assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
    assert item["identifier"] == ids["claim"] and item["claimReviewed"].startswith("Piet")
    assert item["author"] == {"@type": "Person", "name": "ana"} and item["reviewBody"] == "checked: two wires"
    assert item["reviewRating"]["ratingValue"] == 5 and item["reviewRating"]["bestRating"] == 5
    assert item["itemReviewed"]["@type"] == "Claim" and item["itemReviewed"]["author"]["@type"] == "Person"
    assert item["datePublished"] == "2025-03-08"


def test_export_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "no.db"), "--format", "csv", "-o", "x"])
    assert result.exit_code == 2 and "does not exist" in result.output
