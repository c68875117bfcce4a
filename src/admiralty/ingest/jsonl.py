"""JSON Lines (one article object per line) and JSON (one object, or a list of them).

Each object needs ``text`` (or ``maintext``/``body``/``content``); ``title``, ``outlet``, ``url``,
``published`` and ``author`` are optional (see ``meta.SYNONYMS`` for the other names accepted).
A bad line is one failure (``file.jsonl#L7: ...``); the other lines are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import InputError
from ..model import Article, Failure
from . import newsplease
from .meta import article_from_fields, text_of


def _article(obj: Any, locator: str) -> Article | Failure:
    if not isinstance(obj, dict):
        return Failure(locator, "ingest", f"expected a JSON object, got {type(obj).__name__}")
    obj = newsplease.normalise(obj)
    text = text_of(obj)
    if text is None:
        return Failure(locator, "ingest", "no 'text' field (a string) in this record")
    return article_from_fields(locator, text, obj, encoding="utf-8")


def read_file(path: Path, locator: str, config: Config, digest: Any) -> Iterator[Article | Failure]:
    limit = int(config["ingest.max_bytes"])
    if path.suffix.lower() == ".json":
        size = path.stat().st_size
        if size > limit:
            raise InputError(locator, f"file is {size / 1e6:,.1f} MB, over the {limit / 1e6:,.1f} MB limit")
        data = path.read_bytes()
        digest.update(data)
        yield from read_bytes(data, locator, config, whole=True)
        return
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            digest.update(line)
            yield from _line(line, f"{locator}#L{n}", limit)


def read_bytes(data: bytes, locator: str, config: Config, *, whole: bool = False) -> Iterator[Article | Failure]:
    limit = int(config["ingest.max_bytes"])
    stripped = data.lstrip()
    if whole or stripped.startswith(b"["):
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if not whole:  # stdin that merely starts with "[": treat as lines
                obj = None
            else:
                raise InputError(locator, f"not valid JSON: {exc}") from exc
        if obj is not None:
            items = obj if isinstance(obj, list) else [obj]
            for n, item in enumerate(items, start=1):
                yield _article(item, f"{locator}#{n}" if isinstance(obj, list) else locator)
            return
    for n, line in enumerate(data.splitlines(keepends=True), start=1):
        yield from _line(line, f"{locator}#L{n}", limit)


def _line(line: bytes, locator: str, limit: int) -> Iterator[Article | Failure]:
    if not line.strip():
        return
    if len(line) > limit:
        yield Failure(locator, "ingest", f"line is over the {limit / 1e6:,.1f} MB limit")
        return
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        yield Failure(locator, "ingest", "line is not UTF-8 (JSON Lines must be UTF-8)")
        return
    except json.JSONDecodeError as exc:
        yield Failure(locator, "ingest", f"not valid JSON: {exc.msg} at column {exc.colno}")
        return
    yield _article(obj, locator)
