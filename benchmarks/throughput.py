"""Throughput of the whole pipeline against bare spaCy parsing, on the same real articles, in one run.

The parse is the floor no analysis can beat, so the figure that matters is the ratio
(DESIGN.md speed budget: full pipeline >= 0.5x bare ``nlp.pipe``). The machine is shared and noisy:
the two are measured alternately, ``--rounds`` times each, and the ratio is taken from the
medians of the same run.

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

    from admiralty.config import Config
    from admiralty.corpus import analyse_corpus
    from admiralty.model import Article
    from admiralty.pipeline import Pipeline
    from admiralty.resources import Resources

    texts = load_texts(args.limit)
    words = sum(len(t.split()) for _, t in texts)
    res = Resources(Config.load(overrides=args.overrides))
    nlp = res.nlp
    batch = int(res.config["pipeline.batch_size"])
    pipeline = Pipeline(res)
    pipeline.warm_up()

    def bare() -> float:
        start = time.perf_counter()
        for _ in nlp.pipe((t for _, t in texts), batch_size=batch):
            pass
        return time.perf_counter() - start

    def full() -> float:
        start = time.perf_counter()
        articles = [Article.new(locator=loc, text=text) for loc, text in texts]
        analysed = [a for a in pipeline.run(articles) if isinstance(a, Article)]
        analyse_corpus(analysed, res)
        return time.perf_counter() - start

    bare_times, full_times = [], []
    for _ in range(args.rounds):
        bare_times.append(bare())
        full_times.append(full())
    bare_s, full_s = statistics.median(bare_times), statistics.median(full_times)
    result = {
        "articles": len(texts),
        "words": words,
        "rounds": args.rounds,
        "bare_spacy_seconds": [round(t, 2) for t in bare_times],
        "full_pipeline_seconds": [round(t, 2) for t in full_times],
        "bare_words_per_s": round(words / bare_s),
        "full_words_per_s": round(words / full_s),
        "full_articles_per_s": round(len(texts) / full_s, 2),
        "ratio_full_to_bare": round(bare_s / full_s, 3),
        "stages": [dataclasses.asdict(s) for s in pipeline.stage_infos],
        "overrides": args.overrides,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{len(texts)} articles, {words:,} words, {args.rounds} alternating rounds")
    print(f"bare spaCy nlp.pipe : {result['bare_words_per_s']:>8,} words/s   {bare_times}")
    print(f"full pipeline       : {result['full_words_per_s']:>8,} words/s   {full_times}"
          f"   ({result['full_articles_per_s']} articles/s)")
    print(f"ratio full / bare   : {result['ratio_full_to_bare']:.3f}  (budget: >= 0.5)")


if __name__ == "__main__":
    main()
