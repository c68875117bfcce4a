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
    n = len(vectors)
    if n < 2:
        return []
    if n - 1 <= max_candidates_per_item(bands, window):
        # So few items that all pairs stay within the bound: exact, and no recall lost.
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    x = np.asarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    planes = rng.standard_normal((bands, bits + 1, x.shape[1])).astype(np.float32)
    weights = (1 << np.arange(bits, dtype=np.int64)).astype(np.int64)
    found: set[tuple[int, int]] = set()
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
            lo = np.minimum(left, right)
            hi = np.maximum(left, right)
            found.update(zip(lo.tolist(), hi.tolist(), strict=True))
    return sorted(found)
