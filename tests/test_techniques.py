"""Persuasion techniques: word lists, repetition, the stage's invariants and the SemEval scorer."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from admiralty.model import TECHNIQUES, Article, Technique, from_json, technique_slug, to_json
from admiralty.nlp import techniques as tq
from admiralty.nlp import techniques_features as tf
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "training"))

import ptc_eval  # noqa: E402

TEXT = (
    "The radical left wants to destroy our country with this disgusting hoax. "
    "So-called experts say the plan is safe. The plan is a disaster. "
    "The plan is a disaster, and the plan is a disaster for our children. Enough is enough!"
)


def _article(text: str) -> Article:
    return dataclasses.replace(Article.new(locator="test", text=text), language="en")


def _analyse(resources: Resources, text: str) -> Article:
    """The technique stage alone on a parsed article (other stages are tested elsewhere)."""
    return tq.find_techniques(_article(text), resources.nlp(text), resources)


def test_lexicon_hits_name_their_list(nlp, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    hits = {(doc[h.start : h.end].text.lower(), h.technique) for h in tf.lexicon_hits(doc, resources)}
    assert ("disgusting", "Loaded_Language") in hits
    assert ("radical left", "Name_Calling,Labeling") in hits
    assert ("our country", "Flag-Waving") in hits
    assert ("so-called", "Doubt") in hits
    assert ("enough is enough", "Thought-terminating_Cliches") in hits


def test_repetition_marks_later_occurrences(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    reps = [h for h in tf.repetition_hits(doc, 2, 3) if h.technique == "Repetition"]
    first = TEXT.index("plan is a disaster")
    starts = [doc[h.start].idx for h in reps if "disaster" in h.entry]
    assert starts and all(s > first for s in starts)


def test_stage_records_are_well_formed(resources: Resources) -> None:
    article = _analyse(resources, TEXT)
    assert article.techniques, "the example is full of techniques"
    for t in article.techniques:
        assert t.text == article.text[t.start : t.end] and t.text.strip() == t.text
        assert t.technique in TECHNIQUES and t.slug == technique_slug(t.technique)
        assert 0.0 <= t.confidence <= 1.0 and round(t.confidence, 4) == t.confidence
        assert t.by in (tq.BY_MODEL, tq.BY_LEXICON)
        assert t.evidence and all(isinstance(e, str) and 0 < len(e) <= 120 for e in t.evidence)
    starts = [(t.start, t.end) for t in article.techniques]
    assert starts == sorted(starts)


def test_neutral_text_stays_quiet(resources: Resources) -> None:
    article = _analyse(resources, "The committee met on Tuesday. It approved the budget for 2025.")
    assert len(article.techniques) <= 1


def test_lexicon_mode_and_disabled_classes(nlp, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    base = tq.Settings.from_config(resources.config)
    lexicon = dataclasses.replace(base, mode="lexicon", disabled=frozenset())
    found = tq.detect(doc, resources, lexicon)
    assert any(TEXT[f.start : f.end] == "disgusting" and f.technique == "Loaded_Language" for f in found)
    assert all(f.by == tq.BY_LEXICON for f in found)
    off = dataclasses.replace(lexicon, disabled=frozenset({"Loaded_Language"}))
    assert not [f for f in tq.detect(doc, resources, off) if f.technique == "Loaded_Language"]
    combined = dataclasses.replace(base, disabled=frozenset(TECHNIQUES))
    assert tq.detect(doc, resources, combined) == []
    assert tq.detect(doc, resources, dataclasses.replace(base, mode="off")) == []


def test_evidence_names_the_head_and_the_word_list(nlp, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    base = tq.Settings.from_config(resources.config)
    everything = dataclasses.replace(base, disabled=frozenset())
    for f in tq.detect(doc, resources, everything):
        assert f.evidence
        if f.by == tq.BY_MODEL:
            assert f.evidence[0].startswith(("token tagger p=", "sentence head p="))
            assert f.evidence[1].startswith("class head p=")
            assert all("p=" in e or "word list" in e or "repeated" in e for e in f.evidence)
    lexicon = dataclasses.replace(everything, mode="lexicon")
    cues = {e for f in tq.detect(doc, resources, lexicon) for e in f.evidence}
    assert "word list loaded language: 'disgusting'" in cues
    assert any(e.startswith("repeated phrase: ") for e in cues)
    article = _analyse(resources, TEXT)
    assert from_json(Article, to_json(article)).techniques == article.techniques


def test_reported_clause_is_the_sentence_span(nlp, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    text = "The senator said that the plan is a disgraceful betrayal of every family."
    doc = nlp(text)
    reporting = frozenset(resources.lexicon(tq.REPORTING))
    s, e = tq.clause_core(doc, 0, len(doc) - 1, reporting)
    assert doc[s:e].text.endswith("betrayal of every family") and "said" not in doc[s:e].text
    plain = nlp("The plan is a disgraceful betrayal of every family.")
    assert tq.clause_core(plain, 0, len(plain) - 1, reporting) == (0, len(plain) - 1)


def test_explain_names_the_evidence(resources: Resources) -> None:
    rec = Technique(0, 10, "disgusting", "Loaded_Language", "loaded_language", 0.5, tq.BY_LEXICON)
    text = tq.explain(rec, resources, article_text="disgusting and disgusting")
    assert "Loaded_Language" in text and "'disgusting'" in text and "2 times" in text
    rec = dataclasses.replace(rec, by=tq.BY_MODEL)
    assert "trained on PTC" in tq.explain(rec, resources)


def test_one_odd_text_never_costs_the_article(resources: Resources) -> None:
    article = _analyse(resources, '"" \u201c \u201d !!! ??? ... \n\n " unbalanced quote')
    assert isinstance(article.techniques, tuple)


# -- the SemEval-2020 scorer used by benchmarks/ptc_eval.py -----------------------------------


def test_scorer_merges_overlaps_and_credits_partial_overlap() -> None:
    assert ptc_eval.merge([(0, 5), (3, 8), (10, 12)]) == [(0, 8), (10, 12)]
    tally = ptc_eval.Tally()
    tally.add(pred=[(0, 10)], gold=[(5, 15)])
    assert tally.p == pytest.approx(0.5) and tally.r == pytest.approx(0.5)
    tally = ptc_eval.Tally()
    tally.add(pred=[(0, 4), (2, 6)], gold=[(0, 6), (20, 30)])  # pred merged into (0, 6)
    assert tally.p == pytest.approx(1.0) and tally.r == pytest.approx(0.5)


def test_fragment_score_needs_the_same_label() -> None:
    scores = ptc_eval.Scores()
    scores.add([(0, 10, "Doubt")], [(0, 10, "Loaded_Language")])
    assert scores.si.f1 == pytest.approx(1.0)
    assert scores.fragment.f1 == 0.0
    assert scores.per["Doubt"].p_den == 1 and scores.per["Loaded_Language"].r_den == 1


def test_folds_keep_near_duplicates_together() -> None:
    story = " ".join(f"word{i}" for i in range(80))
    texts = [story, "other " * 40 + "text", story + " extra words at the end", "a b c d e f g h"]
    fold_of, groups = ptc_eval.grouped_folds(texts, 2)
    assert [0, 2] in groups
    assert fold_of[0] == fold_of[2]


# -- the sentence head's claim vectors -------------------------------------------------------


def test_claim_vectors_are_pooled_per_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The plan is a disaster. Nothing happened here. Experts say it works and it is cheap."
    doc = nlp(text)
    sents = tq.sentence_ranges(doc)
    assert len(sents) == 3
    a, b = text.index("it works"), text.index("it is cheap")
    spans = np.array([(0, 22), (a, a + 8), (b, b + 11)], dtype=np.int64)
    vecs = np.zeros((3, tf.CLAIM_DIM), dtype=np.float32)
    vecs[0, 0], vecs[1, 1], vecs[2, 1] = 1.0, 1.0, -1.0
    vecs[2, 2] = 0.5
    C = tf.sentence_claim_features(doc, sents, spans, vecs)
    d, s = tf.CLAIM_DIM, tf.CLAIM_SCALE
    assert C.shape == (3, tf.SENT_CLAIM_DIM)
    assert C[0, 0] == pytest.approx(s) and C[0, -2] == 0.0
    assert not C[1, :-2].any() and C[1, -2] == 1.0  # no claim: zeros and the flag
    assert C[2, 1] == pytest.approx(0.0) and C[2, d + 1] == pytest.approx(s)  # mean, max
    assert C[2, 2] == pytest.approx(0.25 * s) and C[2, -1] == pytest.approx(np.log(3))
    empty = tf.sentence_claim_features(doc, sents, None, None)
    assert (empty[:, -2] == 1.0).all() and not empty[:, :-2].any()
    wrong = tf.sentence_claim_features(doc, sents, spans, vecs[:, :10])
    assert (wrong[:, -2] == 1.0).all()


def test_claim_input_only_takes_matching_minilm_vectors(resources: Resources) -> None:
    from admiralty.config import Config

    text = "The minister said the plan is a disgrace."
    claim = dataclasses.replace(_dummy_claim(), start=4, end=12, text=text[4:12])
    article = dataclasses.replace(_article(text), claims=(claim,))
    vectors = np.ones((1, tf.CLAIM_DIM), dtype=np.float32) / np.sqrt(tf.CLAIM_DIM)
    with_vectors = dataclasses.replace(article, claim_vectors=vectors)
    got = tq.claim_input(with_vectors, resources)
    assert got is not None and got[0].tolist() == [[4, 12]] and got[1].shape == (1, tf.CLAIM_DIM)
    assert tq.claim_input(article, resources) is None
    assert tq.claim_input(dataclasses.replace(article, claim_vectors=vectors[:, :5]), resources) is None
    hashing = Resources(Config.default().with_overrides(["models.embedder_runtime=hashing"]))
    assert tq.claim_input(with_vectors, hashing) is None


def _dummy_claim():  # type: ignore[no-untyped-def]
    from admiralty.model import Claim

    return Claim("x:c1", 0, 1, "T", "claims.test/1", 0.0, None, "fact", "certain", "affirmed")


def test_model_file_keeps_claim_weights_and_tuned_thresholds(tmp_path: Path) -> None:
    from admiralty.nlp.techniques_model import TechniqueModel

    model = dataclasses.replace(
        _toy_model(with_head=False), sent_claim=np.random.default_rng(0).normal(size=tf.SENT_CLAIM_DIM)
    )
    model.save(tmp_path / "m.npz")
    back = TechniqueModel.load(tmp_path / "m.npz")
    assert back.tuned == (0.3, 0.55, 1, 2)
    assert back.sent_claim is not None and np.allclose(back.sent_claim, model.sent_claim, atol=1e-5)
    from scipy import sparse

    X = sparse.csr_matrix(np.ones((2, 8), dtype=np.float32))
    A = np.zeros((2, 5))
    C = np.zeros((2, tf.SENT_CLAIM_DIM))
    C[1, :5] = 1.0
    p = back.sentence_proba(X, A, C)
    assert p[0] == pytest.approx(back.sentence_proba(X, A, None)[0]) and p[0] != p[1]


def test_token_states_average_subwords_per_spacy_token(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Outrageous lies. The plan works."
    doc = nlp(text)
    start = text.index("The")
    # claim "The plan works." at ``start``: subwords The | plan | work | s | .
    offsets = np.array([(0, 3), (4, 8), (9, 13), (13, 14), (14, 15)], dtype=np.int32)
    states = np.arange(10, dtype=np.float32).reshape(5, 2)
    X, has = tf.token_states(doc, [start], [offsets], [states], 2)
    words = [t.text for t in doc]
    assert X.shape == (len(doc), 2)
    assert not has[: words.index("The")].any()  # outside the claim: no states, zero rows
    assert not X[: words.index("The")].any()
    works = words.index("works")
    assert has[works] and X[works].tolist() == [5.0, 6.0]  # mean of "work" and "s"
    assert X[words.index("plan")].tolist() == [2.0, 3.0]
    # a second, overlapping claim is averaged in; states of the wrong width are ignored
    X2, _ = tf.token_states(doc, [start, start], [offsets[:1], offsets[:1]], [states[:1], states[:1] + 2], 2)
    assert X2[words.index("The")].tolist() == [1.0, 2.0]
    X3, has3 = tf.token_states(doc, [start], [offsets], [states[:, :1]], 2)
    assert not has3.any() and not X3.any()


def _toy_model(with_head: bool):  # type: ignore[no-untyped-def]
    from admiralty.nlp.techniques_model import TechniqueModel, TokenHead

    rng = np.random.default_rng(1)
    n = len(TECHNIQUES)
    model = TechniqueModel(
        si_w=rng.normal(size=8).astype(np.float32), si_b=0.1, sent_w=rng.normal(size=8).astype(np.float32),
        sent_agg=np.ones(5, dtype=np.float32), sent_b=-0.2, tc_w=np.zeros((8, n), dtype=np.float32),
        tc_dense=np.zeros((96, n), dtype=np.float32), tc_b=np.zeros(n, dtype=np.float32), classes=TECHNIQUES,
        st_w=np.ones(17), st_b=0.0, tuned=(0.3, 0.55, 1, 2),
    )
    if not with_head:
        return model
    head = TokenHead(
        w1=rng.normal(size=(4, 3)).astype(np.float32), b1=np.array([0.1, -0.2, 0.3], dtype=np.float32),
        w2=np.array([1.0, -1.0, 0.5], dtype=np.float32), b2=0.5, b0=-1.0, mix=np.array([0.4, 0.6, 0.1]),
        layers=(2, 4, 6),
    )
    fallback = dataclasses.replace(model, st_w=np.full(17, 2.0), st_b=-1.0, tuned=(0.25, 0.6, 0, 1))
    return dataclasses.replace(model, token_head=head, fallback=fallback)


def test_model_file_keeps_the_token_state_head_and_its_fallback(tmp_path: Path) -> None:
    from admiralty.nlp.techniques_model import TechniqueModel

    model = _toy_model(with_head=True)
    model.save(tmp_path / "m.npz")
    back = TechniqueModel.load(tmp_path / "m.npz")
    assert back.token_head is not None and back.token_head.layers == (2, 4, 6)
    assert np.allclose(back.token_head.w1, model.token_head.w1) and back.token_head.b0 == -1.0
    assert back.fallback is not None and back.fallback.tuned == (0.25, 0.6, 0, 1)
    assert back.fallback.st_b == -1.0 and back.fallback.token_head is None
    assert back.fallback.si_w is back.si_w  # the tagger and the span classifier are shared
    assert back.without_states() is back.fallback and back.fallback.without_states() is back.fallback
    X = np.ones((3, 4), dtype=np.float32)
    has = np.array([True, False, True])
    z = back.token_head.logit(X, has)
    h = back.token_head
    assert z[1] == -1.0 and z[0] == pytest.approx(float(np.maximum(X[0] @ h.w1 + h.b1, 0) @ h.w2) + 0.5, abs=1e-5)
    tagger = np.array([0.5, 0.5, 0.9])
    mixed = back.token_head.mixed(tagger, z)
    assert mixed[2] > mixed[0] and 0.0 < mixed[1] < 1.0
    plain = _toy_model(with_head=False)
    plain.save(tmp_path / "p.npz")
    again = TechniqueModel.load(tmp_path / "p.npz")
    assert again.token_head is None and again.fallback is None and again.without_states() is again


def test_stage_takes_token_states_only_from_a_minilm_run_that_keeps_them(resources: Resources) -> None:
    from admiralty.config import Config

    text = "The radical left wants to destroy our country with this disgusting hoax."
    claim = dataclasses.replace(_dummy_claim(), start=0, end=len(text), text=text)
    article = dataclasses.replace(_article(text), claims=(claim,))
    doc = resources.nlp(text)
    head = tq.load_model(resources).token_head
    keeping = Resources(Config.default().with_overrides(["models.token_states=true"]))
    got = tq.token_input(article, doc, keeping)
    if head is None:
        assert got is None
    else:
        from admiralty import encoder

        assert head.layers == tuple(encoder.TOKEN_LAYERS) and got is not None
        assert got[0].shape == (len(doc), head.width) and got[1].all()
    off = Resources(Config.default().with_overrides(["models.token_states=false"]))
    assert tq.token_input(article, doc, off) is None  # never a second encoder pass of its own
    hashing = Resources(
        Config.default().with_overrides(["models.embedder_runtime=hashing", "models.token_states=true"])
    )
    assert tq.token_input(article, doc, hashing) is None
    assert tq.token_input(dataclasses.replace(article, claims=()), doc, keeping) is None


def test_stage_works_with_and_without_token_states(nlp, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    model = tq.load_model(resources)
    settings = dataclasses.replace(tq.Settings.from_config(resources.config), disabled=frozenset())
    without = tq.detect(doc, resources, settings, model)
    assert without and all(0 <= f.start < f.end <= len(TEXT) for f in without)
    assert not any("token-state head" in e for f in without for e in f.evidence)
    if model.token_head is None:
        pytest.skip("the packaged model has no token-state head")
    rows = resources.embed_tokens([TEXT])
    states = tf.token_states(doc, [0], [rows[0].offsets], [rows[0].states], model.token_head.width)
    found = tq.detect(doc, resources, settings, model, states=states)
    assert found and all(0 <= f.start < f.end <= len(TEXT) for f in found)
    assert any("token-state head p=" in e for f in found for e in f.evidence)
    # states of another width (a graph with other layers) fall back instead of failing
    wrong = (np.zeros((len(doc), 3), dtype=np.float32), np.ones(len(doc), dtype=bool))
    assert [(f.start, f.end) for f in tq.detect(doc, resources, settings, model, states=wrong)] == [
        (f.start, f.end) for f in without
    ]
