"""Exploration (not the benchmark): two ideas for the technique stage's span identification that
leave the token heads alone, on the same grouped folds as ``benchmarks/ptc_eval.py``.

* ``rescore``: a span re-scorer. The /5 method's token runs are decoded per fold (its own nested
  thresholds); a logistic regression over each run (its stacked / mixed probabilities, length, POS
  mix, word-list hits, its sentence's probability, the article's density, hashed lemmas and
  neighbours) learns "does this run touch a gold span?" from the training folds' inner out-of-fold
  runs, and runs under a threshold chosen on those (0 = keep all) are dropped from the test folds.
* ``repcount``: repetition counts as token-tagger features (how often the token's lemma recurs in
  the article, which occurrence this is, an IDF bucket over the 295 texts); token AUC of the hashed
  tagger on outer fold 0 with and without them.

Builds on ``benchmarks/ptc_techniques_explore.py`` and its caches (``WORK``; ``TAG`` must name the
token-state head's cached logits of the /5 method, ``TLAYERS=2,4,6``)::

    WORK=/tmp/x TAG=L246 .venv/bin/python benchmarks/ptc_decoding_explore.py rescore
    WORK=/tmp/x TAG=L246 .venv/bin/python benchmarks/ptc_decoding_explore.py repcount
"""
# ruff: noqa
import collections, importlib.util, os, sys
from pathlib import Path

MODE = sys.argv[1]
os.environ.setdefault("TLAYERS", "2,4,6")
sys.argv = [sys.argv[0]]
_spec = importlib.util.spec_from_file_location("explore", Path(__file__).with_name("ptc_techniques_explore.py"))
ex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ex)

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import roc_auc_score

items, A, fold_of, tr, tq, tf, nosp, log = ex.items, ex.A, ex.fold_of, ex.tr, ex.tq, ex.tf, ex.nosp, ex.log
N = len(items)
GOLD = {i: tr.merge((s, e) for s, e, _ in items[i].article.spans) for i in range(N)}
HASH = FeatureHasher(2 ** 16, input_type="string", alternate_sign=False)
POS = ("ADJ", "NOUN", "PROPN", "VERB", "ADV", "PRON", "DET", "PUNCT")


def fold_outputs(f):
    """The /5 method on fold f: mixed tagger P, sentence probabilities and stacked token
    probabilities for test (fitted on train) and train (inner out-of-fold), and its thresholds."""
    P = ex.taggers(f)
    train = [i for i in range(N) if fold_of[i] != f]
    test = [i for i in range(N) if fold_of[i] == f]
    s_test, s_oof = ex.stacked_sentence(f, "base", None, {}, P, train, test, None)
    F = {i: tf.stack_features(items[i].doc, P[i], A[i].ranges, s_oof[i]) for i in train}
    y = lambda idx: np.concatenate([items[i].y for i in idx])
    st = ex.SM().fit(np.vstack([F[i] for i in train]), y(train))
    st_oof = {}
    for k in range(3):
        tr_ = [i for pos, i in enumerate(train) if pos % 3 != k]
        m = ex.SM().fit(np.vstack([F[i] for i in tr_]), y(tr_))
        st_oof.update({i: m.predict_proba(F[i])[:, 1] for pos, i in enumerate(train) if pos % 3 == k})
    thr, _ = ex.tune(train, st_oof, s_oof)
    st_test = {i: st.predict_proba(tf.stack_features(items[i].doc, P[i], A[i].ranges, s_test[i]))[:, 1] for i in test}
    return P, train, test, (s_test, s_oof), (st_test, st_oof), thr


def run_features(i, stp, P, sp, runs):
    doc, a = items[i].doc, A[i]
    starts = np.array([s for s, _ in a.ranges]) if a.ranges else np.zeros(0, int)
    hit = np.zeros(len(doc), bool)
    for h in items[i].hits:
        hit[h.start:h.end] = True
    am, afrac = stp.mean(), (stp > 0.3).mean()
    dense, words = [], []
    for x, y in runs:
        q, pp, n = stp[x:y], P[x:y], y - x
        k = int(np.searchsorted(starts, x, side="right") - 1) if len(starts) else -1
        pos = [t.pos_ for t in doc[x:y]]
        sent_len = a.ranges[k][1] - a.ranges[k][0] if k >= 0 else n
        dense.append([q.max(), q.mean(), q.min(), pp.mean(), pp.max(), np.log1p(n), np.log1p(len(doc[x:y].text)),
                      sp[k] if k >= 0 and len(sp) else 0.0, am, afrac, n / max(1, sent_len), float(n == 1),
                      *[pos.count(t) / n for t in POS], float(hit[x:y].any()), float(doc[x].is_title)])
        w = ["l=" + t.lemma_.lower() for t in doc[x:y]] + ["p=" + "_".join(pos[:3])]
        w += ["prev=" + doc[x - 1].lemma_.lower()] if x > 0 else []
        w += ["next=" + doc[y].lemma_.lower()] if y < len(doc) else []
        words.append(w)
    return np.array(dense, dtype=np.float64).reshape(len(runs), -1), words


def shares(i, runs):
    doc, G = items[i].doc, np.array(GOLD[i]) if GOLD[i] else np.zeros((0, 2))
    out = []
    for x, y in runs:
        s, e = doc[x].idx, doc[y - 1].idx + len(doc[y - 1])
        out.append(np.clip(np.minimum(e, G[:, 1]) - np.maximum(s, G[:, 0]), 0, None).sum() / (e - s) if len(G) else 0.0)
    return np.array(out)


def chars(i, runs):
    doc = items[i].doc
    return [(doc[x].idx, doc[y - 1].idx + len(doc[y - 1])) for x, y in runs]


def fit_rescorer(rows, ys):
    D = np.vstack([r[0] for r in rows])
    mu, sd = D.mean(0), D.std(0) + 1e-6
    X = lambda rs: sparse.hstack([sparse.csr_matrix((np.vstack([r[0] for r in rs]) - mu) / sd),
                                  HASH.transform([w for r in rs for w in r[1]])]).tocsr()
    m = LogisticRegression(C=0.3, max_iter=2000).fit(X(rows), (np.concatenate(ys) > 0).astype(int))
    return lambda rs: m.predict_proba(X(rs))[:, 1]


def tally(idx, pred_of):
    t = [0.0, 0, 0.0, 0]
    for i in idx:
        pred = tr.merge(pred_of(i))
        pn, rn = tr.overlap_sums(pred, GOLD[i])
        t[0] += pn; t[1] += len(pred); t[2] += rn; t[3] += len(GOLD[i])
    return t


def f1(t):
    p, r = t[0] / t[1], t[2] / t[3]
    return p, r, 2 * p * r / (p + r)


def rescore():
    total = {"base": [0.0, 0, 0.0, 0], "rescored": [0.0, 0, 0.0, 0]}
    for f in range(5):
        P, train, test, (s_test, s_oof), (st_test, st_oof), thr = fold_outputs(f)
        th, sth, gap, mn = thr[:4]
        decode = lambda i, stp: [(x, y) for x, y in tq.decode(items[i].doc, stp, th, gap) if y - x >= mn]
        sents = lambda i, sp: [c for c, v in zip(A[i].clause_chars, sp[i]) if v >= sth]
        R = {}
        for i in train:
            runs = decode(i, st_oof[i])
            R[i] = (runs, run_features(i, st_oof[i], P[i], s_oof[i], runs) if runs else None, shares(i, runs))
        score = {}
        for k in range(3):
            fit_on = [i for pos, i in enumerate(train) if pos % 3 != k and R[i][1]]
            g = fit_rescorer([R[i][1] for i in fit_on], [R[i][2] for i in fit_on])
            score.update({i: g([R[i][1]]) if R[i][1] else np.zeros(0) for pos, i in enumerate(train) if pos % 3 == k})
        q_best = max((0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5), key=lambda q: round(f1(tally(
            train, lambda i: chars(i, [r for r, v in zip(R[i][0], score[i]) if v >= q]) + sents(i, s_oof)))[2], 6))
        g = fit_rescorer([R[i][1] for i in train if R[i][1]], [R[i][2] for i in train if R[i][1]])
        for name, q in (("base", 0.0), ("rescored", q_best)):
            def pred(i, q=q):
                runs = decode(i, st_test[i])
                if runs and q > 0:
                    runs = [r for r, v in zip(runs, g([run_features(i, st_test[i], P[i], s_test[i], runs)])) if v >= q]
                return chars(i, runs) + sents(i, s_test)
            t = tally(test, pred)
            total[name] = [a + b for a, b in zip(total[name], t)]
        log(f"fold {f}: threshold chosen {q_best}")
    for name, t in total.items():
        p, r, f = f1(t)
        log(f"RESULT {name}: SI P {p:.4f} R {r:.4f} F1 {f:.4f}")


def repcount():
    content = {"NOUN", "VERB", "ADJ", "ADV", "PROPN"}
    df = collections.Counter()
    for p in items:
        df.update({t.lemma_.lower() for t in p.doc if t.pos_ in content})

    def rows(p):
        lemmas = [t.lemma_.lower() for t in p.doc]
        count = collections.Counter(l for l, t in zip(lemmas, p.doc) if t.pos_ in content)
        seen, out = collections.Counter(), []
        for t, l in zip(p.doc, lemmas):
            f = []
            if t.pos_ in content:
                seen[l] += 1
                b, idf = min(count[l], 6), int(min(np.log(N / (1 + df[l])), 5))
                f = [f"lc={b}", f"lc={b}|{t.pos_}", f"occ={min(seen[l], 4)}|lc={b}", f"idf={idf}", f"idf={idf}|lc={b}"]
            out.append(f)
        return out

    hasher = FeatureHasher(2 ** 12, input_type="string", alternate_sign=False)
    E = {i: hasher.transform(rows(p)) for i, p in enumerate(items)}
    train = [i for i in range(N) if fold_of[i] != 0]
    test = [i for i in range(N) if fold_of[i] == 0]
    y = np.concatenate([items[i].y for i in train])
    yt = np.concatenate([items[i].y[nosp[i]] for i in test])
    for name, extra in (("tagger", False), ("tagger + repetition counts", True)):
        X = lambda i: sparse.hstack([items[i].X, E[i]]).tocsr() if extra else items[i].X
        clf = SGDClassifier(loss="log_loss", alpha=tr.SI_ALPHA, max_iter=tr.SI_EPOCHS, tol=None,
                            random_state=tr.DEFAULT_SEED, average=True).fit(sparse.vstack([X(i) for i in train]).tocsr(), y)
        z = np.concatenate([clf.decision_function(X(i))[nosp[i]] for i in test])
        log(f"RESULT {name}: token AUC (fold 0) {roc_auc_score(yt, z):.4f}")


{"rescore": rescore, "repcount": repcount}[MODE]()
