"""The learned half of the technique stage: four small linear heads, applied with numpy only.

* **Token tagger** (span identification): logistic regression -- "is this token inside a
  propaganda span?" -- over hashed token features (``techniques_features.token_feature_strings``).
  Runs of tokens above a threshold become short spans (loaded words, labels, slogans).
* **Sentence head**: logistic regression -- "does this sentence carry a technique?" -- over hashed
  sentence features, five aggregates of the tagger's probabilities in the sentence, and the
  mean and max of the MiniLM vectors of the claims inside the sentence (the pipeline's
  ``Article.claim_vectors``; ``techniques_features.sentence_claim_features``). A sentence
  above its threshold becomes one span: most PTC techniques other than the lexical ones (doubt,
  causal oversimplification, appeal to authority, black-and-white, whataboutism ...) cover most of
  their sentence.
* **Stacked tagger** (second stage): logistic regression over 17 dense values per token
  (``techniques_features.stack_features``): the first tagger's probabilities in windows around the
  token, the sentence head's probability for its sentence and the neighbouring ones, article
  summaries, position. It is fitted on out-of-fold outputs of the first two heads, so it learns
  how far to trust them; its runs above a threshold are the short spans the stage emits.
* **Span classifier** (technique classification): multinomial logistic regression over hashed span
  features and the mean ``doc.tensor`` of the span: a distribution over the 14 SemEval classes.
* **Token-state head** (``TokenHead``, since techniques/5): logistic regression (the format also
  holds a one-hidden-layer network) over the MiniLM hidden states of each token (the encoder's
  per-token output for the claims the embed stage encoded anyway, ``Resources.embed_tokens``,
  averaged over the token's subwords), mixed with the token tagger's logit. The sentence head
  and the stacked tagger of such a model read the mixed probability. Without token states
  (``--rules-only``, the hashing encoder) the model's ``fallback`` heads, trained on the token
  tagger alone as techniques/4 was, take their place.

The weights live in one ``.npz`` (no pickle) written by ``training/train_techniques.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

AGGREGATES = 5  # tagger-probability summaries per sentence (see ``sentence_aggregates``)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sentence_aggregates(proba: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
    """Per sentence (token range): max, mean, share above 0.3 and 0.5 of the tagger's
    probabilities, and log length."""
    out = np.zeros((len(ranges), AGGREGATES), dtype=np.float32)
    if not ranges:
        return out
    from .techniques_features import range_stats

    top, mean, over3, over5, length = range_stats(proba, ranges)
    out[:] = np.stack([top, mean, over3, over5, np.log1p(length)], axis=1)
    out[length == 0] = 0.0
    return out


@dataclass(frozen=True)
class TokenHead:
    """P(token inside a propaganda span) from the token's MiniLM hidden states, mixed with the
    token tagger: ``sigmoid(mix[0] * logit(tagger) + mix[1] * z + mix[2])``, where the state
    logit ``z`` is a one-hidden-layer network, ``relu(x @ w1 + b1) @ w2 + b2`` (standardisation
    folded into ``w1`` and ``b1``; with an empty ``w2`` a linear head, ``x @ w1[:, 0] + b2``), or
    ``b0`` for a token outside every claim (no states). The linear head costs one matrix-vector
    product per article."""

    w1: np.ndarray  # (len(layers) * 384, hidden) float32
    b1: np.ndarray  # (hidden,) float32
    w2: np.ndarray  # (hidden,) float32
    b2: float
    b0: float  # logit of tokens without states
    mix: np.ndarray  # (3,) float64: tagger-logit weight, state-logit weight, bias
    layers: tuple[int, ...]  # encoder layers whose states the head reads (encoder.TOKEN_LAYERS)

    @property
    def width(self) -> int:
        return int(self.w1.shape[0])

    def logit(self, X: np.ndarray, has: np.ndarray) -> np.ndarray:
        """The state head's own logit per token (``X``: tokens x width, ``has``: token has states)."""
        if self.w2.size == 0:  # a linear head: w1 is one column
            z = np.asarray(np.asarray(X, dtype=np.float32) @ self.w1[:, 0], dtype=np.float64) + self.b2
        else:
            hidden = np.maximum(np.asarray(X, dtype=np.float32) @ self.w1 + self.b1, 0.0)
            z = np.asarray(hidden @ self.w2, dtype=np.float64) + self.b2
        return np.where(has, z, self.b0)

    def proba(self, z: np.ndarray, has: np.ndarray) -> np.ndarray:
        """The state head's own probability per token (0 where a token has no states)."""
        return np.where(has, _sigmoid(z), 0.0)

    def mixed(self, tagger: np.ndarray, z: np.ndarray) -> np.ndarray:
        """The probability the later heads read: tagger and state head together."""
        t = np.log(np.clip(tagger, 1e-6, 1.0) / np.clip(1.0 - tagger, 1e-6, 1.0))
        return _sigmoid(self.mix[0] * t + self.mix[1] * z + self.mix[2])


# Key prefix of the fallback heads in the ``.npz`` (the sentence head, stacked tagger and tuned
# thresholds fitted on the token tagger alone, for runs without token states).
FALLBACK_PREFIX = "nostate_"


def _tuned(a: np.ndarray) -> tuple[float, float, int, int]:
    return float(a[0]), float(a[1]), int(a[2]), int(a[3])


@dataclass(frozen=True)
class TechniqueModel:
    """Weights of the four heads (see the module docstring)."""

    si_w: np.ndarray  # (2**TOKEN_HASH_BITS,)
    si_b: float
    sent_w: np.ndarray  # (2**SENT_HASH_BITS,)
    sent_agg: np.ndarray  # (AGGREGATES,)
    sent_b: float
    tc_w: np.ndarray  # (2**SPAN_HASH_BITS, n_classes)
    tc_dense: np.ndarray  # (96, n_classes)
    tc_b: np.ndarray  # (n_classes,)
    classes: tuple[str, ...]
    st_w: np.ndarray  # (STACK_DIM,)
    st_b: float
    sent_claim: np.ndarray | None = None  # (SENT_CLAIM_DIM,): pooled claim vectors of the sentence
    # (span threshold, sentence threshold, max_gap, min_span_tokens) that training chose on its
    # own out-of-fold outputs; the benchmark applies them to fold models, the stage reads the config.
    tuned: tuple[float, float, int, int] | None = None
    token_head: TokenHead | None = None  # reads MiniLM token states (techniques/5)
    # The same model without the token-state head: the sentence head, stacked tagger and tuned
    # thresholds fitted on the token tagger alone (the rest shared), used when no states exist.
    fallback: TechniqueModel | None = None

    def without_states(self) -> TechniqueModel:
        """The heads to use when a text has no token states."""
        return self.fallback if self.fallback is not None else self

    def token_proba(self, X: csr_matrix) -> np.ndarray:
        """P(token inside a propaganda span)."""
        return _sigmoid(np.asarray(X @ self.si_w + self.si_b, dtype=np.float64))

    def sentence_proba(self, X: csr_matrix, A: np.ndarray, C: np.ndarray | None = None) -> np.ndarray:
        """P(sentence carries a technique), from sentence features, tagger aggregates and the
        sentence's pooled claim vectors (``techniques_features.sentence_claim_features``)."""
        if X.shape[0] == 0:
            return np.zeros(0)
        z = np.asarray(X @ self.sent_w + A @ self.sent_agg + self.sent_b, dtype=np.float64)
        if self.sent_claim is not None and C is not None:
            z = z + C @ self.sent_claim
        return _sigmoid(z)

    def stacked_proba(self, F: np.ndarray) -> np.ndarray:
        """P(token inside a propaganda span), second stage, from ``stack_features`` rows."""
        if F.shape[0] == 0:
            return np.zeros(0)
        return _sigmoid(np.asarray(F @ self.st_w + self.st_b, dtype=np.float64))

    def tc_proba(self, X: csr_matrix, D: np.ndarray) -> np.ndarray:
        """Class distribution per span row (columns in ``classes`` order)."""
        if X.shape[0] == 0:
            return np.zeros((0, len(self.classes)))
        z = X @ self.tc_w + D @ self.tc_dense + self.tc_b
        return _softmax(np.asarray(z, dtype=np.float64))

    # -- files ------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            si_w=self.si_w.astype(np.float16),
            si_b=np.array([self.si_b], dtype=np.float32),
            sent_w=self.sent_w.astype(np.float16),
            sent_agg=self.sent_agg.astype(np.float32),
            sent_b=np.array([self.sent_b], dtype=np.float32),
            tc_w=self.tc_w.astype(np.float16),
            tc_dense=self.tc_dense.astype(np.float32),
            tc_b=self.tc_b.astype(np.float32),
            classes=np.array(self.classes, dtype="U64"),
            st_w=self.st_w.astype(np.float32),
            st_b=np.array([self.st_b], dtype=np.float32),
            **({} if self.sent_claim is None else {"sent_claim": self.sent_claim.astype(np.float32)}),
            **({} if self.tuned is None else {"tuned": np.array(self.tuned, dtype=np.float64)}),
            **self._token_head_arrays(),
            **self._fallback_arrays(),
        )

    def _token_head_arrays(self) -> dict[str, np.ndarray]:
        h = self.token_head
        if h is None:
            return {}
        return {
            "tok_w1": h.w1.astype(np.float32),
            "tok_b1": h.b1.astype(np.float32),
            "tok_w2": h.w2.astype(np.float32),
            "tok_b": np.array([h.b2, h.b0], dtype=np.float64),
            "tok_mix": h.mix.astype(np.float64),
            "tok_layers": np.array(h.layers, dtype=np.int32),
        }

    def _fallback_arrays(self) -> dict[str, np.ndarray]:
        f = self.fallback
        if f is None:
            return {}
        out = {
            "sent_w": f.sent_w.astype(np.float16),
            "sent_agg": f.sent_agg.astype(np.float32),
            "sent_b": np.array([f.sent_b], dtype=np.float32),
            "st_w": f.st_w.astype(np.float32),
            "st_b": np.array([f.st_b], dtype=np.float32),
        }
        if f.sent_claim is not None:
            out["sent_claim"] = f.sent_claim.astype(np.float32)
        if f.tuned is not None:
            out["tuned"] = np.array(f.tuned, dtype=np.float64)
        return {FALLBACK_PREFIX + k: v for k, v in out.items()}

    @classmethod
    def load(cls, path: Path) -> TechniqueModel:
        with np.load(path, allow_pickle=False) as z:
            model = cls._read(z, "")
            if "tok_w1" not in z:
                return model
            b = z["tok_b"]
            head = TokenHead(
                w1=z["tok_w1"], b1=z["tok_b1"], w2=z["tok_w2"], b2=float(b[0]), b0=float(b[1]),
                mix=z["tok_mix"].astype(np.float64), layers=tuple(int(x) for x in z["tok_layers"]),
            )
            fallback = cls._read(z, FALLBACK_PREFIX, model) if FALLBACK_PREFIX + "st_w" in z else None
            return replace(model, token_head=head, fallback=fallback)

    @classmethod
    def _read(cls, z: Any, prefix: str, shared: TechniqueModel | None = None) -> TechniqueModel:
        """The heads under ``prefix``; the token tagger and span classifier from ``shared``."""
        if shared is not None:
            return replace(
                shared,
                sent_w=z[prefix + "sent_w"].astype(np.float32),
                sent_agg=z[prefix + "sent_agg"],
                sent_b=float(z[prefix + "sent_b"][0]),
                st_w=z[prefix + "st_w"].astype(np.float64),
                st_b=float(z[prefix + "st_b"][0]),
                sent_claim=z[prefix + "sent_claim"].astype(np.float64) if prefix + "sent_claim" in z else None,
                tuned=_tuned(z[prefix + "tuned"]) if prefix + "tuned" in z else None,
            )
        return cls(
            si_w=z["si_w"].astype(np.float32),
            si_b=float(z["si_b"][0]),
            sent_w=z["sent_w"].astype(np.float32),
            sent_agg=z["sent_agg"],
            sent_b=float(z["sent_b"][0]),
            tc_w=z["tc_w"].astype(np.float32),
            tc_dense=z["tc_dense"],
            tc_b=z["tc_b"],
            classes=tuple(str(c) for c in z["classes"]),
            st_w=z["st_w"].astype(np.float64),
            st_b=float(z["st_b"][0]),
            sent_claim=z["sent_claim"].astype(np.float64) if "sent_claim" in z else None,
            tuned=_tuned(z["tuned"]) if "tuned" in z else None,
        )
