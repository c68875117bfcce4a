"""Train the check-worthiness head on CLEF CheckThat! 2024 task 1 English. One seeded command:

    nice -n 10 .venv/bin/python training/train_checkworthiness.py            # models/checkworthiness.npz
    nice -n 10 .venv/bin/python training/train_checkworthiness.py --lexical  # ..._lexical.npz (--rules-only)

- train: ``CT24_checkworthy_english_train.tsv`` (22,501 rows once line 16877, which holds two
  records, is split);
- tune on ``..._dev.tsv``: which encoder layers feed the dense block, the L2 strength C, the
  weight of the dense block and the decision threshold, all by F1 of the positive class on dev;
- report on ``..._dev-test.tsv``: F1 of the positive class (the CheckThat! metric) at the dev
  threshold, with a seeded bootstrap 95% interval (dev-test has 318 sentences).

The dense features come from the pipeline's shared encoder (``Resources.embed_features``: the
per-layer mean hidden states of MiniLM, an output of the same ONNX graph pass as the claim
vectors), so the head sees at run time exactly what it was trained on. ``--features-cache DIR``
keeps them in DIR between runs (about 10 minutes to compute on two shared cores). ClaimBuster's
sentence sets in ``../shared/data/claimbuster`` are all contained in CT24 (same sentence ids), so
they add nothing; ``--extra-debates`` adds the CLEF 2019/2020 debate sentences (a different,
much sparser labelling) for comparison.

Writes ``src/admiralty/models/checkworthiness.npz`` and prints the figures for the model card.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")
CT24 = DATA / "checkthat2024_task1_en"
OUT = ROOT / "src" / "admiralty" / "models" / "checkworthiness.npz"


def load_ct24(split: str) -> tuple[list[str], np.ndarray]:
    """(texts, labels) of one CT24 split; the train line holding two records is split."""
    texts, labels = [], []
    lines = (CT24 / f"CT24_checkworthy_english_{split}.tsv").read_text("utf-8").splitlines()[1:]
    for line in lines:
        parts = line.split("\t")
        if len(parts) == 5:  # "id  text  No<id>  text  label": two records run together
            texts += [parts[1], parts[3]]
            labels += [parts[2].startswith("Yes"), parts[4].strip() == "Yes"]
            continue
        if len(parts) != 3:
            continue
        texts.append(parts[1])
        labels.append(parts[2].strip() == "Yes")
    return texts, np.asarray(labels, dtype=bool)


def load_debates() -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    path = DATA / "claimbuster" / "clef2019_task1" / "CT19-T1-Training.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(row["label"].strip() == "1")
    path = DATA / "claimbuster" / "clef2020_task5_debates" / "train.tsv"
    for line in path.read_text("utf-8").splitlines()[1:]:
        parts = line.rsplit("\t", 1)
        if len(parts) == 2:
            texts.append(parts[0])
            labels.append(parts[1].strip() == "1")
    return texts, np.asarray(labels, dtype=bool)


WIDTH = 384  # MiniLM's hidden size: one block of the layer features per layer
# Which layers' mean hidden states feed the dense block (0 = token embeddings, 6 = the last layer),
# tried on dev: all six transformer layers, or every other one.
LAYER_SETS = ((1, 2, 3, 4, 5, 6), (2, 4, 6))


def layer_features(res, texts: list[str], split: str, cache: Path | None) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The encoder's per-layer mean hidden states of ``texts`` (``Resources.embed_features``),
    kept in ``cache`` when given (keyed by the split and the encoder's id)."""
    if cache is None:
        return res.embed_features(texts)
    path = cache / f"ct24-{split}-{res.encoder_id.replace(':', '-')}.npy"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, res.embed_features(texts))
    rows = np.load(path)
    assert len(rows) == len(texts), path
    return rows


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(y & pred))
    fp = float(np.sum(~y & pred))
    fn = float(np.sum(y & ~pred))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.20, 0.81, 0.01), 2)
    scores = [f1(y, p >= t) for t in grid]
    k = int(np.argmax(scores))
    return float(grid[k]), float(scores[k])


def bootstrap(y: np.ndarray, pred: np.ndarray, seed: int, rounds: int = 2000) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(rounds):
        idx = rng.integers(0, len(y), len(y))
        vals.append(f1(y[idx], pred[idx]))
    lo, hi = np.percentile(vals, [2.5, 97.5])
    return float(lo), float(hi)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--n-features", type=int, default=2**18)
    ap.add_argument("--extra-debates", action="store_true")
    ap.add_argument("--lexical", action="store_true",
                    help="train the head of --rules-only runs: word and surface features, no vectors")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--features-cache", type=Path, default=None,
                    help="a directory to keep the encoder's layer features in between runs")
    args = ap.parse_args()
    args.out = args.out or (OUT.with_name("checkworthiness_lexical.npz") if args.lexical else OUT)
    np.random.seed(args.seed)

    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from admiralty.config import Config
    from admiralty.nlp import checkworthiness as cw
    from admiralty.resources import Resources

    res = Resources(Config.default())

    x_tr, y_tr = load_ct24("train")
    x_dv, y_dv = load_ct24("dev")
    x_te, y_te = load_ct24("dev-test")
    if args.extra_debates:
        xd, yd = load_debates()
        x_tr, y_tr = x_tr + xd, np.concatenate([y_tr, yd])
    print(f"train {len(x_tr):,} ({y_tr.mean():.1%} yes), dev {len(x_dv):,} ({y_dv.mean():.1%}), "
          f"dev-test {len(x_te):,} ({y_te.mean():.1%})")

    t0 = time.perf_counter()
    if args.lexical:  # no dense block
        l_tr = l_dv = l_te = None
    else:
        l_tr, l_dv, l_te = (layer_features(res, x, split, args.features_cache)
                            for x, split in ((x_tr, "train"), (x_dv, "dev"), (x_te, "dev-test")))
    print(f"encoder layer features in {time.perf_counter() - t0:.1f} s")

    # idf from train: log((1 + n) / (1 + df)) + 1, as the usual smooth idf
    counts = cw.hashing_vectorizer(args.n_features).transform(x_tr)
    df = np.bincount(counts.indices, minlength=args.n_features).astype(np.float64)
    idf = (np.log((1 + len(x_tr)) / (1 + df)) + 1.0).astype(np.float32)
    idf[df == 0] = 0.0  # unseen n-grams carry no weight
    idf = idf.astype(np.float16).astype(np.float32)  # as shipped
    n_tr = cw.ngram_features(x_tr, args.n_features, idf)
    n_dv = cw.ngram_features(x_dv, args.n_features, idf)
    n_te = cw.ngram_features(x_te, args.n_features, idf)
    s_tr, s_dv, s_te = (cw.surface_features(x) for x in (x_tr, x_dv, x_te))

    def dense(layer_rows, layers, mean, scale):  # type: ignore[no-untyped-def]
        x = layer_rows.reshape(len(layer_rows), -1, WIDTH)[:, list(layers)].reshape(len(layer_rows), -1)
        return (x - mean) / scale

    def stack(n, d, s, dw, sw):  # type: ignore[no-untyped-def]
        blocks = [n] + ([csr_matrix(d * dw)] if d is not None else []) + [csr_matrix(s * sw)]
        return hstack(blocks).tocsr()

    results = []
    for layers in ((),) if args.lexical else LAYER_SETS:
        if layers:  # standardise each dimension on train; / sqrt(width): each layer's block about unit norm
            rows = l_tr.reshape(len(l_tr), -1, WIDTH)[:, list(layers)].reshape(len(l_tr), -1)
            mean = rows.mean(0)
            scale = (rows.std(0) + 1e-6) * np.sqrt(WIDTH)
            d_tr, d_dv = dense(l_tr, layers, mean, scale), dense(l_dv, layers, mean, scale)
        else:
            mean = scale = np.zeros(0, np.float32)
            d_tr = d_dv = None
        for dw in (0.0,) if args.lexical else (1.0, 2.0):
            for c in (2.0, 4.0):
                sw = 1.0
                model = LogisticRegression(C=c, max_iter=4000, random_state=args.seed)
                model.fit(stack(n_tr, d_tr, s_tr, dw, sw), y_tr)
                p_dv = model.predict_proba(stack(n_dv, d_dv, s_dv, dw, sw))[:, 1]
                t, f_dv = best_threshold(y_dv, p_dv)
                results.append((f_dv, -len(layers), c, dw, layers, mean, scale, sw, t, model))
                print(f"  layers={','.join(map(str, layers)) or '-':12} C={c:<4} dense x{dw:<4} "
                      f"dev F1 {f_dv:.4f} @ {t:.2f}", flush=True)
    results.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))  # ties: fewer layers, smaller C and weight
    f_dv, _, c, dw, layers, mean, scale, sw, t, model = results[0]
    d_te = dense(l_te, layers, mean, scale) if layers else None
    p_te = model.predict_proba(stack(n_te, d_te, s_te, dw, sw))[:, 1]
    pred = p_te >= t
    f_te = f1(y_te, pred)
    lo, hi = bootstrap(y_te, pred, args.seed)
    print(f"chosen: layers {layers} C={c} dense x{dw} threshold {t:.2f} (dev F1 {f_dv:.4f})")
    print(f"dev-test F1 (positive class) {f_te:.4f}, bootstrap 95% CI [{lo:.4f}, {hi:.4f}]")
    print(f"  (for reference, not chosen: dev-test F1 at 0.5 = {f1(y_te, p_te >= 0.5):.4f})")

    n_ng = args.n_features
    coef = model.coef_.ravel()
    dims = len(mean)
    meta = {
        "version": "2",
        "trained": dt.date.today().isoformat(),
        "data": "CLEF CheckThat! 2024 task 1 English train"
        + (" + CLEF 2019/2020 debates" if args.extra_debates else ""),
        "params": {"C": c, "layers": list(layers), "dense_weight": dw, "seed": args.seed,
                   "n_features": n_ng,
                   "encoder": "none" if args.lexical else res.models[0].name},
        "dev_f1": round(f_dv, 4),
        "dev_test_f1": round(f_te, 4),
        "dev_test_f1_ci95": [round(lo, 4), round(hi, 4)],
    }
    head = cw.Head(
        n_features=n_ng,
        idf=idf,
        w_ngrams=coef[:n_ng].astype(np.float32),
        layers=tuple(layers),
        mean=np.asarray(mean, np.float32),
        scale=np.asarray(scale, np.float32),
        w_dense=coef[n_ng : n_ng + dims].astype(np.float32),
        w_surface=coef[n_ng + dims :].astype(np.float32),
        intercept=float(model.intercept_[0]),
        dense_weight=dw,
        surface_weight=sw,
        threshold=t,
        meta=meta,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head.save(args.out)
    # the shipped arrays (float16 n-gram weights) must give the same decisions
    shipped = cw.Head.load(args.out)
    p_ship = shipped.score(x_te, l_te)
    f_ship = f1(y_te, p_ship >= shipped.threshold)
    print(f"shipped head: dev-test F1 {f_ship:.4f}, max |p - p_sklearn| {np.abs(p_ship - p_te).max():.5f}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
