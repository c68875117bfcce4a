"""Throughput of the whole pipeline against bare spaCy parsing, on the same real articles, in one run.

The parse is the floor no analysis can beat, so the figure that matters is the ratio
(DESIGN.md speed budget: full pipeline >= 0.5x bare ``nlp.pipe``, ``--rules-only`` >= 0.8x). The
machine is shared and noisy: bare spaCy, the full pipeline and the rules-only pipeline are measured
alternately, ``--rounds`` times each, and each ratio is taken from the medians of the same run.
Both pipelines include every per-article and every corpus stage.

Corpus: the 422 FakeNewsNet articles and the PTC article texts in ``../shared/data``.

    .venv/bin/python benchmarks/throughput.py                 # all articles, 2 rounds
    .venv/bin/python benchmarks/throughput.py --limit 200 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")


def load_texts(limit: int | None) -> list[tuple[str, str]]:
    """(locator, text) of real news articles: FakeNewsNet full texts, then PTC articles."""
    out: list[tuple[str, str]] = []
    for path in sorted((DATA / "fakenewsnet_v1").rglob("*-Webpage.json")):
        text = json.loads(path.read_text("utf-8")).get("text") or ""
        if text.strip():
            out.append((path.name, text))
    for folder in ("train-articles", "dev-articles", "test-articles"):
        for path in sorted((DATA / "ptc_semeval2020_task11" / folder).glob("article*.txt")):
            out.append((path.name, path.read_text("utf-8")))
    if not out:
        sys.exit(f"no articles found under {DATA}: is ../shared/data there?")
    return out[:limit] if limit else out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each measurement")
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="config override")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "throughput.json")
    args = parser.parse_args()

    import dataclasses

    from admiralty.config import RULES_ONLY, Config
    from admiralty.corpus import analyse_corpus
    from admiralty.model import Article
    from admiralty.pipeline import Pipeline
    from admiralty.resources import Resources

    texts = load_texts(args.limit)
    words = sum(len(t.split()) for _, t in texts)
    modes = {"full": Resources(Config.load(overrides=args.overrides)),
             "rules_only": Resources(Config.load(overrides=[*RULES_ONLY, *args.overrides]))}
    pipelines = {name: Pipeline(res) for name, res in modes.items()}
    for pipeline in pipelines.values():
        pipeline.warm_up()
    nlp = modes["full"].nlp
    batch = int(modes["full"].config["pipeline.batch_size"])

    def bare() -> float:
        start = time.perf_counter()
        for _ in nlp.pipe((t for _, t in texts), batch_size=batch):
            pass
        return time.perf_counter() - start

    def run(name: str) -> float:
        start = time.perf_counter()
        articles = [Article.new(locator=loc, text=text) for loc, text in texts]
        analysed = [a for a in pipelines[name].run(articles) if isinstance(a, Article)]
        analyse_corpus(analysed, modes[name])
        return time.perf_counter() - start

    times: dict[str, list[float]] = {"bare": [], **{name: [] for name in modes}}
    for _ in range(args.rounds):
        times["bare"].append(bare())
        for name in modes:
            times[name].append(run(name))
    median = {name: statistics.median(ts) for name, ts in times.items()}
    result = {
        "articles": len(texts),
        "words": words,
        "rounds": args.rounds,
        "seconds": {name: [round(t, 2) for t in ts] for name, ts in times.items()},
        "words_per_s": {name: round(words / m) for name, m in median.items()},
        "ratio_to_bare": {name: round(median["bare"] / median[name], 3) for name in modes},
        "stages": [dataclasses.asdict(s) for s in pipelines["full"].stage_infos],
        "models": {name: [dataclasses.asdict(m) for m in res.models] for name, res in modes.items()},
        "overrides": args.overrides,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{len(texts)} articles, {words:,} words, {args.rounds} alternating rounds")
    budget = {"full": 0.5, "rules_only": 0.8}
    for name, ts in times.items():
        ratio = f"   ratio {result['ratio_to_bare'][name]:.3f} (budget >= {budget[name]})" if name in budget else ""
        print(f"{name:<11}: {result['words_per_s'][name]:>8,} words/s   {ts}{ratio}")


if __name__ == "__main__":
    main()
