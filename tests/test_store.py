"""The SQLite store: migrations, idempotent re-runs, incremental analysis, search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from admiralty.analysis import Analysis
from admiralty.errors import StoreError
from admiralty.store import SCHEMA_VERSION, Store


def test_new_store_is_migrated_and_newer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this admiralty"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable admiralty store"):
        Store(path)


def test_rerun_adds_nothing_and_new_files_are_analysed_alone(tmp_path: Path, resources) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The minister said the port would reopen on Friday.", encoding="utf-8")
    path = tmp_path / "s.db"
    with Store(path) as store:
        first = Analysis((str(corpus),), resources, store=store)
        doc = first.document()
        assert first.reused == 0 and store.count("articles") == 1
        claims = store.count("claims")
        again = Analysis((str(corpus),), resources, store=store)
        doc2 = again.document()
        assert again.reused == 1 and store.count("articles") == 1 and store.count("claims") == claims
        assert doc2.articles == doc.articles
        (corpus / "b.txt").write_text("Union leaders denied that any offer had been made.", encoding="utf-8")
        third = Analysis((str(corpus),), resources, store=store)
        third.document()
        assert third.reused == 1 and store.count("articles") == 2
        assert {h[0] for h in store.search("reopen")} == {doc.articles[0].id}
        assert len(store.corpus().grades) == store.count("claims")


def test_search_syntax_error_is_a_store_error(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store, pytest.raises(StoreError, match="bad search query"):
        store.search('"unbalanced')


def test_interrupted_run_leaves_whole_batches_and_resumes(tmp_path: Path, resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.resources import Resources

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(5):
        (corpus / f"{n}.txt").write_text(f"Officials said {n + 2} ships were waiting at the port.", encoding="utf-8")
    small = Resources(resources.config.with_overrides(["pipeline.batch_size=2"]))
    small.__dict__["nlp"] = resources.nlp

    def stop_after_three(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.done == 3:
            raise KeyboardInterrupt

    path = tmp_path / "s.db"
    with Store(path) as store:
        with pytest.raises(KeyboardInterrupt):
            Analysis((str(corpus),), small, store=store, progress=stop_after_three).document()
        stored = store.count("articles")
        assert stored == 2  # the first batch is stored whole; the interrupted one is absent
        db = store.db
        orphans = db.execute("SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT id FROM articles)")
        assert orphans.fetchone()[0] == 0
        resumed = Analysis((str(corpus),), small, store=store)
        resumed.document()
        assert resumed.reused == 2 and store.count("articles") == 5


def test_vectors_come_back_only_to_the_encoder_that_made_them(tmp_path: Path) -> None:
    import dataclasses

    import numpy as np

    from admiralty.model import Article, Claim

    text = "The port reopened on Friday."
    claim = Claim("x:c1", 0, len(text), text, "test", 0.5, None, "fact", "certain", "affirmed")
    article = dataclasses.replace(Article.new(locator="a.txt", text=text), claims=(claim,),
                                  claim_vectors=np.ones((1, 4), np.float32) / 2,
                                  lead_vector=np.full(4, 0.25, np.float32))
    with Store(tmp_path / "s.db") as store:
        store.add([article], encoder="enc-a:1234")
        same = store.article(article.id, encoder="enc-a:1234")
        assert same is not None and np.allclose(same.claim_vectors, 0.5, atol=1e-3)
        assert same.lead_vector.shape == (4,) and np.allclose(same.lead_vector, 0.25, atol=1e-3)
        assert [a.lead_vector.shape for a in store.articles(encoder="enc-a:1234")] == [(4,)]
        other = store.article(article.id, encoder="enc-b:5678")
        assert other is not None and other.claim_vectors is None and other.claims == (claim,)
        assert other.lead_vector is None
        assert [(a.claim_vectors, a.lead_vector) for a in store.articles()] == [(None, None)]


def test_every_corpus_block_survives_the_store(tmp_path: Path) -> None:
    from admiralty.model import CorpusResult, NarrativeMatch, Reason

    match = NarrativeMatch("a1:c1", "case-7", 0.91, "EUvsDisinfo", None, "The port was sold.",
                           (Reason("narrative.cosine", "narratives/1", {"cosine": 0.91}, ("a1:c1",), "Close."),))
    with Store(tmp_path / "s.db") as store:
        store.replace_corpus(CorpusResult(narrative_matches=(match,)))
        assert store.corpus().narrative_matches == (match,)
