"""How often the attribution stage gives a source the right kind (and, for named sources, the right
name): a hand check on PolNeAR dev, which annotates source spans but not their kinds.

    .venv/bin/python benchmarks/source_kinds.py sample --n 80 --seed 5 --out benchmarks/labels/source_kinds_polnear.csv
    # read each row, fill `gold_kind` (and `name_ok`: y / n for named kinds), then
    .venv/bin/python benchmarks/source_kinds.py score benchmarks/labels/source_kinds_polnear.csv
    .venv/bin/python benchmarks/source_kinds.py score --rerun benchmarks/labels/source_kinds_polnear.csv  # current code

``sample`` draws attributions with a source uniformly over all dev texts (seeded) and writes the
source phrase, its sentence, the kind and name the stage gave it, and empty columns to fill.
``score`` prints kind accuracy with a Wilson interval, per-kind precision / recall and the
confusions, and the share of named sources resolved to the right name. The kinds are DESIGN.md's:
named_person, named_organization, outlet, anonymous, unnamed_official, document.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_eval as pe
from contradictions_eval import wilson

FIELDS = ("row", "text", "source", "sentence", "kind", "name", "gold_kind", "name_ok", "note")
NAMED = ("named_person", "named_organization", "outlet")


def current_rows(split: str = "dev") -> list[dict[str, str]]:
    """Every attribution with a source the stage gives now on the split's texts, in text order."""
    from admiralty.model import Article
    from admiralty.nlp.attribution import find_attributions
    from admiralty.nlp.entities import find_entities
    from admiralty.pipeline import replace
    from admiralty.resources import Resources

    res = Resources()
    texts = pe.load_split(split)
    rows = []
    for t, doc in zip(texts, res.nlp.pipe((t.text for t in texts), batch_size=16), strict=True):
        article = replace(Article.new(locator=t.name, text=t.text), language="en")
        article = find_attributions(find_entities(article, doc, res), doc, res)
        for a in article.attributions:
            if a.source is None:
                continue
            sent = doc.char_span(a.source.start, a.source.end, alignment_mode="expand")
            sentence = sent.sent.text if sent is not None else t.text[max(0, a.source.start - 150):a.source.end + 150]
            rows.append({"text": t.name, "source": a.source.text, "sentence": " ".join(sentence.split()),
                         "kind": a.source.kind, "name": a.source.evidence[-1] if a.source.evidence else ""})
    return rows


def sample(n: int, seed: int, out: Path, split: str = "dev") -> None:
    rows = current_rows(split)
    picked = random.Random(seed).sample(rows, min(n, len(rows)))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        for k, r in enumerate(picked, 1):
            w.writerow({**r, "row": k, "gold_kind": "", "name_ok": "", "note": ""})
    print(f"{len(picked)} of {len(rows)} sourced attributions ({split}) -> {out}")


def score(path: Path, rerun: bool = False) -> None:
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["gold_kind"].strip()]
    if rerun:  # the kinds the current code gives the same phrases (names are not re-checked)
        now = {(r["text"], r["source"], r["sentence"]): r["kind"] for r in current_rows()}
        changed = [r["row"] for r in rows if now.get((r["text"], r["source"], r["sentence"]), r["kind"]) != r["kind"]]
        for r in rows:
            r["kind"] = now.get((r["text"], r["source"], r["sentence"]), "(gone)")
        print(f"re-run: {len(changed)} labelled rows changed kind (rows {', '.join(changed) or '-'})")
    right = sum(r["kind"] == r["gold_kind"] for r in rows)
    lo, hi = wilson(right, len(rows))
    print(f"kind right: {right} / {len(rows)} = {right / max(1, len(rows)):.3f} (Wilson 95% {lo:.2f}-{hi:.2f})")
    print(f"{'kind':20} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6}")
    kinds = sorted({r["gold_kind"] for r in rows} | {r["kind"] for r in rows})
    for kind in kinds:
        gold = sum(r["gold_kind"] == kind for r in rows)
        pred = sum(r["kind"] == kind for r in rows)
        hit = sum(r["gold_kind"] == kind == r["kind"] for r in rows)
        p = hit / pred if pred else float("nan")
        rec = hit / gold if gold else float("nan")
        print(f"{kind:20} {gold:5d} {pred:5d} {p:6.2f} {rec:6.2f}")
    wrong = Counter((r["gold_kind"], r["kind"]) for r in rows if r["kind"] != r["gold_kind"])
    print("confusions (gold -> given):", ", ".join(f"{g} -> {p} x{n}" for (g, p), n in wrong.most_common()))
    named = [r for r in rows if r["gold_kind"] in NAMED and r["kind"] == r["gold_kind"] and r["name_ok"].strip()]
    ok = sum(r["name_ok"].strip().lower() == "y" for r in named)
    print(f"named sources with the right kind resolved to the right name: {ok} / {len(named)}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=80)
    s.add_argument("--seed", type=int, default=5)
    s.add_argument("--split", default="dev")
    s.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("score")
    c.add_argument("labels", type=Path)
    c.add_argument("--rerun", action="store_true", help="score the kinds the current code gives, not the stored ones")
    args = ap.parse_args(argv)
    if args.cmd == "sample":
        sample(args.n, args.seed, args.out, args.split)
    else:
        score(args.labels, args.rerun)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
