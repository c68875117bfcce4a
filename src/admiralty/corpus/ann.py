"""Approximate nearest neighbours for unit vectors, with a fixed bound on candidates per item.

Random-hyperplane LSH (SimHash): each of ``bands`` tables hashes a vector to the signs of its dot
products with ``bits`` seeded random hyperplanes; vectors at a small angle share a code in some
table with high probability. Inside a table the items are sorted by (code, projection on one more
random direction) and each item is paired only with the next ``window`` items of its own code, so
an item takes part in at most ``2 * window * bands`` candidate pairs however large a bucket grows
(a crowded bucket is a "sorted neighbourhood", not a clique). Nothing compares all pairs, except
a corpus so small that all pairs are within that bound anyway.

Deterministic: the hyperplanes come from a seeded NumPy generator, ties are broken by index.
"""

from __future__ import annotations

import numpy as np


def max_candidates_per_item(bands: int, window: int) -> int:
    """The bound on candidate pairs any one item takes part in."""
    return 2 * window * bands


def candidate_pairs(
    vectors: np.ndarray, *, bits: int, bands: int, window: int, seed: int
) -> list[tuple[int, int]]:
    """Sorted unique pairs ``(i, j)``, ``i < j``, of rows likely to be close in angle."""
    arr = candidate_pair_array(vectors, bits=bits, bands=bands, window=window, seed=seed)
    return list(zip(arr[:, 0].tolist(), arr[:, 1].tolist(), strict=True))


def candidate_pair_array(
    vectors: np.ndarray, *, bits: int, bands: int, window: int, seed: int
) -> np.ndarray:
    """:func:`candidate_pairs` as an ``(m, 2)`` int64 array (no Python tuples for big corpora)."""
    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if n - 1 <= max_candidates_per_item(bands, window):
        # So few items that all pairs stay within the bound: exact, and no recall lost.
        i, j = np.triu_indices(n, k=1)
        return np.stack([i, j], axis=1).astype(np.int64)
    x = np.asarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    planes = rng.standard_normal((bands, bits + 1, x.shape[1])).astype(np.float32)
    weights = (1 << np.arange(bits, dtype=np.int64)).astype(np.int64)
    keys: list[np.ndarray] = []
    index = np.arange(n)
    for b in range(bands):
        proj = x @ planes[b].T
        codes = (proj[:, :bits] > 0).astype(np.int64) @ weights
        order = np.lexsort((index, proj[:, bits], codes))
        sorted_codes = codes[order]
        for step in range(1, window + 1):
            same = sorted_codes[step:] == sorted_codes[:-step]
            left = order[:-step][same]
            right = order[step:][same]
            keys.append(np.minimum(left, right).astype(np.int64) * n + np.maximum(left, right))
    if not keys:
        return np.zeros((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(keys))
    return np.stack([unique // n, unique % n], axis=1)
