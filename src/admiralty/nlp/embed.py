"""Claim embeddings: one vector per claim, computed once and shared.

Sets ``Article.claim_vectors`` (float32, one L2-normalised row per claim, in claim order). The
check-worthiness head reads them, and so do the cross-source stages (claim matching, stories), so
no claim is ever embedded twice.

Which encoder (``[embed] encoder``):
- ``"static"`` (default): a static bag-of-subwords model distilled from the packaged
  all-MiniLM-L6-v2 (``training/build_static_embedder.py``; ``models/static_minilm.npz`` plus
  MiniLM's own tokenizer). A claim vector is the mean of its WordPiece rows, projected into
  MiniLM's 384-d space and normalised. It runs at tens of thousands of claims per second, so the
  whole pipeline stays inside DESIGN.md's speed budget; it is trained to follow MiniLM's vectors,
  but less closely than MiniLM itself (see ``models/static_minilm.md`` for the numbers).
- ``"transformer"``: the sentence-transformers model of ``[models] embedder`` (MiniLM by
  default) through ``Resources.embed``: closer to MiniLM by definition, about 100x slower.

Other stages that must compare their own texts with claim vectors call :func:`embed_texts`, which
uses the same encoder.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from ..model import ModelInfo
from ..pipeline import replace, stage
from ..resources import file_sha256

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "embed.static/1"
MODEL_FILE = "static_minilm.npz"
TOKENIZER_FILE = "static_minilm_tokenizer.json"


@dataclass(frozen=True)
class StaticEncoder:
    """Mean of int8 subword rows (dequantised), projected and L2-normalised."""

    table: np.ndarray  # (vocab, d) float32
    projection: np.ndarray | None  # (d, out) float32, or None
    tokenizer: Any
    max_tokens: int

    @property
    def dims(self) -> int:
        return int(self.projection.shape[1] if self.projection is not None else self.table.shape[1])

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if texts:
            rows = [enc.ids[: self.max_tokens] for enc in self.tokenizer.encode_batch(texts, add_special_tokens=False)]
            lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
            filled = np.flatnonzero(lengths)
            if len(filled):
                flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
                starts = np.concatenate([[0], np.cumsum(lengths[filled])[:-1]])
                sums = np.add.reduceat(self.table[flat], starts, axis=0)
                out[filled] = sums / lengths[filled, None]
        if self.projection is not None:
            out = out @ self.projection
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-9)).astype(np.float32)


def load_static(res: Resources) -> StaticEncoder:
    from tokenizers import Tokenizer

    path = res.model_file(MODEL_FILE)
    tok_path = res.model_file(TOKENIZER_FILE)
    with np.load(path, allow_pickle=False) as data:
        table = data["table"].astype(np.float32) * data["scale"].astype(np.float32)[:, None]
        projection = data["projection"].astype(np.float32) if "projection" in data.files else None
        meta = json.loads(str(data["meta"]))
    tokenizer = Tokenizer.from_file(str(tok_path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    if tokenizer.get_vocab_size() != table.shape[0]:
        raise ModelError(f"{MODEL_FILE} has {table.shape[0]} rows, its tokenizer {tokenizer.get_vocab_size()}")
    res.register_model(
        "embed",
        ModelInfo(
            f"static-minilm-{meta.get('dims', table.shape[1])}",
            str(meta.get("version", "1")),
            file_sha256(path),
        ),
    )
    return StaticEncoder(table, projection, tokenizer, int(res.config["embed.max_tokens"]))


def embed_texts(res: Resources, texts: list[str]) -> np.ndarray:
    """Vectors for ``texts`` with the configured claim encoder (comparable to claim_vectors)."""
    if str(res.config["embed.encoder"]) == "transformer":
        return res.embed(texts)
    encoder: StaticEncoder = res.cached("embed:static", lambda: load_static(res))
    return encoder.encode(texts)


@stage("embed", VERSION, requires=("claims",), assigns=("claim_vectors",))
def embed_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """one vector per claim, computed once for check-worthiness and the cross-source stages"""
    vectors = embed_texts(res, [c.text for c in article.claims])
    return replace(article, claim_vectors=vectors)
