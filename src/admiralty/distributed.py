"""The Dask path: the same stages as a local run, spread over a cluster.

* Inputs are listed on the client (file names only), then read and analysed on the workers, one
  partition at a time, by the ordinary ``Pipeline`` (each worker process or thread loads its own
  models once).
* Each corpus stage is a tree-reduce: ``build`` per partition, ``merge`` pairwise, ``query`` on
  the client, in the order of the local plan. Because the stages are order- and
  partition-independent, the records equal a local run's.

    from dask.distributed import Client
    doc = analyze_on_dask(["corpus/"], Client("tcp://scheduler:8786"))

``admiralty analyze PATH --dask local`` starts a ``LocalCluster`` with ``pipeline.workers``
processes; ``--dask tcp://host:8786`` uses a running scheduler.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .corpus import CorpusPlan, default_plan
from .ingest import Ingest, hash_inputs, read_inputs, walk
from .model import Article, CorpusResult, Document, Failure, Run
from .pipeline import Pipeline
from .resources import Resources
from .review import attached

_LOCAL = threading.local()


def _pipeline(config: Config) -> Pipeline:
    """One loaded pipeline per worker thread and config (models load once, not per task)."""
    cache: dict[str, Pipeline] = _LOCAL.__dict__.setdefault("pipelines", {})
    if config.digest not in cache:
        cache[config.digest] = Pipeline(Resources(config))
    return cache[config.digest]


def list_inputs(paths: Iterable[str], config: Config) -> list[str]:
    """The files a local run would read, in the same order (directories walked)."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(file.as_posix() for file, _ in walk(path, config, Ingest()))
        else:
            out.append(raw)
    return out


def _analyse_partition(files: Iterable[str], config: Config) -> list[Article | Failure]:
    pipeline = _pipeline(config)
    items = read_inputs(list(files), config, Ingest())
    return list(pipeline.run(items))


def _build(part: Iterable[Article | Failure], stage_index: int, config: Config) -> Any:
    pipeline = _pipeline(config)
    stage = default_plan().stages[stage_index]
    articles = sorted((a for a in part if isinstance(a, Article) and a.status == "analysed"), key=lambda a: a.id)
    return stage.build(articles, pipeline.resources)


def _merge(states: Iterable[Any], stage_index: int) -> Any:
    stage = default_plan().stages[stage_index]
    return functools.reduce(stage.merge, states)


def analyze_on_dask(
    paths: Iterable[str],
    client: Any,
    config: Config | None = None,
    partitions: int | None = None,
    store: Any | None = None,
) -> Document:
    """Analyse on a Dask cluster; returns the same document a local ``analyze`` would. With a
    store, its reviews and imported ratings apply to the corpus stages, as in a local run."""
    import dask.bag as db

    config = config or Config.default()
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    paths = list(paths)
    files = list_inputs(paths, config)
    n = partitions or max(1, min(len(files), 4 * max(1, len(client.scheduler_info().get("workers", {})))))
    analysed = db.from_sequence(files, npartitions=n).map_partitions(_analyse_partition, config).persist()
    items: list[Article | Failure] = analysed.compute()

    plan: CorpusPlan = default_plan()
    local = Resources(config)
    result = CorpusResult()
    with attached(local, store):
        for index, stage in enumerate(plan.stages):
            state = analysed.reduction(
                functools.partial(_build, stage_index=index, config=config),
                functools.partial(_merge, stage_index=index),
                split_every=8,
            ).compute()
            result = stage.query(state, result, local)

    probe = Pipeline(local)
    run = Run(
        version=__version__, started=started, config_digest=config.digest,
        stages=probe.stage_infos + plan.infos, models=_models(client, config),
        inputs=tuple(hash_inputs(paths, config)),
    )
    articles = tuple(sorted((a for a in items if isinstance(a, Article)), key=lambda a: (a.input, a.id)))
    return Document.assemble(run, (i for i in items if isinstance(i, Failure)), articles, result)


def _models(client: Any, config: Config) -> tuple[Any, ...]:
    """The models the workers loaded (their hashes are the same on every worker)."""

    def loaded() -> tuple[Any, ...]:
        pipeline = _pipeline(config)
        pipeline.warm_up()
        return pipeline.resources.models

    found = client.run(loaded)
    return next(iter(found.values()), ()) if found else ()


@contextlib.contextmanager
def local_client(workers: int) -> Iterator[Any]:
    """A LocalCluster of ``workers`` single-threaded processes, closed afterwards."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None,
                      processes=True) as cluster, Client(cluster) as client:
        yield client
