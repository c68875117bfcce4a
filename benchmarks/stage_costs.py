"""Where the time goes: each stage timed inside the runner, as a share of the bare spaCy parse.

Loads one pipeline (full, or ``--rules-only``), warms it up, parses the articles once with bare
``nlp.pipe`` for the reference, then runs the pipeline and the corpus stages with a timer around
every stage function and every batch step (``ahead=``). Shares are of the bare parse of the same
articles in the same process; the remainder of the total is the runner itself.

    .venv/bin/python benchmarks/stage_costs.py --limit 150
    .venv/bin/python benchmarks/stage_costs.py --limit 150 --rules-only
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from throughput import load_texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=150, help="use only the first N articles")
    parser.add_argument("--rules-only", action="store_true", help="the --rules-only pipeline")
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="config override")
    args = parser.parse_args()

    from admiralty.config import RULES_ONLY, Config
    from admiralty.corpus import analyse_corpus
    from admiralty.model import Article
    from admiralty.pipeline import Pipeline
    from admiralty.resources import Resources

    overrides = [*RULES_ONLY, *args.overrides] if args.rules_only else args.overrides
    res = Resources(Config.load(overrides=overrides))
    pipeline = Pipeline(res)
    pipeline.warm_up()
    spent: collections.Counter[str] = collections.Counter()

    def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*a: Any) -> Any:
            start = time.perf_counter()
            try:
                return func(*a)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    pipeline.stages = tuple(
        st if st.func is None else dataclasses.replace(
            st, func=timed(st.name, st.func), ahead=timed(f"{st.name} (batch step)", st.ahead) if st.ahead else None
        )
        for st in pipeline.stages
    )
    pipeline._parse = timed("parse", pipeline._parse)  # type: ignore[method-assign]

    texts = load_texts(args.limit)
    start = time.perf_counter()
    for _ in res.nlp.pipe((t for _, t in texts), batch_size=int(res.config["pipeline.batch_size"])):
        pass
    bare = time.perf_counter() - start

    start = time.perf_counter()
    analysed = [a for a in pipeline.run(Article.new(locator=loc, text=t) for loc, t in texts) if isinstance(a, Article)]
    corpus_start = time.perf_counter()
    analyse_corpus(analysed, res)
    spent["corpus stages"] = time.perf_counter() - corpus_start
    total = time.perf_counter() - start

    claims = sum(len(a.claims) for a in analysed)
    mode = "rules-only" if args.rules_only else "full"
    print(f"{len(texts)} articles, {claims:,} claims, {mode}: bare parse {bare:.2f} s, pipeline {total:.2f} s, "
          f"ratio {bare / total:.3f}")
    for name, seconds in spent.most_common():
        print(f"  {name:<26} {seconds:7.2f} s  {seconds / bare:6.1%} of the bare parse")
    print(f"  {'runner itself':<26} {total - sum(spent.values()):7.2f} s")


if __name__ == "__main__":
    main()
