"""Train the attribution cue tagger on PolNeAR train (``models/attribution_tagger.npz``).

One command, seeded, on PolNeAR's 840 training texts only (the dev split is never read here):

    nice -n 10 .venv/bin/python training/train_attribution.py [--docs /tmp/polnear_train.spacy]

1. Parse every train text (spaCy, as the pipeline does; ``--docs`` keeps the parses in a DocBin
   so a second run skips the parse) and run the entity stage.
2. Run the attribution rules (tagger off). Every verb and noun outside what the kept rule
   attributions cover is an example; it is positive when it lies in a gold cue of the first
   annotator's file.
3. Fit a logistic regression (scikit-learn, liblinear, L2) over ``attribution_tagger.features``;
   features seen in fewer than ``--min-count`` examples are dropped.
4. Choose C and the probability threshold end to end: fit on 5/6 of train, run the whole stage
   (rules + tagger) on the held-out 1/6 and keep the pair with the best mean partial-overlap F1
   of source, cue and content (PolNeAR scorer of ``benchmarks/polnear_eval.py``).
5. Refit on all of train with that C and write the weights (feature names + float32 weights) and
   the figures (``training/attribution_figures.json``); the threshold goes in
   ``[attribution] tagger_threshold`` of ``default_config.toml`` by hand.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "admiralty" / "models" / "attribution_tagger.npz"
FIGURES = ROOT / "training" / "attribution_figures.json"
SEED = 17
C_GRID = (0.1, 0.3, 1.0)
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _eval_module() -> Any:
    spec = importlib.util.spec_from_file_location("polnear_eval", ROOT / "benchmarks" / "polnear_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["polnear_eval"] = module
    spec.loader.exec_module(module)
    return module


def parse(texts: Sequence[Any], res: Any, cache: Path | None) -> list[Any]:
    from spacy.tokens import DocBin

    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(res.nlp.vocab))
        if len(docs) == len(texts) and all(d.text == t.text for d, t in zip(docs, texts, strict=True)):
            return docs
    docs = list(res.nlp.pipe((t.text for t in texts), batch_size=16))
    if cache is not None:
        bin_ = DocBin(store_user_data=False)
        for d in docs:
            bin_.add(d)
        bin_.to_disk(cache)
    return docs


def examples(article: Any, doc: Any, gold: Sequence[Any], settings: Any) -> tuple[list[list[str]], list[int]]:
    """Feature lists and labels of the verbs and nouns the kept rule attributions leave free."""
    from admiralty.nlp import attribution as A
    from admiralty.nlp.attribution_quotes import find_quotes
    from admiralty.nlp.attribution_rules import candidates
    from admiralty.nlp.attribution_tagger import CANDIDATE_POS, features

    text = article.text
    quotes = find_quotes(text, settings.max_quote_chars)
    found = candidates(doc, text, quotes, settings.lexicon, settings.min_content_chars)
    if settings.stance_needs_clause:
        found = [c for c in found if c.speech or c.rule in A.STANCE_RULES]
    covered: set[int] = set()
    for c in A._univocal(found):
        for s, e in [c.cue, *c.content, *([c.source] if c.source else [])]:
            covered.update(range(s, e))
    cue_chars = {i for g in gold for s, e in g.cue for i in range(s, e)}
    ctx = A.tagger_context(article, quotes, settings.lexicon)
    xs, ys = [], []
    for tok in doc:
        if tok.pos_ not in CANDIDATE_POS or tok.idx in covered:
            continue
        xs.append(features(tok, ctx))
        ys.append(int(tok.idx in cue_chars))
    return xs, ys


def fit(xs: Sequence[list[str]], ys: Sequence[int], c: float, min_count: int) -> tuple[list[str], np.ndarray, float]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for x in xs for f in set(x))
    names = sorted(f for f, n in counts.items() if n >= min_count and f != "bias")
    column = {f: i for i, f in enumerate(names)}
    indptr, indices = [0], []
    for x in xs:
        indices.extend(sorted({column[f] for f in x if f in column}))
        indptr.append(len(indices))
    matrix = csr_matrix((np.ones(len(indices), dtype=np.float64), np.array(indices, dtype=np.int32),
                         np.array(indptr, dtype=np.int32)), shape=(len(xs), len(names)))
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=500, random_state=SEED)
    clf.fit(matrix, list(ys))
    coef = clf.coef_[0]
    nz = [i for i, w in enumerate(coef) if abs(w) > 1e-4]
    return [names[i] for i in nz], coef[nz].astype(np.float32), float(clf.intercept_[0])


def tagger_of(names: Sequence[str], coef: np.ndarray, bias: float) -> Any:
    from admiralty.nlp.attribution_tagger import Tagger

    return Tagger(dict(zip(names, coef.astype(float).tolist(), strict=True)), bias)


def end_to_end(pe: Any, items: Sequence[Any], settings: Any, tagger: Any) -> dict[str, dict[str, float]]:
    from admiralty.nlp.attribution import attribute

    triples = []
    for text, article, doc, gold in items:
        out = attribute(article, doc, settings, tagger)
        triples.append((text.text, gold, [pe.to_relation(a, text.text) for a in out.attributions]))
    return pe.score(triples)  # type: ignore[no-any-return]


def mean_f1(block: dict[str, dict[str, float]]) -> float:
    return sum(block[r]["partial_f1"] for r in ("source", "cue", "content")) / 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=None, help="DocBin cache of the train parses")
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args(argv)
    from dataclasses import replace as dc_replace

    from admiralty.model import Article
    from admiralty.nlp.attribution import _settings
    from admiralty.nlp.entities import find_entities
    from admiralty.pipeline import replace
    from admiralty.resources import Resources

    pe = _eval_module()
    started = time.perf_counter()
    texts = [t for t in pe.load_split("train") if t.annotations]
    res = Resources()
    docs = parse(texts, res, args.docs)
    settings = _settings(res)
    items = []
    for t, doc in zip(texts, docs, strict=True):
        article = find_entities(replace(Article.new(locator=t.name, text=t.text), language="en"), doc, res)
        items.append((t, article, doc, pe.read_ann(t.annotations[0], t.text)))
    per_text = [examples(a, d, g, settings) for _, a, d, g in items]
    print(f"parsed and featurised {len(items)} train texts in {time.perf_counter() - started:.0f} s", flush=True)

    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    held = set(order[: len(order) // 6])
    fit_x = [x for i in order if i not in held for x in per_text[i][0]]
    fit_y = [y for i in order if i not in held for y in per_text[i][1]]
    held_items = [items[i] for i in sorted(held)]
    rules = end_to_end(pe, held_items, settings, None)
    print(f"held-out 1/6 of train, rules only: mean F1 {mean_f1(rules):.4f}", flush=True)
    best = (mean_f1(rules), None, None)
    grid = []
    for c in C_GRID:
        tagger = tagger_of(*fit(fit_x, fit_y, c, args.min_count))
        for th in THRESHOLDS:
            block = end_to_end(pe, held_items, dc_replace(settings, tagger_threshold=th), tagger)
            f = mean_f1(block)
            grid.append({"C": c, "threshold": th, "mean_f1": round(f, 4),
                         **{r: block[r]["partial_f1"] for r in ("source", "cue", "content")}})
            print(f"  C={c} threshold={th}: mean F1 {f:.4f} "
                  + " ".join(f"{r} {block[r]['partial_f1']:.3f}" for r in ("source", "cue", "content")), flush=True)
            if f > best[0]:
                best = (f, c, th)
    if best[1] is None:
        print("the tagger never beats the rules on held-out train: nothing written")
        return 1
    names, coef, bias = fit([x for xs, _ in per_text for x in xs], [y for _, ys in per_text for y in ys],
                            best[1], args.min_count)
    np.savez_compressed(OUT, names=np.frombuffer(json.dumps(names).encode("utf-8"), dtype=np.uint8),
                        coef=coef, bias=np.array([bias], dtype=np.float32))
    FIGURES.write_text(json.dumps({
        "train_texts": len(items), "held_out_texts": len(held_items), "seed": SEED,
        "examples": sum(len(ys) for _, ys in per_text), "positives": sum(sum(ys) for _, ys in per_text),
        "held_out_rules": {r: rules[r]["partial_f1"] for r in ("source", "cue", "content")},
        "chosen": {"C": best[1], "threshold": best[2], "mean_f1": round(best[0], 4)},
        "grid": grid, "features": len(names),
    }, indent=1) + "\n")
    print(f"chosen C={best[1]} threshold={best[2]} (held-out mean F1 {best[0]:.4f}); {len(names)} features "
          f"-> {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
