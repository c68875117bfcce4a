"""Train the persuasion-technique heads on the labelled PTC articles (SemEval-2020 Task 11).

    .venv/bin/python training/train_techniques.py            # writes src/admiralty/models/techniques.npz

Reads ``../shared/data/ptc_semeval2020_task11`` (or ``$ADMIRALTY_DATA``): ``train-articles/`` and
``train-labels-task2-technique-classification/`` (span + technique; the span-identification labels
are the same spans without the class). Every article goes through the project's own pipeline up
to the embed stage (claims and their MiniLM vectors, exactly as in production; ``--claims-cache``
keeps them, about 8 minutes to build), is parsed with the project's spaCy pipeline, featurised
with ``admiralty.nlp.techniques_features`` (the stage's own code), and four linear heads are
fitted, seeded:

1. the token tagger (SGD logistic regression over hashed features + ``doc.tensor``);
2. the sentence head (logistic regression over hashed sentence features, the tagger's
   probabilities in the sentence and the pooled claim vectors), fitted on out-of-fold tagger
   probabilities (3 inner folds) so it learns from the tagger's honest errors;
3. the stacked tagger (logistic regression over ``techniques_features.stack_features``), fitted
   on out-of-fold outputs of both heads above (same 3 inner folds);
4. the span classifier (multinomial logistic regression) on the gold spans;
5. (techniques/5) the token-state head: logistic regression over each token's MiniLM hidden
   states (``Resources.embed_tokens`` on the claim texts, the encoder's ``TOKEN_LAYERS``; the
   production stage reads the same rows from the embed stage's pass), mixed with the token
   tagger's logit by a second logistic regression on both out-of-fold logits. Heads 2 and 3
   are then fitted on the mixed probability, and once more on the tagger alone (the model's
   ``fallback`` for runs without token states, thresholds tuned separately).

The decoding thresholds (stacked-tagger and sentence-head thresholds, max_gap, min_span_tokens)
are then chosen on the same inner out-of-fold outputs (``tune``) and printed: they are what the
``[techniques]`` config section holds, and what the benchmark applies to each fold model.

The functions here are also what ``benchmarks/ptc_eval.py`` uses to fit its fold models.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from admiralty.config import Config  # noqa: E402
from admiralty.model import TECHNIQUES, Article  # noqa: E402
from admiralty.nlp import techniques as tq  # noqa: E402
from admiralty.nlp import techniques_features as tf  # noqa: E402
from admiralty.nlp.techniques_model import TechniqueModel, TokenHead, sentence_aggregates  # noqa: E402
from admiralty.pipeline import ARTICLE_STAGES, Pipeline  # noqa: E402
from admiralty.resources import Resources  # noqa: E402

DEFAULT_SEED = 20200911
SI_ALPHA = 2e-5  # L2 strength of the token tagger (SGD, averaged)
SI_EPOCHS = 10
SENT_C = 0.5  # inverse L2 strength of the sentence head
TC_C = 2.0  # inverse L2 strength of the span classifier
STACK_C = 1.0  # inverse L2 strength of the stacked (second-stage) tagger
INNER_FOLDS = 3
# The token-state head: 0 = logistic regression (the packaged head: the same CV SI F1 as a
# 64-unit network, 0.403 vs 0.402, better fragment F1, 60x fewer products); > 0 = hidden units of
# a one-hidden-layer network (the settings below).
TOKEN_HIDDEN = 0
TOKEN_C = 0.01  # inverse L2 strength of the linear head (standardised states)
TOKEN_DROPOUT = 0.2
TOKEN_LR = 1e-3  # AdamW
TOKEN_WEIGHT_DECAY = 1e-2
TOKEN_EPOCHS = 3
TOKEN_BATCH = 512
MIX_C = 1.0  # inverse L2 strength of the tagger / token-state mix


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


# The production stages that produce ``Article.claims`` and ``Article.claim_vectors`` (the
# technique stage reads both): the pipeline up to and including the embed stage.
CLAIM_STAGES = tuple(s for s in ARTICLE_STAGES[: ARTICLE_STAGES.index("admiralty.nlp.embed:embed_claims") + 1])


@dataclass(frozen=True)
class ClaimVectors:
    """What the pipeline gave one article before the technique stage: claim spans and vectors."""

    spans: np.ndarray  # (n_claims, 2) int64 character offsets, in claim order
    vectors: np.ndarray  # (n_claims, 384) float32, rows in claim order


def _no_claims() -> ClaimVectors:
    return ClaimVectors(np.zeros((0, 2), dtype=np.int64), np.zeros((0, tf.CLAIM_DIM), dtype=np.float32))


def _from_article(item: Any) -> ClaimVectors:
    if isinstance(item, Article) and item.claims and item.claim_vectors is not None:
        spans = np.array([(c.start, c.end) for c in item.claims], dtype=np.int64)
        return ClaimVectors(spans, np.asarray(item.claim_vectors, dtype=np.float32))
    return _no_claims()


def claim_vectors(
    res: Resources,
    articles: list[PtcArticle],
    cache: Path | None = None,
    docs: list[Any] | None = None,
    log: bool = False,
) -> list[ClaimVectors]:
    """Claim spans and vectors of every article, produced exactly as in production: the
    pipeline's own stages up to ``embed`` (language, parse, entities, attribution, claims, embed)
    on each article text. Without ``docs`` the real ``Pipeline`` runs (parse included); with
    ``docs`` (fresh parses of the same texts, not ones restored from a cache, which lose
    attributes) the stages after the parse run on them, batch by batch as the runner does.
    Slow (about 2 s per article on shared cores): ``cache`` keeps the result between runs."""
    import hashlib

    key = hashlib.sha256("\0".join(a.text for a in articles).encode("utf-8")).hexdigest()[:16]
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            stored_key, rows = pickle.load(fh)
        if stored_key == key:
            return [
                ClaimVectors(np.asarray(s, dtype=np.int64).reshape(-1, 2), np.asarray(v, dtype=np.float32))
                for s, v in rows
            ]
    pipe = Pipeline(res, CLAIM_STAGES)
    inputs = [Article.new(locator=f"ptc:{a.id}", text=a.text) for a in articles]
    t0 = time.perf_counter()
    out: list[ClaimVectors] = []
    if docs is None:
        for k, item in enumerate(pipe.run(inputs)):
            out.append(_from_article(item))
            if log and (k + 1) % 25 == 0:
                print(f"  claims + vectors: {k + 1} articles, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    else:
        size = int(res.config["pipeline.batch_size"])
        parse_at = next(i for i, st in enumerate(pipe.stages) if st.name == "parse")
        before, after = pipe.stages[:parse_at], pipe.stages[parse_at + 1 :]
        for b in range(0, len(inputs), size):
            batch: list[Any] = list(inputs[b : b + size])
            batch_docs = docs[b : b + size]
            for st in before:
                batch = [st.func(a, None, res) if a.status == "analysed" else a for a in batch]  # type: ignore[misc]
            for st in after:
                live = [a for a in batch if a.status == "analysed"]
                if st.ahead is not None and live:
                    st.ahead(live, res)
                batch = [
                    st.func(a, d, res) if a.status == "analysed" else a  # type: ignore[misc]
                    for a, d in zip(batch, batch_docs, strict=True)
                ]
            out.extend(_from_article(a) for a in batch)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump((key, [(c.spans, c.vectors) for c in out]), fh)
    return out


# One article's token states: per claim (character start in the article, subword offsets inside
# the claim text (m x 2), their hidden states (m x width)).
ClaimStates = list[tuple[int, np.ndarray, np.ndarray]]


def token_states(
    res: Resources,
    articles: list[PtcArticle],
    claims: list[ClaimVectors],
    cache: Path | None = None,
    log: bool = False,
) -> list[ClaimStates]:
    """The encoder's token states of every claim (``Resources.embed_tokens``: the graph's
    ``TOKEN_LAYERS``, as the embed stage keeps them in production), per article. ``cache`` keeps
    them between runs (a few minutes to build). Rounded to float16 (on disk and in memory alike)."""
    import hashlib

    from admiralty import encoder

    texts = [a.text[int(s) : int(e)] for a, c in zip(articles, claims, strict=True) for s, e in c.spans]
    key = hashlib.sha256(("\0".join(texts) + repr(encoder.TOKEN_LAYERS)).encode("utf-8")).hexdigest()[:16]
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            stored_key, rows = pickle.load(fh)
        if stored_key == key:
            return [[(s, o, h.astype(np.float32)) for s, o, h in art] for art in rows]
    t0 = time.perf_counter()
    states: list[Any] = []
    step = 1000
    for b in range(0, len(texts), step):
        states.extend(res.embed_tokens(texts[b : b + step]))
        if log:
            done = b + len(texts[b : b + step])
            print(f"  token states: {done} claims, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    rows16: list[list[tuple[int, np.ndarray, np.ndarray]]] = []
    k = 0
    for c in claims:
        art = []
        for s, _ in c.spans:
            row = states[k]
            art.append((int(s), np.asarray(row.offsets, dtype=np.int32), np.asarray(row.states, dtype=np.float16)))
            k += 1
        rows16.append(art)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump((key, rows16), fh, protocol=4)
    # float16-rounded either way, so a run from the cache fits the same weights as a fresh one
    return [[(s, o, h.astype(np.float32)) for s, o, h in art] for art in rows16]


def state_arg(p: Prepared) -> tuple[np.ndarray, np.ndarray] | None:
    """What ``techniques.detect`` takes as ``states`` for a prepared article."""
    return None if p.T is None or p.T_has is None else (p.T, p.T_has)


def claim_arg(p: Prepared) -> tuple[np.ndarray, np.ndarray] | None:
    """What ``techniques.detect`` takes as ``claims`` for a prepared article."""
    if p.claims is None or len(p.claims.spans) == 0:
        return None
    return p.claims.spans, p.claims.vectors


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
    claims: ClaimVectors | None = None  # the pipeline's claims and vectors (``claim_vectors``)
    T: np.ndarray | None = None  # token states per spaCy token (``techniques_features.token_states``)
    T_has: np.ndarray | None = None  # tokens inside a claim (that have states)


def token_range(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.start, span.end


def prepare(
    articles: list[PtcArticle],
    docs: list[Any],
    res: Resources,
    claims: list[ClaimVectors] | None = None,
    states: list[ClaimStates] | None = None,
) -> list[Prepared]:
    settings = tq.Settings.from_config(res.config)
    width = next((h.shape[1] for art in states or [] for _, _, h in art), 0)
    out = []
    for n, (art, doc) in enumerate(zip(articles, docs, strict=True)):
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
        cv = claims[n] if claims is not None else None
        T = T_has = None
        if states is not None and width:
            T, T_has = tf.token_states(
                doc, [s for s, _, _ in states[n]], [o for _, o, _ in states[n]], [h for _, _, h in states[n]], width
            )
        out.append(Prepared(art, doc, hits, X, D, sent_ids, y, gold_tokens, tf.ngram_counts(doc), cv, T, T_has))
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


def _sentences(p: Prepared) -> tuple[list[tuple[int, int]], list[list[str]], np.ndarray, np.ndarray]:
    """Sentence token ranges, their feature strings, pooled claim vectors, and labels
    (1 = overlaps a gold span)."""
    ranges = tq.sentence_ranges(p.doc)
    rows = [tf.sentence_feature_strings(p.doc, s, e, p.hits, k, len(ranges)) for k, (s, e) in enumerate(ranges)]
    cv = p.claims
    C = tf.sentence_claim_features(p.doc, ranges, cv.spans if cv else None, cv.vectors if cv else None)
    labels = np.array([int(p.y[s:e].any()) for s, e in ranges], dtype=np.int8)
    return ranges, rows, C, labels


def _fit_sentence(
    rows: list[list[str]], aggs: np.ndarray, claims: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The sentence head: hashed sentence features + tagger aggregates + pooled claim vectors
    -> (weights, agg weights, claim weights, bias)."""
    from sklearn.linear_model import LogisticRegression

    S = tf.hash_rows(rows, tf.SENT_HASH_BITS)
    Zs = sparse.hstack([S, sparse.csr_matrix(aggs), sparse.csr_matrix(claims)]).tocsr()
    sent = LogisticRegression(C=SENT_C, max_iter=1000, solver="liblinear").fit(Zs, labels)
    nh, na = S.shape[1], aggs.shape[1]
    coef = sent.coef_[0]
    return (
        coef[:nh].astype(np.float32),
        coef[nh : nh + na].astype(np.float32),
        coef[nh + na :].astype(np.float64),
        float(sent.intercept_[0]),
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


SPAN_GRID = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)  # stacked-tagger thresholds tried by ``tune``
SENT_GRID = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)  # sentence-head thresholds tried
GAP_GRID = (0, 1, 2)  # max_gap values tried
MIN_TOKENS_GRID = (1, 2)  # min_span_tokens values tried


def merge(spans: Any) -> list[tuple[int, int]]:
    """Overlapping spans merged into one (as the SemEval SI scorer does)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def overlap_sums(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[float, float]:
    """SemEval partial-overlap credit of merged spans: (sum of |s & t| / |s|, sum of |s & t| / |t|)."""
    if not pred or not gold:
        return 0.0, 0.0
    P = np.asarray(pred, dtype=np.float64)
    G = np.asarray(gold, dtype=np.float64)
    inter = np.minimum(P[:, None, 1], G[None, :, 1]) - np.maximum(P[:, None, 0], G[None, :, 0])
    inter = np.clip(inter, 0.0, None)
    return float((inter / (P[:, 1] - P[:, 0])[:, None]).sum()), float((inter / (G[:, 1] - G[:, 0])[None, :]).sum())


def tune(
    items: list[Prepared], stacked: list[np.ndarray], sprob: list[np.ndarray], reporting: frozenset[str]
) -> tuple[float, float, int, int]:
    """Span threshold, sentence threshold, max_gap and min_span_tokens that give the best SI F1
    on ``items`` from their out-of-fold probabilities (decoded by the stage's own
    ``candidate_ranges``), so no threshold is ever chosen on the articles it is scored on."""
    import itertools

    # per article: spans of every (span threshold, gap, min tokens), of every sentence threshold
    tallies: dict[tuple[float, float, int, int], list[float]] = {}
    for p, st, sp in zip(items, stacked, sprob, strict=True):
        doc = p.doc
        gold = merge((s, e) for s, e, _ in p.article.spans)
        sents = tq.sentence_ranges(doc)
        tok_spans: dict[tuple[float, int, int], list[tuple[int, int]]] = {}
        for th, gap in itertools.product(SPAN_GRID, GAP_GRID):
            runs = tq.decode(doc, st, th, gap)
            for m in MIN_TOKENS_GRID:
                tok_spans[(th, gap, m)] = [
                    (doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in runs if b - a >= m
                ]
        clause = [tq.clause_core(doc, s, e, reporting) for s, e in sents]
        clause_chars = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in clause]
        for sth in SENT_GRID:
            sent_spans = [c for c, q in zip(clause_chars, sp, strict=True) if q >= sth]
            for (th, gap, m), toks in tok_spans.items():
                pred = merge(toks + sent_spans)
                pn, rn = overlap_sums(pred, gold)
                t = tallies.setdefault((th, sth, gap, m), [0.0, 0.0, 0.0, 0.0])
                t[0] += pn
                t[1] += len(pred)
                t[2] += rn
                t[3] += len(gold)

    def f1(t: list[float]) -> float:
        p = t[0] / t[1] if t[1] else 0.0
        r = t[2] / t[3] if t[3] else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    best = max(sorted(tallies), key=lambda k: (round(f1(tallies[k]), 6), -k[2], -k[3]))
    return best


def _fit_token_head(items: list[Prepared], seed: int) -> TokenHead:
    """The token-state head: logistic regression (``TOKEN_HIDDEN = 0``) or a one-hidden-layer
    network (ReLU, dropout; AdamW, seeded) over standardised token states plus a has-states flag
    (tokens with states or not; spaces left out). Returned with the standardisation folded into
    the first layer and ``mix`` / ``layers`` unset (``fit`` sets them)."""
    import torch

    keep = [np.array([not t.is_space for t in p.doc]) for p in items]
    X = np.vstack([p.T[k] for p, k in zip(items, keep, strict=True)])  # type: ignore[index]
    has = np.concatenate([p.T_has[k] for p, k in zip(items, keep, strict=True)])  # type: ignore[index]
    y = np.concatenate([p.y[k] for p, k in zip(items, keep, strict=True)]).astype(np.float32)
    mu = X[has].mean(axis=0)
    sd = X[has].std(axis=0) + 1e-3
    Z = np.where(has[:, None], (X - mu) / sd, 0.0).astype(np.float32)
    del X
    Z = np.hstack([Z, has[:, None].astype(np.float32)])
    if TOKEN_HIDDEN == 0:  # a linear head (logistic regression)
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=TOKEN_C, max_iter=300).fit(Z, y)
        w = clf.coef_[0][:-1] / sd
        b0 = float(clf.intercept_[0])
        return TokenHead(
            w1=w.astype(np.float32)[:, None], b1=np.zeros(1, dtype=np.float32), w2=np.zeros(0, dtype=np.float32),
            b2=b0 + float(clf.coef_[0][-1]) - float(mu.astype(np.float64) @ w), b0=b0, mix=np.zeros(3), layers=(),
        )
    torch.manual_seed(seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(Z.shape[1], TOKEN_HIDDEN), torch.nn.ReLU(), torch.nn.Dropout(TOKEN_DROPOUT),
        torch.nn.Linear(TOKEN_HIDDEN, 1),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=TOKEN_LR, weight_decay=TOKEN_WEIGHT_DECAY)
    Xt, yt = torch.from_numpy(Z), torch.from_numpy(y)
    order = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(TOKEN_EPOCHS):
        for batch in torch.randperm(len(Xt), generator=order).split(TOKEN_BATCH):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(Xt[batch])[:, 0], yt[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    W1 = net[0].weight.detach().numpy().T.astype(np.float64)  # (width + 1, hidden)
    b1 = net[0].bias.detach().numpy().astype(np.float64)
    w2 = net[3].weight.detach().numpy()[0].astype(np.float64)
    b2 = float(net[3].bias.detach().numpy()[0])
    w1 = W1[:-1] / sd[:, None]
    b1_has = b1 + W1[-1] - mu.astype(np.float64) @ w1
    b0 = float(np.maximum(b1, 0.0) @ w2 + b2)
    return TokenHead(
        w1=w1.astype(np.float32), b1=b1_has.astype(np.float32), w2=w2.astype(np.float32), b2=b2, b0=b0,
        mix=np.zeros(3), layers=(),
    )


def _fit_upper(
    items: list[Prepared], oof: list[np.ndarray], inner: list[int]
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, float], tuple[np.ndarray, float], tuple[float, float, int, int]]:
    """The sentence head and the stacked tagger over out-of-fold token probabilities ``oof``,
    and the decoding thresholds tuned on their own inner out-of-fold outputs."""
    from sklearn.linear_model import LogisticRegression

    sent_data = []
    for p, prob in zip(items, oof, strict=True):
        ranges, r, C, lab = _sentences(p)
        sent_data.append((ranges, r, sentence_aggregates(prob, ranges), C, lab))

    def stack(sel: list[int]) -> tuple[list[list[str]], np.ndarray, np.ndarray, np.ndarray]:
        rows = [row for i in sel for row in sent_data[i][1]]
        aggs = np.vstack([sent_data[i][2] for i in sel])
        claims = np.vstack([sent_data[i][3] for i in sel])
        return rows, aggs, claims, np.concatenate([sent_data[i][4] for i in sel])

    sent = _fit_sentence(*stack(list(range(len(items)))))
    # out-of-fold sentence probabilities, then the stacked tagger on both out-of-fold outputs
    F_rows: list[np.ndarray] = [np.zeros(0)] * len(items)
    s_oof: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(INNER_FOLDS):
        rest = [i for i, f in enumerate(inner) if f != k]
        sw, sa, sc, sb = _fit_sentence(*stack(rest))
        for i, p in enumerate(items):
            if inner[i] != k:
                continue
            ranges, r, a, c, _ = sent_data[i]
            S = tf.hash_rows(r, tf.SENT_HASH_BITS)
            sprob = _sigmoid(np.asarray(S @ sw + a @ sa + c @ sc + sb, dtype=np.float64)) if r else np.zeros(0)
            s_oof[i] = sprob
            F_rows[i] = tf.stack_features(p.doc, oof[i], ranges, sprob)
    st = LogisticRegression(C=STACK_C, max_iter=2000).fit(np.vstack(F_rows), np.concatenate([p.y for p in items]))
    # the stacked tagger's own out-of-fold probabilities, on which the thresholds are tuned
    st_oof: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(INNER_FOLDS):
        rest = [i for i, f in enumerate(inner) if f != k]
        stk = LogisticRegression(C=STACK_C, max_iter=2000).fit(
            np.vstack([F_rows[i] for i in rest]), np.concatenate([items[i].y for i in rest])
        )
        for i in range(len(items)):
            if inner[i] == k:
                st_oof[i] = stk.predict_proba(F_rows[i])[:, 1]
    config = Config.default()
    reporting = frozenset(Resources(config).lexicon(tq.REPORTING)) if config["techniques.clause_cut"] else frozenset()
    tuned = tune(items, st_oof, s_oof, reporting)
    return sent, (st.coef_[0].astype(np.float64), float(st.intercept_[0])), tuned


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)))


def fit(items: list[Prepared], seed: int = DEFAULT_SEED, log: bool = False, fallback: bool = True) -> TechniqueModel:
    """Fit the heads on ``items`` (seeded, deterministic). With token states on the items
    (``prepare(..., states=...)``) the token-state head is fitted too, and the sentence head and
    stacked tagger read the mixed probability; ``fallback`` then also fits the stateless
    versions of those two heads (the model's ``fallback``)."""
    from sklearn.linear_model import LogisticRegression

    from admiralty import encoder

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
    head = None
    mixed = oof
    if all(p.T is not None and p.T_has is not None for p in items) and items and items[0].T.shape[1]:  # type: ignore[union-attr]
        full = _fit_token_head(items, seed)
        z_oof: list[np.ndarray] = [np.zeros(0)] * len(items)
        for k in range(INNER_FOLDS):
            hk = _fit_token_head([p for p, f in zip(items, inner, strict=True) if f != k], seed + k + 1)
            for i, p in enumerate(items):
                if inner[i] == k:
                    z_oof[i] = hk.logit(p.T, p.T_has)  # type: ignore[arg-type]
        M = np.vstack([np.stack([_logit(o), z], axis=1) for o, z in zip(oof, z_oof, strict=True)])
        mix = LogisticRegression(C=MIX_C, max_iter=1000).fit(M, np.concatenate([p.y for p in items]))
        head = replace(
            full, mix=np.array([*mix.coef_[0], mix.intercept_[0]], dtype=np.float64),
            layers=tuple(int(x) for x in encoder.TOKEN_LAYERS),
        )
        mixed = [head.mixed(o, z) for o, z in zip(oof, z_oof, strict=True)]
        if log:
            mix_w = head.mix.round(3).tolist()
            print(f"  token-state head: {time.perf_counter() - t0:.0f}s; mix {mix_w}", file=sys.stderr)
    (sent_w, sent_agg, sent_claim, sent_b), (st_w, st_b), tuned = _fit_upper(items, mixed, inner)
    if log:
        print(f"  tagger + sentence head + stack: {time.perf_counter() - t0:.0f}s; tuned {tuned}", file=sys.stderr)
    stateless = _fit_upper(items, oof, inner) if head is not None and fallback else None
    if log and stateless is not None:
        print(f"  stateless heads: {time.perf_counter() - t0:.0f}s; tuned {stateless[2]}", file=sys.stderr)
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
    model = TechniqueModel(
        si_w=w, si_b=b, sent_w=sent_w, sent_agg=sent_agg, sent_b=sent_b,
        tc_w=W[:nt], tc_dense=W[nt:], tc_b=B, classes=TECHNIQUES, st_w=st_w, st_b=st_b,
        sent_claim=sent_claim, tuned=tuned, token_head=head,
    )
    if stateless is not None:
        (fw, fa, fc, fb), (fsw, fsb), ftuned = stateless
        model = replace(
            model,
            fallback=replace(
                model, sent_w=fw, sent_agg=fa, sent_claim=fc, sent_b=fb, st_w=fsw, st_b=fsb,
                tuned=ftuned, token_head=None,
            ),
        )
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "admiralty" / "models" / tq.MODEL_FILE)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of parsed docs (speeds re-runs)")
    ap.add_argument("--claims-cache", type=Path, default=None, help="pickle of the pipeline's claim vectors")
    ap.add_argument("--states-cache", type=Path, default=None, help="pickle of the claims' token states")
    args = ap.parse_args(argv)
    res = Resources(Config.default())
    articles = load_ptc()
    t0 = time.perf_counter()
    claims = claim_vectors(res, articles, args.claims_cache, log=True)
    docs = parse_all(res, [a.text for a in articles], args.cache)
    states = token_states(res, articles, claims, args.states_cache, log=True)
    print(f"claims, token states and parse of {len(docs)} articles in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    items = prepare(articles, docs, res, claims, states)
    model = fit(items, args.seed, log=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    assert model.tuned is not None
    span_th, sent_th, gap, min_tokens = model.tuned
    print(
        f"tuned on inner out-of-fold outputs ([techniques] config): span_threshold = {span_th}, "
        f"sentence_threshold = {sent_th}, max_gap = {gap}, min_span_tokens = {min_tokens}",
        file=sys.stderr,
    )
    if model.fallback is not None and model.fallback.tuned is not None:
        print(f"stateless_thresholds = {list(model.fallback.tuned)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
