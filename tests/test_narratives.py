"""Known narratives: import (EUvsDisinfo columns and a plain JSONL), save/load, matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from admiralty.corpus.narratives import NarrativeError, NarrativeSet, import_file, match, read_narratives
from admiralty.resources import Resources


@pytest.fixture(scope="module")
def euvsdisinfo(shared_data: Path, resources: Resources) -> NarrativeSet:
    return import_file(shared_data / "euvsdisinfo_cases" / "posts.csv", resources, limit=150)


def test_euvsdisinfo_columns_load_as_they_are(euvsdisinfo: NarrativeSet) -> None:
    n = euvsdisinfo.narratives[0]
    assert len(euvsdisinfo.narratives) == 150 and euvsdisinfo.vectors.shape == (150, 384)
    assert n.source == "EUvsDisinfo" and n.url and n.url.startswith("https://euvsdisinfo.eu/")
    assert n.claim and n.date and n.outlets


def test_paraphrased_claims_match_their_narrative_and_others_do_not(
    euvsdisinfo: NarrativeSet, resources: Resources
) -> None:
    picked = euvsdisinfo.narratives[10:40:6]
    claims = [(f"c{k}", f"According to the channel, {n.claim.rstrip('.')}.") for k, n in enumerate(picked)]
    claims.append(("x", "The bakery on the corner sells fresh croissants every morning."))
    found = match(claims, euvsdisinfo, resources)
    best = {}
    for m in found:
        best.setdefault(m.claim, m)
    hits = sum(1 for k, n in enumerate(picked) if f"c{k}" in best and best[f"c{k}"].narrative == n.id)
    assert hits >= len(picked) - 1
    assert "x" not in best
    assert all(m.source == "EUvsDisinfo" and 0.0 <= m.score <= 1.0001 for m in found)


def test_jsonl_import_save_load_and_bad_columns(tmp_path: Path, resources: Resources) -> None:
    src = tmp_path / "mine.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"statement": "Vaccines contain microchips.", "keywords": "health;tech"},
        {"statement": "The moon landing was staged.", "id": "moon-1", "source": "Our desk"},
    ]) + "\n")
    ns = import_file(src, resources)
    assert [n.source for n in ns.narratives] == ["mine", "Our desk"]
    assert ns.narratives[0].keywords == ("health", "tech") and ns.narratives[1].id == "moon-1"
    path = ns.save(tmp_path / "n.npz")
    again = NarrativeSet.load(path)
    assert again.narratives == ns.narratives and again.vectors.shape == ns.vectors.shape
    assert len(again.merged(ns).narratives) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(NarrativeError):
        read_narratives(bad)
