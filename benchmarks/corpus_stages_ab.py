"""The corpus stages (copies, stories, links, sources, grades, narratives) of the working tree
against those of a git commit: identical ``CorpusResult`` records, and CPU seconds per stage, on
the same analysed articles.

For speed work that must not change any output. The articles (the first ``--limit`` of
``throughput.load_texts``) go through the working tree's whole pipeline once (default config,
encoder included) and are kept as a pickle under ``--cache``; both versions then run the default
corpus plan on them, each unpickling its own copy into its own record classes (the commit's
package is copied out as ``admiralty_ref``, with its own default config). Two article sets are
run: the articles as the pipeline left them (the throughput corpus carries no dates), and the same
articles with dates (two in three dated, over four weeks), so the date windows of stories, the
contradiction rules and the denial scan are exercised. Each stage's ``build`` + ``query`` is timed
with ``time.process_time`` (CPU, not wall clock: the machine is shared); the versions run
interleaved in one process and the minimum over rounds is reported. Records are compared field by
field as plain dicts; any difference is printed and the exit status is 1.

    .venv/bin/python benchmarks/corpus_stages_ab.py --ref HEAD --limit 300 --rounds 3 [--rules-only]

``--rules-only``: the articles analysed, and the corpus run, with the ``--rules-only`` settings
(hashed claim vectors instead of the encoder's), as the throughput benchmark's second run.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import io
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from throughput import ROOT, load_texts

SETS = ("as-is", "dated")


def export_ref(commit: str, into: Path) -> None:
    """The commit's ``src/admiralty`` as the package ``admiralty_ref`` under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src/admiralty"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "src" / "admiralty").rename(into / "admiralty_ref")


class _Renamed(pickle.Unpickler):
    """Unpickles ``admiralty.*`` records as the classes of another package name."""

    def __init__(self, data: bytes, package: str) -> None:
        super().__init__(io.BytesIO(data))
        self.package = package

    def find_class(self, module: str, name: str) -> Any:
        if module == "admiralty" or module.startswith("admiralty."):
            module = self.package + module[len("admiralty"):]
        return super().find_class(module, name)


def analysed(limit: int, cache: Path, rules_only: bool) -> bytes:
    """The pickled analysed articles (the working tree's whole pipeline, run once and cached)."""
    path = cache / f"analysed{'_rules' if rules_only else ''}{limit}.pkl"
    if path.exists():
        return path.read_bytes()
    from admiralty.config import RULES_ONLY, Config
    from admiralty.model import Article
    from admiralty.pipeline import Pipeline
    from admiralty.resources import Resources

    pipe = Pipeline(Resources(Config.load(overrides=list(RULES_ONLY) if rules_only else [])))
    out = [a for a in pipe.run(Article.new(locator=loc, text=text) for loc, text in load_texts(limit))
           if isinstance(a, Article)]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return path.read_bytes()


def dated(articles: list[Any]) -> list[Any]:
    """The same articles, two in three dated over four weeks (deterministic by position)."""
    return [dataclasses.replace(a, published=None if k % 3 == 0 else
                                f"2020-03-{1 + (k * 7) % 28:02d}T{k % 24:02d}:00:00Z")
            for k, a in enumerate(articles)]


def load(name: str, data: bytes, rules_only: bool) -> dict[str, Any]:
    config = importlib.import_module(f"{name}.config")
    resources = importlib.import_module(f"{name}.resources")
    corpus = importlib.import_module(f"{name}.corpus")
    model = importlib.import_module(f"{name}.model")
    articles = _Renamed(data, name).load()
    items = sorted((a for a in articles if a.status == "analysed"), key=lambda a: a.id)
    return {
        "res": resources.Resources(config.Config.load(overrides=list(config.RULES_ONLY) if rules_only else [])),
        "model": model,
        "plan": corpus.default_plan(),
        "sets": {"as-is": items, "dated": dated(items)},
    }


def run(version: dict[str, Any], items: list[Any]) -> tuple[dict[str, float], dict[str, Any]]:
    """One pass of the plan: CPU seconds per stage and the result's fields as plain data."""
    res, model = version["res"], version["model"]
    spent: dict[str, float] = {}
    result = model.CorpusResult()
    for st in version["plan"].stages:
        start = time.process_time()
        state = st.build(items, res)
        result = st.query(state, result, res)
        spent[st.name] = time.process_time() - start
    return spent, {f.name: [dataclasses.asdict(r) for r in getattr(result, f.name)]
                   for f in dataclasses.fields(result)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the git commit to compare with")
    parser.add_argument("--limit", type=int, default=300, help="the first N articles")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--rules-only", action="store_true",
                        help="articles analysed and corpus run with the rules-only settings (hashed vectors)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "admiralty-corpus-ab")
    args = parser.parse_args()

    data = analysed(args.limit, args.cache, args.rules_only)
    with tempfile.TemporaryDirectory() as tmp:
        export_ref(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        versions = {"ref": load("admiralty_ref", data, args.rules_only),
                    "tree": load("admiralty", data, args.rules_only)}
        for v in versions.values():  # resources a stage may load lazily: not part of its time
            v["res"].lexicon("denial_frames")
        best: dict[tuple[str, str], dict[str, float]] = {}
        outputs: dict[tuple[str, str], dict[str, Any]] = {}
        gc.collect()
        for _ in range(args.rounds):
            for which in SETS:
                for name, version in versions.items():
                    spent, outputs[(name, which)] = run(version, version["sets"][which])
                    spent["total"] = sum(spent.values())
                    slot = best.setdefault((name, which), {})
                    for stage, seconds in spent.items():
                        slot[stage] = min(slot.get(stage, float("inf")), seconds)

    differences = 0
    for which in SETS:
        ref, tree = outputs[("ref", which)], outputs[("tree", which)]
        counts = ", ".join(f"{len(v):,} {k}" for k, v in tree.items())
        print(f"{which}: {len(versions['tree']['sets'][which])} articles; {counts}")
        for field in ref:
            if ref[field] != tree[field]:
                differences += 1
                n = sum(1 for a, b in zip(ref[field], tree[field], strict=False) if a != b)
                print(f"  DIFFERENT {field}: {len(ref[field])} -> {len(tree[field])} records, "
                      f"{n} differ in place")
        print(f"  CPU s, min of {args.rounds}:")
        for stage in best[("tree", which)]:
            print(f"    {stage:<12} {args.ref[:10]:>10} {best[('ref', which)].get(stage, float('nan')):7.3f}"
                  f"   working tree {best[('tree', which)][stage]:7.3f}")
    print(f"records: {differences} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
