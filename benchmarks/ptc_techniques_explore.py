"""Exploration of the technique stage's span identification on PTC (not the benchmark).

Outer grouped 5-fold CV exactly as ``benchmarks/ptc_eval.py`` (same folds, fold models only,
thresholds chosen by ``tune`` on the training folds' inner out-of-fold outputs), scoring SI F1
from the spans before classification (all SI sees with every class on). It holds the variants
of two sessions (BENCHMARKS.md, "Techniques (PTC)", the two "tried" tables):

* sentence-head variants (techniques/4 session): ``base``, ``ctx_lr``, ``ctx_mlp``, ``ctx_hgb``,
  ``layers0.5``, ``cov50``, ``dual*`` (env ``TIGHT=1``, ``PEAK=1``, ``STACK=inter|hgb`` for the
  decoding and stacking variants);
* token-state heads (techniques/5 session): the tagger's probability mixed with a head over
  each token's MiniLM hidden states (``TLAYERS=6`` or ``2,4,6``; ``HEAD=lr|mlp``; ``GRID=1``
  widens the threshold grids; ``SMODE=replace`` uses the state head alone).

Run, from the repository root (``WORK`` holds the caches; ``CLAIMS`` / ``DOCS`` may point at the
``--claims-cache`` / ``--cache`` files of ptc_eval)::

    WORK=/tmp/x .venv/bin/python benchmarks/ptc_techniques_explore.py states      # token states, once
    WORK=/tmp/x TAG=L246 TLAYERS=2,4,6 HEAD=mlp .venv/bin/python benchmarks/ptc_techniques_explore.py base
    WORK=/tmp/x .venv/bin/python benchmarks/ptc_techniques_explore.py auc 6 4 2+4+6   # token AUC, fold 0

Exploratory code: kept so that the tables can be reproduced, not part of the package.
"""
# ruff: noqa
import sys, time, pickle, itertools, os
from pathlib import Path
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _sub in ("src", "training", "benchmarks"):
    sys.path.insert(0, os.path.join(ROOT, _sub))
WORK = Path(os.environ.get("WORK", "/tmp/admiralty-ptc-explore")); WORK.mkdir(parents=True, exist_ok=True)
CLAIMS = Path(os.environ.get("CLAIMS", str(WORK / "claims.pkl"))); DOCS = Path(os.environ.get("DOCS", str(WORK / "docs.pkl")))
TAG = os.environ.get("TAG", "x")
import numpy as np
from scipy import sparse
import train_techniques as tr
import ptc_eval as pe
from admiralty.config import Config
from admiralty.resources import Resources
from admiralty.nlp import techniques as tq
from admiralty.nlp import techniques_features as tf
from admiralty.nlp.techniques_model import sentence_aggregates
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

T0 = time.time()
def log(*a):
    print(f"[{time.time()-T0:6.0f}s]", *a, file=sys.stderr, flush=True)

res = Resources(Config.default())
arts = tr.load_ptc()
LIMIT = int(os.environ.get("LIMIT", "0")) or len(arts)
arts = arts[:LIMIT]
texts = [a.text for a in arts]
claims = tr.claim_vectors(res, arts, CLAIMS) if LIMIT == 295 else None
docs = tr.parse_all(res, texts, DOCS if LIMIT == 295 else None)
items = tr.prepare(arts, docs, res, claims)
log("prepared", len(items))
fold_of, _ = pe.grouped_folds(texts, 5)
reporting = frozenset(res.lexicon(tq.REPORTING))
STACK = os.environ.get("STACK", "lr")
PAIRS = [(0, 4), (1, 4), (2, 4), (3, 4), (0, 16), (4, 16), (0, 15), (0, 14), (4, 13), (0, 12), (4, 7), (0, 8)]
def SF(F):
    if STACK != "inter":
        return F
    return np.hstack([F] + [(F[:, a] * F[:, b])[:, None] for a, b in PAIRS])
def SM():
    if STACK == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=100, random_state=0)
    return LogisticRegression(C=tr.STACK_C, max_iter=2000)
TIGHT = (0.0, 0.05, 0.1, 0.15, 0.2) if os.environ.get("TIGHT") else (0.0,)
PEAKS = (0.0, 0.1, 0.2) if os.environ.get("PEAK") else (0.0,)
if os.environ.get("WIDE"):
    tr.SENT_GRID = (0.2, 0.25, 0.3) + tuple(tr.SENT_GRID)
LAYERS = [int(x) for x in os.environ.get("LAYERS", "2,4,6").split(",")]

# ---- per-article sentence blocks
class Art:
    pass
A = []
for p in items:
    a = Art()
    a.ranges, rows, a.C, a.lab = tr._sentences(p)
    a.S = tf.hash_rows(rows, tf.SENT_HASH_BITS)
    doc = p.doc
    n = len(a.ranges)
    # layer means pooled per sentence (mean over claims in the sentence)
    L = np.zeros((n, len(LAYERS) * 384), dtype=np.float32)
    cv = p.claims
    if cv is not None and len(cv.spans) and getattr(cv, "layers", None) is not None and n:
        starts = np.array([doc[s].idx for s, _ in a.ranges]); ends = np.array([doc[e - 1].idx + len(doc[e - 1]) for _, e in a.ranges])
        mid = (cv.spans[:, 0] + cv.spans[:, 1]) // 2
        k = np.searchsorted(starts, mid, side="right") - 1
        ok = (k >= 0) & (mid < ends[np.clip(k, 0, None)])
        lay = cv.layers.reshape(len(cv.spans), 7, 384)[:, LAYERS, :].reshape(len(cv.spans), -1)
        for j in np.unique(k[ok]):
            L[j] = lay[ok & (k == j)].mean(axis=0)
    a.L = L
    a.gold = tr.merge((s, e) for s, e, _ in p.article.spans)
    a.clause = [tq.clause_core(doc, s, e, reporting) for s, e in a.ranges]
    a.clause_chars = [(doc[x].idx, doc[y - 1].idx + len(doc[y - 1])) for x, y in a.clause]
    cov = []
    for cs, ce in a.clause_chars:
        inter = sum(max(0, min(ce, e) - max(cs, s)) for s, e in a.gold)
        cov.append(inter / max(1, ce - cs))
    a.cov = np.array(cov)
    a.ntok = np.array([e - s for s, e in a.ranges], dtype=np.float64)
    A.append(a)
log("sentence blocks")

# ---- taggers per outer fold (cached)
def taggers(f):
    path = WORK / f"tag_{LIMIT}_{f}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    train = [i for i in range(len(items)) if fold_of[i] != f]
    test = [i for i in range(len(items)) if fold_of[i] == f]
    seed = tr.DEFAULT_SEED
    w, b = tr._fit_tagger([items[i] for i in train], seed)
    out = {i: tr._sigmoid(np.asarray(items[i].X @ w + b, dtype=np.float64)) for i in test}
    for k in range(3):
        rest = [items[i] for pos, i in enumerate(train) if pos % 3 != k]
        wk, bk = tr._fit_tagger(rest, seed + k + 1)
        for pos, i in enumerate(train):
            if pos % 3 == k:
                out[i] = tr._sigmoid(np.asarray(items[i].X @ wk + bk, dtype=np.float64))
    path.write_bytes(pickle.dumps(out))
    return out

def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))

def logit(q):
    q = np.clip(q, 1e-4, 1 - 1e-4); return np.log(q / (1 - q))

# ---- sentence heads
class LinearHead:
    def __init__(self, C=tr.SENT_C, layers=0.0, claims=True, label=0.0):
        self.Cr, self.layers, self.claims, self.label = C, layers, claims, label
    def block(self, idx, P):
        S = sparse.vstack([A[i].S for i in idx])
        ag = np.vstack([sentence_aggregates(P[i], A[i].ranges) for i in idx])
        parts = [S, sparse.csr_matrix(ag)]
        if self.claims:
            parts.append(sparse.csr_matrix(np.vstack([A[i].C for i in idx])))
        if self.layers:
            L = np.vstack([A[i].L for i in idx])
            parts.append(sparse.csr_matrix(((L - self.mu) / self.sd * self.layers).astype(np.float32)))
        return sparse.hstack(parts).tocsr()
    def fit(self, idx, P):
        if self.layers:
            L = np.vstack([A[i].L for i in idx]); nz = np.abs(L).sum(1) > 0
            self.mu = L[nz].mean(0); self.sd = L[nz].std(0) + 1e-3
        y = np.concatenate([(A[i].cov >= self.label) if self.label else A[i].lab for i in idx]).astype(int)
        self.m = LogisticRegression(C=self.Cr, max_iter=1000, solver="liblinear").fit(self.block(idx, P), y)
        return self
    def predict(self, idx, P):
        z = self.m.decision_function(self.block(idx, P))
        out, o = [], 0
        for i in idx:
            n = len(A[i].ranges); out.append(sigmoid(z[o:o + n])); o += n
        return out

def context_rows(i, z, P):
    a = A[i]; n = len(z)
    if n == 0:
        return np.zeros((0, 20))
    am = z.mean(); pad = np.full(2, am)
    zz = np.concatenate([pad, z, pad])
    ag = sentence_aggregates(P[i], a.ranges)
    k = np.arange(n)
    cols = [z, zz[1:n + 1], zz[3:n + 3], zz[0:n], zz[4:n + 4], np.full(n, am), np.full(n, z.max()), np.full(n, z.std()),
            np.full(n, (z > 0).mean()), k / max(1, n), (k == 0).astype(float), np.full(n, np.log1p(n)),
            a.C[:, -2], a.C[:, -1], np.log1p(a.ntok), *ag.T]
    return np.stack(cols, 1)

class ContextHead:
    """level-1 linear head, level-2 over its inner-OOF logits and neighbours."""
    def __init__(self, base, kind="lr", **kw):
        self.base, self.kind, self.kw = base, kind, kw
    def _l2(self):
        if self.kind == "lr":
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
            return make_pipeline(StandardScaler(), LogisticRegression(C=self.kw.get("C", 1.0), max_iter=2000))
        if self.kind == "hgb":
            from sklearn.ensemble import HistGradientBoostingClassifier
            return HistGradientBoostingClassifier(max_iter=self.kw.get("iters", 200), learning_rate=self.kw.get("lr", 0.05),
                                                  max_leaf_nodes=self.kw.get("leaves", 15), min_samples_leaf=40,
                                                  l2_regularization=1.0, random_state=0)
        if self.kind == "mlp":
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler
            from sklearn.neural_network import MLPClassifier
            return make_pipeline(StandardScaler(), MLPClassifier((self.kw.get("h", 16),), alpha=self.kw.get("alpha", 1e-2),
                                                                 max_iter=500, early_stopping=False, random_state=0))
    def fit(self, idx, P):
        self.h1 = type(self.base)(**self.base_kw()).fit(idx, P)
        zo = {}
        for k in range(3):
            tr_ = [i for pos, i in enumerate(idx) if pos % 3 != k]
            te_ = [i for pos, i in enumerate(idx) if pos % 3 == k]
            h = type(self.base)(**self.base_kw()).fit(tr_, P)
            for i, q in zip(te_, h.predict(te_, P)):
                zo[i] = logit(q)
        X = np.vstack([context_rows(i, zo[i], P) for i in idx])
        y = np.concatenate([A[i].lab for i in idx])
        self.m = self._l2().fit(X, y)
        return self
    def base_kw(self):
        return dict(C=self.base.Cr, layers=self.base.layers, claims=self.base.claims)
    def predict(self, idx, P):
        z1 = [logit(q) for q in self.h1.predict(idx, P)]
        out = []
        for i, z in zip(idx, z1):
            out.append(self.m.predict_proba(context_rows(i, z, P))[:, 1] if len(z) else np.zeros(0))
        return out

# ---- cheap stacking: level-1 fits shared across level-2 variants
L1CACHE = {}
def level1(f, base_name, make_base, P, train, test):
    key = (f, base_name)
    if key in L1CACHE:
        return L1CACHE[key]
    path = WORK / f"l1_{TAG}_{f}_{base_name}.pkl"
    if path.exists():
        L1CACHE[key] = pickle.loads(path.read_bytes()); return L1CACHE[key]
    z = {}
    h = make_base().fit(train, P)
    for i, q in zip(test, h.predict(test, P)):
        z[i] = logit(q)
    for k in range(3):
        tr_ = [i for pos, i in enumerate(train) if pos % 3 != k]
        te_ = [i for pos, i in enumerate(train) if pos % 3 == k]
        h = make_base().fit(tr_, P)
        for i, q in zip(te_, h.predict(te_, P)):
            z[i] = logit(q)
    path.write_bytes(pickle.dumps(z)); L1CACHE[key] = z
    return z

def l2model(kind, **kw):
    return ContextHead(None, kind, **kw)._l2()

def stacked_sentence(f, base_name, kind, kw, P, train, test, rows_fn):
    """sentence probs: test (from level-2 fitted on train OOF rows) and train-OOF (level-2 inner CV)."""
    z = level1(f, base_name, VARIANTS[base_name], P, train, test)
    if kind is None:
        return {i: sigmoid(z[i]) for i in test}, {i: sigmoid(z[i]) for i in train}
    R = {i: rows_fn(i, z[i], P) for i in train + test}
    y = {i: A[i].lab for i in train + test}
    m = l2model(kind, **kw).fit(np.vstack([R[i] for i in train]), np.concatenate([y[i] for i in train]))
    s_test = {i: (m.predict_proba(R[i])[:, 1] if len(R[i]) else np.zeros(0)) for i in test}
    s_oof = {}
    for k in range(3):
        tr_ = [i for pos, i in enumerate(train) if pos % 3 != k]
        te_ = [i for pos, i in enumerate(train) if pos % 3 == k]
        mk = l2model(kind, **kw).fit(np.vstack([R[i] for i in tr_]), np.concatenate([y[i] for i in tr_]))
        for i in te_:
            s_oof[i] = mk.predict_proba(R[i])[:, 1] if len(R[i]) else np.zeros(0)
    return s_test, s_oof

def tight_spans(doc, a, stp, t2):
    """clause chars, or (t2 > 0) from the first to the last token of the clause with stacked >= t2"""
    if not t2:
        return a.clause_chars
    out = []
    for (x, y), c in zip(a.clause, a.clause_chars):
        hit = np.flatnonzero(stp[x:y] >= t2)
        if len(hit) == 0:
            out.append(c); continue
        u, v = tq._trim(doc, x + int(hit[0]), x + int(hit[-1]) + 1)
        out.append((doc[u].idx, doc[v - 1].idx + len(doc[v - 1])) if v > u else c)
    return out

def tune(idx, st, sp):
    tallies = {}
    for i in idx:
        p, a = items[i], A[i]; doc = p.doc
        tok_spans = {}
        for th, gap in itertools.product(tr.SPAN_GRID, tr.GAP_GRID):
            runs = tq.decode(doc, st[i], th, gap)
            for m in tr.MIN_TOKENS_GRID:
                for pk in PEAKS:
                    tok_spans[(th, gap, m, pk)] = [(doc[x].idx, doc[y - 1].idx + len(doc[y - 1])) for x, y in runs
                                                   if y - x >= m and st[i][x:y].max() >= th + pk]
        ts = {t2: tight_spans(doc, a, st[i], t2) for t2 in TIGHT}
        for sth, t2 in itertools.product(tr.SENT_GRID, TIGHT):
            sent_spans = [c for c, q in zip(ts[t2], sp[i]) if q >= sth]
            for (th, gap, m, pk), toks in tok_spans.items():
                pred = tr.merge(toks + sent_spans)
                pn, rn = tr.overlap_sums(pred, a.gold)
                t = tallies.setdefault((th, sth, gap, m, pk, t2), [0.0, 0.0, 0.0, 0.0])
                t[0] += pn; t[1] += len(pred); t[2] += rn; t[3] += len(a.gold)
    def f1(t):
        p = t[0] / t[1] if t[1] else 0; r = t[2] / t[3] if t[3] else 0
        return 2 * p * r / (p + r) if p + r else 0
    best = max(sorted(tallies), key=lambda k: (round(f1(tallies[k]), 6), -k[2], -k[3]))
    return best, f1(tallies[best])

def run_fold(f, spec):
    P = taggers(f)
    train = [i for i in range(len(items)) if fold_of[i] != f]
    test = [i for i in range(len(items)) if fold_of[i] == f]
    base_name, kind, kw, rows_fn = spec[:4]
    s_test, s_oof = stacked_sentence(f, base_name, kind, kw, P, train, test, rows_fn)
    if len(spec) > 4:  # emission head differs from the head the stacked tagger reads
        e_test, e_oof = stacked_sentence(f, *spec[4][:3], P, train, test, spec[4][3])
    else:
        e_test, e_oof = s_test, s_oof
    F = {i: SF(tf.stack_features(items[i].doc, P[i], A[i].ranges, s_oof[i])) for i in train}
    y = lambda idx: np.concatenate([items[i].y for i in idx])
    st = SM().fit(np.vstack([F[i] for i in train]), y(train))
    st_oof = {}
    for k in range(3):
        tr_ = [i for pos, i in enumerate(train) if pos % 3 != k]
        te_ = [i for pos, i in enumerate(train) if pos % 3 == k]
        m = SM().fit(np.vstack([F[i] for i in tr_]), y(tr_))
        for i in te_:
            st_oof[i] = m.predict_proba(F[i])[:, 1]
    (th, sth, gap, mn, pk, t2), inner_f1 = tune(train, st_oof, e_oof)
    tal = [0.0, 0, 0.0, 0]
    for i in test:
        p, a = items[i], A[i]; doc = p.doc
        stp = st.predict_proba(SF(tf.stack_features(doc, P[i], a.ranges, s_test[i])))[:, 1]
        runs = [(x, y_) for x, y_ in tq.decode(doc, stp, th, gap) if y_ - x >= mn and stp[x:y_].max() >= th + pk]
        toks = [(doc[x].idx, doc[y_ - 1].idx + len(doc[y_ - 1])) for x, y_ in runs]
        sents = [c for c, q in zip(tight_spans(doc, a, stp, t2), e_test[i]) if q >= sth]
        pred = tr.merge(toks + sents)
        pn, rn = tr.overlap_sums(pred, a.gold)
        tal[0] += pn; tal[1] += len(pred); tal[2] += rn; tal[3] += len(a.gold)
    lab = np.concatenate([A[i].lab for i in test]); sc = np.concatenate([e_test[i] for i in test])
    return tal, roc_auc_score(lab, sc), (th, sth, gap, mn, pk, t2), inner_f1, lab, sc

def evaluate(name, spec, folds=range(5)):
    t = time.time()
    tot = [0.0, 0, 0.0, 0]; labs, scs, fs = [], [], []
    for f in folds:
        tal, auc, thr, inner, lab, sc = run_fold(f, spec)
        for j in range(4): tot[j] += tal[j]
        labs.append(lab); scs.append(sc)
        p = tal[0] / tal[1]; r = tal[2] / tal[3]; fs.append(2 * p * r / (p + r))
        log(f"  {name} fold {f}: SI {fs[-1]:.4f} auc {auc:.4f} thr {thr} inner {inner:.4f}")
    p = tot[0] / tot[1]; r = tot[2] / tot[3]; f1 = 2 * p * r / (p + r)
    auc = roc_auc_score(np.concatenate(labs), np.concatenate(scs))
    log(f"RESULT {name}: SI P {p:.4f} R {r:.4f} F1 {f1:.4f} sentAUC {auc:.4f} folds {[round(x,4) for x in fs]} ({time.time()-t:.0f}s)")

VARIANTS = {
    "base": lambda: LinearHead(),
    "layers0.5": lambda: LinearHead(layers=0.5),
    "layers0.25": lambda: LinearHead(layers=0.25),
    "cov50": lambda: LinearHead(label=0.5),
    "cov30": lambda: LinearHead(label=0.3),
}
SPECS = {
    "base": ("base", None, {}, None),
    "layers0.5": ("layers0.5", None, {}, None),
    "layers0.25": ("layers0.25", None, {}, None),
    "ctx_lr": ("base", "lr", {}, context_rows),
    "ctx_hgb": ("base", "hgb", {}, context_rows),
    "ctx_mlp": ("base", "mlp", {}, context_rows),
    "ctx_lr_layers": ("layers0.5", "lr", {}, context_rows),
    "ctx_hgb_layers": ("layers0.5", "hgb", {}, context_rows),
}
SPECS.update({
    "cov50": ("cov50", None, {}, None),
    "dual50": ("base", None, {}, None, ("cov50", None, {}, None)),
    "dual30": ("base", None, {}, None, ("cov30", None, {}, None)),
    "dual_ctx_lr": ("base", None, {}, None, ("base", "lr", {}, context_rows)),
    "dual_ctx_mlp": ("base", None, {}, None, ("base", "mlp", {}, context_rows)),
    "dual50_ctx_lr": ("base", "lr", {}, context_rows, ("cov50", "lr", {}, context_rows)),
})
FOLDS = [int(x) for x in os.environ.get("FOLDS", "0,1,2,3,4").split(",")]

def compute_states():
    """Every claim's subword states, all 7 hidden states, through transformers (the graph's weights)."""
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel
    from admiralty import encoder
    torch.set_num_threads(2)
    arts = tr.load_ptc()
    d = encoder.packaged_model_dir()
    tok = Tokenizer.from_file(str(d / "tokenizer.json")); tok.no_padding(); tok.enable_truncation(128)
    model = AutoModel.from_pretrained(str(d), output_hidden_states=True).eval()
    texts, owner = [], []
    for ai, (a, cv) in enumerate(zip(arts, [p.claims for p in items])):
        for ci, (s, e) in enumerate(cv.spans):
            texts.append(a.text[s:e]); owner.append((ai, int(s)))
    enc = tok.encode_batch(texts)
    lengths = np.array([len(x.ids) for x in enc])
    order = np.argsort(lengths, kind="stable")
    out = [None] * len(texts)
    t0 = time.time()
    with torch.inference_mode():
        for b in range(0, len(order), 32):
            rows = order[b:b + 32]; w = int(lengths[rows].max())
            ids = np.zeros((len(rows), w), dtype=np.int64); mask = np.zeros_like(ids)
            for j, r in enumerate(rows):
                ids[j, :lengths[r]] = enc[r].ids; mask[j, :lengths[r]] = 1
            hs = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).hidden_states
            H = torch.stack(hs, 2).numpy()  # (b, w, 7, 384)
            for j, r in enumerate(rows):
                n = lengths[r]
                offs = np.array(enc[r].offsets[1:n - 1], dtype=np.int32)
                out[r] = (offs, H[j, 1:n - 1].astype(np.float16))
            if b % 1600 == 0:
                print(b, time.time() - t0, file=sys.stderr, flush=True)
    # map to doc characters: per article list of (char offsets (m,2), states (m,7,384))
    per = [[] for _ in arts]
    for (ai, s), (offs, H) in zip(owner, out):
        per[ai].append((offs + s, H))
    per = [(np.concatenate([o for o, _ in p]) if p else np.zeros((0, 2), np.int32),
            np.concatenate([h for _, h in p]) if p else np.zeros((0, 7, 384), np.float16)) for p in per]
    with open(WORK / "wp_states.pkl", "wb") as fh:
        pickle.dump(per, fh, protocol=4)
    print("done", time.time() - t0, sum(len(o) for o, _ in per), file=sys.stderr)


from sklearn.linear_model import LogisticRegression as LR
def token_states(doc, offs, H, layers):
    """mean wordpiece state per spaCy token (rows of tokens without states are 0), has-state flag"""
    n = len(doc)
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    d = len(layers) * 384
    out = np.zeros((n, d), dtype=np.float32); cnt = np.zeros(n, dtype=np.float32)
    if len(offs):
        k = np.searchsorted(starts, offs[:, 0], side="right") - 1
        ok = k >= 0
        X = H[:, layers, :].reshape(len(H), -1).astype(np.float32)
        np.add.at(out, k[ok], X[ok]); np.add.at(cnt, k[ok], 1.0)
    has = cnt > 0
    out[has] /= cnt[has, None]
    return out, has

if sys.argv[1:2] == ["states"]:
    compute_states(); raise SystemExit(0)
per = pickle.load(open(WORK / "wp_states.pkl", "rb"))
LAYERS_T = [int(x) for x in os.environ.get("TLAYERS", "6").split(",")]
TC = float(os.environ.get("TC", "0.01"))
SMODE = os.environ.get("SMODE", "combine")  # combine: P' = LR(zh, zs); replace: P' = state head only
ST = {}
for i, p in enumerate(items):
    X, h = token_states(p.doc, per[i][0], per[i][1], LAYERS_T)
    ST[i] = (X, h)
log("token states", LAYERS_T)
nosp = {i: np.array([not t.is_space for t in items[i].doc]) for i in range(len(items))}

class StateHead:
    def fit(self, idx):
        X = np.vstack([ST[i][0][nosp[i]] for i in idx]); h = np.concatenate([ST[i][1][nosp[i]] for i in idx])
        y = np.concatenate([items[i].y[nosp[i]] for i in idx])
        self.mu, self.sd = X[h].mean(0), X[h].std(0) + 1e-3
        self.m = LR(C=TC, max_iter=300).fit(self.z(X, h), y)
        return self
    def z(self, X, h):
        return np.hstack([np.where(h[:, None], (X - self.mu) / self.sd, 0), h[:, None]])
    def logit(self, i):
        X, h = ST[i]
        return self.m.decision_function(self.z(X, h))

HEAD = os.environ.get("HEAD", "lr")
class MLPHead(StateHead):
    def fit(self, idx):
        import torch
        torch.manual_seed(0); torch.set_num_threads(2)
        X = np.vstack([ST[i][0][nosp[i]] for i in idx]); h = np.concatenate([ST[i][1][nosp[i]] for i in idx])
        y = np.concatenate([items[i].y[nosp[i]] for i in idx])
        self.mu, self.sd = X[h].mean(0), X[h].std(0) + 1e-3
        Z = self.z(X, h).astype(np.float32)
        H = int(os.environ.get("HID", "64"))
        net = torch.nn.Sequential(torch.nn.Linear(Z.shape[1], H), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(H, 1))
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
        Xt = torch.from_numpy(Z); yt = torch.from_numpy(y.astype(np.float32))
        g = torch.Generator().manual_seed(0)
        for ep in range(int(os.environ.get("EPOCHS", "3"))):
            net.train()
            for b in torch.randperm(len(Xt), generator=g).split(512):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(net(Xt[b])[:, 0], yt[b])
                opt.zero_grad(); loss.backward(); opt.step()
        net.eval(); self.net = net
        return self
    def logit(self, i):
        import torch
        X, h = ST[i]
        with torch.no_grad():
            return self.net(torch.from_numpy(self.z(X, h).astype(np.float32)))[:, 0].numpy().astype(np.float64)
Head = MLPHead if HEAD == "mlp" else StateHead

def state_logits(f):
    path = WORK / f"state_{TAG}_{f}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    train = [i for i in range(len(items)) if fold_of[i] != f]
    test = [i for i in range(len(items)) if fold_of[i] == f]
    h = Head().fit(train)
    out = {i: h.logit(i) for i in test}
    for k in range(3):
        rest = [i for pos, i in enumerate(train) if pos % 3 != k]
        hk = Head().fit(rest)
        for pos, i in enumerate(train):
            if pos % 3 == k:
                out[i] = hk.logit(i)
    path.write_bytes(pickle.dumps(out))
    log("state head fold", f)
    return out

_hash_taggers = taggers
def taggers(f):
    P = _hash_taggers(f)
    Z = state_logits(f)
    train = [i for i in range(len(items)) if fold_of[i] != f]
    if SMODE == "replace":
        return {i: sigmoid(Z[i]) for i in P}
    F = lambda i: np.stack([logit(P[i]), Z[i]], 1)
    m = LR(C=1.0).fit(np.vstack([F(i) for i in train]), np.concatenate([items[i].y for i in train]))
    log("combine weights", m.coef_, m.intercept_)
    return {i: m.predict_proba(F(i))[:, 1] for i in P}

if os.environ.get("GRID"):
    tr.SENT_GRID = tuple(tr.SENT_GRID) + (0.7, 0.75, 0.8, 1.01)
    tr.SPAN_GRID = tuple(tr.SPAN_GRID) + (0.5, 0.55)

def token_auc(sets):
    """Token-level AUC on outer fold 0: the tagger, a linear head over states of the given layers,
    and their sum of logits."""
    f = 0
    P = _hash_taggers(f)  # the hashed-feature tagger alone
    train = [i for i in range(len(items)) if fold_of[i] != f]
    test = [i for i in range(len(items)) if fold_of[i] == f]
    nsp = lambda idx: np.concatenate([nosp[i] for i in idx])
    y = lambda idx: np.concatenate([items[i].y for i in idx])
    mtr, mte = nsp(train), nsp(test)
    ytr, yte = y(train)[mtr], y(test)[mte]
    zh = logit(np.concatenate([P[i] for i in test])[mte])
    log("tagger AUC", round(roc_auc_score(yte, zh), 4))
    for name in sets:
        lays = [int(x) for x in name.split("+")]
        S = {i: token_states(items[i].doc, per[i][0], per[i][1], lays) for i in train + test}
        Xtr = np.vstack([S[i][0] for i in train])[mtr]; Xte = np.vstack([S[i][0] for i in test])[mte]
        htr = np.concatenate([S[i][1] for i in train])[mtr]; hte = np.concatenate([S[i][1] for i in test])[mte]
        mu, sd = Xtr[htr].mean(0), Xtr[htr].std(0) + 1e-3
        Xtr = np.hstack([np.where(htr[:, None], (Xtr - mu) / sd, 0), htr[:, None]])
        Xte = np.hstack([np.where(hte[:, None], (Xte - mu) / sd, 0), hte[:, None]])
        z = LR(C=0.01, max_iter=300).fit(Xtr, ytr).decision_function(Xte)
        log(name, "state LR AUC", round(roc_auc_score(yte, z), 4), "sum with tagger", round(roc_auc_score(yte, z + zh), 4))

if sys.argv[1:2] == ["auc"]:
    token_auc(sys.argv[2:]); raise SystemExit(0)
for name in sys.argv[1:]:
    evaluate(f"{TAG}:{name}", SPECS[name], FOLDS)
