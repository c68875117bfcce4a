"""Check-worthiness: how much each claim deserves a fact-checker's time, a score in [0, 1].

A logistic-regression head over three blocks of features of the claim text, blended (in logit
space) with a one-hidden-layer perceptron over the dense and surface blocks:
- the mean hidden states of several layers of the shared encoder (MiniLM; lower and middle
  layers carry more of the wording and syntax of checkable statements than the last one), read
  with ``Resources.embed_features`` from the same encoder pass that gave the claim vectors of
  the ``embed`` stage (its batch step keeps them), standardised;
- hashed word unigrams and bigrams (sub-linear tf x idf, L2-normalised), which carry the lexical
  signals of checkable statements (figures, comparatives, "percent", "voted", "million");
- a few surface features (a digit, a money or percent sign, a year, the length).

``--rules-only`` runs use a second head trained on the word and surface blocks alone
(``models/checkworthiness_lexical.npz``), since those runs have no neural encoder.

Trained by ``training/train_checkworthiness.py`` on CLEF CheckThat! 2024 task 1 English train +
dev (C, the dense block's weight, the blend and the decision threshold chosen by cross-validation
over blocks of whole debates; reported on dev-test), stored as plain arrays in
``models/checkworthiness.npz`` (no pickle). The model card is ``models/checkworthiness.md``. The
score is the head's probability, rounded to 4 decimals; the threshold in the model file is what
the published F1 uses.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from collections.abc import Sequence
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

VERSION = "checkworthiness.linear/4"
MODEL_FILES = {"encoder": "checkworthiness.npz", "lexical": "checkworthiness_lexical.npz"}

_DIGIT = re.compile(r"\d")
_MONEY_PCT = re.compile(r"[%$€£¥]|\b(percent|per cent|million|billion|trillion|dollars?|euros?)\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@functools.cache
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread() -> Any:
    """A context in which numpy's BLAS uses one thread (about 12 microseconds to enter)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def surface_features(texts: Sequence[str]) -> np.ndarray:
    """A digit, a money/percent word or sign, a year, and log length, per text."""
    rows = []
    for t in texts:
        words = len(t.split())
        rows.append(
            [
                1.0 if _DIGIT.search(t) else 0.0,
                1.0 if _MONEY_PCT.search(t) else 0.0,
                1.0 if _YEAR.search(t) else 0.0,
                math.log1p(words) / 4.0,
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), 4)


def hashing_vectorizer(n_features: int) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=n_features, ngram_range=(1, 2), alternate_sign=False, norm=None, lowercase=True
    )


def ngram_features(texts: Sequence[str], n_features: int, idf: np.ndarray) -> Any:
    """Hashed uni- and bigrams: log(1 + tf) x idf, each row L2-normalised (a sparse matrix)."""
    from sklearn.preprocessing import normalize

    counts = hashing_vectorizer(n_features).transform(list(texts)).astype(np.float32)
    counts.data = np.log1p(counts.data)
    counts = counts.multiply(idf[None, :]).tocsr()
    return normalize(counts, norm="l2", copy=False)


@dataclass(frozen=True)
class Head:
    """The trained head: weights of the three feature blocks, and how to build them.

    The dense block is the encoder's mean hidden states of the layers in ``layers`` (0 = the
    token embeddings, 6 = MiniLM's last layer, whose normalised mean is the shared claim
    vector), each dimension standardised with the training set's ``mean`` and ``scale``;
    the lexical head has no layers.

    ``mlp_w1`` .. ``mlp_b2``, when present (non-empty ``mlp_w1``), are a ReLU perceptron over
    the dense block at unit variance per dimension (``dense x sqrt(width)``) followed by the
    surface block; its logit is blended with the linear one: ``mix * z_linear + (1 - mix) *
    z_mlp``."""

    n_features: int
    idf: np.ndarray
    w_ngrams: np.ndarray
    layers: tuple[int, ...]
    mean: np.ndarray
    scale: np.ndarray
    w_dense: np.ndarray
    w_surface: np.ndarray
    intercept: float
    dense_weight: float
    surface_weight: float
    threshold: float
    meta: dict[str, Any]
    mlp_w1: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0), np.float32))
    mlp_b1: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    mlp_w2: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    mlp_b2: float = 0.0
    mix: float = 1.0

    @property
    def width(self) -> int:
        """Dimensions per layer of the dense block."""
        return len(self.mean) // max(1, len(self.layers))

    def dense(self, layer_means: np.ndarray) -> np.ndarray:
        """The standardised dense block from ``Resources.embed_features`` rows (all layers)."""
        x = np.asarray(layer_means, dtype=np.float32)
        x = x.reshape(len(x), -1, self.width)[:, list(self.layers)].reshape(len(x), -1)
        return (x - self.mean) / self.scale

    def mlp_logit(self, dense: np.ndarray, surface: np.ndarray) -> np.ndarray:
        """The perceptron's logit from the standardised dense block and the surface block.

        The product is small (an article's claims x 1,156 x 256): on one BLAS thread, since
        waking the BLAS pool for it cost six times the whole head on the shared machine."""
        x = np.hstack([dense * np.float32(np.sqrt(self.width)), surface]).astype(np.float32, copy=False)
        with _one_blas_thread():
            hidden = np.maximum(x @ self.mlp_w1 + self.mlp_b1, 0.0)
        return hidden @ self.mlp_w2 + self.mlp_b2

    def score(self, texts: Sequence[str], layer_means: np.ndarray | None) -> np.ndarray:
        """Probability of "check-worthy" per text (float64 in [0, 1]); ``layer_means`` may be
        None for the lexical head."""
        if not texts:
            return np.zeros(0)
        z = ngram_features(texts, self.n_features, self.idf) @ self.w_ngrams
        surface = surface_features(texts)
        dense = None
        if self.layers:
            if layer_means is None:
                raise ModelError("this check-worthiness head reads the encoder's layers: none given")
            dense = self.dense(layer_means)
            z = z + self.dense_weight * (dense @ self.w_dense)
        z = z + self.surface_weight * (surface @ self.w_surface)
        z = np.asarray(z, dtype=np.float64).ravel() + self.intercept
        if dense is not None and self.mlp_w1.size:
            z = self.mix * z + (1.0 - self.mix) * np.asarray(self.mlp_logit(dense, surface), np.float64).ravel()
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Any) -> None:
        np.savez_compressed(
            path,
            idf=self.idf.astype(np.float16),
            w_ngrams=self.w_ngrams.astype(np.float16),
            layers=np.asarray(self.layers, dtype=np.int64),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            w_dense=self.w_dense.astype(np.float32),
            w_surface=self.w_surface.astype(np.float32),
            scalars=np.array(
                [self.n_features, self.intercept, self.dense_weight, self.surface_weight, self.threshold],
                dtype=np.float64,
            ),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
            mlp_w1=self.mlp_w1.astype(np.float16),
            mlp_b1=self.mlp_b1.astype(np.float32),
            mlp_w2=self.mlp_w2.astype(np.float32),
            mlp_scalars=np.array([self.mlp_b2, self.mix], dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Any) -> Head:
        with np.load(path, allow_pickle=False) as data:
            if "layers" not in data.files:
                raise ModelError(f"{path}: a check-worthiness head of an older format; retrain it")
            n, intercept, dw, sw, threshold = (float(x) for x in data["scalars"])
            mlp: dict[str, Any] = {}
            if "mlp_w1" in data.files:
                b2, mix = (float(x) for x in data["mlp_scalars"])
                mlp = {"mlp_w1": data["mlp_w1"].astype(np.float32), "mlp_b1": data["mlp_b1"].astype(np.float32),
                       "mlp_w2": data["mlp_w2"].astype(np.float32), "mlp_b2": b2, "mix": mix}
            return cls(
                n_features=int(n),
                idf=data["idf"].astype(np.float32),
                w_ngrams=data["w_ngrams"].astype(np.float32),
                layers=tuple(int(k) for k in data["layers"]),
                mean=data["mean"].astype(np.float32),
                scale=data["scale"].astype(np.float32),
                w_dense=data["w_dense"].astype(np.float32),
                w_surface=data["w_surface"].astype(np.float32),
                intercept=intercept,
                dense_weight=dw,
                surface_weight=sw,
                threshold=threshold,
                meta=json.loads(str(data["meta"])),
                **mlp,
            )


def load_head(res: Resources) -> Head:
    """The head ``[checkworthiness] head`` names ("encoder" or "lexical"), recorded in the run.
    Without a neural encoder (``embedder_runtime = "hashing"``) there are no layers to read, so
    the lexical head is used whatever the setting (the run block names it)."""
    kind = str(res.config["checkworthiness.head"])
    if kind not in MODEL_FILES:
        raise ModelError(f"checkworthiness.head={kind!r}: use one of {', '.join(MODEL_FILES)}")
    if str(res.config["models.embedder_runtime"]) == "hashing":
        kind = "lexical"
    path = res.model_file(MODEL_FILES[kind])
    head = Head.load(path)
    name = "checkworthiness-linear" if kind == "encoder" else "checkworthiness-lexical"
    res.register_model("checkworthiness", ModelInfo(name, str(head.meta.get("version", "1")), file_sha256(path)))
    return head


@stage("checkworthiness", VERSION, requires=("claims", "claim_vectors"), assigns=("checkworthiness",))
def score_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """a check-worthiness score per claim from a small learned head over the encoder's layers"""
    if not article.claims:
        return article
    head: Head = res.cached("checkworthiness:head", lambda: load_head(res))
    texts = [c.text for c in article.claims]
    # the embed stage's batch pass kept these rows: no second encoder pass (the lexical head reads words only)
    layer_means = res.embed_features(texts) if head.layers else None
    scores = head.score(texts, layer_means)
    claims = tuple(
        dataclasses.replace(c, checkworthiness=round(float(min(1.0, max(0.0, s))), 4))
        for c, s in zip(article.claims, scores, strict=True)
    )
    return replace(article, claims=claims)
