"""HTML pages: main text and metadata (title, site, author, date, URL) through trafilatura.

The article text is trafilatura's extracted text, so offsets index that text, not the HTML.
A page with no extractable main text is a failure with that reason, never a silent ``None``.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..errors import InputError
from ..model import Article
from .meta import article_from_fields
from .text import decode


def extract(html: str, locator: str, url: str | None = None) -> dict[str, Any]:
    """trafilatura's main text and metadata as a plain dict, or ``InputError``."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )
    if doc is None:
        raise InputError(locator, "no main text found in this HTML page")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    if not (data.get("text") or "").strip():
        raise InputError(locator, "no main text found in this HTML page")
    return data


def parse(data: bytes, locator: str, config: Config) -> Article:
    html, encoding = decode(data, locator, config)
    meta = extract(html, locator)
    fields = {
        "title": meta.get("title"),
        "outlet": meta.get("sitename") or meta.get("hostname"),
        "url": meta.get("url"),
        "published": meta.get("date"),
        "author": meta.get("author"),
    }
    return article_from_fields(locator, meta["text"], fields, encoding=encoding)
