"""Train the claim-text stance head on Climate-FEVER and compare it with the rule baseline.

    nice -n 10 .venv/bin/python training/train_stance.py            # train, evaluate, write the head
    nice -n 10 .venv/bin/python training/train_stance.py --eval-only  # figures only

Data: ``../shared/data/climate_fever/climate-fever.jsonl`` (1,535 claims, 7,675 evidence
sentences). Evidence labels map to stance: SUPPORTS -> supports, REFUTES -> contradicts,
NOT_ENOUGH_INFO -> discusses; for every claim ``UNRELATED_PER_CLAIM`` evidence sentences of other
claims (seeded draw) are added as ``unrelated``.

Split: by claim (a claim and all its evidence sentences are on one side), seeded: 70 % train,
10 % dev (rule thresholds are tuned on train + dev), 20 % held-out test. Every figure reported is
on the held-out test claims.

Head: multinomial logistic regression (scikit-learn, class-balanced, C chosen on dev) over
:func:`admiralty.corpus.stance.pair_features` (MiniLM embeddings of claim and text, their product
and difference, cosine, overlap, negation and antonym cues). Written to
``src/admiralty/models/stance.npz`` with both held-out macro-F1 figures, so the runtime can refuse
a head that does not beat the rules by the required margin.

Also measured: the precision of "tension (negation mismatch or antonym) => contradiction" among
related pairs (cosine >= the links match threshold) -- the figure ``[links]
contradiction_precision`` records.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from admiralty.config import Config  # noqa: E402
from admiralty.corpus.links import antonym_pairs  # noqa: E402
from admiralty.corpus.stance import LABELS, function_words, pair_features, rule_decide  # noqa: E402
from admiralty.resources import MODEL_DIR, Resources  # noqa: E402

SEED = 13
UNRELATED_PER_CLAIM = 2
MAP = {"SUPPORTS": "supports", "REFUTES": "contradicts", "NOT_ENOUGH_INFO": "discusses"}


def data_dir() -> Path:
    env = os.environ.get("ADMIRALTY_DATA")
    return Path(env) if env else ROOT / ".." / "shared" / "data"


def load_pairs() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (data_dir() / "climate_fever" / "climate-fever.jsonl").open()]
    rng = random.Random(SEED)
    all_ev = [(r["claim_id"], e["evidence"]) for r in rows for e in r["evidences"]]
    pairs = []
    for r in rows:
        for e in r["evidences"]:
            pairs.append({"group": r["claim_id"], "claim": r["claim"], "text": e["evidence"],
                          "label": MAP[e["evidence_label"]]})
        for _ in range(UNRELATED_PER_CLAIM):
            cid, text = all_ev[rng.randrange(len(all_ev))]
            while cid == r["claim_id"]:
                cid, text = all_ev[rng.randrange(len(all_ev))]
            pairs.append({"group": r["claim_id"], "claim": r["claim"], "text": text, "label": "unrelated"})
    return pairs


def split_of(group: str) -> str:
    h = int(hashlib.blake2b(f"{SEED}:{group}".encode(), digest_size=4).hexdigest(), 16) % 100
    return "train" if h < 70 else "dev" if h < 80 else "test"


def embed_all(res: Resources, texts: list[str]) -> dict[str, np.ndarray]:
    cache = Path("/tmp/admiralty_stance_emb.npz")
    key = hashlib.sha256("\n".join(sorted(set(texts))).encode()).hexdigest()[:16]
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if str(z["key"]) == key:
            return dict(zip(z["texts"].tolist(), z["emb"], strict=True))
    uniq = sorted(set(texts))
    emb = res.embed(uniq)
    np.savez(cache, key=key, texts=np.array(uniq), emb=emb)
    return dict(zip(uniq, emb, strict=True))


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    from sklearn.metrics import f1_score

    per = f1_score(gold, pred, labels=list(LABELS), average=None, zero_division=0)
    return float(np.mean(per)), {lab: round(float(f), 4) for lab, f in zip(LABELS, per, strict=True)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-only", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    res = Resources(Config.default())
    pairs = load_pairs()
    vecs = embed_all(res, [p["claim"] for p in pairs] + [p["text"] for p in pairs])
    antonyms, stop = antonym_pairs(res), function_words(res)

    def feats(ps: list[dict[str, str]]) -> np.ndarray:
        u = np.stack([vecs[p["claim"]] for p in ps])
        v = np.stack([vecs[p["text"]] for p in ps])
        return pair_features(u, v, [p["claim"] for p in ps], [p["text"] for p in ps], antonyms, stop)

    parts = {s: [p for p in pairs if split_of(p["group"]) == s] for s in ("train", "dev", "test")}
    x = {s: feats(ps) for s, ps in parts.items()}
    y = {s: [p["label"] for p in ps] for s, ps in parts.items()}

    # Rule baseline: thresholds tuned on train + dev.
    xtd = np.vstack([x["train"], x["dev"]])
    ytd = y["train"] + y["dev"]
    best = (-1.0, 0.0, 0.0)
    for ub in np.arange(0.2, 0.6, 0.025):
        for sa in np.arange(0.4, 0.85, 0.025):
            if sa <= ub:
                continue
            f, _ = macro_f1(ytd, [r for r, _ in rule_decide(xtd, ub, sa)])
            if f > best[0]:
                best = (f, float(ub), float(sa))
    _, ub, sa = best
    rule_pred = [r for r, _ in rule_decide(x["test"], ub, sa)]
    rule_f1, rule_per = macro_f1(y["test"], rule_pred)

    from sklearn.linear_model import LogisticRegression

    best_c, best_dev = 1.0, -1.0
    for c in (0.1, 0.3, 1.0, 3.0):
        m = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=SEED)
        m.fit(x["train"], y["train"])
        f, _ = macro_f1(y["dev"], list(m.predict(x["dev"])))
        if f > best_dev:
            best_c, best_dev = c, f
    model = LogisticRegression(C=best_c, max_iter=2000, class_weight="balanced", random_state=SEED)
    model.fit(np.vstack([x["train"], x["dev"]]), y["train"] + y["dev"])
    head_pred = list(model.predict(x["test"]))
    head_f1, head_per = macro_f1(y["test"], head_pred)

    # Precision of "tension => contradiction" on related held-out pairs (the links rule).
    match = float(res.config["links.match_cosine"])
    d = (x["test"].shape[1] - 9) // 2
    tense = [bool(row[2 * d] >= match and (row[2 * d + 5] or row[2 * d + 6])) for row in x["test"]]
    hits = sum(1 for t, g in zip(tense, y["test"], strict=True) if t and g == "contradicts")
    n_tense = sum(tense)
    # Precision of the head's "contradicts" among related pairs.
    proba = model.predict_proba(x["test"])
    ci = list(model.classes_).index("contradicts")
    prec_at = {}
    for thr in (0.5, 0.7, 0.9):
        sel = [bool(p[ci] >= thr and row[2 * d] >= match) for p, row in zip(proba, x["test"], strict=True)]
        n = sum(sel)
        prec_at[str(thr)] = (round(sum(1 for s, g in zip(sel, y["test"], strict=True)
                                      if s and g == "contradicts") / n, 4) if n else None, n)

    figures = {
        "data": "climate_fever (claim-grouped 70/10/20, seed 13, +2 unrelated per claim)",
        "pairs": {s: len(v) for s, v in y.items()},
        "test_claims": len({p["group"] for p in parts["test"]}),
        "rule": {"macro_f1": round(rule_f1, 4), "per_class": rule_per,
                 "unrelated_below": round(ub, 3), "supports_at": round(sa, 3)},
        "head": {"macro_f1": round(head_f1, 4), "per_class": head_per, "C": best_c},
        "margin": round(head_f1 - rule_f1, 4),
        "tension_contradiction_precision": round(hits / n_tense, 4) if n_tense else None,
        "tension_pairs": n_tense,
        "head_contradicts_precision_at": prec_at,
        "seconds": round(time.time() - t0, 1),
    }
    print(json.dumps(figures, indent=1))
    if args.eval_only:
        return
    out = MODEL_DIR / "stance.npz"
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        labels=np.array([str(c) for c in model.classes_]),
        heldout_macro_f1=np.float32(head_f1),
        baseline_macro_f1=np.float32(rule_f1),
    )
    (ROOT / "training" / "stance_figures.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
