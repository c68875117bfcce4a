"""Stance on Climate-FEVER held-out claims: the shipped head against the rule baseline.

The split is the training script's (claim-grouped, seeded; ``training/train_stance.py``): only the
20 % test claims are scored here, through the public ``admiralty.corpus.stance.classify``.

    nice -n 10 .venv/bin/python benchmarks/stance_eval.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from admiralty.config import Config  # noqa: E402
from admiralty.corpus.stance import classify, load_head  # noqa: E402
from admiralty.resources import Resources  # noqa: E402
from train_stance import load_pairs, macro_f1, split_of  # noqa: E402


def evaluate(limit: int | None = None, res: Resources | None = None) -> dict[str, object]:
    res = res or Resources(Config.default())
    test = [p for p in load_pairs() if split_of(p["group"]) == "test"]
    if limit:
        test = test[:limit]
    gold = [p["label"] for p in test]
    pairs = [{"id": str(i), "claim": p["claim"], "text": p["text"]} for i, p in enumerate(test)]
    out: dict[str, object] = {"pairs": len(test), "claims": len({p["group"] for p in test})}
    for method in ("rules", "head"):
        if method == "head" and load_head(res) is None:
            out[method] = "not shipped"
            continue
        pred = [r.relation for r in classify(pairs, res, method=method)]
        f1, per = macro_f1(gold, pred)
        out[method] = {"macro_f1": round(f1, 4), "per_class": per}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    print(json.dumps(evaluate(args.limit), indent=1))


if __name__ == "__main__":
    main()
