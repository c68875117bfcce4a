"""Check-worthiness and claim-stage benchmarks. One command, from the repository root:

    nice -n 10 .venv/bin/python benchmarks/checkworthiness_eval.py [--speed]

1. CLEF CheckThat! 2024 task 1 English dev-test: F1 of the positive class at the threshold tuned
   on dev (stored in the model file), with a seeded bootstrap 95% interval.
2. News claims labelled by hand (``benchmarks/labels/checkworthiness_news.jsonl``: 150 claim
   spans of fakenewsnet_v1 articles, labelled 1 = worth a fact-checker's time, 0 = not, before any
   model score was looked at). The file holds only references (dataset path, code-point offsets
   into the JSON's ``text`` field, label); the text is read from ``../shared/data``. Reports
   precision at 20 and at 50 of the claims ranked by score, and the base rate.
3. ``--speed``: on real articles (fakenewsnet_v1), the time of the claims, embed (ONNX
   MiniLM: the stage's batch step, then each article, as the runner does) and check-worthiness
   stages against the bare spaCy parse of the same texts. The check-worthiness head reads the
   layer features the embed stage's batch pass kept (no second encoder pass).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "training"))
DATA = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")
LABELS = ROOT / "benchmarks" / "labels" / "checkworthiness_news.jsonl"


def load_news_labels(data: Path = DATA) -> tuple[list[str], np.ndarray]:
    """The hand-labelled claims: (texts read from the datasets, labels)."""
    texts, labels = [], []
    cache: dict[str, str] = {}
    for line in LABELS.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        ref = json.loads(line)
        if ref["path"] not in cache:
            cache[ref["path"]] = json.loads((data / ref["path"]).read_text("utf-8"))["text"]
        texts.append(cache[ref["path"]][ref["start"] : ref["end"]])
        labels.append(bool(ref["label"]))
    return texts, np.asarray(labels, dtype=bool)


def precision_at(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    order = np.lexsort((np.arange(len(scores)), -scores))  # ties: file order
    return float(labels[order[:k]].mean())


def features(res, head, texts: list[str]) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    """What the head reads besides the words: the encoder's layer means (None for the lexical head)."""
    return res.embed_features(texts) if head.layers else None


def evaluate(res) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from admiralty.nlp import checkworthiness as cw
    from train_checkworthiness import bootstrap, f1, load_ct24

    head = cw.load_head(res)
    x_te, y_te = load_ct24("dev-test")
    p_te = head.score(x_te, features(res, head, x_te))
    pred = p_te >= head.threshold
    lo, hi = bootstrap(y_te, pred, seed=7)
    out = {"dev_test_f1": f1(y_te, pred), "dev_test_ci_lo": lo, "dev_test_ci_hi": hi,
           "threshold": head.threshold}
    texts, labels = load_news_labels()
    scores = head.score(texts, features(res, head, texts))
    out.update({"news_n": len(labels), "news_base_rate": float(labels.mean()),
                "news_p_at_20": precision_at(scores, labels, 20),
                "news_p_at_50": precision_at(scores, labels, 50)})
    return out


def speed(res) -> None:  # type: ignore[no-untyped-def]
    from admiralty.model import Article
    from admiralty.nlp import checkworthiness as cw
    from admiralty.nlp import claims as claims_mod
    from admiralty.nlp import embed as embed_mod

    texts = []
    for path in sorted((DATA / "fakenewsnet_v1").rglob("*-Webpage.json"))[:150]:
        text = json.loads(path.read_text("utf-8")).get("text") or ""
        if len(text) > 200:
            texts.append(text)
    nlp = res.nlp
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    t_parse = time.perf_counter() - t0
    arts = [dataclasses.replace(Article.new(locator=f"b{i}", text=t), language="en") for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    arts = [claims_mod.find_claims(a, d, res) for a, d in zip(arts, docs, strict=True)]
    t_claims = time.perf_counter() - t0
    res.embed(["warm-up"])
    t0 = time.perf_counter()  # as the runner does: the stage's batch step, then each article
    embed_mod.embed_claims_ahead(arts, res)
    arts = [embed_mod.embed_claims(a, None, res) for a in arts]
    t_embed = time.perf_counter() - t0
    t0 = time.perf_counter()
    arts = [cw.score_claims(a, None, res) for a in arts]
    t_cw = time.perf_counter() - t0
    n_claims = sum(len(a.claims) for a in arts)
    print(f"{len(texts)} articles, {words:,} words, {n_claims:,} claims")
    print(f"  spaCy parse        {t_parse:7.2f} s  ({words / t_parse:,.0f} words/s)")
    for name, t in (("claims", t_claims), ("embed", t_embed), ("checkworthiness", t_cw)):
        print(f"  {name:18s} {t:7.2f} s  ({t / t_parse:.1%} of the parse)")
    print(f"  encoder: {n_claims / t_embed:,.0f} claims/s; check-worthiness head "
          f"{1000 * t_cw / max(1, n_claims):.3f} s per 1,000 claims")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", action="store_true")
    args = ap.parse_args()
    from admiralty.config import Config
    from admiralty.resources import Resources

    res = Resources(Config.default())
    for key, value in evaluate(res).items():
        print(f"{key:16s} {value:.4f}" if isinstance(value, float) else f"{key:16s} {value}")
    if args.speed:
        speed(res)


if __name__ == "__main__":
    main()
