"""Cross-validate the persuasion-technique stage on PTC (SemEval-2020 Task 11, labelled articles).

    .venv/bin/python benchmarks/ptc_eval.py                    # 5-fold CV, all 295 articles
    .venv/bin/python benchmarks/ptc_eval.py --folds 5 --only-fold 0 --json

Scores, as SemEval-2020 Task 11 did (partial overlap, Da San Martino et al. 2019/2020):

* **SI F1** (span identification): labels ignored, overlapping spans of one article merged (gold
  and predicted alike); precision = sum over predicted spans s and gold spans t of |s & t| / |s|,
  divided by the number of predicted spans; recall likewise with |t| and the number of gold spans.
* **Fragment F1** (span and label): the same, counting only pairs with the same technique
  (overlapping spans merged per technique); micro-averaged over the techniques, and per technique.

Folds group near-duplicate articles (PTC holds near-copies of one story): MinHash over word
5-shingles with an exact containment re-check (``admiralty.corpus.fingerprint``), connected
components kept in one fold; groups are dealt to the smallest fold, largest group first.
Each fold model is trained on the other folds only (``training/train_techniques.fit``); the
lexicon-only baseline needs no training and is scored on the same folds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "training"))

import train_techniques as tr  # noqa: E402
from admiralty.config import Config  # noqa: E402
from admiralty.corpus.fingerprint import near_duplicate_groups  # noqa: E402
from admiralty.model import TECHNIQUES  # noqa: E402
from admiralty.nlp import techniques as tq  # noqa: E402
from admiralty.resources import Resources  # noqa: E402

Span = tuple[int, int]
DUP_THRESHOLD = 0.5  # shingle containment at which two PTC articles are the same story


# ---------------------------------------------------------------------------------------------
# Scoring


merge = tr.merge  # overlapping spans merged into one (as the SemEval SI scorer does)


@dataclasses.dataclass
class Tally:
    """Sums of the SemEval partial-overlap measure."""

    p_num: float = 0.0
    p_den: int = 0
    r_num: float = 0.0
    r_den: int = 0

    def add(self, pred: Sequence[Span], gold: Sequence[Span]) -> None:
        pred, gold = merge(pred), merge(gold)
        self.p_den += len(pred)
        self.r_den += len(gold)
        for s in pred:
            for t in gold:
                inter = min(s[1], t[1]) - max(s[0], t[0])
                if inter > 0:
                    self.p_num += inter / (s[1] - s[0])
                    self.r_num += inter / (t[1] - t[0])

    def __iadd__(self, other: Tally) -> Tally:
        self.p_num += other.p_num
        self.p_den += other.p_den
        self.r_num += other.r_num
        self.r_den += other.r_den
        return self

    @property
    def p(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def r(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclasses.dataclass
class Scores:
    si: Tally = dataclasses.field(default_factory=Tally)
    per: dict[str, Tally] = dataclasses.field(default_factory=lambda: {t: Tally() for t in TECHNIQUES})

    def add(self, pred: Sequence[tuple[int, int, str]], gold: Sequence[tuple[int, int, str]]) -> None:
        self.si.add([(s, e) for s, e, _ in pred], [(s, e) for s, e, _ in gold])
        for tech in TECHNIQUES:
            self.per[tech].add(
                [(s, e) for s, e, t in pred if t == tech], [(s, e) for s, e, t in gold if t == tech]
            )

    @property
    def fragment(self) -> Tally:
        total = Tally()
        for t in self.per.values():
            total += t
        return total

    def __iadd__(self, other: Scores) -> Scores:
        self.si += other.si
        for k in self.per:
            self.per[k] += other.per[k]
        return self

    def summary(self) -> dict[str, object]:
        frag = self.fragment
        return {
            "si": {"p": round(self.si.p, 4), "r": round(self.si.r, 4), "f1": round(self.si.f1, 4)},
            "fragment": {"p": round(frag.p, 4), "r": round(frag.r, 4), "f1": round(frag.f1, 4)},
            "per_technique": {
                k: {"p": round(v.p, 4), "r": round(v.r, 4), "f1": round(v.f1, 4), "support": v.r_den}
                for k, v in self.per.items()
            },
        }


# ---------------------------------------------------------------------------------------------
# Folds


def grouped_folds(texts: Sequence[str], k: int) -> tuple[list[int], list[list[int]]]:
    """A fold number per text, near-duplicates together; and the near-duplicate groups."""
    groups = near_duplicate_groups(texts, DUP_THRESHOLD, measure="containment", singletons=True)
    fold_of = [0] * len(texts)
    sizes = [0] * k
    for g in sorted(groups, key=lambda g: (-len(g), g[0])):
        f = min(range(k), key=lambda j: (sizes[j], j))
        sizes[f] += len(g)
        for i in g:
            fold_of[i] = f
    return fold_of, [g for g in groups if len(g) > 1]


# ---------------------------------------------------------------------------------------------


def predict(
    items: Sequence[tr.Prepared], res: Resources, settings: tq.Settings, model: object, with_states: bool = True
) -> list[list[tuple[int, int, str]]]:
    out = []
    for p in items:
        states = tr.state_arg(p) if with_states else None
        found = tq.detect(p.doc, res, settings, model, tr.claim_arg(p), states)  # type: ignore[arg-type]
        out.append([(f.start, f.end, f.technique) for f in found])
    return out


def gold(item: tr.Prepared) -> list[tuple[int, int, str]]:
    return [(s, e, t) for s, e, t in item.article.spans]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only-fold", type=int, default=None, help="evaluate one fold only (quick)")
    ap.add_argument("--limit", type=int, default=None, help="first N articles only (quick)")
    ap.add_argument("--seed", type=int, default=tr.DEFAULT_SEED)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of parsed docs (re-runs)")
    ap.add_argument(
        "--claims-cache", type=Path, default=None,
        help="pickle of the pipeline's claim spans and vectors (re-runs; ~10 min to build)",
    )
    ap.add_argument(
        "--thresholds", type=str, default=None,
        help="sweep: comma list of span_threshold:sentence_threshold pairs (e.g. 0.3:0.5,0.4:0.4)",
    )
    ap.add_argument("--states-cache", type=Path, default=None, help="pickle of the claims' token states (re-runs)")
    ap.add_argument("--no-states", action="store_true", help="score without token states (the techniques/4 method)")
    ap.add_argument(
        "--no-fallback", action="store_true",
        help="skip the fold models' stateless heads (they are the techniques/4 method: --no-states scores it)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    res = Resources(Config.default())
    articles = tr.load_ptc()
    if args.limit:
        articles = articles[: args.limit]
    t0 = time.perf_counter()
    claims = tr.claim_vectors(res, articles, args.claims_cache, log=True)
    docs = tr.parse_all(res, [a.text for a in articles], args.cache)
    states = None if args.no_states else tr.token_states(res, articles, claims, args.states_cache, log=True)
    items = tr.prepare(articles, docs, res, claims, states)
    print(f"{len(items)} articles parsed and featurised in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    fold_of, dup_groups = grouped_folds([a.text for a in articles], args.folds)

    base = tq.Settings.from_config(res.config)
    all_on = dataclasses.replace(base, disabled=frozenset())
    lexicon = dataclasses.replace(all_on, mode="lexicon")
    default_pair = (base.span_threshold, base.sentence_threshold)
    thresholds = (
        [tuple(float(v) for v in x.split(":")) for x in args.thresholds.split(",")]
        if args.thresholds
        else [default_pair]
    )

    folds = [args.only_fold] if args.only_fold is not None else list(range(args.folds))
    lex_scores = Scores()
    comb = {th: Scores() for th in thresholds}
    nested = Scores()
    default_scores = Scores()
    no_states = Scores()  # the same fold models without token states (their fallback heads)
    tuned_by_fold: list[list[float]] = []
    fold_si: list[float] = []
    timing = {"fit_s": 0.0, "detect_s": 0.0, "articles": 0}
    for f in folds:
        train = [p for p, k in zip(items, fold_of, strict=True) if k != f]
        test = [p for p, k in zip(items, fold_of, strict=True) if k == f]
        t1 = time.perf_counter()
        model = tr.fit(train, args.seed, fallback=not args.no_fallback)
        timing["fit_s"] += time.perf_counter() - t1
        fold_scores = Scores()
        for p, pred in zip(test, predict(test, res, lexicon, None), strict=True):
            lex_scores.add(pred, gold(p))
        # thresholds chosen inside the training folds (the fold model's own inner out-of-fold
        # outputs): the honest headline
        assert model.tuned is not None
        span_th, sent_th, gap, min_tokens = model.tuned
        tuned_by_fold.append(list(model.tuned))
        stateless = model.fallback.tuned if model.fallback is not None and model.fallback.tuned else base.stateless
        honest = dataclasses.replace(
            all_on, span_threshold=span_th, sentence_threshold=sent_th, max_gap=gap, min_span_tokens=min_tokens,
            stateless=stateless,
        )
        t2 = time.perf_counter()
        preds = predict(test, res, honest, model)
        timing["detect_s"] += time.perf_counter() - t2
        timing["articles"] += len(test)
        for p, pred in zip(test, preds, strict=True):
            nested.add(pred, gold(p))
            fold_scores.add(pred, gold(p))
        for th in thresholds:
            st = dataclasses.replace(all_on, span_threshold=th[0], sentence_threshold=th[1])
            for p, pred in zip(test, predict(test, res, st, model), strict=True):
                comb[th].add(pred, gold(p))
        if model.fallback is not None:
            for p, pred in zip(test, predict(test, res, honest, model, with_states=False), strict=True):
                no_states.add(pred, gold(p))
        default_honest = dataclasses.replace(honest, disabled=base.disabled)
        for p, pred in zip(test, predict(test, res, default_honest, model), strict=True):
            default_scores.add(pred, gold(p))
        fold_si.append(round(fold_scores.si.f1, 4))
        print(
            f"fold {f}: {len(train)} train / {len(test)} test articles, "
            f"SI F1 {fold_scores.si.f1:.4f}, fragment F1 {fold_scores.fragment.f1:.4f}",
            file=sys.stderr,
        )

    headline = nested
    result = {
        "articles": len(items),
        "near_duplicate_groups": len(dup_groups),
        "articles_in_groups": sum(len(g) for g in dup_groups),
        "folds": folds,
        "fold_si_f1": fold_si,
        "lexicon_only": lex_scores.summary(),
        "combined_all_classes": headline.summary(),
        "tuned_thresholds_by_fold": tuned_by_fold,
        "combined_config_thresholds": (comb[default_pair] if default_pair in comb else comb[thresholds[0]]).summary(),
        "combined_default_config": default_scores.summary(),
        "combined_without_token_states": no_states.summary(),
        "threshold_sweep": {
            f"{th[0]}:{th[1]}": {"si_f1": round(s.si.f1, 4), "fragment_f1": round(s.fragment.f1, 4)}
            for th, s in comb.items()
        },
        "ms_per_article_detect": round(1000 * timing["detect_s"] / max(1, timing["articles"]), 1),
        "fit_seconds_per_fold": round(timing["fit_s"] / max(1, len(folds)), 1),
        "below_0.10": sorted(t for t, v in headline.per.items() if v.f1 < 0.10),
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_table(result)
    return 0


def print_table(r: dict) -> None:  # type: ignore[type-arg]
    def row(name: str, d: dict) -> str:  # type: ignore[type-arg]
        return f"| {name} | {d['si']['p']:.3f} | {d['si']['r']:.3f} | {d['si']['f1']:.3f} | {d['fragment']['f1']:.3f} |"

    print(f"articles {r['articles']}, near-duplicate groups {r['near_duplicate_groups']} "
          f"({r['articles_in_groups']} articles), folds {r['folds']}, fold SI F1 {r['fold_si_f1']}")
    print("| system | SI P | SI R | SI F1 | fragment F1 |\n|---|---|---|---|---|")
    print(row("lexicon only", r["lexicon_only"]))
    print(row("combined, all 14 classes (nested thresholds)", r["combined_all_classes"]))
    print(row("combined, all 14 classes (config thresholds)", r["combined_config_thresholds"]))
    print(row("combined, default config", r["combined_default_config"]))
    print(row("combined, all 14 classes, without token states", r["combined_without_token_states"]))
    print("\n| technique | support | lexicon F1 | combined P | combined R | combined F1 |\n|---|---|---|---|---|---|")
    lex = r["lexicon_only"]["per_technique"]
    for k, v in r["combined_all_classes"]["per_technique"].items():
        print(f"| {k} | {v['support']} | {lex[k]['f1']:.3f} | {v['p']:.3f} | {v['r']:.3f} | {v['f1']:.3f} |")
    print(f"\nthresholds chosen per fold (span, sentence, gap, min tokens): {r['tuned_thresholds_by_fold']}")
    print(f"threshold sweep: {r['threshold_sweep']}")
    print(f"detect: {r['ms_per_article_detect']} ms/article; fit: {r['fit_seconds_per_fold']} s/fold")
    print(f"classes under 0.10 fragment F1: {r['below_0.10']}")



if __name__ == "__main__":
    raise SystemExit(main())
