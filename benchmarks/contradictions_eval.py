"""The contradiction detector (``corpus/contradiction.py``) on real claim pairs, and its precision
from hand labels.

Two steps:

1. ``candidates``: every claim pair the links stage matched in a cached corpus of
   ``benchmarks/grades_polnear.py`` (``/tmp/admiralty_<corpus>/corpus.full.json``: the pairs do not
   depend on the detector, which only decides their relation) is shown to the detector; the pairs it
   fires on are counted by rule and written as a CSV to label (``--out``), a seeded sample of at most
   ``--sample`` of them. ``--all-tensions`` also prints the tension pairs it does not fire on (for
   design only).
2. ``precision``: precision of the labelled pairs (``label`` = ``yes`` / ``no``) with a Wilson 95 %
   interval, overall and per rule.

    .venv/bin/python benchmarks/contradictions_eval.py candidates --corpus polnear
    .venv/bin/python benchmarks/contradictions_eval.py candidates --corpus fakenewsnet \\
        --out benchmarks/labels/contradiction_fakenewsnet.csv --sample 60 --seed 3
    .venv/bin/python benchmarks/contradictions_eval.py precision benchmarks/labels/contradiction_fakenewsnet.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

FIELDS = ("pair", "rule", "claim_a", "outlet_a", "published_a", "text_a", "claim_b", "outlet_b",
          "published_b", "text_b", "cosine", "denied", "label", "note")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def ruwa_events(work: Path) -> dict[str, str]:
    """article id -> its RUWA event (the author label), through the input line it came from."""
    from grades_polnear import data_dir, load_articles

    lines = [json.loads(line)["id"] for line in (work / "ruwa.jsonl").open(encoding="utf-8")]
    with (data_dir() / "ruwa_ukraine_war_news" / "RUWA_04.08.23.csv").open(encoding="utf-8") as fh:
        event = {f"ruwa/{r['']}": r["Event"] for r in csv.DictReader(fh)}
    out = {}
    for a in load_articles(work, vectors=False):
        line = int(a.input.rsplit("#L", 1)[1])
        out[a.id] = event[lines[line - 1]]
    return out


def firing_pairs(work: Path, exclude_events: frozenset[str] = frozenset(),
                 rules: frozenset[str] = frozenset()) -> tuple[list[dict[str, Any]], int, list[dict[str, Any]]]:
    """``(fired rows, pairs seen, tension rows not fired)`` over the cached links of ``work``; with
    ``exclude_events`` (RUWA) only pairs whose two articles are of other events (held-out), with
    ``rules`` only firings of those rules."""
    import numpy as np

    from admiralty.corpus import contradiction
    from admiralty.corpus.links import entry, negated
    from admiralty.model import CorpusResult, from_json
    from admiralty.resources import Resources
    from grades_polnear import load_articles

    res = Resources()
    lex, cs = contradiction.lexicons(res), contradiction.Settings.from_config(res)
    result = from_json(CorpusResult, json.loads((work / "corpus.full.json").read_text("utf-8")))
    arts = {a.id: a for a in load_articles(work, vectors=False)}
    events = ruwa_events(work) if exclude_events else {}
    entries, where = {}, {}
    for a in arts.values():
        for c in a.claims:
            entries[c.id] = entry(a, c, np.zeros(1, np.float32))
            where[c.id] = a
    fired, quiet = [], []
    for link in result.claim_links:
        ci, cj = link.claims
        if ci not in entries or cj not in entries:
            continue
        a, b = entries[ci], entries[cj]
        if events and ({events[where[ci].id], events[where[cj].id]} & exclude_events):
            continue
        found = contradiction.detect(a, b, lex, cs)
        if found is not None and rules and found.rule not in rules:
            continue
        row = {"pair": f"{ci}|{cj}", "rule": found.rule if found else "",
               "claim_a": ci, "outlet_a": where[ci].outlet, "published_a": (where[ci].published or "")[:10],
               "text_a": a.text, "claim_b": cj, "outlet_b": where[cj].outlet,
               "published_b": (where[cj].published or "")[:10], "text_b": b.text,
               "cosine": link.score, "denied": found.params.get("denied", "") if found else "",
               "label": "", "note": ""}
        if found is not None:
            fired.append(row)
        elif negated(a) != negated(b) or any(r.rule.startswith(("tension.", "numbers.conflict")) for r in link.reasons):
            quiet.append(row)
    return fired, len(result.claim_links), quiet


def step_candidates(args: argparse.Namespace) -> None:
    work = args.work or Path(f"/tmp/admiralty_{args.corpus}")
    fired, seen, quiet = firing_pairs(work, frozenset(args.exclude_events), frozenset(args.rules))
    print(f"{args.corpus}: {seen} linked pairs, detector fires on {len(fired)}: "
          f"{dict(sorted(Counter(r['rule'] for r in fired).items()))}")
    for r in fired:
        print(f"[{r['rule']}] {r['cosine']} denied: {r['denied']!r}\n"
              f"  A {r['outlet_a']} {r['published_a']}: {r['text_a']}\n"
              f"  B {r['outlet_b']} {r['published_b']}: {r['text_b']}")
    if args.all_tensions:
        print(f"\n--- {len(quiet)} tension pairs it does not fire on ---")
        for r in quiet:
            print(f"{r['cosine']}\n  A {r['outlet_a']} {r['published_a']}: {r['text_a']}\n"
                  f"  B {r['outlet_b']} {r['published_b']}: {r['text_b']}")
    if args.out:
        rows = sorted(fired, key=lambda r: r["pair"])
        if len(rows) > args.sample:
            rows = sorted(random.Random(args.seed).sample(rows, args.sample), key=lambda r: r["pair"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, FIELDS)
            w.writeheader()
            w.writerows(rows)
        print(f"{len(rows)} pairs to label -> {args.out}", file=sys.stderr)


def precision(path: Path) -> dict[str, Any]:
    """Precision (with a Wilson 95 % interval) of the labelled pairs of one CSV, overall and per rule."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label"].strip().lower() in ("yes", "no")]
    out: dict[str, Any] = {}
    groups: dict[str, list[dict[str, str]]] = {"all": rows}
    for r in rows:
        groups.setdefault(r["rule"], []).append(r)
    for name, group in groups.items():
        k = sum(r["label"].strip().lower() == "yes" for r in group)
        lo, hi = wilson(k, len(group))
        out[name] = {"pairs": len(group), "contradictions": k,
                     "precision": round(k / len(group), 4) if group else None,
                     "wilson95": [round(lo, 4), round(hi, 4)]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="step", required=True)
    c = sub.add_parser("candidates")
    c.add_argument("--corpus", choices=["polnear", "fakenewsnet", "ruwa", "ruwa_rest"], default="polnear")
    c.add_argument("--work", type=Path, default=None)
    c.add_argument("--out", type=Path, default=None)
    c.add_argument("--sample", type=int, default=60)
    c.add_argument("--seed", type=int, default=3)
    c.add_argument("--all-tensions", action="store_true")
    c.add_argument("--exclude-events", nargs="*", default=[], metavar="EVENT",
                   help="RUWA: leave out pairs touching these events (the design events, e.g. bucha)")
    c.add_argument("--rules", nargs="*", default=[], metavar="RULE",
                   help="only firings of these rules (e.g. contradiction.denial)")
    p = sub.add_parser("precision")
    p.add_argument("labels", type=Path, nargs="+")
    args = ap.parse_args()
    if args.step == "candidates":
        step_candidates(args)
    else:
        for path in args.labels:
            print(path.name, json.dumps(precision(path), indent=1))
        if len(args.labels) > 1:
            k = n = 0
            for path in args.labels:
                got = precision(path).get("all", {})
                k, n = k + got.get("contradictions", 0), n + got.get("pairs", 0)
            lo, hi = wilson(k, n)
            print(f"pooled: {k} / {n} = {k / max(1, n):.3f} (Wilson 95 % {lo:.2f}-{hi:.2f})")


if __name__ == "__main__":
    main()
