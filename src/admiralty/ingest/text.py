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
    return _legacy(data, locator, config)


def _legacy(data: bytes, locator: str, config: Config) -> tuple[str, str]:
    """Pick a legacy (8-bit) encoding. Detection on short texts is ambiguous (cp1250 and cp1252
    decode French equally "cleanly"), so among the decodings that read as little garbled as the
    best one (charset-normalizer's mess ratio, within a tolerance), the first of the configured
    preferred encodings wins; others come in charset-normalizer's order."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    preferred = [str(e) for e in config["ingest.preferred_encodings"]]
    detected = [m.encoding for m in from_bytes(data) if m.encoding]
    scored = []
    for rank, encoding in enumerate(dict.fromkeys([*preferred, *detected])):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((mess_ratio(text, 1.0), rank, encoding, text))
    if not scored:
        raise InputError(locator, "not UTF-8 and no text encoding fits: binary or corrupt file")
    least = min(s[0] for s in scored)
    if least > float(config["ingest.max_mess_ratio"]):
        raise InputError(
            locator,
            f"not UTF-8, and every encoding tried gives garbled text (mess ratio {least:.2f}): "
            "convert the file to UTF-8",
        )
    tolerance = float(config["ingest.encoding_tolerance"])
    _, _, encoding, text = min((s for s in scored if s[0] <= least + tolerance), key=lambda s: s[1])
    return _checked(text, locator, config), encoding


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
