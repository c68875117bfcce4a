"""Approximate nearest neighbours for unit vectors, with a fixed bound on candidates per item.

Random-hyperplane LSH (SimHash): each of ``bands`` tables hashes a vector to the signs of its dot
products with ``bits`` seeded random hyperplanes; vectors at a small angle share a code in some
table with high probability. Inside a table the items are ordered by (code, projection on one more
random direction) and each item is paired with the ``window`` items before and after it in that
order -- a "sorted neighbourhood": inside a crowded bucket its nearest items along the extra
direction, at a bucket's edge the items of the next code (codes differing in their low bits, a
cheap multi-probe). So an item takes part in at most ``2 * window * bands`` candidate pairs
however large a bucket grows, and in about that many at every corpus size: the work of the
stages that verify the candidates is flat per item too. Nothing compares all pairs, except a
corpus so small that all pairs are within that bound anyway.

The cost per item is flat as the corpus grows: the order inside a table is a radix sort of a
16-bit key (the code, then the extra projection quantised to the remaining bits), and each item's
``2 * window * bands`` candidate slots are filled column by column and de-duplicated by sorting
that item's own row, a block of items at a time -- no global sort of all pairs (whose ``log`` and
cache misses made the time per item grow 3.9x from 1k to 64k items).

Deterministic: the hyperplanes come from a seeded NumPy generator, ties are broken by index.
"""

from __future__ import annotations

import numpy as np

KEY_BITS = 16  # a stable argsort of 16-bit integers is a radix sort (linear time)
PROJ_RANGE = 4.0  # the extra projection (about N(0, 1) for a unit vector) is quantised on [-4, 4]
ROW_BLOCK = 2048  # items whose candidate rows are sorted and read together


def max_candidates_per_item(bands: int, window: int) -> int:
    """The bound on candidate pairs any one item takes part in."""
    return 2 * window * bands


def candidate_pairs(
    vectors: np.ndarray, *, bits: int, bands: int, window: int, seed: int
) -> list[tuple[int, int]]:
    """Sorted unique pairs ``(i, j)``, ``i < j``, of rows likely to be close in angle."""
    arr = candidate_pair_array(vectors, bits=bits, bands=bands, window=window, seed=seed)
    return list(zip(arr[:, 0].tolist(), arr[:, 1].tolist(), strict=True))


def _table_order(proj: np.ndarray, bits: int) -> np.ndarray:
    """Items ordered by (code, extra projection, index) for one table."""
    codes = (proj[:, :bits] > 0).astype(np.int64) @ (1 << np.arange(bits, dtype=np.int64))
    extra = KEY_BITS - bits
    if 0 < extra < KEY_BITS:
        levels = 1 << extra
        q = np.clip(((proj[:, bits] + PROJ_RANGE) * (levels / (2 * PROJ_RANGE))).astype(np.int64), 0, levels - 1)
        return np.argsort(((codes << extra) | q).astype(np.uint16), kind="stable")
    return np.lexsort((np.arange(len(proj)), proj[:, bits], codes))


def candidate_pair_array(
    vectors: np.ndarray, *, bits: int, bands: int, window: int, seed: int
) -> np.ndarray:
    """:func:`candidate_pairs` as an ``(m, 2)`` int64 array, sorted (no Python tuples for big corpora)."""
    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    bound = max_candidates_per_item(bands, window)
    if n - 1 <= bound:
        # So few items that all pairs stay within the bound: exact, and no recall lost.
        i, j = np.triu_indices(n, k=1)
        return np.stack([i, j], axis=1).astype(np.int64)
    x = np.asarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    planes = rng.standard_normal((bands, bits + 1, x.shape[1])).astype(np.float32)
    # slots[c, i]: the c-th candidate of item i, or n (none: the ends of the order). Column-wise,
    # so each fill touches one row of n entries; each item's candidates are one column.
    slots = np.full((bound, n), n, dtype=np.int32)
    col = 0
    for b in range(bands):
        order = _table_order(x @ planes[b].T, bits)
        for step in range(1, window + 1):
            left, right = order[:-step], order[step:]
            slots[col, left] = right
            slots[col + 1, right] = left
            col += 2
    out = []
    for lo in range(0, n, ROW_BLOCK):  # a block of items at a time: cache-sized, sequential reads
        rows = np.sort(slots[:, lo : lo + ROW_BLOCK].T, axis=1)  # each item's candidates, ascending
        keep = rows > np.arange(lo, lo + len(rows), dtype=np.int32)[:, None]  # only j > i
        keep &= rows < n  # a real candidate
        keep[:, 1:] &= rows[:, 1:] != rows[:, :-1]  # once
        i = np.repeat(np.arange(lo, lo + len(rows), dtype=np.int64), keep.sum(axis=1))
        out.append(np.stack([i, rows[keep].astype(np.int64)], axis=1))
    return np.concatenate(out)
