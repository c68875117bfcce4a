"""Claim-text stance: the API, the shipping gate of the learned head, and a held-out floor."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from admiralty.corpus.stance import VERSION_HEAD, VERSION_RULES, classify, load_head, rule_decide
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]


def test_rules_on_plain_pairs(resources: Resources) -> None:
    pairs = [
        {"id": "a", "claim": "Sea levels are rising.", "text": "Global sea levels are rising faster every decade."},
        {"id": "b", "claim": "Sea levels are rising.", "text": "Sea levels are not rising at all."},
        {"id": "c", "claim": "Sea levels are rising.", "text": "The recipe needs two eggs and some flour."},
        ("d", "Sea levels are rising.", ""),
    ]
    out = classify(pairs, resources, method="rules")
    assert [r.id for r in out] == ["a", "b", "c", "d"]
    assert [r.relation for r in out] == ["supports", "contradicts", "unrelated", "unrelated"]
    assert all(r.method in (VERSION_RULES, "empty") for r in out)
    assert classify([], resources) == []


def test_rule_decide_reads_the_feature_layout() -> None:
    d = 4
    row = np.zeros(2 * d + 9, dtype=np.float32)
    row[2 * d] = 0.9
    assert rule_decide(row[None, :], 0.3, 0.6)[0][0] == "supports"
    row[2 * d + 5] = 1.0  # negation mismatch
    assert rule_decide(row[None, :], 0.3, 0.6)[0][0] == "contradicts"


def test_head_is_used_only_when_it_beat_the_rules(resources: Resources) -> None:
    head = load_head(resources)
    path = ROOT / "src" / "admiralty" / "models" / "stance.npz"
    if not path.exists():
        assert head is None
        return
    with np.load(path) as z:
        beat = float(z["heldout_macro_f1"]) >= float(z["baseline_macro_f1"]) + 0.05
    assert (head is not None) == beat
    method = classify([("x", "It rains.", "It is raining.")], resources)[0].method
    assert method == (VERSION_HEAD if beat else VERSION_RULES)


def test_heldout_climate_fever_floor(shared_data: Path, resources: Resources) -> None:
    """Gate on the first 400 held-out pairs (the full held-out evaluation is
    benchmarks/stance_eval.py): rules measured 0.49 macro-F1 on all 2,170."""
    sys.path.insert(0, str(ROOT / "training"))
    import train_stance as ts

    test = [p for p in ts.load_pairs() if ts.split_of(p["group"]) == "test"][:400]
    pred = classify([{"id": str(i), "claim": p["claim"], "text": p["text"]} for i, p in enumerate(test)],
                    resources)
    f1, per = ts.macro_f1([p["label"] for p in test], [r.relation for r in pred])
    assert f1 >= 0.40, per
    assert per["unrelated"] >= 0.65


@pytest.mark.parametrize("bad", [{"claim": None, "text": "x"}])
def test_missing_fields_are_unrelated(bad: dict[str, object], resources: Resources) -> None:
    (r,) = classify([bad], resources)
    assert r.relation == "unrelated" and r.score == 0.0
