"""Claim-text stance: does a text support a claim, contradict it, discuss it, or not touch it?

``classify(pairs)`` takes claim-text pairs (dicts or tuples with ``id``, ``claim``, ``text``) and
returns one :class:`StanceResult` per pair: ``relation`` in ``supports`` / ``contradicts`` /
``discusses`` / ``unrelated`` and a ``score`` (the probability of that relation, or the rule's
confidence), plus the method that decided.

Two deciders share the same pair features (:func:`pair_features`: the two MiniLM embeddings'
product and difference, their cosine, word overlap, negation and antonym cues):

* the **rule baseline** -- cosine below ``unrelated_below`` is unrelated; a negation mismatch or
  an antonymous predicate is a contradiction; cosine at or above ``supports_at`` supports; the rest
  discusses;
* the **learned head** (``models/stance.npz``, trained by ``training/train_stance.py`` on
  Climate-FEVER with claim-grouped splits; see ``models/stance.md``): a multinomial logistic
  regression over the same features. It is used only when its model card's held-out macro-F1
  beats the rule baseline by the margin the issue sets (``head_margin``); the npz records both
  scores and :func:`classify` checks them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..resources import Resources

VERSION_RULES = "stance.rules/1"
VERSION_HEAD = "stance.head/1"
LABELS = ("supports", "contradicts", "discusses", "unrelated")
MODEL_FILE = "stance.npz"

_NEG = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n't\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True, slots=True)
class StanceResult:
    id: str
    relation: str
    score: float
    method: str


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def lexical_features(
    claim: str, text: str, antonyms: Mapping[str, frozenset[str]], stop: frozenset[str]
) -> np.ndarray:
    """Word overlap, negation and antonym cues of one pair (8 numbers)."""
    wc, wt = _words(claim) - stop, _words(text) - stop
    inter = len(wc & wt)
    overlap_c = inter / len(wc) if wc else 0.0
    jacc = inter / len(wc | wt) if wc | wt else 0.0
    nc, nt = bool(_NEG.search(claim)), bool(_NEG.search(text))
    ac, at = _words(claim), _words(text)
    antonym = any(o in at - ac for w in ac - at for o in antonyms.get(w, ()))
    nums_c = set(re.findall(r"\d[\d,.]*", claim))
    nums_t = set(re.findall(r"\d[\d,.]*", text))
    num_mismatch = bool(nums_c and nums_t and not (nums_c & nums_t))
    return np.array(
        [overlap_c, jacc, float(nc), float(nt), float(nc != nt), float(antonym), float(num_mismatch),
         min(len(text.split()), 80) / 80.0],
        dtype=np.float32,
    )


def pair_features(
    u: np.ndarray, v: np.ndarray, claims: Sequence[str], texts: Sequence[str],
    antonyms: Mapping[str, frozenset[str]], stop: frozenset[str],
) -> np.ndarray:
    """Rows of ``[u*v, |u-v|, cos, lexical...]`` for unit embeddings ``u`` (claims), ``v`` (texts)."""
    cos = np.sum(u * v, axis=1, keepdims=True)
    rows = [lexical_features(c, t, antonyms, stop) for c, t in zip(claims, texts, strict=True)]
    lex = np.stack(rows) if rows else np.zeros((0, 8), np.float32)
    return np.hstack([u * v, np.abs(u - v), cos, lex]).astype(np.float32)


def rule_decide(features: np.ndarray, unrelated_below: float, supports_at: float) -> list[tuple[str, float]]:
    """The rule baseline over :func:`pair_features` rows: ``(relation, confidence)``."""
    d = (features.shape[1] - 9) // 2
    out = []
    for row in features:
        cos = float(row[2 * d])
        neg_mismatch, antonym = row[2 * d + 5], row[2 * d + 6]
        if cos < unrelated_below:
            out.append(("unrelated", 1.0 - max(cos, 0.0)))
        elif neg_mismatch or antonym:
            out.append(("contradicts", cos))
        elif cos >= supports_at:
            out.append(("supports", cos))
        else:
            out.append(("discusses", cos))
    return out


def load_head(res: Resources) -> dict[str, Any] | None:
    """The learned head, or None when it is absent or did not beat the rule baseline by the
    required margin on held-out pairs."""

    def build() -> dict[str, Any] | None:
        try:
            path = res.model_file(MODEL_FILE)
        except Exception:  # a missing head means: use the rules
            return None
        with np.load(path) as z:
            head = {k: z[k] for k in z.files}
        margin = float(res.config["stance.head_margin"])
        if float(head["heldout_macro_f1"]) < float(head["baseline_macro_f1"]) + margin:
            return None
        from ..model import ModelInfo
        from ..resources import file_sha256

        res.register_model("stance", ModelInfo("stance-head", VERSION_HEAD, file_sha256(path)))
        return head

    return res.cached("stance:head", build)


def _antonyms(res: Resources) -> dict[str, frozenset[str]]:
    from .links import antonym_pairs

    return antonym_pairs(res)


def function_words(res: Resources) -> frozenset[str]:
    return frozenset(w.lower() for w in res.lexicon("stance_function_words"))


def _normalise(pairs: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[tuple[str, str, str]]:
    out = []
    for n, p in enumerate(pairs):
        if isinstance(p, Mapping):
            out.append((str(p.get("id", n)), str(p.get("claim") or ""), str(p.get("text") or "")))
        else:
            pid, claim, text = p
            out.append((str(pid), str(claim or ""), str(text or "")))
    return out


def classify(
    pairs: Iterable[Mapping[str, Any] | Sequence[Any]],
    res: Resources | None = None,
    *,
    method: str = "auto",
) -> list[StanceResult]:
    """Stance of each text towards its claim.

    ``method``: ``auto`` (the learned head when it ships, else the rules), ``rules`` or ``head``.
    An empty claim or text is ``unrelated`` with score 0.
    """
    res = res or Resources()
    items = _normalise(pairs)
    if not items:
        return []
    antonyms = _antonyms(res)
    ok = [i for i, (_, c, t) in enumerate(items) if c.strip() and t.strip()]
    results: dict[int, StanceResult] = {
        i: StanceResult(items[i][0], "unrelated", 0.0, "empty") for i in range(len(items)) if i not in ok
    }
    if ok:
        claims = [items[i][1] for i in ok]
        texts = [items[i][2] for i in ok]
        emb = res.embed(claims + texts)
        feats = pair_features(emb[: len(ok)], emb[len(ok) :], claims, texts, antonyms, function_words(res))
        head = load_head(res) if method in ("auto", "head") else None
        if method == "head" and head is None:
            from ..errors import ModelError

            raise ModelError("the stance head is not shipped (it did not beat the rule baseline)")
        if head is not None:
            z = feats @ head["coef"].T + head["intercept"]
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            labels = [str(x) for x in head["labels"]]
            for k, i in enumerate(ok):
                j = int(np.argmax(p[k]))
                results[i] = StanceResult(items[i][0], labels[j], round(float(p[k, j]), 4), VERSION_HEAD)
        else:
            decided = rule_decide(
                feats, float(res.config["stance.unrelated_below"]), float(res.config["stance.supports_at"])
            )
            for k, i in enumerate(ok):
                rel, conf = decided[k]
                results[i] = StanceResult(items[i][0], rel, round(float(conf), 4), VERSION_RULES)
    return [results[i] for i in range(len(items))]
