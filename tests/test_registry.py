"""The outlet registry: every fact cites a public document, every outlet of the project's corpora
resolves, identity from domain / name / credit cue, and the ratings importer on real files."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from admiralty.cli import main
from admiralty.registry import SHIPPED, Rating, Registry, host_of, norm_name, parse_file
from admiralty.registry.imports import read_ratings, stored_ratings
from admiralty.store import Store

LETTERS = {"very high": "A", "high": "B", "mostly factual": "C", "mixed": "D", "low": "E", "very low": "E"}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


def test_every_fact_cites_a_document() -> None:
    outlets = parse_file(SHIPPED)
    assert len(outlets) >= 150
    ids = [o.id for o in outlets]
    assert len(ids) == len(set(ids))
    facts = [f for o in outlets for f in o.facts]
    assert len(facts) >= 80
    for f in facts:
        assert f.title.strip() and f.url.startswith("http"), f
        assert f.field in ("ownership", "country", "parent", "eu_suspension", "uk_licence", "sanctions",
                           "blocked_in", "note", "aggregator"), f


def test_a_fact_without_a_source_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[[outlet]]\nid = "x"\nname = "X"\n[[outlet.fact]]\nfield = "country"\nvalue = "Y"\n', "utf-8")
    with pytest.raises(Exception, match="cites a public document"):
        parse_file(bad)


def test_identity_from_domain_name_and_cue(reg: Registry) -> None:
    assert reg.resolve("https://www.rt.com/news/612345-kiev/").id == "rt"  # type: ignore[union-attr]
    assert reg.resolve("RT.com").id == "rt"  # type: ignore[union-attr]
    assert reg.resolve("RT").id == "rt"  # type: ignore[union-attr]
    assert reg.resolve("en.news-front.info").id == "newsfront"  # type: ignore[union-attr]
    assert reg.resolve("The Telegraph").id == "the-telegraph"  # type: ignore[union-attr]
    assert reg.resolve("Polish radio station RMF").id == "rmf"  # type: ignore[union-attr]
    assert reg.resolve("TROIB News").id == "troib"  # type: ignore[union-attr]
    assert reg.from_cues("... Read Full Article at RT.com").id == "rt"  # type: ignore[union-attr]
    assert reg.resolve("Norhaven Chamber of Commerce") is None
    assert reg.resolve("Coastal Wire. Read the") is None
    assert host_of("a phrase with spaces") is None and norm_name("The Washington Post") == "washington post"


def test_rt_facts(reg: Registry) -> None:
    rt = reg.resolve("rt.com")
    assert rt is not None
    fields = {f.field for f in rt.facts}
    assert {"ownership", "country", "eu_suspension", "uk_licence"} <= fields
    assert rt.facts_of("ownership")[0].value.startswith("state-controlled")


def test_every_outlet_of_the_corpora_resolves(reg: Registry, shared_data: Path) -> None:
    missing: list[str] = []
    with (shared_data / "polnear" / "metadata.tsv").open(encoding="utf-8") as fh:
        publishers = {r["publisher"] for r in csv.DictReader(fh, delimiter="\t")} - {"parc"}
    missing += [p for p in sorted(publishers) if reg.resolve(p) is None]
    shorteners = {"goo.gl", "fb.me"}  # link shorteners, not outlets
    for path in sorted((shared_data / "fakenewsnet_v1").rglob("*.json")):
        source = json.loads(path.read_text("utf-8")).get("source")
        if source and host_of(source) not in shorteners and reg.resolve(source) is None:
            missing.append(source)
    with (shared_data / "ruwa_ukraine_war_news" / "RUWA_04.08.23.csv").open(encoding="utf-8") as fh:
        missing += [s for s in sorted({r["Site"] for r in csv.DictReader(fh)}) if reg.resolve(s) is None]
    accounts = shared_data / "voynaslov_meta" / "media-accounts"
    for path in sorted(accounts.rglob("*.txt")):
        for handle in path.read_text("utf-8").split():
            key = handle if handle.startswith("@") else f"vk:{handle}"
            if reg.resolve(key) is None:
                missing.append(f"{path.parent.name}:{handle}")
    assert not missing, sorted(set(missing))


def test_importer_reads_mbfc_and_baly(shared_data: Path) -> None:
    rows, skipped = read_ratings(shared_data / "mbfc_sources" / "mbfc_combined_2020-12_flat.csv", LETTERS)
    assert len(rows) > 2000 and all(r["reliability"] in "ABCDE" and (r["domain"] or r["name"]) for r in rows)
    assert sum(skipped.values()) < len(rows)
    rows, skipped = read_ratings(shared_data / "news_media_reliability_baly" / "emnlp18" / "corpus.tsv", LETTERS)
    assert len(rows) > 1000 and {r["reliability"] for r in rows} <= {"B", "D", "E"}


def test_import_cli_stores_ratings_that_become_priors(tmp_path: Path) -> None:
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("domain,name,reliability,note\nrt.com,RT,E,my own\nnorthgateherald.example,"
                        "Northgate Herald,B,\n,,C,\nx.example,,Q,\n", "utf-8")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["sources", "import", str(csv_file), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "imported 2 ratings" in result.output and "skipped 2" in result.output
    with Store(db) as store:
        ratings = stored_ratings(store)
    assert ratings["rt.com"].reliability == "E"
    reg = Registry.load().with_ratings(ratings)
    assert reg.resolve("RT").rating == Rating("E", None, ratings["rt.com"].origin, "my own")  # type: ignore[union-attr]
    assert reg.resolve("northgateherald.example").rating.reliability == "B"  # type: ignore[union-attr]


def test_store_migration_adds_the_ratings_table(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db"):
        pass
    con = sqlite3.connect(tmp_path / "m.db")
    assert con.execute("SELECT count(*) FROM outlet_ratings").fetchone() == (0,)


def test_sources_show_prints_facts_with_documents() -> None:
    result = CliRunner().invoke(main, ["sources", "show", "Read Full Article at RT.com"])
    assert result.exit_code == 0, result.output
    assert "state-controlled" in result.output and "https://" in result.output
    assert CliRunner().invoke(main, ["sources", "show", "No Such Outlet Anywhere"]).exit_code == 1
