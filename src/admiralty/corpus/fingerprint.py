"""Near-duplicate fingerprints: MinHash over word shingles, LSH blocking, exact re-check.

A text becomes a set of word ``k``-shingles (lower-cased ``\\w+`` tokens, each ``k`` consecutive
words hashed to 32 bits with a seeded BLAKE2b word hash combined by a polynomial, so no Python
``hash()`` is involved). Each set gets a datasketch ``MinHash`` signature (``affine32`` scheme,
fixed seed); LSH banding proposes candidate pairs (the pairs a datasketch ``MinHashLSH`` index
proposes, found with NumPy; so nothing compares all pairs), and every candidate is re-checked with
the *exact* overlap of the two shingle sets before it is accepted. Results do not depend on input
order beyond the indices themselves.

Two overlap measures are offered:

* ``jaccard``: ``|A & B| / |A | B|`` -- symmetric near-duplicates;
* ``containment``: ``|A & B| / min(|A|, |B|)`` -- also catches a truncated copy, whose Jaccard
  with the full text is only its share of it.

The public entry point is :func:`near_duplicate_groups`; the lower-level pieces
(:func:`shingles`, :func:`signature`, :func:`candidate_pairs`, :func:`overlap`) are used by the
corpus ``copies`` stage, which keeps shingles and signatures in a mergeable state.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from datasketch import LeanMinHash, MinHash

Measure = Literal["jaccard", "containment"]

DEFAULT_SHINGLE = 5
DEFAULT_NUM_PERM = 128
DEFAULT_SEED = 20240611

_WORD = re.compile(r"\w+", re.UNICODE)
_MULT = np.uint64(0x100000001B3)  # FNV-style odd multiplier for combining word hashes
_WORD_CACHE: dict[str, int] = {}
_WORD_CACHE_MAX = 2_000_000


def _word_hash(word: str) -> int:
    h = _WORD_CACHE.get(word)
    if h is None:
        h = int.from_bytes(
            hashlib.blake2b(
                word.encode("utf-8", "surrogatepass"), digest_size=8, person=b"adm-shingle"
            ).digest(),
            "little",
        )
        if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
            _WORD_CACHE.clear()
        _WORD_CACHE[word] = h
    return h


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (``\\w+``); punctuation and spacing never matter."""
    return _WORD.findall(text.lower())


def shingles(text: str, k: int = DEFAULT_SHINGLE) -> np.ndarray:
    """The sorted, unique 32-bit hashes of the text's word ``k``-shingles.

    A text shorter than ``k`` words is one shingle (all its words); an empty text has none.
    """
    words = tokens(text)
    if not words:
        return np.zeros(0, dtype=np.uint32)
    cache = _WORD_CACHE
    hashes = list(map(cache.get, words))  # most words are known: no Python call per token
    if None in hashes:
        hashes = [h if h is not None else _word_hash(t) for h, t in zip(hashes, words, strict=True)]
    w = np.array(hashes, dtype=np.uint64)
    n = max(1, len(words) - k + 1)
    width = min(k, len(words))
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            h = h * _MULT + w[j : j + n]
    folded = ((h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))).astype(np.uint32)
    return np.unique(folded)


def _identity(value: int) -> int:
    return int(value)


_PERMUTATIONS: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    key = (num_perm, seed)
    if key not in _PERMUTATIONS:
        a, b = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity, scheme="affine32").permutations
        _PERMUTATIONS[key] = (np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32))
    return _PERMUTATIONS[key]


def _fmix32(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer (datasketch's pre-mix of the affine32 scheme)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature_values(
    shingle_set: np.ndarray, num_perm: int = DEFAULT_NUM_PERM, seed: int = DEFAULT_SEED
) -> np.ndarray:
    """The MinHash hash values (uint32) of a shingle-hash set: exactly what datasketch's
    ``MinHash(scheme="affine32")`` computes, in one vectorised step instead of its Python loop."""
    a, b = _permutations(num_perm, seed)
    if not len(shingle_set):
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        hv = _fmix32(np.asarray(shingle_set, dtype=np.uint32))[:, None]
        return (hv * a[None, :] + b[None, :]).min(axis=0).astype(np.uint32)


def signature(
    shingle_set: np.ndarray, num_perm: int = DEFAULT_NUM_PERM, seed: int = DEFAULT_SEED
) -> LeanMinHash:
    """The datasketch MinHash of a shingle-hash set (same seed => same permutations everywhere)."""
    return LeanMinHash(seed=seed, hashvalues=signature_values(shingle_set, num_perm, seed), scheme="affine32")


def overlap(a: np.ndarray, b: np.ndarray, measure: Measure = "jaccard") -> float:
    """The exact overlap of two sorted unique shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    if measure == "containment":
        return inter / min(len(a), len(b))
    return inter / (len(a) + len(b) - inter)


def lsh_threshold(threshold: float, measure: Measure) -> float:
    """The Jaccard level the LSH must catch for a given overlap threshold.

    Containment ``c`` between sets of sizes ``m <= n`` implies Jaccard ``>= c*m / n``, which can be
    small for a short truncated copy; the blocking level is therefore lowered for containment
    (a truncated copy holding at least ~40% of the original is still proposed).
    """
    if measure == "containment":
        return max(0.1, threshold * 0.4)
    return max(0.1, threshold * 0.85)


@functools.lru_cache(maxsize=64)
def lsh_bands(lsh_level: float, num_perm: int = DEFAULT_NUM_PERM) -> tuple[int, int]:
    """``(bands, rows)``: datasketch's optimal banding for the Jaccard level ``lsh_level`` (equal
    weights on false positives and negatives, as ``MinHashLSH`` chooses by default)."""
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(lsh_level, num_perm, 0.5, 0.5)
    if b < 2:
        raise ValueError("The number of bands are too small (b < 2)")
    return int(b), int(r)


def candidate_pairs(
    signatures: Sequence[LeanMinHash | None], lsh_level: float, num_perm: int = DEFAULT_NUM_PERM
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose signatures share at least one LSH band.

    Bands come from datasketch's optimal (b, r) for the Jaccard level ``lsh_level``; ``None``
    signatures (texts without words) are never proposed. The pairs are those a datasketch
    ``MinHashLSH`` index proposes (band ``k`` is the hash values ``k*r .. k*r+r``, and two
    signatures share a bucket when those values are equal), found by sorting each band's values
    instead of inserting every signature into 2 x ``b`` Python dictionaries.
    """
    b, r = lsh_bands(float(lsh_level), num_perm)
    present = [i for i, sig in enumerate(signatures) if sig is not None]
    if len(present) < 2:
        return []
    values = np.stack([np.asarray(signatures[i].hashvalues) for i in present])  # type: ignore[union-attr]
    if values.shape[1] != num_perm:
        raise ValueError(f"Expecting minhash with length {num_perm}, got {values.shape[1]}")
    index = np.asarray(present, dtype=np.int64)
    pairs: set[tuple[int, int]] = set()
    for k in range(b):
        band = np.ascontiguousarray(values[:, k * r : (k + 1) * r])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * r))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[inverse] > 1)  # members of a bucket of two or more
        if not len(shared):
            continue
        order = shared[np.argsort(inverse[shared], kind="stable")]  # by bucket, then by position
        buckets = inverse[order]
        cuts = np.flatnonzero(buckets[1:] != buckets[:-1]) + 1
        for members in np.split(index[order], cuts):
            m = members.tolist()
            for x in range(len(m)):
                for y in range(x + 1, len(m)):
                    pairs.add((m[x], m[y]))
    return sorted(pairs)


def components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of ``n`` nodes (union-find), each sorted, ordered by first member."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def near_duplicate_groups(
    texts: Sequence[str],
    threshold: float,
    *,
    measure: Measure = "jaccard",
    shingle: int = DEFAULT_SHINGLE,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
    singletons: bool = False,
) -> list[list[int]]:
    """Group texts that are near-duplicates of each other.

    Two texts are linked when their exact shingle overlap (``measure``, Jaccard by default) is at
    least ``threshold``; candidates come from MinHash LSH only, so the cost grows with the number
    of texts, not pairs. Groups are the connected components of those links (so a chain A~B~C is
    one group even when A and C differ more).

    Returns lists of indices into ``texts``, each sorted ascending, the groups ordered by their
    smallest index. **Singletons are left out** unless ``singletons=True``. Deterministic: fixed
    seed, no Python ``hash()``.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    sets = [shingles(t, shingle) for t in texts]
    sigs = [signature(s, num_perm, seed) if len(s) else None for s in sets]
    level = lsh_threshold(threshold, measure)
    edges = [
        (i, j)
        for i, j in candidate_pairs(sigs, level, num_perm)
        if overlap(sets[i], sets[j], measure) >= threshold
    ]
    groups = components(len(texts), edges)
    return groups if singletons else [g for g in groups if len(g) > 1]
