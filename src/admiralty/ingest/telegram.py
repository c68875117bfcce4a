"""Telegram Desktop channel exports (``result.json`` from "Export chat history", JSON format).

One article per message that has text. The mapping, so provenance survives:

* text: the message text with its entities flattened (bold, links, mentions, hashtags ... keep
  their visible text; a ``text_link`` keeps its visible text only, not the hidden address);
* outlet: the channel's name (who published the post here);
* author: the post's signature (``author``) or sender (``from``) when it differs from the channel;
  for a **forwarded** post, ``forwarded from <original channel or user>`` (the origin the copies
  stage should credit), followed by the signature when there is one;
* url: ``https://t.me/c/<channel id>/<message id>``, Telegram's permalink form for a channel by id
  (for a public channel the ``t.me/<username>/<id>`` link points to the same message); never fetched;
* published: the message's ``date_unixtime`` (UTC), else its local ``date``;
* title: the first line of the text; locator: ``<file>#<message id>``.

Service messages (joins, pins) and media without a caption are not articles and are skipped.
A file named ``result.json`` that is not a Telegram export is read as ordinary JSON instead.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..model import Article, Failure
from .meta import article_from_fields
from .text import first_line

FILE_NAME = "result.json"


def is_export(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("messages"), list) and "name" in obj


def flatten(text: Any) -> str:
    """A message's ``text`` (a string, or a list of strings and entity objects) as plain text."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in text
                       if isinstance(part, (str, dict)))
    return ""


def _text(message: dict[str, Any]) -> str:
    entities = message.get("text_entities")
    if isinstance(entities, list) and entities:
        return "".join(str(e.get("text", "")) for e in entities if isinstance(e, dict))
    return flatten(message.get("text"))


def _published(message: dict[str, Any]) -> str | None:
    unix = message.get("date_unixtime")
    if unix is not None:
        try:
            return dt.datetime.fromtimestamp(int(unix), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (TypeError, ValueError, OverflowError):
            pass
    return message.get("date")


def parse(data: bytes, locator: str) -> Iterator[Article | Failure]:
    try:
        export = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(locator, f"not valid JSON: {exc}") from exc
    yield from messages(export, locator)


def messages(export: dict[str, Any], locator: str) -> Iterator[Article | Failure]:
    channel = str(export.get("name") or "").strip() or None
    channel_id = export.get("id")
    for message in export["messages"]:
        if not isinstance(message, dict) or message.get("type", "message") != "message":
            continue
        text = _text(message)
        if not text.strip():
            continue
        mid = message.get("id")
        signature = message.get("author") or (message.get("from") if message.get("from") != channel else None)
        author = signature
        forwarded = message.get("forwarded_from")
        if forwarded:
            author = f"forwarded from {forwarded}" + (f" ({signature})" if signature else "")
        url = f"https://t.me/c/{channel_id}/{mid}" if channel_id is not None and mid is not None else None
        fields = {"title": first_line(text), "outlet": channel, "author": author, "url": url,
                  "published": _published(message)}
        yield article_from_fields(f"{locator}#{mid}", text, fields, encoding="utf-8")
