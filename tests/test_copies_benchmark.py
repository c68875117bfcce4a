"""Evaluation gate: the frozen syndication benchmark on real articles (a smaller draw of copies).

The full benchmark (``benchmarks/syndication.py``, 600 originals) measured precision 0.992 and
recall 1.000; this gate draws 200 originals with the same frozen generator and checks floors.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from admiralty.corpus.copies import CopySettings, copy_groups, make_entry
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]


def test_syndication_precision_and_recall_floors(shared_data: Path, resources: Resources) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import corpusgen
    from syndication import natural_duplicates

    pool = corpusgen.load_pool(shared_data)
    assert len(pool) > 1000
    docs = corpusgen.syndication_corpus(pool, corpusgen.TEST_SEED, 200)
    settings = CopySettings.from_config(resources)
    entries = {d.id: make_entry(d.text, d.outlet, d.published, settings) for d in docs}
    groups = copy_groups(entries, settings)
    predicted = set()
    for g in groups:
        ids = sorted({m.article for m in g.members} | ({g.origin.article} if g.origin.article else set()))
        predicted.update(itertools.combinations(ids, 2))
    # generated pairs only: each copy with its original (natural duplicates are left to the benchmark)
    gold = {tuple(sorted((d.id, d.lineage))) for d in docs if "#copy" in d.id}
    recall = len(gold & predicted) / len(gold)
    # natural near-duplicates of the pool (silver labels) join their lineages
    root = {d.lineage: d.lineage for d in docs}

    def find(x: str) -> str:
        while root[x] != x:
            x = root[x]
        return x

    for a, b in natural_duplicates(pool):
        ra, rb = find(a), find(b)
        root[max(ra, rb)] = min(ra, rb)
    lineage = {d.id: find(d.lineage) for d in docs}
    wrong = [p for p in predicted if lineage[p[0]] != lineage[p[1]]]
    precision = 1 - len(wrong) / len(predicted)
    assert recall >= 0.97
    assert precision >= 0.97
