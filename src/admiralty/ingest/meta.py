"""Article metadata from whatever a format calls it: the field names of the JSON Lines input,
sidecars, FakeNewsNet / news-please / trafilatura JSON all map onto one set of fields.
Dates become RFC 3339 (UTC) or stay null; an outlet falls back to the URL's host name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from ..model import Article

SYNONYMS = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "sitename", "source_domain", "publisher"),
    "url": ("url", "canonical_link", "link", "source_url"),
    "published": ("published", "date", "publish_date", "date_publish", "pubdate", "published_at"),
    "author": ("author", "authors", "byline"),
}
TEXT_KEYS = ("text", "maintext", "body", "content", "raw_text")


def pick(fields: dict[str, Any], name: str) -> Any:
    for key in SYNONYMS[name]:
        value = fields.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def text_of(fields: dict[str, Any]) -> str | None:
    for key in TEXT_KEYS:
        value = fields.get(key)
        if isinstance(value, str):
            return value
    return None


def normalise_date(value: Any) -> str | None:
    """RFC 3339 in UTC (``2025-02-21T10:00:00Z``); a bare date stays a date; unknown -> None."""
    if value is None:
        return None
    if isinstance(value, dict) and "$date" in value:  # MongoDB export (FakeNewsNet)
        value = value["$date"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        from dateutil import parser

        stamp = parser.parse(text)
    except (ValueError, OverflowError):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def _author(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        value = [v.strip(" '\"") for v in value[1:-1].split(",") if v.strip(" '\"")]
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v) or None
    return str(value)


def article_from_fields(
    locator: str, text: str, fields: dict[str, Any], *, encoding: str | None
) -> Article:
    url = pick(fields, "url")
    outlet = pick(fields, "outlet")
    if isinstance(outlet, str) and "//" in outlet:
        outlet = outlet_from_url(outlet)
    title = pick(fields, "title")
    article = Article.new(
        locator=locator,
        text=text,
        title=" ".join(str(title).split()) if title else None,
        outlet=str(outlet) if outlet else outlet_from_url(url),
        author=_author(pick(fields, "author")),
        url=str(url) if url else None,
        published=normalise_date(pick(fields, "published")),
        encoding=encoding,
    )
    language = fields.get("language")
    if isinstance(language, str) and len(language) == 2:
        from dataclasses import replace

        article = replace(article, language=language.lower())
    return article
