"""Syndication benchmark: does the ``copies`` stage find copies, and only copies?

Corpus (frozen, see ``corpusgen.py``): every real article of the pool (PolNeAR train+dev, PTC,
FakeNewsNet; >= 120 words) plus 1-3 generated copies of ``ORIGINALS`` sampled articles (boilerplate,
truncation, bylines, credit lines, wire datelines, light edits). The copies stage runs with the
packaged default thresholds (``[copies]`` in default_config.toml).

Gold pairs: an original and its copies, and copies of the same original, are positives; so are
the *natural* near-duplicates of the pool, found by an independent silver labeller (TF-IDF cosine
>= 0.5 candidates, then word-level ``difflib`` matching blocks covering >= 60 % of the shorter
text). Every other pair is a negative; PolNeAR articles published the same day by different
outlets are reported separately as hard negatives.

Metrics: pairwise precision and recall over all pairs that share a predicted group (origin and
members), recall per transformation, natural-duplicate recall, hard-negative false positives, and
origin accuracy (is the real original chosen as the origin of its copies?).

    .venv/bin/python benchmarks/syndication.py [--originals 600] [--seed 20250301]
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpusgen
from admiralty.config import Config
from admiralty.corpus.copies import CopySettings, copy_groups, make_entry
from admiralty.resources import Resources

ORIGINALS = 600


def natural_duplicates(pool: list[corpusgen.Doc]) -> list[tuple[str, str]]:
    """Silver near-duplicate pairs inside the real pool (independent of MinHash)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(min_df=1, sublinear_tf=True)
    x = vec.fit_transform([d.text for d in pool])
    sim = (x @ x.T).tocoo()
    pairs = []
    for i, j, v in zip(sim.row, sim.col, sim.data, strict=True):
        if i < j and v >= 0.5:
            a, b = pool[i].text.lower().split(), pool[j].text.lower().split()
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            matched = sum(block.size for block in sm.get_matching_blocks() if block.size >= 5)
            if matched / min(len(a), len(b)) >= 0.6:
                pairs.append((pool[i].id, pool[j].id))
    return sorted(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--originals", type=int, default=ORIGINALS)
    ap.add_argument("--seed", type=int, default=corpusgen.TEST_SEED)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()

    pool = corpusgen.load_pool()
    docs = corpusgen.syndication_corpus(pool, args.seed, args.originals)
    natural = natural_duplicates(pool)
    settings = CopySettings.from_config(Resources(Config.default()))

    t0 = time.perf_counter()
    entries = {d.id: make_entry(d.text, d.outlet, d.published, settings) for d in docs}
    groups = copy_groups(entries, settings)
    elapsed = time.perf_counter() - t0

    # gold: union of lineage and natural pairs
    parent = {d.id: d.lineage for d in docs}
    nat_parent: dict[str, str] = {}

    def root(x: str) -> str:
        while nat_parent.get(x, x) != x:
            x = nat_parent[x]
        return x

    for a, b in natural:
        ra, rb = root(a), root(b)
        if ra != rb:
            nat_parent[max(ra, rb)] = min(ra, rb)
    gold_key = {d.id: root(parent[d.id]) for d in docs}
    by_key: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_key[gold_key[d.id]].append(d.id)
    gold = {tuple(sorted(p)) for ids in by_key.values() for p in itertools.combinations(ids, 2)}

    predicted: set[tuple[str, str]] = set()
    origin_of: dict[str, str | None] = {}
    for g in groups:
        ids = sorted({m.article for m in g.members} | ({g.origin.article} if g.origin.article else set()))
        predicted.update(tuple(sorted(p)) for p in itertools.combinations(ids, 2))
        for i in ids:
            origin_of[i] = g.origin.article
    tp = len(gold & predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0

    by_op: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    origin_ok = origin_n = 0
    for d in docs:
        if "#copy" not in d.id:
            continue
        pair = tuple(sorted((d.id, d.lineage)))
        hit = pair in predicted
        for op in d.ops or ("none",):
            by_op[op][0] += hit
            by_op[op][1] += 1
        origin_n += 1
        origin_ok += origin_of.get(d.id) == d.lineage
    nat_pairs = {tuple(sorted(p)) for p in natural}
    nat_hit = len(nat_pairs & predicted)

    polnear = [d for d in pool if d.source == "polnear" and d.published and d.outlet]
    hard = [
        (a.id, b.id)
        for a, b in itertools.combinations(polnear, 2)
        if a.published == b.published and a.outlet != b.outlet
    ]
    hard_neg = [tuple(sorted(p)) for p in hard if tuple(sorted(p)) not in gold]
    hard_fp = sum(1 for p in hard_neg if p in predicted)

    out = {
        "generator": corpusgen.GENERATOR_VERSION,
        "seed": args.seed,
        "documents": len(docs),
        "pool": len(pool),
        "copies": sum("#copy" in d.id for d in docs),
        "gold_pairs": len(gold),
        "predicted_pairs": len(predicted),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "natural_pairs": len(nat_pairs),
        "natural_recall": round(nat_hit / len(nat_pairs), 4) if nat_pairs else None,
        "hard_negative_pairs": len(hard_neg),
        "hard_negative_false_positives": hard_fp,
        "origin_accuracy": round(origin_ok / origin_n, 4) if origin_n else None,
        "recall_by_transformation": {k: round(v[0] / v[1], 4) for k, v in sorted(by_op.items())},
        "seconds": round(elapsed, 2),
    }
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    false_pos = sorted(predicted - gold)[:10]
    missed = sorted(gold - predicted)[:10]
    print("examples of false positives:", false_pos, file=sys.stderr)
    print("examples of misses:", missed, file=sys.stderr)


if __name__ == "__main__":
    main()
