"""Ingest: turn what the user points at into ``Article`` records, one input format per module.

``read_inputs(paths)`` accepts files, directories (walked recursively in sorted order), and ``-``
for standard input, and yields an ``Article`` for every article found or a ``Failure`` for every
input that could not be read (binary, undecodable, too large, malformed). One bad input never
stops the others. Each input's raw bytes are hashed into the run block (``InputInfo``).

Formats, by file name:

* ``.txt``, ``.text`` and files without a suffix: plain text, exactly as decoded (``text``);
  metadata from a sidecar ``NAME.meta.json`` when present.
* ``.html``, ``.htm``, ``.xhtml``: main text and metadata via trafilatura (``html``).
* ``.jsonl``, ``.ndjson``: one article per line (``jsonl``).
* ``.json``: one article object, or a list of them (``jsonl``); news-please and trafilatura
  JSON records are recognised by their fields (``newsplease``).
* ``result.json`` of a Telegram Desktop channel export: one article per message, forwarded-from
  kept as provenance (``telegram``; any other ``result.json`` is ordinary JSON).
* ``.rss``, ``.atom``, and ``.xml`` files whose root is a feed: one article per entry (``rss``).
  An ``http(s)://`` URL given explicitly as an input is fetched once and read as a feed; nothing
  else is ever fetched.
* ``.warc``, ``.warc.gz``: every HTML response record through trafilatura (``warc``); the archive
  is streamed, the size limit applies per record.

In a directory, files of other types (``.md``, images, PDFs, ...) are not read; they are listed
in ``Ingest.ignored`` so the CLI can say so. A file named explicitly is always read.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import InputError
from ..model import Article, Failure, InputInfo
from . import html, jsonl, rss, telegram, text, warc

TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
READABLE = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES | frozenset({".warc"})

__all__ = ["Ingest", "hash_inputs", "read_inputs", "walk"]


@dataclass
class Ingest:
    """What ingest saw besides the articles: every input's hash, and the files it did not read."""

    inputs: list[InputInfo] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def read_inputs(
    paths: Iterable[str], config: Config | None = None, log: Ingest | None = None
) -> Iterator[Article | Failure]:
    config = config or Config.default()
    log = log if log is not None else Ingest()
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(config, log)
            continue
        if raw.startswith(("http://", "https://")):
            yield from _read_url(raw, config, log)
            continue
        path = Path(raw)
        if path.is_dir():
            for file, locator in walk(path, config, log):
                yield from _read_file(file, locator, config, log)
        elif path.exists():
            yield from _read_file(path, _locator(path), config, log)
        else:
            yield Failure(raw, "ingest", "no such file or directory")


def hash_inputs(paths: Iterable[str], config: Config | None = None) -> list[InputInfo]:
    """The run block's inputs without reading any article: for a JSONL header written before the
    first record (standard input cannot be hashed before it is read, and is left out)."""
    config = config or Config.default()
    out = []
    for raw in paths:
        path = Path(raw)
        files = [f for f, _ in walk(path, config, Ingest())] if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest = hashlib.sha256()
                with file.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        digest.update(chunk)
                out.append(InputInfo(_locator(file), digest.hexdigest()))
    return out


def _locator(path: Path) -> str:
    return path.as_posix()


def walk(root: Path, config: Config, log: Ingest) -> Iterator[tuple[Path, str]]:
    """(file, locator) of every article file under ``root``, sorted; other types go to ``log.ignored``."""
    sidecar = str(config["ingest.sidecar_suffix"])
    files = sorted(p for p in root.rglob("*") if p.is_file())
    for file in files:
        rel = file.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or file.name.endswith(sidecar):
            continue
        if file.suffix.lower() not in READABLE and not warc.is_warc(file.name):
            log.ignored.append(_locator(file))
            continue
        yield file, _locator(file)


def _read_file(path: Path, locator: str, config: Config, log: Ingest) -> Iterator[Article | Failure]:
    suffix = path.suffix.lower()
    try:
        if warc.is_warc(path.name):
            yield from _read_warc(path, locator, config, log)
            return
        if path.name == telegram.FILE_NAME:
            data = _read_bytes(path, locator, config)
            log.inputs.append(InputInfo(locator, hashlib.sha256(data).hexdigest()))
            if telegram.is_export(_json_or_none(data)):
                yield from telegram.parse(data, locator)
            else:
                yield from jsonl.read_bytes(data, locator, config, whole=True)
            return
        if suffix in JSON_SUFFIXES:
            digest = hashlib.sha256()
            yield from jsonl.read_file(path, locator, config, digest)
            log.inputs.append(InputInfo(locator, digest.hexdigest()))
            return
        data = _read_bytes(path, locator, config)
        log.inputs.append(InputInfo(locator, hashlib.sha256(data).hexdigest()))
        if suffix in HTML_SUFFIXES:
            yield html.parse(data, locator, config)
        elif suffix in FEED_SUFFIXES:
            if suffix == ".xml" and not rss.looks_like_feed(data):
                raise InputError(locator, "an XML file that is not an RSS/Atom feed")
            yield from rss.parse(data, locator, config)
        else:
            yield text.parse(data, locator, config, sidecar=text.find_sidecar(path, config))
    except InputError as exc:
        yield Failure(exc.locator, "ingest", exc.reason)
    except OSError as exc:
        yield Failure(locator, "ingest", f"cannot read: {exc.strerror or exc}")


def _read_bytes(path: Path, locator: str, config: Config) -> bytes:
    limit = int(config["ingest.max_bytes"])
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            locator,
            f"file is {size / 1e6:,.1f} MB, over the {limit / 1e6:,.1f} MB limit "
            "(raise ingest.max_bytes to read it)",
        )
    return path.read_bytes()


def _json_or_none(data: bytes) -> object:
    import json

    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _read_url(url: str, config: Config, log: Ingest) -> Iterator[Article | Failure]:
    """A feed URL the user named explicitly: fetched once, read as RSS/Atom."""
    try:
        data = rss.fetch(url, config)
        log.inputs.append(InputInfo(url, hashlib.sha256(data).hexdigest()))
        yield from rss.parse(data, url, config)
    except InputError as exc:
        yield Failure(exc.locator, "ingest", exc.reason)


def _read_warc(path: Path, locator: str, config: Config, log: Ingest) -> Iterator[Article | Failure]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    log.inputs.append(InputInfo(locator, digest.hexdigest()))
    with path.open("rb") as fh:
        yield from warc.parse(fh, locator, config)


def _read_stdin(config: Config, log: Ingest) -> Iterator[Article | Failure]:
    limit = int(config["ingest.max_bytes"])
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        yield Failure("-", "ingest", f"standard input is over the {limit / 1e6:,.1f} MB limit")
        return
    log.inputs.append(InputInfo("-", hashlib.sha256(data).hexdigest()))
    try:
        if data.lstrip()[:1] in (b"{", b"["):
            yield from jsonl.read_bytes(data, "-", config)
        else:
            yield text.parse(data, "-", config, sidecar=None)
    except InputError as exc:
        yield Failure(exc.locator, "ingest", exc.reason)
