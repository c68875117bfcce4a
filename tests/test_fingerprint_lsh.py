"""The copies stage's LSH banding (``fingerprint.candidate_pairs``, NumPy) proposes exactly the
pairs a datasketch ``MinHashLSH`` index proposes, on seeded texts with near-duplicates."""

from __future__ import annotations

import random

import pytest
from datasketch import MinHashLSH

from admiralty.corpus.fingerprint import candidate_pairs, lsh_threshold, shingles, signature


def reference(sigs, level: float, num_perm: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    lsh = MinHashLSH(threshold=level, num_perm=num_perm)
    for i, sig in enumerate(sigs):
        if sig is not None:
            lsh.insert(i, sig, check_duplication=False)
    pairs = set()
    for table in lsh.hashtables:
        for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
            members = sorted(table.get(key))
            pairs.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    return sorted(pairs)


def corpus(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(300)]
    base = [[rng.choice(vocab) for _ in range(rng.randint(20, 120))] for _ in range(n // 3)]
    texts = []
    for _ in range(n):
        words = list(rng.choice(base))
        for _ in range(rng.randint(0, 12)):  # a few edits: near-duplicates at many levels
            words[rng.randrange(len(words))] = rng.choice(vocab)
        texts.append(" ".join(words[: rng.randint(3, len(words))]))
    copies = [texts[k] for k in range(0, n, 10)]  # exact copies: pairs at every level
    return [*texts, *copies, "", "...", "one"]  # no words, and a text shorter than a shingle


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("measure,threshold", [("containment", 0.8), ("jaccard", 0.5), ("jaccard", 0.9)])
def test_candidate_pairs_equal_datasketch(seed: int, measure: str, threshold: float) -> None:
    texts = corpus(seed, 150)
    sets = [shingles(t) for t in texts]
    sigs = [signature(s) if len(s) else None for s in sets]
    level = lsh_threshold(threshold, measure)  # type: ignore[arg-type]
    got = candidate_pairs(sigs, level)
    assert got == reference(sigs, level, 128)
    assert got  # the corpus has near-duplicates: the comparison is not vacuous


def test_fewer_than_two_signatures() -> None:
    assert candidate_pairs([None, signature(shingles("a b c d e f"))], 0.5) == []
    assert candidate_pairs([], 0.5) == []
