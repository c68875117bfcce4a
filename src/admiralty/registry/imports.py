"""Import an analyst's own outlet ratings from a CSV file into the store.

Columns (a header row is required; names are matched case-insensitively, the first present wins):

* the outlet: ``domain`` (or ``source_url_normalized``, ``source_url``, ``url``, ``homepage``)
  and/or ``name`` (or ``outlet``, ``source``, ``publisher``) -- at least one per row;
* the rating: ``reliability`` (a letter A-F), or a factuality label in ``factuality`` (or
  ``factual_reporting``, ``fact``) turned into a letter by ``[registry] factuality_letters``
  (``very high`` A, ``high`` B, ``mostly factual`` C, ``mixed`` D, ``low`` E, ``very low`` E by
  default; ``mostly-factual`` and ``MOSTLY FACTUAL`` read the same);
* optional ``note``.

Rows without an outlet or with a label the mapping does not know are counted as skipped, never
guessed. Each import is stored with the file name and time; a later import of the same outlet
replaces the earlier rating when the corpus is graded.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import Rating, host_of

DOMAIN_COLUMNS = ("domain", "source_url_normalized", "source_url", "url", "homepage")
NAME_COLUMNS = ("name", "outlet", "source", "publisher")
LETTER_COLUMNS = ("reliability",)
LABEL_COLUMNS = ("factuality", "factual_reporting", "fact")
LETTERS = ("A", "B", "C", "D", "E", "F")


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    skipped: int
    reasons: dict[str, int]


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        value = (row.get(n) or "").strip()
        if value:
            return value
    return None


def _label_key(label: str) -> str:
    return " ".join(label.lower().replace("-", " ").replace("_", " ").split())


def read_ratings(path: Path, factuality_letters: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows ``{name, domain, reliability, label, note}`` and the count of skipped rows by reason."""
    mapping = {_label_key(k): str(v).upper() for k, v in factuality_letters.items()}
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    rows: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            if not reader.fieldnames:
                raise InputError(str(path), "empty file: a header row is required")
            fields = {f.lower().strip(): f for f in reader.fieldnames}
            if not any(c in fields for c in DOMAIN_COLUMNS + NAME_COLUMNS):
                raise InputError(str(path), f"no outlet column (one of {', '.join(DOMAIN_COLUMNS + NAME_COLUMNS)})")
            if not any(c in fields for c in LETTER_COLUMNS + LABEL_COLUMNS):
                raise InputError(str(path), f"no rating column (one of {', '.join(LETTER_COLUMNS + LABEL_COLUMNS)})")
            for raw in reader:
                row = {k.lower().strip(): (v or "") for k, v in raw.items() if k is not None}
                domain_raw = _pick(row, DOMAIN_COLUMNS)
                domain = host_of(domain_raw) if domain_raw else None
                name = _pick(row, NAME_COLUMNS)
                if not domain and not name:
                    skipped["no outlet"] = skipped.get("no outlet", 0) + 1
                    continue
                letter = (_pick(row, LETTER_COLUMNS) or "").upper()
                label = _pick(row, LABEL_COLUMNS)
                if letter not in LETTERS:
                    letter = mapping.get(_label_key(label), "") if label else ""
                if letter not in LETTERS:
                    why = f"unknown rating {label!r}" if label else "no rating"
                    skipped[why] = skipped.get(why, 0) + 1
                    continue
                rows.append({"name": name, "domain": domain, "reliability": letter, "label": label,
                             "note": _pick(row, ("note",))})
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(path), f"cannot read ratings file: {exc}") from exc
    return rows, skipped


def import_file(store: Any, path: Path, factuality_letters: dict[str, str]) -> ImportResult:
    """Read ``path`` and store its ratings in one transaction."""
    rows, skipped = read_ratings(path, factuality_letters)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with store.db:
        store.db.executemany(
            "INSERT INTO outlet_ratings (name, domain, reliability, label, note, origin, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r["name"], r["domain"], r["reliability"], r["label"], r["note"], path.name, now) for r in rows],
        )
    return ImportResult(len(rows), sum(skipped.values()), skipped)


def stored_ratings(store: Any) -> dict[str, Rating]:
    """Imported ratings keyed by domain (else name); the latest import of an outlet wins."""
    out: dict[str, Rating] = {}
    cur = store.db.execute(
        "SELECT name, domain, reliability, label, note, origin, imported_at FROM outlet_ratings ORDER BY id"
    )
    for name, domain, letter, label, note, origin, at in cur:
        key = domain or name
        if key:
            out[key] = Rating(letter, label, f"imported from {origin} at {at}", note)
    return out
