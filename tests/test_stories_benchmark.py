"""Evaluation gate: the frozen RUWA stories benchmark (``benchmarks/stories_eval.py``), test split.

Measured (BENCHMARKS.md): with dates B-cubed precision 0.984, recall 0.693, F1 0.814, ARI 0.788;
without dates F1 0.668, ARI 0.549 (the old single-link components: 0.756 and 0.342). The gate runs
the whole test split (237 titles and subheads) and checks floors slightly below those figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

from admiralty.corpus.stories import StorySettings
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]


def test_ruwa_story_clustering_floors(shared_data: Path, resources: Resources) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import stories_eval

    items = stories_eval.ruwa_items(shared_data, "test")
    assert len(items) > 200
    arts, gold = stories_eval.analysed(items, resources)
    result = stories_eval.evaluate(arts, gold, resources, StorySettings.from_config(resources))
    dated, undated = result["dated"], result["undated"]
    assert dated["bcubed_p"] >= 0.95 and dated["bcubed_f1"] >= 0.78 and dated["ari"] >= 0.74
    assert undated["bcubed_f1"] >= 0.62 and undated["ari"] >= 0.48
