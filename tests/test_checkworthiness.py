"""Check-worthiness head and the shared claim embeddings.

Unit tests on hand-built sentences, and the evaluation gates: CheckThat! 2024 dev-test F1 of the
positive class, and precision at 20 on the hand-labelled news claims (floors pinned slightly
under the measured figures in BENCHMARKS.md).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from admiralty.model import Article
from admiralty.nlp import checkworthiness as cw
from admiralty.nlp import embed as embed_mod
from admiralty.nlp.claims import find_claims

ROOT = Path(__file__).resolve().parents[1]

# Measured (BENCHMARKS.md, "Claims and check-worthiness"), minus a small margin.
DEV_TEST_F1_FLOOR = 0.78  # measured 0.802 (checkworthiness.linear/4)
NEWS_P_AT_20_FLOOR = 0.90  # measured 1.00
NEWS_P_AT_50_FLOOR = 0.82  # measured 0.88


def analyse(text: str, resources):  # type: ignore[no-untyped-def]
    article = dataclasses.replace(Article.new(locator="t.txt", text=text), language="en")
    article = find_claims(article, resources.nlp(text), resources)
    article = embed_mod.embed_claims(article, None, resources)
    return cw.score_claims(article, None, resources)


def test_claim_vectors_one_normalised_row_per_claim(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("Unemployment fell to 3.5 percent in 2019. The minister resigned on Monday. "
            "Thank you all so much for coming tonight.")
    article = analyse(text, resources)
    vecs = article.claim_vectors
    assert vecs.dtype == np.float32 and vecs.shape == (len(article.claims), vecs.shape[1])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    again = resources.embed([c.text for c in article.claims])
    assert np.array_equal(vecs, again), "deterministic"


def test_claim_vectors_follow_meaning(resources) -> None:  # type: ignore[no-untyped-def]
    a, b, c = resources.embed([
        "Russia launched missiles at Kyiv overnight.",
        "Overnight, Russian missiles struck the Ukrainian capital.",
        "The recipe needs two cups of flour and some sugar.",
    ])
    assert float(a @ b) > float(a @ c) + 0.2


def test_scores_in_range_and_rounded(resources) -> None:  # type: ignore[no-untyped-def]
    article = analyse("Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years. "
                      "Thank you all so much for coming tonight.", resources)
    for c in article.claims:
        assert 0.0 <= c.checkworthiness <= 1.0
        assert c.checkworthiness == round(c.checkworthiness, 4)


def test_figures_outrank_pleasantries(resources) -> None:  # type: ignore[no-untyped-def]
    head = cw.load_head(resources)
    texts = [
        "Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.",
        "The senator voted against the defense bill three times last year.",
        "Thank you all so much for coming tonight.",
        "I am very happy to be here with my family.",
    ]
    scores = head.score(texts, resources.embed_features(texts))
    assert min(scores[:2]) > max(scores[2:])


def test_head_reads_the_batch_pass_without_encoding_again(resources, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    texts = ["Unemployment fell to 3.5 percent in 2019.", "The minister resigned on Monday after the vote."]
    articles = [analyse(t, resources) for t in texts]
    expected = [[c.checkworthiness for c in a.claims] for a in articles]
    bare = [dataclasses.replace(a, claims=tuple(dataclasses.replace(c, checkworthiness=0.0) for c in a.claims))
            for a in articles]
    embed_mod.embed_claims_ahead(bare, resources)
    calls = []
    encoder = resources.embedder
    for name in ("encode", "encode_with_layers"):
        original = getattr(encoder, name)
        monkeypatch.setattr(encoder, name, lambda t, _o=original, _n=name: calls.append(_n) or _o(t))
    again = [cw.score_claims(embed_mod.embed_claims(a, None, resources), None, resources) for a in bare]
    assert calls == [], "the embed and check-worthiness stages must reuse the batch pass"
    assert [[c.checkworthiness for c in a.claims] for a in again] == expected


def test_layer_features_agree_with_the_claim_vector(resources) -> None:  # type: ignore[no-untyped-def]
    texts = ["The senator voted against the defense bill three times last year.", "Thank you."]
    vectors, layers = resources.embed(texts), resources.embed_features(texts)
    assert layers.shape == (2, 7 * 384) and layers.dtype == np.float32
    last = layers[:, -384:] / np.linalg.norm(layers[:, -384:], axis=1, keepdims=True)
    assert np.allclose(last, vectors, atol=1e-5), "the last layer's normalised mean is the claim vector"


def test_empty_article_is_fine(resources) -> None:  # type: ignore[no-untyped-def]
    article = analyse("", resources)
    assert article.claims == () and len(article.claim_vectors) == 0


def _toy_head(mix: float) -> cw.Head:
    """A small head with random weights over layers 2 and 4 (width 384) and a 3-unit perceptron."""
    rng = np.random.default_rng(3)
    n, dims = 64, 2 * 384
    return cw.Head(
        n_features=n, idf=np.ones(n, np.float32), w_ngrams=rng.normal(size=n).astype(np.float32),
        layers=(2, 4), mean=rng.normal(size=dims).astype(np.float32),
        scale=np.full(dims, 2.0, np.float32), w_dense=rng.normal(size=dims).astype(np.float32) / 10,
        w_surface=rng.normal(size=4).astype(np.float32), intercept=-0.5, dense_weight=0.5,
        surface_weight=1.0, threshold=0.3, meta={"version": "toy"},
        mlp_w1=rng.normal(size=(dims + 4, 3)).astype(np.float32) / 10,
        mlp_b1=rng.normal(size=3).astype(np.float32), mlp_w2=rng.normal(size=3).astype(np.float32),
        mlp_b2=0.2, mix=mix)


def test_perceptron_blend_round_trips_and_matters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    texts = ["Unemployment fell to 3.5 percent in 2019.", "Thank you all.", "He voted against it."]
    layer_means = np.random.default_rng(5).normal(size=(3, 7 * 384)).astype(np.float32)
    head = _toy_head(0.7)
    head.save(tmp_path / "h.npz")
    loaded = cw.Head.load(tmp_path / "h.npz")
    assert loaded.mix == 0.7 and loaded.mlp_w1.shape == head.mlp_w1.shape
    assert np.allclose(loaded.score(texts, layer_means), head.score(texts, layer_means), atol=2e-3)
    # the blend is mix x linear logit + (1 - mix) x perceptron logit
    linear = _toy_head(1.0).score(texts, layer_means)
    z_lin = np.log(linear / (1 - linear))
    d, s = head.dense(layer_means), cw.surface_features(texts)
    z_mlp = np.maximum(np.hstack([d * np.sqrt(384), s]) @ head.mlp_w1 + head.mlp_b1, 0) @ head.mlp_w2 + head.mlp_b2
    expected = 1 / (1 + np.exp(-(0.7 * z_lin + 0.3 * z_mlp)))
    assert np.allclose(head.score(texts, layer_means), expected, atol=1e-5)
    assert not np.allclose(expected, linear, atol=1e-3)


def test_hashing_encoder_falls_back_to_the_lexical_head(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.resources import Resources

    hashing = Resources(resources.config.with_overrides(["models.embedder_runtime=hashing"]))
    hashing.__dict__["nlp"] = resources.nlp
    article = analyse("Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.", hashing)
    assert article.claims and all(0.0 <= c.checkworthiness <= 1.0 for c in article.claims)
    assert "checkworthiness-lexical" in {m.name for m in hashing.models}


def test_model_registered_in_run_block(resources) -> None:  # type: ignore[no-untyped-def]
    analyse("The minister resigned on Monday after the vote.", resources)
    names = {m.name for m in resources.models}
    assert "checkworthiness-linear" in names and any(n.endswith("-onnx") for n in names)


# -- evaluation gates on real data --------------------------------------------------------------


@pytest.fixture(scope="module")
def bench(shared_data):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT / "training"))
    import checkworthiness_eval

    return checkworthiness_eval


def test_gate_checkthat_dev_test_f1(bench, resources) -> None:  # type: ignore[no-untyped-def]
    result = bench.evaluate(resources)
    assert result["dev_test_f1"] >= DEV_TEST_F1_FLOOR, result
    assert result["news_p_at_20"] >= NEWS_P_AT_20_FLOOR, result
    assert result["news_p_at_50"] >= NEWS_P_AT_50_FLOOR, result
