"""The Dask path gives the same records as a local run (same stages, tree-reduced corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

import admiralty
from admiralty.distributed import analyze_on_dask, list_inputs

ROOT = Path(__file__).resolve().parents[1]


def test_same_records_as_a_local_run(seeds: Path, resources) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("dask.distributed")
    paths = [str(seeds), str(ROOT / "examples")]
    local = admiralty.analyze(paths, resources=resources)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = analyze_on_dask(paths, client, resources.config, partitions=3)
    assert remote.articles == local.articles
    assert remote.failures == local.failures
    for name in ("sources", "copies", "stories", "claim_links", "grades"):
        assert getattr(remote, name) == getattr(local, name), name
    assert [s.name for s in remote.run.stages] == [s.name for s in local.run.stages]
    assert remote.run.inputs == local.run.inputs


def test_inputs_listed_like_ingest(seeds: Path, resources) -> None:  # type: ignore[no-untyped-def]
    files = list_inputs([str(seeds)], resources.config)
    assert [Path(f).name for f in files] == ["000_6566a4fbb04137db.txt", "003_e9579f8486474fbb.txt"]
