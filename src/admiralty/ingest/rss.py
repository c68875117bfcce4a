"""RSS and Atom feeds (feedparser): one article per entry.

A feed is read from a file (``.rss``, ``.atom``, or an ``.xml`` file whose root is ``<rss>``,
``<feed>`` or ``<rdf:RDF>``) or from a URL the user names explicitly on the command line
(``admiralty analyze https://example.org/feed.xml``): nothing is ever fetched otherwise, and the
links inside a feed are never followed. The article is what the feed carries:

* text: the entry's full content (``content:encoded`` / Atom ``content``) when present, else its
  summary, converted from HTML to text (``fragments``);
* title, author, url (the entry's link), published (``published``, else ``updated``);
* outlet: the feed's own title (the publisher), else the link's host name;
* locator: ``<feed>#<entry id or link or position>``, so re-reading the feed is a no-op.

An entry without text is reported as a failure naming the entry; a file that is not a feed fails
with feedparser's reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from ..config import Config
from ..errors import InputError
from ..model import Article, Failure
from .fragments import to_text
from .meta import article_from_fields

SUFFIXES = frozenset({".rss", ".atom"})
FETCH_TIMEOUT = 30  # seconds for a user-named feed URL


def looks_like_feed(data: bytes) -> bool:
    """An XML document whose root element is a feed (for ``.xml`` files)."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _when(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return entry.get("published") or entry.get("updated")


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value") or "" for c in contents), key=len, default="")
    summary = entry.get("summary") or ""
    return to_text(best if len(best) >= len(summary) else summary)


def parse(data: bytes, locator: str, config: Config) -> Iterator[Article | Failure]:
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = f"not an RSS/Atom feed ({feed.bozo_exception})" if feed.get("bozo") else "feed has no entries"
        raise InputError(locator, reason)
    outlet = (feed.feed.get("title") or "").strip() or None
    for n, entry in enumerate(feed.entries, start=1):
        key = entry.get("id") or entry.get("link") or str(n)
        where = f"{locator}#{key}"
        text = _body(entry)
        if not text.strip():
            yield Failure(where, "ingest", "feed entry has no text (no content and no summary)")
            continue
        fields = {
            "title": to_text(entry.get("title") or "") or None,
            "author": entry.get("author"),
            "url": entry.get("link"),
            "published": _when(entry),
            "outlet": outlet,
        }
        yield article_from_fields(where, text, fields, encoding="utf-8")


def fetch(url: str, config: Config) -> bytes:
    """Download a feed the user named explicitly (size-capped, with a timeout)."""
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise InputError(url, "only http(s) URLs are fetched")
    limit = int(config["ingest.max_bytes"])
    request = urllib.request.Request(url, headers={"User-Agent": "admiralty (feed reader)"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(limit + 1)
    except OSError as exc:
        raise InputError(url, f"cannot fetch: {exc}") from exc
    if len(data) > limit:
        raise InputError(url, f"over the {limit / 1e6:,.1f} MB limit")
    return bytes(data)
