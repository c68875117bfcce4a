"""Exploration (not the benchmark): can a contextual token head over the MiniLM states the embed
stage keeps, or a fine-tuned copy of MiniLM's top layers, tell propaganda tokens apart better
than the linear token-state head of techniques.combined/5?

Builds on ``benchmarks/ptc_techniques_explore.py`` (same articles, grouped folds, cached hashed
taggers and token states; its ``WORK`` must hold ``wp_states.pkl`` from its ``states`` step).
Each head reads, per claim (or per sentence), the standardised states of layers 2, 4, 6 plus the
hashed tagger's out-of-fold logit, and is trained on the training articles of outer fold 0; the
score is token-level ROC AUC on fold 0's test articles ("token inside a gold span"), the measure
the token-state layers were chosen on (the linear head mixed with the tagger: 0.737).

    WORK=/tmp/x .venv/bin/python benchmarks/ptc_token_heads_explore.py auc lstm   # BiLSTM per sentence
    WORK=/tmp/x .venv/bin/python benchmarks/ptc_token_heads_explore.py auc cnn    # two residual convolutions
    WORK=/tmp/x .venv/bin/python benchmarks/ptc_token_heads_explore.py auc attn   # one transformer layer
    WORK=/tmp/x FROM=4 NL=1 .venv/bin/python benchmarks/ptc_token_heads_explore.py auc top  # MiniLM layer 5 fine-tuned on layer 4
    WORK=/tmp/x FROM=0 NL=6 .venv/bin/python benchmarks/ptc_token_heads_explore.py auc top  # all six layers fine-tuned
    WORK=/tmp/x .venv/bin/python benchmarks/ptc_token_heads_explore.py si lstm 0,1,2,3,4     # SI F1, nested

Settings by environment: HID (128), EPOCHS (4; ``top``: 3), DROP (0.3), LR (1e-3; ``top``: 5e-5
for the copied layers, 1e-3 for the output layer), USE_TAG (1: the tagger's logit is an input).
``si`` puts the head's out-of-fold logits where the explore script's linear state head goes.
"""
# ruff: noqa
import copy, importlib.util, os, pickle, sys, time
from pathlib import Path

MODE, ARCH = sys.argv[1], sys.argv[2]
FOLDS_ARG = sys.argv[3] if len(sys.argv) > 3 else "0,1,2,3,4"
os.environ.setdefault("TLAYERS", "2,4,6")
sys.argv = [sys.argv[0]]
_spec = importlib.util.spec_from_file_location("explore", Path(__file__).with_name("ptc_techniques_explore.py"))
ex = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ex)

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

torch.set_num_threads(2)
items, A, ST, fold_of, nosp, per, log = ex.items, ex.A, ex.ST, ex.fold_of, ex.nosp, ex.per, ex.log
TOP = ARCH == "top"
HID = int(os.environ.get("HID", "128"))
EPOCHS = int(os.environ.get("EPOCHS", "3" if TOP else "4"))
DROP = float(os.environ.get("DROP", "0.3"))
LR = float(os.environ.get("LR", "5e-5" if TOP else "1e-3"))
USE_TAG = os.environ.get("USE_TAG", "1") == "1"
FROM, NL = int(os.environ.get("FROM", "4")), int(os.environ.get("NL", "1"))


class ContextNet(torch.nn.Module):
    """Projection of (states, has-states flag, tagger logit) to HID, then context, then a logit."""

    def __init__(self, d_in):
        super().__init__()
        self.proj, self.drop, self.out = torch.nn.Linear(d_in, HID), torch.nn.Dropout(DROP), torch.nn.Linear(HID, 1)
        if ARCH == "lstm":
            self.seq = torch.nn.LSTM(HID, HID // 2, batch_first=True, bidirectional=True)
        elif ARCH == "cnn":
            self.c1, self.c2 = torch.nn.Conv1d(HID, HID, 5, padding=2), torch.nn.Conv1d(HID, HID, 5, padding=2)
        elif ARCH == "attn":
            self.seq = torch.nn.TransformerEncoderLayer(HID, 4, HID * 2, DROP, batch_first=True)

    def forward(self, x, mask):
        h = self.drop(torch.nn.functional.gelu(self.proj(x)))
        if ARCH == "lstm":
            packed = torch.nn.utils.rnn.pack_padded_sequence(h, mask.sum(1), batch_first=True, enforce_sorted=False)
            h = h + torch.nn.utils.rnn.pad_packed_sequence(self.seq(packed)[0], batch_first=True, total_length=h.shape[1])[0]
        elif ARCH == "cnn":
            m = mask[:, None, :].float()
            t = h.transpose(1, 2) * m
            t = t + torch.nn.functional.gelu(self.c1(t)) * m
            h = (t + torch.nn.functional.gelu(self.c2(self.drop(t))) * m).transpose(1, 2)
        elif ARCH == "attn":
            h = self.seq(h, src_key_padding_mask=~mask)
        return self.out(self.drop(h))[..., 0]


class TopNet(torch.nn.Module):
    """Copies of MiniLM's layers FROM+1 .. FROM+NL (pretrained weights), fine-tuned over the frozen
    hidden state of layer FROM, and a linear output per subword."""

    def __init__(self, base):
        super().__init__()
        self.layers = torch.nn.ModuleList([copy.deepcopy(base.encoder.layer[FROM + k]) for k in range(NL)])
        self.head, self.drop = torch.nn.Linear(384, 1), torch.nn.Dropout(0.1)

    def forward(self, h, mask):
        ext = (1.0 - mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            h = layer(h, attention_mask=ext)
            h = h[0] if isinstance(h, tuple) else h
        return self.head(self.drop(h))[..., 0]


def sentence_sequences(i, P, mu, sd):
    """Per sentence: (inputs (n, 1154), labels, has-label mask, spaCy token indices)."""
    X, h = ST[i]
    cols = [np.where(h[:, None], (X - mu) / sd, 0).astype(np.float32), h[:, None].astype(np.float32)]
    if USE_TAG:
        cols.append(ex.logit(P[i])[:, None].astype(np.float32) / 3)
    F = np.hstack(cols)
    return [(F[s:e], items[i].y[s:e].astype(np.float32), nosp[i][s:e], np.arange(s, e)) for s, e in A[i].ranges if e > s]


_SUBWORDS = {}


def subword_sequences(i):
    """Per claim: (layer-FROM states of its subwords, labels of their spaCy tokens, mask, token indices)."""
    if i not in _SUBWORDS:
        offs, H = per[i]
        p = items[i]
        starts = np.array([t.idx for t in p.doc], dtype=np.int64)
        tok = np.searchsorted(starts, offs[:, 0], side="right") - 1
        spans = p.claims.spans if p.claims is not None and len(p.claims.spans) else np.zeros((0, 2), np.int64)
        claim = np.searchsorted(spans[:, 0], offs[:, 0], side="right") - 1
        out = []
        for c in np.unique(claim):
            m = np.flatnonzero(claim == c)
            out.append((H[m, FROM].astype(np.float32), p.y[tok[m]].astype(np.float32), np.ones(len(m), bool), tok[m]))
        _SUBWORDS[i] = out
    return _SUBWORDS[i]


def batches(seqs, size, rng=None):
    order = np.arange(len(seqs)) if rng is None else rng.permutation(len(seqs))
    for b in range(0, len(order), size):
        rows = [seqs[j] for j in order[b:b + size]]
        w, d = max(len(r[0]) for r in rows), rows[0][0].shape[1]
        x = np.zeros((len(rows), w, d), np.float32)
        y, m, k = np.zeros((len(rows), w), np.float32), np.zeros((len(rows), w), bool), np.zeros((len(rows), w), bool)
        for j, r in enumerate(rows):
            n = len(r[0])
            x[j, :n], y[j, :n], m[j, :n], k[j, :n] = r[0], r[1], True, r[2]
        yield rows, torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(m), torch.from_numpy(k)


class Head:
    def fit(self, idx, P):
        self.P = P
        if TOP:
            from transformers import AutoModel
            from admiralty.encoder import packaged_model_dir
            base = AutoModel.from_pretrained(str(packaged_model_dir()), attn_implementation="eager").eval()
            seqs = [s for i in idx for s in subword_sequences(i)]
            torch.manual_seed(0)
            self.net = TopNet(base)
            opt = torch.optim.AdamW([{"params": self.net.layers.parameters(), "lr": LR},
                                     {"params": self.net.head.parameters(), "lr": 1e-3}], weight_decay=1e-2)
        else:
            X = np.vstack([ST[i][0][ST[i][1]] for i in idx])
            self.mu, self.sd = X.mean(0), X.std(0) + 1e-3
            del X
            seqs = [s for i in idx for s in sentence_sequences(i, P, self.mu, self.sd)]
            torch.manual_seed(0)
            self.net = ContextNet(seqs[0][0].shape[1])
            opt = torch.optim.AdamW(self.net.parameters(), lr=LR, weight_decay=1e-2)
        steps = (len(seqs) + 31) // 32 * EPOCHS
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)) if TOP else None
        rng, t = np.random.default_rng(0), time.time()
        for epoch in range(EPOCHS):
            self.net.train()
            total = 0.0
            for _, x, y, m, k in batches(seqs, 32, rng):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(self.net(x, m)[k], y[k])
                opt.zero_grad(); loss.backward(); opt.step()
                if sched: sched.step()
                total += float(loss.detach())
            log(f"   epoch {epoch} loss {total:.1f} ({time.time() - t:.0f}s)")
        self.net.eval()
        return self

    def logit(self, i):
        """Per spaCy token: the mean of its positions' logits (the tagger's logit where it has none)."""
        n = len(items[i].doc)
        acc, cnt = np.zeros(n), np.zeros(n)
        seqs = subword_sequences(i) if TOP else sentence_sequences(i, self.P, self.mu, self.sd)
        with torch.no_grad():
            for rows, x, y, m, k in batches(seqs, 64):
                z = self.net(x, m).numpy()
                for j, r in enumerate(rows):
                    np.add.at(acc, r[3], z[j, :len(r[3])]); np.add.at(cnt, r[3], 1)
        out = ex.logit(self.P[i]).astype(np.float64)
        out[cnt > 0] = acc[cnt > 0] / cnt[cnt > 0]
        return out


def head_logits(f):
    """Out-of-fold logits of outer fold f: test articles from a head fitted on its training folds,
    training articles from heads fitted on the other two thirds of them (cached)."""
    path = ex.WORK / f"head_{ARCH}_{FROM}{NL}_{f}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    P = ex._hash_taggers(f)
    train = [i for i in range(len(items)) if fold_of[i] != f]
    test = [i for i in range(len(items)) if fold_of[i] == f]
    h = Head().fit(train, P)
    out = {i: h.logit(i) for i in test}
    for k in range(3):
        hk = Head().fit([i for pos, i in enumerate(train) if pos % 3 != k], P)
        out.update({i: hk.logit(i) for pos, i in enumerate(train) if pos % 3 == k})
    path.write_bytes(pickle.dumps(out))
    return out


if MODE == "auc":
    P = ex._hash_taggers(0)
    train = [i for i in range(len(items)) if fold_of[i] != 0]
    test = [i for i in range(len(items)) if fold_of[i] == 0]
    h = Head().fit(train, P)
    z = np.concatenate([h.logit(i)[nosp[i]] for i in test])
    y = np.concatenate([items[i].y[nosp[i]] for i in test])
    zt = np.concatenate([ex.logit(P[i])[nosp[i]] for i in test])
    log(f"RESULT {ARCH}: tagger AUC {roc_auc_score(y, zt):.4f}, head AUC {roc_auc_score(y, z):.4f}, "
        f"head + tagger logits {roc_auc_score(y, z + zt):.4f}")
elif MODE == "si":
    ex.state_logits = head_logits
    ex.evaluate(f"head:{ARCH}", ex.SPECS["base"], [int(x) for x in FOLDS_ARG.split(",")])
