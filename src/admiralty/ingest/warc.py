"""Web archives (WARC, ``.warc`` or ``.warc.gz``, read with warcio).

Every ``response`` record with an HTML body goes through the same trafilatura path as an ``.html``
file (``html.extract``), with the record's ``WARC-Target-URI`` as the page URL (so the outlet
falls back to its host) and ``WARC-Date`` as the publication date when the page gives none.
Records of other types (requests, metadata, images, scripts) are skipped; a page without main
text is one failure naming its URI. The locator is ``<file>#<target URI>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..config import Config
from ..errors import InputError
from ..model import Article, Failure
from .html import extract
from .meta import article_from_fields
from .text import decode

SUFFIXES = (".warc", ".warc.gz")


def is_warc(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def parse(stream: BinaryIO, locator: str, config: Config) -> Iterator[Article | Failure]:
    """Articles from a WARC stream (read record by record; the archive is never held whole)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in ctype:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"{locator}#{uri}"
            limit = int(config["ingest.max_bytes"])
            body = record.content_stream().read(limit + 1)
            if len(body) > limit:
                yield Failure(where, "ingest", f"record is over the {limit / 1e6:,.1f} MB limit")
                continue
            try:
                page, encoding = decode(body, where, config)
                meta = extract(page, where, url=uri or None)
            except InputError as exc:
                yield Failure(exc.locator, "ingest", exc.reason)
                continue
            fields = {
                "title": meta.get("title"),
                "outlet": meta.get("sitename") or meta.get("hostname"),
                "url": meta.get("url") or uri or None,
                "published": meta.get("date") or record.rec_headers.get_header("WARC-Date"),
                "author": meta.get("author"),
            }
            yield article_from_fields(where, meta["text"], fields, encoding=encoding)
    except ArchiveLoadFailed as exc:
        raise InputError(locator, f"not a readable WARC file: {exc}") from exc
