"""Score admiralty's attributions against the PolNeAR gold (BRAT standoff), split ``dev`` by default.

What is scored: the source, cue and content spans of every attribution relation, each role on its
own, two ways:

- **exact**: a predicted span counts when a gold span of the same role has the same fragments
  (surrounding whitespace ignored); precision over predicted spans, recall over gold spans.
- **partial overlap** (as SemEval-2020 Task 11 scores spans): each predicted span is credited with
  the fraction of its characters covered by gold spans of the same role, each gold span with the
  fraction of its characters covered by predicted spans; micro-averaged over the split.

Where a text has several annotators' files, the first in sorted order is the gold; every other
annotator's file is scored against it with the same scorer, which gives the human ceiling.
"Speech-like" restricts gold and predictions to relations whose cue holds a speech verb
(``lexicons/attribution_speech_verbs.txt``) or "according to".

    .venv/bin/python benchmarks/polnear_eval.py                 # dev, all texts
    .venv/bin/python benchmarks/polnear_eval.py --split train --limit 120 --json
    .venv/bin/python benchmarks/polnear_eval.py --set attribution.tagger=false   # rules alone
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("source", "cue", "content")
Fragments = tuple[tuple[int, int], ...]


def data_dir() -> Path:
    return Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data") / "polnear"


@dataclass(frozen=True)
class Relation:
    """One attribution as span fragments per role (``()`` when the role is absent)."""

    source: Fragments = ()
    cue: Fragments = ()
    content: Fragments = ()

    def role(self, name: str) -> Fragments:
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass
class Text:
    name: str
    text: str
    annotations: list[Path] = field(default_factory=list)  # sorted: [0] is the gold


def load_split(split: str, root: Path | None = None) -> list[Text]:
    """The texts of a split with their annotation files, in sorted name order."""
    base = (root or data_dir()) / split
    texts = []
    anns = sorted((base / "attributions").glob("*.ann"))
    for path in sorted((base / "text").glob("*.txt")):
        mine = [a for a in anns if re.fullmatch(re.escape(path.stem) + r"_[0-9a-f]+\.ann", a.name)]
        texts.append(Text(path.stem, path.read_text("utf-8"), mine))
    return texts


def _fragments(spec: str) -> Fragments:
    out = []
    for part in spec.split(";"):
        start, end = part.split()
        out.append((int(start), int(end)))
    return tuple(out)


def read_ann(path: Path, text: str) -> list[Relation]:
    """The attribution relations of one BRAT file (``Content2`` etc. join the content)."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events = []
    for line in path.read_text("utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, spec = cols[1].partition(" ")
            try:
                spans[cols[0]] = (label, _trim(_fragments(spec), text))
            except ValueError:
                continue
        elif line.startswith("E") and len(cols) >= 2:
            events.append(cols[1].split())
    relations = []
    for args in events:
        roles: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for arg in args:
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789").lower()
            if role in roles and tid in spans:
                roles[role].extend(spans[tid][1])
        if not roles["cue"] and not roles["content"]:
            continue
        relations.append(Relation(*(tuple(sorted(roles[r])) for r in ROLES)))
    return relations


def _trim(frags: Fragments, text: str) -> Fragments:
    out = []
    for s, e in frags:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Tally:
    """Sums for one role: exact matches and partial-overlap credit."""

    n_pred: int = 0
    n_gold: int = 0
    exact_pred: int = 0
    exact_gold: int = 0
    part_pred: float = 0.0
    part_gold: float = 0.0

    def add(self, gold: Sequence[Fragments], pred: Sequence[Fragments]) -> None:
        gold = [g for g in gold if g]
        pred = [p for p in pred if p]
        self.n_gold += len(gold)
        self.n_pred += len(pred)
        gold_set, pred_set = set(gold), set(pred)
        self.exact_pred += sum(1 for p in pred if p in gold_set)
        self.exact_gold += sum(1 for g in gold if g in pred_set)
        gold_chars = _chars(gold)
        pred_chars = _chars(pred)
        self.part_pred += sum(_covered(p, gold_chars) for p in pred)
        self.part_gold += sum(_covered(g, pred_chars) for g in gold)

    def scores(self) -> dict[str, float]:
        def prf(num_p: float, num_r: float) -> tuple[float, float, float]:
            p = num_p / self.n_pred if self.n_pred else 0.0
            r = num_r / self.n_gold if self.n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            return round(p, 4), round(r, 4), round(f, 4)

        ep, er, ef = prf(self.exact_pred, self.exact_gold)
        pp, pr, pf = prf(self.part_pred, self.part_gold)
        return {"exact_p": ep, "exact_r": er, "exact_f1": ef,
                "partial_p": pp, "partial_r": pr, "partial_f1": pf,
                "gold": self.n_gold, "pred": self.n_pred}


def _chars(spans: Iterable[Fragments]) -> set[int]:
    out: set[int] = set()
    for frags in spans:
        for s, e in frags:
            out.update(range(s, e))
    return out


def _covered(frags: Fragments, chars: set[int]) -> float:
    size = sum(e - s for s, e in frags)
    if not size:
        return 0.0
    return sum(1 for s, e in frags for i in range(s, e) if i in chars) / size


def speech_filter() -> Callable[[Relation, str], bool]:
    """True for a relation whose cue holds a speech verb form or "according to"."""
    from admiralty.resources import LEXICON_DIR, read_word_list

    lemmas = set(read_word_list(LEXICON_DIR / "attribution_speech_verbs.txt"))
    forms = set(lemmas)
    for lemma in lemmas:
        forms.update(_inflect(lemma))

    def keep(rel: Relation, text: str) -> bool:
        cue = " ".join(text[s:e] for s, e in rel.cue).lower()
        if "according to" in cue:
            return True
        return any(w in forms for w in re.findall(r"[a-z]+", cue))

    return keep


def _inflect(lemma: str) -> set[str]:
    """Rough English inflections of a verb lemma (enough to recognise cue words)."""
    out = {lemma + "s", lemma + "ed", lemma + "ing", lemma + "d"}
    if lemma.endswith("e"):
        out.update({lemma[:-1] + "ing", lemma + "d"})
    if lemma.endswith("y"):
        out.update({lemma[:-1] + "ies", lemma[:-1] + "ied"})
    irregular = {"say": {"said"}, "tell": {"told"}, "write": {"wrote", "written"},
                 "speak": {"spoke", "spoken"}, "think": {"thought"}, "hear": {"heard"},
                 "find": {"found"}, "show": {"shown"}, "give": {"gave", "given"},
                 "admit": {"admitted", "admitting"}, "quip": {"quipped"}, "vow": {"vowed"},
                 "predict": {"predicted"}, "put": {"put"}, "read": {"read"}, "swear": {"swore", "sworn"},
                 "tweet": {"tweeted"}, "plead": {"pled", "pleaded"}, "forecast": {"forecast"}}
    out.update(irregular.get(lemma, set()))
    return out


def score(
    pairs: Iterable[tuple[str, list[Relation], list[Relation]]],
    keep: Callable[[Relation, str], bool] | None = None,
) -> dict[str, dict[str, float]]:
    """Scores per role over (text, gold, predicted) triples."""
    tallies = {r: Tally() for r in ROLES}
    for text, gold, pred in pairs:
        if keep is not None:
            gold = [g for g in gold if keep(g, text)]
            pred = [p for p in pred if keep(p, text)]
        for role in ROLES:
            tallies[role].add([g.role(role) for g in gold], [p.role(role) for p in pred])
    return {role: tallies[role].scores() for role in ROLES}


# ---------------------------------------------------------------------------------------------
# Running admiralty


def predict(texts: Sequence[Text], overrides: Sequence[str] = ()) -> list[list[Relation]]:
    """admiralty's attributions for each text (parse, entities and attribution stages only);
    ``overrides`` are ``section.key=value`` config settings (``attribution.tagger=false``)."""
    from admiralty.config import Config
    from admiralty.model import Article
    from admiralty.nlp.attribution import find_attributions
    from admiralty.nlp.entities import find_entities
    from admiralty.pipeline import replace
    from admiralty.resources import Resources

    res = Resources(Config.load(overrides=overrides, environ={}))
    out = []
    docs = res.nlp.pipe((t.text for t in texts), batch_size=16)
    for t, doc in zip(texts, docs, strict=True):
        article = replace(Article.new(locator=t.name, text=t.text), language="en")
        article = find_entities(article, doc, res)
        article = find_attributions(article, doc, res)
        out.append([to_relation(a, t.text) for a in article.attributions])
    return out


def to_relation(attribution: object, text: str) -> Relation:
    src = getattr(attribution, "source", None)
    cue = getattr(attribution, "cue", None)
    content = getattr(attribution, "content", ())
    return Relation(
        _trim(((src.start, src.end),), text) if src else (),
        _trim(((cue.start, cue.end),), text) if cue else (),
        _trim(tuple(sorted((c.start, c.end) for c in content)), text),
    )


def evaluate(split: str = "dev", limit: int | None = None, overrides: Sequence[str] = ()) -> dict[str, object]:
    """The full report: system vs gold (all relations, speech-like cues) and the human ceiling."""
    texts = load_split(split)
    texts = [t for t in texts if t.annotations]
    if limit:
        texts = texts[:limit]
    gold = [read_ann(t.annotations[0], t.text) for t in texts]
    started = time.perf_counter()
    pred = predict(texts, overrides)
    seconds = time.perf_counter() - started
    keep = speech_filter()
    triples = [(t.text, g, p) for t, g, p in zip(texts, gold, pred, strict=True)]
    human = [
        (t.text, g, read_ann(other, t.text))
        for t, g in zip(texts, gold, strict=True)
        for other in t.annotations[1:]
    ]
    return {
        "split": split,
        "texts": len(texts),
        "seconds": round(seconds, 1),
        "system": score(triples),
        "system_speech": score(triples, keep),
        "human": score(human) if human else None,
        "human_speech": score(human, keep) if human else None,
        "human_pairs": len(human),
    }


def _table(name: str, block: dict[str, dict[str, float]] | None) -> str:
    if not block:
        return f"{name}: (no texts with several annotators)"
    lines = [f"{name}", "  role     exact P/R/F1          partial P/R/F1        gold  pred"]
    for role in ROLES:
        s = block[role]
        lines.append(
            f"  {role:<8} {s['exact_p']:.3f} {s['exact_r']:.3f} {s['exact_f1']:.3f}   "
            f"{s['partial_p']:.3f} {s['partial_r']:.3f} {s['partial_f1']:.3f}   "
            f"{int(s['gold']):>5} {int(s['pred']):>5}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("train", "dev"))
    parser.add_argument("--limit", type=int, default=None, help="first N texts only")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="config override, e.g. attribution.tagger=false (rules alone)")
    args = parser.parse_args(argv)
    if not data_dir().is_dir():
        print(f"PolNeAR not found at {data_dir()}", file=sys.stderr)
        return 2
    report = evaluate(args.split, args.limit, args.set)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"PolNeAR {report['split']}: {report['texts']} texts, attribution stage + parse "
          f"{report['seconds']} s")
    print(_table("system, all relations", report["system"]))  # type: ignore[arg-type]
    print(_table("system, speech-like cues", report["system_speech"]))  # type: ignore[arg-type]
    print(_table(f"human ceiling ({report['human_pairs']} extra annotations), all relations",
                 report["human"]))  # type: ignore[arg-type]
    print(_table("human ceiling, speech-like cues", report["human_speech"]))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
