"""Known narratives: a user's list of known false or debunked claims, and the claims that match one.

``import_file(path)`` reads a CSV, TSV or JSONL file of narratives and returns a
:class:`NarrativeSet` (records + MiniLM vectors of their claim texts); ``NarrativeSet.save`` /
``NarrativeSet.load`` keep it in its own ``.npz`` file (records as JSON, vectors float32), beside
the SQLite store rather than inside it. ``match(claims, narratives)`` links claims to narratives.

Accepted columns (header names, case-insensitive; the first present wins):

* claim text (required): ``claim``, ``title``, ``narrative``, ``text``, ``statement``
* id: ``id``, ``url``, ``case``, ``case_id`` -- else a hash of the text
* ``date`` / ``published``; ``source`` (who listed it; default: the file's name, or
  ``EUvsDisinfo`` when the ids are euvsdisinfo.eu URLs); ``url``
* lists, ``+``, ``;`` or ``|`` separated: ``keywords``, ``countries``, ``outlets``, ``languages``

The EUvsDisinfo export (``posts.csv``: date, id, title, countries, keywords, languages, outlets)
loads as it is: ``title`` is the claim, ``id`` (the case URL) the id and url.

Matching: the cosine of MiniLM embeddings of claim and narrative, at or above
``[narratives] match_cosine``; each claim keeps its ``max_matches`` best narratives. A match says
its score and the narrative's source and url.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AdmiraltyError
from ..model import short_hash
from ..resources import Resources

VERSION = "narratives.embed/1"
TEXT_COLUMNS = ("claim", "title", "narrative", "text", "statement")
ID_COLUMNS = ("id", "url", "case", "case_id")
LIST_COLUMNS = ("keywords", "countries", "outlets", "languages")


class NarrativeError(AdmiraltyError):
    """A narratives file that cannot be read."""


@dataclass(frozen=True, slots=True)
class Narrative:
    id: str
    claim: str
    source: str
    url: str | None
    date: str | None
    keywords: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NarrativeMatch:
    claim: str  # claim id (or the caller's id)
    narrative: str
    score: float
    source: str
    url: str | None
    text: str  # the narrative's claim, for the reader


@dataclass
class NarrativeSet:
    narratives: list[Narrative]
    vectors: np.ndarray

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        records = json.dumps([asdict(n) for n in self.narratives], ensure_ascii=False)
        with path.open("wb") as fh:
            np.savez_compressed(fh, records=np.array(records), vectors=self.vectors.astype(np.float32),
                                version=np.array(VERSION))
        return path

    @classmethod
    def load(cls, path: str | Path) -> NarrativeSet:
        try:
            with np.load(Path(path), allow_pickle=False) as z:
                raw = json.loads(str(z["records"]))
                vectors = np.asarray(z["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise NarrativeError(f"{path} is not an admiralty narratives file: {exc}") from exc
        items = [Narrative(**{k: tuple(v) if isinstance(v, list) else v for k, v in r.items()}) for r in raw]
        return cls(items, vectors)

    def merged(self, other: NarrativeSet) -> NarrativeSet:
        """This set plus ``other``; a narrative id already present is replaced by the new one."""
        index = {n.id: i for i, n in enumerate(self.narratives)}
        items, rows = list(self.narratives), list(self.vectors)
        for n, v in zip(other.narratives, other.vectors, strict=True):
            if n.id in index:
                items[index[n.id]], rows[index[n.id]] = n, v
            else:
                index[n.id] = len(items)
                items.append(n)
                rows.append(v)
        return NarrativeSet(items, np.stack(rows) if rows else np.zeros((0, 384), np.float32))


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    for sep in ("+", ";", "|"):
        if sep in value:
            return tuple(p.strip() for p in value.split(sep) if p.strip())
    return (value.strip(),)


def _rows(path: Path) -> list[dict[str, Any]]:
    text = path.read_text("utf-8-sig")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as exc:
                    raise NarrativeError(f"{path}:{n}: not JSON: {exc}") from exc
        return out
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def read_narratives(path: str | Path, source: str | None = None, limit: int | None = None) -> list[Narrative]:
    """The narratives of a CSV / TSV / JSONL file (see the module docstring for the columns)."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        return []
    out: list[Narrative] = []
    seen: set[str] = set()
    for row in rows:
        low = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        text_col = next((c for c in TEXT_COLUMNS if c in low), None)
        if text_col is None:
            raise NarrativeError(
                f"{path}: no claim column (one of {', '.join(TEXT_COLUMNS)}); columns are {', '.join(low)}"
            )
        claim = " ".join(str(low.get(text_col) or "").split())
        if not claim:
            continue
        nid = next((str(low[c]).strip() for c in ID_COLUMNS if low.get(c)), None) or f"nar-{short_hash(claim)}"
        if nid in seen:
            continue
        seen.add(nid)
        url = low.get("url") or (nid if nid.startswith("http") else None)
        src = low.get("source") or source or ("EUvsDisinfo" if "euvsdisinfo.eu" in nid else path.stem)
        out.append(
            Narrative(
                nid, claim, str(src), url, (low.get("date") or low.get("published") or None),
                *(_split(str(low.get(c) or "")) for c in LIST_COLUMNS),
            )
        )
        if limit is not None and len(out) >= limit:
            break
    return out


def import_file(
    path: str | Path, res: Resources | None = None, *, source: str | None = None, limit: int | None = None
) -> NarrativeSet:
    """Read a narratives file and embed its claims (MiniLM)."""
    res = res or Resources()
    items = read_narratives(path, source, limit)
    vectors = res.embed([n.claim for n in items]) if items else np.zeros((0, 384), np.float32)
    return NarrativeSet(items, vectors)


def match(
    claims: Sequence[tuple[str, str]] | Iterable[tuple[str, str]],
    narratives: NarrativeSet,
    res: Resources | None = None,
    *,
    vectors: np.ndarray | None = None,
) -> list[NarrativeMatch]:
    """Claims ``(id, text)`` that match a known narrative, best first per claim.

    ``vectors`` may give the claims' MiniLM vectors (rows in order); otherwise they are embedded.
    The claims are scored against every narrative in blocks (a matrix product per block).
    """
    res = res or Resources()
    items = list(claims)
    if not items or not narratives.narratives:
        return []
    threshold = float(res.config["narratives.match_cosine"])
    keep = int(res.config["narratives.max_matches"])
    block = int(res.config["narratives.block"])
    x = vectors if vectors is not None else res.embed([t for _, t in items])
    out: list[NarrativeMatch] = []
    for lo in range(0, len(items), block):
        sims = x[lo : lo + block] @ narratives.vectors.T
        for k, row in enumerate(sims):
            best = np.argsort(-row, kind="stable")[:keep]
            for j in best:
                if row[j] < threshold:
                    break
                n = narratives.narratives[int(j)]
                out.append(NarrativeMatch(items[lo + k][0], n.id, round(float(row[j]), 4), n.source, n.url, n.claim))
    return out
