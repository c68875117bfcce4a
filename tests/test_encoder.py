"""The shared sentence encoder: the ONNX graph gives the torch model's vectors whatever the batch, and
``--rules-only`` runs without the encoder and the technique heads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from admiralty.cli import main
from admiralty.config import RULES_ONLY, Config
from admiralty.encoder import TOKEN_LAYERS
from admiralty.errors import ModelError
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "Dockworkers at the port of Norhaven stayed off the job for a third day on Wednesday.",
    "The strike at Norhaven's port entered its third day.",
    "The central bank raised its key interest rate by half a point.",
    "Officials said 1,200 containers were waiting to be unloaded.",
    "Thank you all for coming tonight!",
    "Is this the end of the road for the coalition?",
]


def test_onnx_graph_gives_the_torch_vectors(resources: Resources) -> None:
    torch_res = Resources(Config.load(overrides=["models.embedder_runtime=torch"]))
    fast, ref = resources.embed(SENTENCES), torch_res.embed(SENTENCES)
    assert fast.shape == ref.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    assert float((fast * ref).sum(axis=1).min()) >= 0.9999
    # the pairwise similarities keep their order: paraphrase above an unrelated sentence
    assert float(fast[0] @ fast[1]) > float(fast[0] @ fast[2]) + 0.2


def test_onnx_layer_means_are_the_torch_ones(resources: Resources) -> None:
    torch_res = Resources(Config.load(overrides=["models.embedder_runtime=torch"]))
    fast, ref = resources.embed_features(SENTENCES), torch_res.embed_features(SENTENCES)
    assert fast.shape == ref.shape == (len(SENTENCES), 7 * 384)
    assert np.allclose(fast, ref, atol=2e-3 * float(np.abs(ref).max()))
    one_by_one = np.stack([resources.embed_features([s])[0] for s in SENTENCES])
    assert np.allclose(one_by_one, fast, atol=1e-4)


def test_one_pass_gives_vectors_and_layers(resources: Resources) -> None:
    resources.embed_ahead(SENTENCES)
    encoder = resources.embedder
    real = encoder.encode_with_layers
    try:
        encoder.encode_with_layers = None  # type: ignore[assignment, method-assign]
        encoder.encode = None  # type: ignore[assignment, method-assign]
        vectors, layers = resources.embed(SENTENCES[::-1]), resources.embed_features(SENTENCES[:2])
    finally:
        del encoder.encode_with_layers, encoder.encode
    assert encoder.encode_with_layers == real
    assert vectors.shape == (len(SENTENCES), 384) and layers.shape == (2, 7 * 384)


def test_token_states_are_the_torch_ones_at_the_right_characters(resources: Resources) -> None:
    torch_res = Resources(Config.load(overrides=["models.embedder_runtime=torch"]))
    fast, ref = resources.embed_tokens(SENTENCES), torch_res.embed_tokens(SENTENCES)
    for text, a, b in zip(SENTENCES, fast, ref, strict=True):
        assert np.array_equal(a.offsets, b.offsets) and a.states.shape == (len(a.offsets), 384 * len(TOKEN_LAYERS))
        assert np.allclose(a.states, b.states, atol=2e-3 * float(np.abs(b.states).max()))
        pieces = [text[s:e].lower() for s, e in a.offsets]
        assert "".join(pieces) == "".join(text.lower().split()), "special tokens left out, every character once"
    norhaven = fast[1]
    assert [SENTENCES[1][s:e] for s, e in norhaven.offsets][:4] == ["The", "strike", "at", "Nor"]
    alone = resources.embed_tokens([SENTENCES[3]])[0]  # another batch, another padding
    assert np.allclose(alone.states, fast[3].states, atol=1e-4)


def test_the_batch_pass_keeps_token_states_when_asked(resources: Resources) -> None:
    res = Resources(resources.config)
    res.embedder  # noqa: B018 - loaded before the encoder is watched
    res.embed_ahead(SENTENCES[:2])
    assert res._ahead_tokens.get(SENTENCES[0]) is None, "not kept unless asked"
    res.embed_ahead(SENTENCES[2:], tokens=SENTENCES[2:])
    encoder = res.embedder
    try:
        encoder.encode_all = None  # type: ignore[assignment, method-assign]
        states = res.embed_tokens(SENTENCES[2:4])
    finally:
        del encoder.encode_all
    assert [len(s.offsets) for s in states] == [len(s.offsets) for s in resources.embed_tokens(SENTENCES[2:4])]
    long = " ".join(SENTENCES * 10)
    assert len(res.embed_tokens([long])[0].offsets) == int(res.config["models.max_tokens"]) - 2


def test_rules_only_encoder_has_no_layers() -> None:
    res = Resources(Config.load(overrides=list(RULES_ONLY)))
    res.embed_ahead(SENTENCES)
    assert res.embed(SENTENCES).shape == (len(SENTENCES), 384)
    with pytest.raises(ModelError):
        res.embed_features(SENTENCES[:1])
    with pytest.raises(ModelError):
        res.embed_tokens(SENTENCES[:1])


def test_batches_and_padding_do_not_change_a_vector(resources: Resources) -> None:
    one_by_one = np.stack([resources.embed([s])[0] for s in SENTENCES])
    assert np.allclose(one_by_one, resources.embed(SENTENCES), atol=1e-5)
    assert resources.embed([]).shape == (0, 384)


def test_rules_only_runs_without_the_encoder(tmp_path: Path) -> None:
    res = Resources(Config.load(overrides=list(RULES_ONLY)))
    vectors = res.embed(SENTENCES[:2] + SENTENCES[:1])
    assert np.allclose(vectors[0], vectors[2]) and float(vectors[0] @ vectors[1]) > 0.2
    assert [m.name for m in res.models] == ["word-hashing-384"]

    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["analyze", str(ROOT / "examples"), "--rules-only",
                                       "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = {m["name"] for m in json.loads(out.read_text("utf-8"))["run"]["models"]}
    assert "word-hashing-384" in names and "checkworthiness-lexical" in names
    assert not any("onnx" in n or "MiniLM" in n or n.startswith("techniques") for n in names), names
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


def test_spinning_threads_give_the_same_vectors(resources: Resources) -> None:
    def spinning(res: Resources) -> str:
        return res.embedder.session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning")

    spin = Resources(resources.config.with_overrides(["models.spin=true"]))
    assert (spinning(resources), spinning(spin)) == ("0", "1")  # the default sleeps
    texts = ["Officials said the port would reopen on Monday.", "The minister denied the report."]
    assert np.allclose(spin.embed(texts), resources.embed(texts), atol=1e-6)
