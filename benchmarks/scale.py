"""Scale benchmark of the cross-source stages: time and bytes per article as the corpus grows.

Corpora come from the frozen generator (``corpusgen.scaled_corpus``): real pool articles, then
synthetic originals of 8-30 pool sentences, with a declared share of copies (``--copy-rate``,
default 0.2) made by the syndication transformations.

Measured per size:

* ``copies`` (dedup): ``build`` (shingles, MinHash, cues) + ``query`` (LSH, exact re-check,
  groups, origins): seconds, microseconds per article, state bytes per article, groups found and
  the share of generated copies that landed in their original's group;
* ``ann`` (the blocking of stories and claim links): candidate pairs from bounded SimHash LSH over
  clustered random 384-d unit vectors (one per article; the embeddings themselves are the embed
  stage's cost, not this one's): seconds, wall and CPU microseconds per article, candidate pairs
  per article, the largest number of candidates any article takes part in, against the fixed
  bound; then ``stories``: the same vectors through the stories stage's clustering (blocking, pair
  tests, average-link agglomeration; every article names one shared entity, half are dated).

    nice -n 10 .venv/bin/python benchmarks/scale.py --sizes 1000 4000 16000 64000
    nice -n 10 .venv/bin/python benchmarks/scale.py --sizes 200000 --only copies
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpusgen
from admiralty.config import Config
from admiralty.corpus.ann import candidate_pair_array, max_candidates_per_item
from admiralty.corpus.copies import CopySettings, copy_groups, make_entry
from admiralty.corpus.stories import StoryEntry, StorySettings, cluster_entries
from admiralty.resources import Resources

SEED = 4242


def bench_copies(docs: list[corpusgen.Doc], settings: CopySettings) -> dict[str, float | int]:
    t0 = time.perf_counter()
    entries = {d.id: make_entry(d.text, d.outlet, d.published, settings) for d in docs}
    t1 = time.perf_counter()
    groups = copy_groups(entries, settings)
    t2 = time.perf_counter()
    n = len(docs)
    where = {}
    for g in groups:
        for m in [*(x.article for x in g.members), *([g.origin.article] if g.origin.article else [])]:
            where[m] = g.id
    by_lineage = {d.lineage: d.id for d in docs if "#copy" not in d.id}
    copies = [d for d in docs if "#copy" in d.id]
    found = sum(
        1 for d in copies if where.get(d.id) is not None and where.get(d.id) == where.get(by_lineage[d.lineage])
    )
    return {
        "build_s": round(t1 - t0, 2),
        "query_s": round(t2 - t1, 2),
        "us_per_article": round((t2 - t0) / n * 1e6, 1),
        "state_bytes_per_article": int(sum(e.nbytes for e in entries.values()) / n),
        "groups": len(groups),
        "copies_found": round(found / len(copies), 4) if copies else None,
    }


def bench_ann(n: int, res: Resources) -> dict[str, float | int]:
    rng = np.random.default_rng(SEED)
    centres = rng.standard_normal((max(1, n // 8), 384)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, 384)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    c = res.config
    bands, window = int(c["stories.ann_bands"]), int(c["stories.ann_window"])
    warm = rng.standard_normal((1000, 384)).astype(np.float32)  # first-call costs (BLAS threads) aside
    candidate_pair_array(warm, bits=8, bands=2, window=2, seed=0)
    t0, c0 = time.perf_counter(), time.process_time()
    pairs = candidate_pair_array(x, bits=int(c["stories.ann_bits"]), bands=bands, window=window,
                                 seed=int(c["stories.ann_seed"]))
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    per = np.bincount(pairs.ravel(), minlength=n)
    del pairs
    days = rng.integers(0, 60, n)
    entries = {
        f"a{k:07d}": StoryEntry(f"2024-{1 + int(days[k]) // 30:02d}-{1 + int(days[k]) % 28:02d}" if k % 2 else None,
                                "", frozenset({"Shared"}), (("Shared", 1),), x[k])
        for k in range(n)
    }
    t1, c1 = time.perf_counter(), time.process_time()
    groups = cluster_entries(entries, [], StorySettings.from_config(res))
    st, scpu = time.perf_counter() - t1, time.process_time() - c1
    return {
        "seconds": round(dt, 2),
        "us_per_article": round(dt / n * 1e6, 1),
        "cpu_us_per_article": round(cpu / n * 1e6, 1),
        "pairs_per_article": round(float(per.sum()) / 2 / n, 1),
        "max_candidates": int(per.max()) if len(per) else 0,
        "bound": max_candidates_per_item(bands, window),
        "stories_seconds": round(st, 2),
        "stories_us_per_article": round(st / n * 1e6, 1),
        "stories_cpu_us_per_article": round(scpu / n * 1e6, 1),
        "stories": sum(1 for g in groups if len(g) > 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000, 64000])
    ap.add_argument("--copy-rate", type=float, default=0.2)
    ap.add_argument("--only", choices=["copies", "ann"], default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    res = Resources(Config.default())
    settings = CopySettings.from_config(res)
    pool = corpusgen.load_pool()
    out = {"generator": corpusgen.GENERATOR_VERSION, "copy_rate": args.copy_rate, "sizes": {}}
    for n in args.sizes:
        row: dict[str, object] = {}
        if args.only in (None, "copies"):
            docs = list(corpusgen.scaled_corpus(pool, n, args.copy_rate, SEED))
            row["copies"] = bench_copies(docs, settings)
            del docs
        if args.only in (None, "ann"):
            row["ann"] = bench_ann(n, res)
        row["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        out["sizes"][str(n)] = row
        print(json.dumps({str(n): row}), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
