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


def test_matches_are_in_the_document_and_jsonl(tmp_path: Path) -> None:
    import io

    import admiralty
    from admiralty.config import Config
    from admiralty.export.json import JsonlWriter, validate, validate_line
    from admiralty.model import CorpusResult

    src = tmp_path / "known.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"claim": "The war in Ukraine was started by NATO to weaken Russia.", "id": "n-1", "source": "Desk",
         "date": "2022-03-01"},
        {"claim": "Bill Gates wants to put microchips in vaccines.", "id": "n-2", "source": "Desk"},
    ]) + "\n")
    config = Config.default().with_overrides([f"narratives.file={tmp_path / 'known.npz'}"])
    res = Resources(config)
    import_file(src, res).save(tmp_path / "known.npz")
    article = tmp_path / "a.txt"
    article.write_text("Moscow blames the alliance\n\nThe state channel said the war in Ukraine was started by "
                       "NATO to weaken Russia. The bakery on the corner sells fresh bread every morning.\n")
    doc = admiralty.analyze([str(article)], resources=res)
    assert doc.narrative_matches, "the restated narrative was not matched"
    m = doc.narrative_matches[0]
    claims = {c.id: c.text for a in doc.articles for c in a.claims}
    assert m.narrative == "n-1" and m.source == "Desk" and m.claim in claims and "NATO" in claims[m.claim]
    assert m.reasons[0].rule == "narrative.cosine" and m.reasons[0].records == ("n-1",)
    assert all(x.narrative != "n-2" for x in doc.narrative_matches)
    data = doc.to_json()
    validate(data)
    assert data["narrative_matches"][0]["narrative"] == "n-1"
    out = io.StringIO()
    JsonlWriter(out).corpus(CorpusResult(narrative_matches=doc.narrative_matches))
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines and all(x["type"] == "narrative_match" for x in lines)
    for line in lines:
        validate_line(line)
    from admiralty.export.report import render_report

    assert "Known narratives" in render_report(doc, config)


def test_no_narratives_file_no_block(tmp_path: Path, resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    from admiralty.corpus.narratives import narratives_path

    monkeypatch.delenv("ADMIRALTY_NARRATIVES", raising=False)
    monkeypatch.chdir(tmp_path)
    assert narratives_path(resources) is None
