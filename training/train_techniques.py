"""Train the persuasion-technique heads on the labelled PTC articles (SemEval-2020 Task 11).

    .venv/bin/python training/train_techniques.py            # writes src/admiralty/models/techniques.npz

Reads ``../shared/data/ptc_semeval2020_task11`` (or ``$ADMIRALTY_DATA``): ``train-articles/`` and
``train-labels-task2-technique-classification/`` (span + technique; the span-identification labels
are the same spans without the class). Every article is parsed with the project's spaCy pipeline,
featurised with ``admiralty.nlp.techniques_features`` (the stage's own code), and three linear
heads are fitted, seeded:

1. the token tagger (SGD logistic regression over hashed features + ``doc.tensor``);
2. the sentence head (logistic regression over hashed sentence features and the tagger's
   probabilities in the sentence), fitted on out-of-fold tagger probabilities (3 inner folds) so
   it learns from the tagger's honest errors;
3. the stacked tagger (logistic regression over ``techniques_features.stack_features``), fitted
   on out-of-fold outputs of both heads above (same 3 inner folds);
4. the span classifier (multinomial logistic regression) on the gold spans.

The functions here are also what ``benchmarks/ptc_eval.py`` uses to fit its fold models.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from admiralty.config import Config  # noqa: E402
from admiralty.model import TECHNIQUES  # noqa: E402
from admiralty.nlp import techniques as tq  # noqa: E402
from admiralty.nlp import techniques_features as tf  # noqa: E402
from admiralty.nlp.techniques_model import TechniqueModel, sentence_aggregates  # noqa: E402
from admiralty.resources import Resources  # noqa: E402

DEFAULT_SEED = 20200911
SI_ALPHA = 2e-5  # L2 strength of the token tagger (SGD, averaged)
SI_EPOCHS = 10
SENT_C = 0.5  # inverse L2 strength of the sentence head
TC_C = 2.0  # inverse L2 strength of the span classifier
STACK_C = 1.0  # inverse L2 strength of the stacked (second-stage) tagger
INNER_FOLDS = 3


def data_dir() -> Path:
    base = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")
    return base / "ptc_semeval2020_task11"


@dataclass(frozen=True)
class PtcArticle:
    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, technique)


def load_ptc(root: Path | None = None) -> list[PtcArticle]:
    """The labelled PTC training articles, sorted by id."""
    root = root or data_dir()
    labels: dict[str, list[tuple[int, int, str]]] = {}
    for path in sorted((root / "train-labels-task2-technique-classification").glob("*.labels")):
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) != 4:
                continue
            aid, tech, s, e = parts
            labels.setdefault(aid, []).append((int(s), int(e), tech))
    out = []
    for path in sorted((root / "train-articles").glob("article*.txt")):
        aid = path.stem.removeprefix("article")
        text = path.read_text("utf-8")
        spans = tuple(sorted(set(labels.get(aid, []))))
        out.append(PtcArticle(aid, text, spans))
    return out


def parse_all(res: Resources, texts: list[str], cache: Path | None = None) -> list[Any]:
    """spaCy docs for ``texts`` (tensor kept), optionally cached on disk between runs."""
    from spacy.tokens import Doc, DocBin

    nlp = res.nlp
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            blob, tensors = pickle.load(fh)
        docs = list(DocBin().from_bytes(blob).get_docs(nlp.vocab))
        if len(docs) == len(texts) and all(d.text == t for d, t in zip(docs, texts, strict=True)):
            for d, t in zip(docs, tensors, strict=True):
                d.tensor = t
            return docs
    docs: list[Doc] = list(nlp.pipe(texts, batch_size=16))
    if cache is not None:
        db = DocBin(attrs=["ORTH", "LEMMA", "POS", "TAG", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START"])
        for d in docs:
            db.add(d)
        with cache.open("wb") as fh:
            pickle.dump((db.to_bytes(), [np.asarray(d.tensor) for d in docs]), fh)
    return docs


@dataclass
class Prepared:
    """One article featurised for training: tokens, labels, spans."""

    article: PtcArticle
    doc: Any
    hits: list[tf.Hit]
    X: sparse.csr_matrix
    D: np.ndarray
    sent_ids: np.ndarray
    y: np.ndarray  # 1 where a token overlaps a gold span
    gold_tokens: list[tuple[int, int, str]]  # gold spans as token ranges
    counts: Any


def token_range(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.start, span.end


def prepare(articles: list[PtcArticle], docs: list[Any], res: Resources) -> list[Prepared]:
    settings = tq.Settings.from_config(res.config)
    out = []
    for art, doc in zip(articles, docs, strict=True):
        hits = tq.evidence_hits(doc, res, settings)
        X = tf.hash_rows(tf.token_feature_strings(doc, hits), tf.TOKEN_HASH_BITS)
        D = tf.dense(doc)
        sent_ids = np.zeros(len(doc), dtype=np.int32)
        for k, sent in enumerate(doc.sents):
            sent_ids[sent.start : sent.end] = k
        y = np.zeros(len(doc), dtype=np.int8)
        gold_tokens = []
        for s, e, tech in art.spans:
            r = token_range(doc, s, e)
            if r is None:
                continue
            y[r[0] : r[1]] = 1
            gold_tokens.append((r[0], r[1], tech))
        for i, tok in enumerate(doc):
            if tok.is_space:
                y[i] = 0
        out.append(Prepared(art, doc, hits, X, D, sent_ids, y, gold_tokens, tf.ngram_counts(doc)))
    return out


def _fit_tagger(items: list[Prepared], seed: int) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import SGDClassifier

    X = sparse.vstack([p.X for p in items]).tocsr()
    y = np.concatenate([p.y for p in items])
    clf = SGDClassifier(
        loss="log_loss", alpha=SI_ALPHA, max_iter=SI_EPOCHS, tol=None, random_state=seed, average=True
    )
    clf.fit(X, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _sentences(p: Prepared) -> tuple[list[tuple[int, int]], list[list[str]], np.ndarray]:
    """Sentence token ranges, their feature strings, and labels (1 = overlaps a gold span)."""
    ranges = tq.sentence_ranges(p.doc)
    rows = [tf.sentence_feature_strings(p.doc, s, e, p.hits) for s, e in ranges]
    labels = np.array([int(p.y[s:e].any()) for s, e in ranges], dtype=np.int8)
    return ranges, rows, labels


def _fit_sentence(rows: list[list[str]], aggs: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The sentence head: hashed sentence features + tagger aggregates -> (weights, agg weights, bias)."""
    from sklearn.linear_model import LogisticRegression

    S = tf.hash_rows(rows, tf.SENT_HASH_BITS)
    Zs = sparse.hstack([S, sparse.csr_matrix(aggs)]).tocsr()
    sent = LogisticRegression(C=SENT_C, max_iter=1000, solver="liblinear").fit(Zs, labels)
    nh = S.shape[1]
    return sent.coef_[0][:nh].astype(np.float32), sent.coef_[0][nh:].astype(np.float32), float(sent.intercept_[0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def fit(items: list[Prepared], seed: int = DEFAULT_SEED, log: bool = False) -> TechniqueModel:
    """Fit the four heads on ``items`` (seeded, deterministic)."""
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    w, b = _fit_tagger(items, seed)
    # out-of-fold tagger probabilities (inner folds), so the later heads learn its real errors
    inner = [i % INNER_FOLDS for i in range(len(items))]
    oof: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(INNER_FOLDS):
        rest = [p for p, f in zip(items, inner, strict=True) if f != k]
        wk, bk = _fit_tagger(rest, seed + k + 1)
        for i, p in enumerate(items):
            if inner[i] == k:
                oof[i] = _sigmoid(np.asarray(p.X @ wk + bk, dtype=np.float64))
    sent_data = []
    for p, prob in zip(items, oof, strict=True):
        ranges, r, lab = _sentences(p)
        sent_data.append((ranges, r, sentence_aggregates(prob, ranges), lab))

    def stack(sel: list[int]) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
        rows = [row for i in sel for row in sent_data[i][1]]
        aggs = np.vstack([sent_data[i][2] for i in sel])
        return rows, aggs, np.concatenate([sent_data[i][3] for i in sel])

    sent_w, sent_agg, sent_b = _fit_sentence(*stack(list(range(len(items)))))
    # out-of-fold sentence probabilities, then the stacked tagger on both out-of-fold outputs
    F_rows, F_y = [], []
    for k in range(INNER_FOLDS):
        rest = [i for i, f in enumerate(inner) if f != k]
        sw, sa, sb = _fit_sentence(*stack(rest))
        for i, p in enumerate(items):
            if inner[i] != k:
                continue
            ranges, r, a, _ = sent_data[i]
            S = tf.hash_rows(r, tf.SENT_HASH_BITS)
            sprob = _sigmoid(np.asarray(S @ sw + a @ sa + sb, dtype=np.float64)) if r else np.zeros(0)
            F_rows.append(tf.stack_features(p.doc, oof[i], ranges, sprob))
            F_y.append(p.y)
    st = LogisticRegression(C=STACK_C, max_iter=2000).fit(np.vstack(F_rows), np.concatenate(F_y))
    st_w, st_b = st.coef_[0].astype(np.float64), float(st.intercept_[0])
    if log:
        print(f"  tagger + sentence head: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    # span classifier on gold spans
    rows, dense_rows, ys = [], [], []
    for p in items:
        for s, e, tech in p.gold_tokens:
            rows.append(tf.span_feature_strings(p.doc, s, e, p.hits, p.counts))
            dense_rows.append(p.D[s:e].mean(axis=0))
            ys.append(TECHNIQUES.index(tech))
    Xs = tf.hash_rows(rows, tf.SPAN_HASH_BITS)
    Zt = sparse.hstack([Xs, sparse.csr_matrix(np.vstack(dense_rows))]).tocsr()
    tc = LogisticRegression(C=TC_C, max_iter=2000).fit(Zt, np.array(ys))
    W = np.zeros((Zt.shape[1], len(TECHNIQUES)), dtype=np.float32)
    B = np.full(len(TECHNIQUES), -30.0, dtype=np.float32)
    for j, c in enumerate(tc.classes_):
        W[:, c] = tc.coef_[j]
        B[c] = tc.intercept_[j]
    nt = Xs.shape[1]
    if log:
        print(f"  + span classifier: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return TechniqueModel(
        si_w=w, si_b=b, sent_w=sent_w, sent_agg=sent_agg, sent_b=sent_b,
        tc_w=W[:nt], tc_dense=W[nt:], tc_b=B, classes=TECHNIQUES, st_w=st_w, st_b=st_b,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "admiralty" / "models" / tq.MODEL_FILE)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of parsed docs (speeds re-runs)")
    args = ap.parse_args(argv)
    res = Resources(Config.default())
    articles = load_ptc()
    t0 = time.perf_counter()
    docs = parse_all(res, [a.text for a in articles], args.cache)
    print(f"parsed {len(docs)} articles in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    items = prepare(articles, docs, res)
    model = fit(items, args.seed, log=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
