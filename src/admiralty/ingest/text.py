"""Plain-text articles: bytes decoded exactly (no stripping, no newline changes), so that
offsets index the file. UTF-8 first; otherwise the encoding charset-normalizer finds, recorded in
``Article.encoding``; binary data and undecodable bytes are refused with their reason.

Metadata may come from a sidecar ``NAME.meta.json`` (or ``NAME.txt.meta.json``) beside the file:
``{"title", "outlet", "url", "published", "author"}``, all optional.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import InputError
from ..model import Article
from .meta import article_from_fields

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v\x0b\x1c\x1d\x1e\x85")


def decode(data: bytes, locator: str, config: Config) -> tuple[str, str]:
    """(text, encoding) for raw bytes, or ``InputError`` saying why they are not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), locator, config), encoding
            except UnicodeDecodeError as exc:
                raise InputError(locator, f"starts with a {encoding} mark but is not {encoding}: {exc.reason}") from exc
    if b"\x00" in data:
        raise InputError(locator, "binary data (NUL bytes), not a text article")
    try:
        return _checked(data.decode("utf-8"), locator, config), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(locator, "not UTF-8 and no text encoding fits: binary or corrupt file")
    coherence = float(best.coherence)
    if coherence < float(config["ingest.min_encoding_coherence"]) and best.chaos > 0.2:
        raise InputError(
            locator,
            f"not UTF-8; the closest encoding ({best.encoding}) gives garbled text "
            f"(chaos {best.chaos:.2f}): convert the file to UTF-8",
        )
    return _checked(str(best), locator, config), best.encoding


def _checked(text: str, locator: str, config: Config) -> str:
    if text:
        controls = sum(
            1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
        )
        if controls / len(text) > float(config["ingest.max_control_ratio"]):
            raise InputError(locator, f"binary data ({controls} control characters), not a text article")
    return text


def first_line(text: str, limit: int = 300) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:limit]
    return None


def find_sidecar(path: Path, config: Config) -> Path | None:
    suffix = str(config["ingest.sidecar_suffix"])
    for candidate in (path.with_name(path.stem + suffix), path.with_name(path.name + suffix)):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path, locator: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(locator, f"sidecar {path.name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(locator, f"sidecar {path.name} must hold a JSON object")
    return data


def parse(data: bytes, locator: str, config: Config, sidecar: Path | None) -> Article:
    text, encoding = decode(data, locator, config)
    fields: dict[str, Any] = {"title": first_line(text)}
    if sidecar is not None:
        fields.update({k: v for k, v in read_sidecar(sidecar, locator).items() if v is not None})
    return article_from_fields(locator, text, fields, encoding=encoding)
