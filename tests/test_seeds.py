"""End to end on the two seed articles: the document validates, and every span indexes the
exact file text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import admiralty
from admiralty.export.json import validate


@pytest.fixture(scope="module")
def seed_doc(seeds: Path, resources) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return admiralty.analyze([str(seeds)], resources=resources).to_json()


def _spans(node: Any) -> Any:
    """Every dict with start/end/text anywhere below ``node``."""
    if isinstance(node, dict):
        if {"start", "end", "text"} <= node.keys():
            yield node
        for value in node.values():
            yield from _spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from _spans(value)


def test_seeds_validate_and_offsets_index_the_files(seed_doc: dict[str, Any], seeds: Path) -> None:
    validate(seed_doc)
    assert seed_doc["failures"] == []
    assert len(seed_doc["articles"]) == 2
    for article in seed_doc["articles"]:
        assert article["status"] == "analysed" and article["language"] == "en"
        file_text = Path(article["input"]).read_bytes().decode("utf-8")
        assert article["text"] == file_text
        spans = list(_spans({k: article[k] for k in ("entities", "attributions", "claims", "techniques",
                                                        "markers", "sourcing")}))
        assert spans, "no records at all"
        for span in spans:
            assert 0 <= span["start"] < span["end"] <= len(file_text)
            assert file_text[span["start"]:span["end"]] == span["text"]


def test_run_block_names_inputs_stages_and_models(seed_doc: dict[str, Any]) -> None:
    run = seed_doc["run"]
    assert [Path(i["locator"]).name for i in run["inputs"]] == [
        "000_6566a4fbb04137db.txt", "003_e9579f8486474fbb.txt"]
    assert all(len(i["sha256"]) == 64 for i in run["inputs"])
    names = [s["name"] for s in run["stages"]]
    assert names[:3] == ["language", "parse", "entities"] and "grade" in names
    assert any(m["name"].startswith("spacy:") and len(m["sha256"]) == 64 for m in run["models"])


def test_entities_are_canonical(seed_doc: dict[str, Any]) -> None:
    by_file = {Path(a["input"]).name: a for a in seed_doc["articles"]}
    rt = {e["text"]: e["canonical"] for e in by_file["003_e9579f8486474fbb.txt"]["entities"]}
    assert rt["Vladimir Zelensky"] == rt["Zelensky"] == "Volodymyr Zelensky"
    assert rt["Mikhail Podoliak"] == rt["Podoliak"]
    post = {e["text"]: e["canonical"] for e in by_file["000_6566a4fbb04137db.txt"]["entities"]}
    assert post["Bankova"] == "Office of the President of Ukraine"
