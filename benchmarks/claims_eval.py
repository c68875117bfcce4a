"""Claim spans and claim features against a hand-labelled gold set. One command, from the repo root:

    nice -n 10 .venv/bin/python benchmarks/claims_eval.py [--split dev|heldout|all] [--errors]

Gold: ``benchmarks/labels/claims_gold.jsonl`` (guidelines: ``benchmarks/labels/claims_guidelines.md``),
sentences of real news (fakenewsnet_v1 article texts, PTC dev/test articles) with their claim spans
(character offsets within the sentence), type, certainty, polarity (with cues), whether the claim
is attributed, and the quantities (value, unit, bound, counts). ``--draw N`` prints the seeded
sample the gold was labelled from (the draw is reproducible; it needs no pipeline).

How the pipeline is scored: each sentence's whole article is analysed (language, parse,
entities, attribution, claims: the production stages up to claims), so spaCy parses it as in a
real run; the claims of the sentence are those with most of their characters inside it.

- **Spans**: precision / recall / F1, exact (after stripping punctuation, quotes and spaces at both
  ends) and partial (word overlap >= 0.5 of the longer of the two spans), with one-to-one matching
  (pairs taken best overlap first).
- **Features** on the partially matched pairs: accuracy and macro-F1 of type, certainty,
  polarity, attributed (claim linked to an attribution or not); cue recall (the gold cue word
  among the claim's cues when hedged / negated are both right).
- **Quantities**: precision / recall / F1 on (value, unit, bound) one-to-one per sentence;
  accuracy of ``counts`` on the matched ones.
- **Times** (rows labelled with them: the held-out split): precision / recall / F1 of the time
  expressions of the sentence's claims (partial and exact as for claim spans), and the accuracy of
  the resolved ``value`` on the partial matches (null = null is right), overall and by kind.

``--draw N --split heldout`` prints the held-out draw instead (its own seed, no article of the dev
draw, every third item among sentences with a figure, a date or a relative time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")
GOLD = ROOT / "benchmarks" / "labels" / "claims_gold.jsonl"
CHECKWORTHINESS_LABELS = ROOT / "benchmarks" / "labels" / "checkworthiness_news.jsonl"
SEED = 20250401  # the development draw
HELDOUT_SEED = 20250611  # the held-out draw (its own shuffle of the articles)
DEV_DRAWN = 160  # items of the dev draw whose articles the held-out draw leaves out (0-119 dev, 120-159 reserved)
PARTIAL = 0.5  # word overlap of the longer span for a partial match

EDGE = " \t\n\r.,;:!?\"'`\u2018\u2019\u201c\u201d()[]*-\u2013\u2014|"
WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------------------------
# Articles and the sample


def article_text(data: Path, path: str) -> tuple[str, str | None]:
    """(text, published) of one dataset article, as ingest would read its body."""
    file = data / path
    if file.suffix == ".json":
        record = json.loads(file.read_text("utf-8"))
        published = record.get("publish_date")
        if isinstance(published, dict) and isinstance(published.get("$date"), int | float):
            stamp = dt.datetime.fromtimestamp(published["$date"] / 1000, tz=dt.UTC)
            return record["text"], stamp.isoformat()
        return record["text"], (published if isinstance(published, str) and published != "None" else None)
    return file.read_text("utf-8"), None


def pool(data: Path) -> list[str]:
    """The article paths the sample is drawn from, sorted."""
    paths = sorted(str(p.relative_to(data)) for p in (data / "fakenewsnet_v1").rglob("*-Webpage.json"))
    for sub in ("dev-articles", "test-articles"):
        paths += sorted(str(p.relative_to(data)) for p in (data / "ptc_semeval2020_task11" / sub).glob("*.txt"))
    return paths


ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "gov", "sen", "rep", "st", "jr", "sr", "gen", "lt", "col", "capt", "sgt",
    "no", "vs", "etc", "inc", "co", "corp", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct",
    "nov", "dec", "prof", "rev", "ft", "mt", "atty", "supt", "cmdr", "adm", "maj", "pres", "reps",
    "sens", "govs",
})
_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019']?\s+(?=[\"\u201c\u2018]?[A-Z0-9])")


def plain_sentences(text: str) -> Iterable[tuple[int, int]]:
    """Sentences by a plain rule independent of spaCy: lines, then . ! ? (with closing quotes)
    before a capital, not after an initial or a common abbreviation."""
    pos = 0
    for line in text.split("\n"):
        lo = pos
        pos += len(line) + 1
        k = 0
        for m in _END.finditer(line):
            words = line[: m.start()].split()
            before = words[-1] if words else ""
            stem = before.rstrip(".").lstrip("(\"\u201c")
            if before.endswith(".") and (len(stem) <= 1 or "." in stem or stem.lower() in ABBREVIATIONS):
                continue
            end = m.start()
            while end < len(line) and line[end] in "\"\u201d\u2019'":
                end += 1
            yield lo + k, lo + end
            k = m.end()
        yield lo + k, lo + len(line)


def _checkworthiness_spans() -> dict[str, list[tuple[int, int]]]:
    excluded: dict[str, list[tuple[int, int]]] = {}
    for line in CHECKWORTHINESS_LABELS.read_text("utf-8").splitlines():
        if line.strip():
            ref = json.loads(line)
            excluded.setdefault(ref["path"], []).append((ref["start"], ref["end"]))
    return excluded


def _candidates(text: str, excluded: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of 5-70 words of one article (spaces trimmed), none overlapping ``excluded``."""
    cands = []
    for s, e in plain_sentences(text):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if not 5 <= len(text[s:e].split()) <= 70:
            continue
        if any(s < b and a < e for a, b in excluded):
            continue
        cands.append((s, e))
    return cands


def _shuffled_articles(
    data: Path, rng: random.Random, skip: frozenset[str] | set[str] = frozenset()
) -> Iterator[tuple[str, str, list[tuple[int, int]]]]:
    """(path, text, candidate sentences) of the pool's articles in ``rng``'s shuffled order,
    without the ``skip`` paths; candidates never overlap a check-worthiness label."""
    excluded = _checkworthiness_spans()
    paths = pool(data)
    order = list(range(len(paths)))
    rng.shuffle(order)
    for k in order:
        path = paths[k]
        if path in skip:
            continue
        text, _ = article_text(data, path)
        yield path, text, _candidates(text, excluded.get(path, []))


def draw(data: Path, n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """The seeded sample: articles shuffled, one sentence of 5-70 words drawn from each, never
    one overlapping a check-worthiness label."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for path, text, cands in _shuffled_articles(data, rng):
        if not cands:
            continue
        s, e = rng.choice(cands)
        out.append({"dataset": path.split("/")[0], "path": path, "start": s, "end": e, "text": text[s:e]})
        if len(out) >= n:
            break
    return out


# Sentences that hold a figure, a date or a relative time (plain patterns, independent of spaCy
# and of the claims stage): the held-out draw takes a third of its sentences among them. Month
# and weekday names count only capitalised ("march" the verb, "may" the modal do not).
FIGURE_WORDS = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent)\b"
    r"|\b(?:yesterday|today|tonight|tomorrow|ago|(?:last|this|next|past|coming) (?:week|month|year|weekend|night))\b",
    re.IGNORECASE,
)
CALENDAR_NAMES = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def has_figure(sentence: str) -> bool:
    """Whether a sentence holds a figure, a date or a relative time."""
    return bool(FIGURE_WORDS.search(sentence) or CALENDAR_NAMES.search(sentence))


def draw_heldout(data: Path, n: int, seed: int = HELDOUT_SEED, stratified: int = 3) -> list[dict[str, Any]]:
    """The held-out sample, disjoint from the development draw at the article level (no article
    of the first ``DEV_DRAWN`` items of the dev draw, which include its reserved tail) and from
    the check-worthiness sentences. Articles are shuffled with their own seed and one sentence of
    5-70 words is drawn from each, as for dev, except that every ``stratified``-th item (items 2,
    5, 8, ...) is drawn among the article's sentences that hold a figure, a date or a relative
    time (``has_figure``); an article with none is passed over for that item."""
    taken = {row["path"] for row in draw(data, DEV_DRAWN)}
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for path, text, cands in _shuffled_articles(data, rng, skip=taken):
        stratum = "figures" if len(out) % stratified == stratified - 1 else "random"
        if stratum == "figures":
            cands = [(s, e) for s, e in cands if has_figure(text[s:e])]
        if not cands:
            continue
        s, e = rng.choice(cands)
        out.append({"dataset": path.split("/")[0], "path": path, "start": s, "end": e, "text": text[s:e],
                    "stratum": stratum})
        if len(out) >= n:
            break
    return out


def load_gold(split: str = "dev", path: Path = GOLD) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


# ---------------------------------------------------------------------------------------------
# Running the pipeline


def predict(rows: Sequence[dict[str, Any]], data: Path, res: Any = None) -> list[dict[str, Any]]:
    """The claims the pipeline finds in each gold sentence, in sentence coordinates."""
    from admiralty.config import Config
    from admiralty.model import Article
    from admiralty.pipeline import ARTICLE_STAGES, Pipeline
    from admiralty.resources import Resources

    res = res or Resources(Config.default())
    stages = ARTICLE_STAGES[: ARTICLE_STAGES.index("admiralty.nlp.claims:find_claims") + 1]
    pipe = Pipeline(res, stages, fail_fast=True)
    paths = sorted({r["path"] for r in rows})
    articles = []
    for path in paths:
        text, published = article_text(data, path)
        articles.append(Article.new(locator=path, text=text, published=published))
    done = {a.input: a for a in pipe.run(articles)}
    out = []
    for r in rows:
        article = done[r["path"]]
        text = article.text
        assert text[r["start"] : r["end"]] == r["text"], f"{r['id']}: the sentence moved in {r['path']}"
        s0, e0 = r["start"], r["end"]
        claims, quantities, times = [], [], {}
        for c in getattr(article, "claims", ()):
            inside = max(0, min(e0, c.end) - max(s0, c.start))
            if inside * 2 <= c.end - c.start:
                continue
            cues = [(q.kind, q.text.lower()) for q in c.cues]
            claims.append({
                "start": c.start - s0, "end": c.end - s0, "text": c.text, "type": c.type,
                "certainty": c.certainty, "polarity": c.polarity, "attributed": c.attribution is not None,
                "cues": cues,
            })
            for q in c.quantities:
                if s0 <= q.start and q.end <= e0:
                    quantities.append({"text": q.text, "value": q.value, "unit": q.unit, "bound": q.bound,
                                       "counts": q.counts})
            for t in c.times:  # a time in a frame belongs to every claim the frame introduces: once
                if s0 <= t.start and t.end <= e0:
                    times[(t.start, t.end)] = {"start": t.start - s0, "end": t.end - s0, "text": t.text,
                                               "value": t.value}
        out.append({"claims": claims, "quantities": quantities, "times": [times[k] for k in sorted(times)]})
    return out


# ---------------------------------------------------------------------------------------------
# Scoring


def _core(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without punctuation, quotes and spaces at both ends."""
    seg = text[start:end] if 0 <= start <= end <= len(text) else ""
    if not seg:
        return start, end
    lead = len(seg) - len(seg.lstrip(EDGE))
    trail = len(seg) - len(seg.rstrip(EDGE))
    return start + lead, max(start + lead, end - trail)


def _words(text: str, start: int, end: int) -> set[int]:
    """Word tokens of ``[start, end)`` as their start offsets (within ``text``)."""
    lo, hi = max(start, 0), min(end, len(text))
    inner = {m.start() for m in WORD.finditer(text) if lo <= m.start() < hi}
    extra = max(0, start * -1) + max(0, end - len(text))  # a claim running past the sentence
    return inner | {-(k + 1) for k in range(extra // 6)}  # ~6 characters a word outside


def _ratio(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    wa, wb = _words(text, *a), _words(text, *b)
    if not wa or not wb:
        return 0.0
    both = {w for w in wa & wb if w >= 0}
    return len(both) / max(len(wa), len(wb))


def match(text: str, gold: Sequence[dict], pred: Sequence[dict]) -> tuple[list[tuple[int, int]], int]:
    """One-to-one partial matches (gold index, pred index), best overlap first, and the number
    of exact matches among them."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            r = _ratio(text, (g["start"], g["end"]), (p["start"], p["end"]))
            if r >= PARTIAL:
                cands.append((-r, i, j))
    cands.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    exact_g, exact_p, exact = set(), set(), 0
    for i, g in enumerate(gold):  # exact matching on its own (one-to-one too)
        gc = _core(text, g["start"], g["end"])
        for j, p in enumerate(pred):
            if j not in exact_p and _core(text, p["start"], p["end"]) == gc:
                exact_g.add(i)
                exact_p.add(j)
                exact += 1
                break
    return sorted(pairs), exact


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def macro_f1(pairs: Sequence[tuple[Any, Any]]) -> float:
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs}, key=str)
    scores = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _same_quantity(g: dict, p: dict) -> bool:
    gv, pv = float(g["value"]), float(p["value"])
    return abs(gv - pv) <= 1e-6 * max(1.0, abs(gv)) and g["unit"] == p["unit"] and g["bound"] == p["bound"]


def score_times(
    rows: Sequence[dict[str, Any]], preds: Sequence[dict[str, Any]], errors: list[str] | None = None
) -> dict[str, Any] | None:
    """Time expressions of the rows labelled with them (the held-out split): P / R / F1 of the
    expressions (partial and exact, one-to-one as for claims) and the accuracy of the value on
    the partial matches, overall and by gold kind (date / relative). None when no row has times."""
    timed = [(r, p) for r, p in zip(rows, preds, strict=True) if "times" in r]
    if not timed:
        return None
    n_gold = n_pred = exact = partial = 0
    values: dict[str, list[bool]] = {"all": [], "date": [], "relative": []}
    for row, pred in timed:
        text, gold, got = row["text"], row["times"], pred["times"]
        pairs, n_exact = match(text, gold, got)
        n_gold += len(gold)
        n_pred += len(got)
        exact += n_exact
        partial += len(pairs)
        for i, j in pairs:
            ok = gold[i]["value"] == got[j]["value"]
            values["all"].append(ok)
            values[gold[i]["kind"]].append(ok)
            if errors is not None and not ok:
                errors.append(f"{row['id']} TVALUE {gold[i]['text']!r} {gold[i]['value']} -> "
                              f"{got[j]['text']!r} {got[j]['value']} (published {row.get('published')})")
        if errors is not None:
            for i, g in enumerate(gold):
                if i not in {a for a, _ in pairs}:
                    errors.append(f"{row['id']} TMISS {g['text']!r} {g['kind']} {g['value']}")
            for j, p in enumerate(got):
                if j not in {b for _, b in pairs}:
                    errors.append(f"{row['id']} TEXTRA {p['text']!r} {p['value']}")
    return {
        "sentences": len(timed), "gold": n_gold, "predicted": n_pred,
        "exact": prf(exact, n_pred, n_gold), "partial": prf(partial, n_pred, n_gold),
        "value_accuracy": {k: (sum(v) / len(v) if v else 0.0) for k, v in values.items()},
        "value_n": {k: len(v) for k, v in values.items()},
    }


def score(
    rows: Sequence[dict[str, Any]], preds: Sequence[dict[str, Any]], errors: list[str] | None = None
) -> dict[str, Any]:
    n_gold = n_pred = exact = partial = 0
    feats: dict[str, list[tuple[Any, Any]]] = {k: [] for k in ("type", "certainty", "polarity", "attributed")}
    cue_hits = cue_total = 0
    q_gold = q_pred = q_tp = counts_ok = 0
    for row, pred in zip(rows, preds, strict=True):
        text, gold, got = row["text"], row["claims"], pred["claims"]
        pairs, n_exact = match(text, gold, got)
        n_gold += len(gold)
        n_pred += len(got)
        exact += n_exact
        partial += len(pairs)
        for i, j in pairs:
            g, p = gold[i], got[j]
            for k in feats:
                feats[k].append((g[k], p[k]))
            for field, cue_field in (("certainty", "certainty_cue"), ("polarity", "polarity_cue")):
                if g[cue_field] and g[field] == p[field]:
                    cue_total += 1
                    cue = g[cue_field].lower().replace("\u2019", "'")
                    cue_hits += any(cue in t.replace("\u2019", "'") for _, t in p["cues"])
            if errors is not None:
                diffs = [f"{k} {g[k]}->{p[k]}" for k in feats if g[k] != p[k]]
                if diffs:
                    errors.append(f"{row['id']} FEAT {'; '.join(diffs)} :: {p['text']!r} {p['cues']}")
        if errors is not None:
            matched_g = {i for i, _ in pairs}
            matched_p = {j for _, j in pairs}
            for i, g in enumerate(gold):
                if i not in matched_g:
                    errors.append(f"{row['id']} MISS {g['text']!r}")
            for j, p in enumerate(got):
                if j not in matched_p:
                    errors.append(f"{row['id']} EXTRA {p['text']!r}")
                elif _core(p['text'], 0, len(p['text'])) and all(
                    _core(text, g["start"], g["end"]) != _core(text, p["start"], p["end"]) for g in gold
                ):
                    errors.append(f"{row['id']} BOUND {p['text']!r}")
        gq, pq = row["quantities"], pred["quantities"]
        q_gold += len(gq)
        q_pred += len(pq)
        used: set[int] = set()
        for g in gq:
            j = next((j for j, p in enumerate(pq) if j not in used and _same_quantity(g, p)), None)
            if j is None:
                if errors is not None:
                    errors.append(f"{row['id']} QMISS {g['text']!r} {g['value']} {g['unit']} {g['bound']}")
                continue
            used.add(j)
            q_tp += 1
            counts_ok += (g["counts"] or "").lower() == (pq[j]["counts"] or "").lower()
        if errors is not None:
            for j, p in enumerate(pq):
                if j not in used:
                    errors.append(f"{row['id']} QEXTRA {p['text']!r} {p['value']} {p['unit']} {p['bound']}")
    out: dict[str, Any] = {
        "sentences": len(rows), "gold_claims": n_gold, "predicted_claims": n_pred,
        "exact": prf(exact, n_pred, n_gold), "partial": prf(partial, n_pred, n_gold),
        "matched": partial,
    }
    for k, pairs in feats.items():
        out[k] = {"accuracy": sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
                  "macro_f1": macro_f1(pairs),
                  "gold": dict(sorted(Counter(str(g) for g, _ in pairs).items()))}
    out["cue_recall"] = cue_hits / cue_total if cue_total else 0.0
    out["cue_n"] = cue_total
    out["quantities"] = {**prf(q_tp, q_pred, q_gold), "gold": q_gold, "predicted": q_pred,
                         "counts_accuracy": counts_ok / q_tp if q_tp else 0.0}
    out["times"] = score_times(rows, preds, errors)
    return out


def evaluate(split: str = "dev", data: Path = DATA, res: Any = None, limit: int | None = None,
             errors: list[str] | None = None, stratum: str | None = None) -> dict[str, Any]:
    """Score the gold rows of ``split`` (only those of ``stratum`` when given, the first ``limit``)."""
    rows = [r for r in load_gold(split) if stratum is None or r.get("stratum") == stratum][:limit]
    return score(rows, predict(rows, data, res), errors)


def report(result: dict[str, Any]) -> str:
    lines = [f"sentences {result['sentences']}  gold claims {result['gold_claims']}  "
             f"predicted {result['predicted_claims']}  matched {result['matched']}"]
    for k in ("exact", "partial"):
        m = result[k]
        lines.append(f"spans {k:8s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    for k in ("type", "certainty", "polarity", "attributed"):
        m = result[k]
        lines.append(f"{k:10s} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  gold {m['gold']}")
    lines.append(f"cue recall {result['cue_recall']:.3f} (n={result['cue_n']})")
    q = result["quantities"]
    lines.append(f"quantities P {q['precision']:.3f}  R {q['recall']:.3f}  F1 {q['f1']:.3f}  "
                 f"(gold {q['gold']}, predicted {q['predicted']}), counts accuracy {q['counts_accuracy']:.3f}")
    t = result.get("times")
    if t:
        for k in ("exact", "partial"):
            m = t[k]
            lines.append(f"times {k:8s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
                         f"(gold {t['gold']}, predicted {t['predicted']})")
        v, n = t["value_accuracy"], t["value_n"]
        kinds = ("all", "date", "relative")
        lines.append("times value accuracy " + "  ".join(f"{k} {v[k]:.3f} (n={n[k]})" for k in kinds))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("dev", "heldout", "all"))
    ap.add_argument("--errors", action="store_true", help="list every span, feature and quantity error")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    ap.add_argument("--draw", type=int, help="print the seeded sample of N sentences (of --split dev or "
                    "heldout: each has its own seed) and stop")
    args = ap.parse_args(argv)
    if args.draw:
        sample = draw_heldout(DATA, args.draw) if args.split == "heldout" else draw(DATA, args.draw)
        for k, row in enumerate(sample):
            published = article_text(DATA, row["path"])[1]
            print(json.dumps({"n": k, **row, "published": published}, ensure_ascii=False))
        return
    errs: list[str] | None = [] if args.errors else None
    result = evaluate(args.split, errors=errs)
    from admiralty.nlp.claims import VERSION

    result["version"] = VERSION
    print(f"{VERSION}, split {args.split}")
    print(report(result))
    if errs:
        print("\n".join(errs))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
