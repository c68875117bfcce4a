"""Unit tests of the near-duplicate fingerprint (MinHash LSH + exact re-check)."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash

from admiralty.corpus.fingerprint import (
    near_duplicate_groups,
    overlap,
    shingles,
    signature,
)

BASE = (
    "The ministry said on Tuesday that thirty thousand troops had been moved to the border region, "
    "while officials in the capital denied any plan to escalate and called for talks next week."
)


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    return [" ".join(rng.choice(vocab) for _ in range(120)) for _ in range(n)]


def test_copy_with_case_and_punctuation_changes_is_grouped() -> None:
    texts = ["Unrelated text about a football match and the weather.", BASE, BASE.upper().replace(",", "")]
    assert near_duplicate_groups(texts, 0.9) == [[1, 2]]


def test_singletons_only_on_request_and_empty_text_is_safe() -> None:
    texts = [BASE, "", BASE]
    assert near_duplicate_groups(texts, 0.9) == [[0, 2]]
    assert near_duplicate_groups(texts, 0.9, singletons=True) == [[0, 2], [1]]


def test_truncated_copy_needs_containment() -> None:
    words = " ".join(_random_texts(1, 7)[0].split()[:120])
    half = " ".join(words.split()[:60])
    assert near_duplicate_groups([words, half], 0.8) == []
    assert near_duplicate_groups([words, half], 0.8, measure="containment") == [[0, 1]]


def test_groups_do_not_depend_on_order() -> None:
    texts = _random_texts(60, 1)
    texts += [t + " reported by an agency" for t in texts[:10]]
    order = list(range(len(texts)))
    random.Random(3).shuffle(order)
    shuffled = [texts[i] for i in order]
    a = {frozenset(g) for g in near_duplicate_groups(texts, 0.8)}
    b = {frozenset(order[i] for i in g) for g in near_duplicate_groups(shuffled, 0.8)}
    assert a == b
    assert len(a) == 10


def test_signature_matches_datasketch_and_overlap_is_exact() -> None:
    s = shingles(BASE)
    m = MinHash(num_perm=64, seed=5, hashfunc=int, scheme="affine32")
    m.update_batch(s.tolist())
    assert np.array_equal(signature(s, 64, 5).hashvalues, m.hashvalues)
    assert overlap(s, s) == 1.0
    t = shingles(BASE + " And more words follow here.")
    inter = len(set(s.tolist()) & set(t.tolist()))
    assert abs(overlap(s, t) - inter / len(set(s.tolist()) | set(t.tolist()))) < 1e-12
