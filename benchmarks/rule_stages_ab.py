"""The rule stages (attribution, claims, sourcing) of the working tree against those of a git
commit: identical records, and CPU seconds per stage, on the same real articles.

For speed work that must not change any output. The articles (the first ``--limit`` of
``throughput.load_texts``) are parsed once and kept as a DocBin under ``--cache``; each round
gives both versions fresh docs and times every stage call with ``time.process_time`` (CPU, not
wall clock: the machine is shared). The two versions run interleaved in one process (the commit's
package is copied out as ``admiralty_ref``; its default config comes from the working tree), and
the minimum over rounds is reported. Records are compared field by field as plain dicts; any
difference is printed and the exit status is 1.

    .venv/bin/python benchmarks/rule_stages_ab.py --ref 6bb66e5 --limit 300 --rounds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from throughput import ROOT, load_texts

STAGES = (
    ("attribution", "nlp.attribution", "find_attributions"),
    ("claims", "nlp.claims", "find_claims"),
    ("sourcing", "nlp.sourcing", "profile_sourcing"),
)


def export_ref(commit: str, into: Path) -> None:
    """The commit's ``src/admiralty`` as the package ``admiralty_ref`` under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src/admiralty"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "src" / "admiralty").rename(into / "admiralty_ref")


def load(name: str) -> dict[str, Any]:
    config = importlib.import_module(f"{name}.config")
    resources = importlib.import_module(f"{name}.resources")
    return {
        "res": resources.Resources(config.Config.load(overrides=list(config.RULES_ONLY))),
        "model": importlib.import_module(f"{name}.model"),
        "language": importlib.import_module(f"{name}.nlp.language").detect_language,
        "entities": importlib.import_module(f"{name}.nlp.entities").find_entities,
        "stages": [(s, getattr(importlib.import_module(f"{name}.{m}"), f)) for s, m, f in STAGES],
    }


def parsed(version: dict[str, Any], limit: int, cache: Path) -> tuple[list[Any], Any]:
    """(locator, text, published, language) of each article the parser takes, and the DocBin."""
    from spacy.tokens import DocBin

    meta, bin_path = cache / f"articles{limit}.pkl", cache / f"docs{limit}.spacy"
    if meta.exists() and bin_path.exists():
        return pickle.loads(meta.read_bytes()), DocBin().from_disk(bin_path)
    res, model = version["res"], version["model"]
    kept = []
    for k, (loc, text) in enumerate(load_texts(limit)):
        # every other article dated, so relative times resolve in half of them
        article = model.Article.new(locator=loc, text=text, published="2020-03-15T10:00:00Z" if k % 2 else None)
        article = version["language"](article, None, res)
        if article.status == "analysed" and len(text) <= int(res.config["pipeline.max_parse_chars"]):
            kept.append((loc, text, article.published, article.language))
    docs = DocBin(store_user_data=False)
    for doc in res.nlp.pipe((t for _, t, _, _ in kept), batch_size=int(res.config["pipeline.batch_size"])):
        docs.add(doc)
    cache.mkdir(parents=True, exist_ok=True)
    docs.to_disk(bin_path)
    meta.write_bytes(pickle.dumps(kept))
    return kept, docs


def run(version: dict[str, Any], kept: list[Any], docs: Any) -> tuple[dict[str, float], list[Any]]:
    """One pass: CPU seconds per stage and each article's records as plain dicts."""
    res, model = version["res"], version["model"]
    spent = {name: 0.0 for name, _ in version["stages"]}
    records = []
    for (loc, text, published, language), doc in zip(kept, docs.get_docs(res.nlp.vocab), strict=True):
        article = dataclasses.replace(model.Article.new(locator=loc, text=text, published=published),
                                      language=language)
        article = version["entities"](article, doc, res)
        for name, func in version["stages"]:
            start = time.process_time()
            article = func(article, doc, res)
            spent[name] += time.process_time() - start
        records.append({
            "attributions": [dataclasses.asdict(a) for a in article.attributions],
            "claims": [dataclasses.asdict(c) for c in article.claims],
            "sourcing": dataclasses.asdict(article.sourcing),
        })
    return spent, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the git commit to compare with")
    parser.add_argument("--limit", type=int, default=300, help="the first N articles")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "admiralty-rule-ab")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        export_ref(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        versions = {"ref": load("admiralty_ref"), "tree": load("admiralty")}
        kept, docs = parsed(versions["tree"], args.limit, args.cache)
        best: dict[str, dict[str, float]] = {v: {} for v in versions}
        outputs: dict[str, list[Any]] = {}
        gc.collect()
        for _ in range(args.rounds):
            for name, version in versions.items():
                spent, outputs[name] = run(version, kept, docs)
                spent["total"] = sum(spent.values())
                for stage, seconds in spent.items():
                    best[name][stage] = min(best[name].get(stage, float("inf")), seconds)

    differences = 0
    for (loc, *_), ref, tree in zip(kept, outputs["ref"], outputs["tree"], strict=True):
        for field in ref:
            if ref[field] != tree[field]:
                differences += 1
                print(f"DIFFERENT {field} in {loc}")
    print(f"{len(kept)} articles, {sum(len(r['claims']) for r in outputs['tree']):,} claims, "
          f"{sum(len(r['attributions']) for r in outputs['tree']):,} attributions; CPU s, min of {args.rounds}:")
    for stage in (*(s for s, _, _ in STAGES), "total"):
        print(f"  {stage:<12} {args.ref[:10]:>10} {best['ref'][stage]:7.3f}   working tree {best['tree'][stage]:7.3f}")
    print(f"records: {differences} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
