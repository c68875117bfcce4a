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

Matching: the cosine of the shared encoder's vectors (``Resources.embed``, the vectors of
``Article.claim_vectors``) of claim and narrative, at or above ``[narratives] match_cosine``; each
claim keeps its ``max_matches`` best narratives. A match (``model.NarrativeMatch``) says its score,
the narrative's source, url and text, and a typed reason (``narrative.cosine``).

The corpus stage :class:`Narratives` puts the matches of every analysed claim into the document's
``narrative_matches`` block when a narratives file is in use: ``[narratives] file``, else
``$ADMIRALTY_NARRATIVES``, else ``narratives.admiralty.npz`` in the working directory when it
exists (where ``admiralty narratives import`` writes by default). No file: no block, no cost.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AdmiraltyError
from ..model import Article, CorpusResult, NarrativeMatch, Reason, short_hash
from ..resources import Resources

VERSION = "narratives.embed/2"
DEFAULT_FILE = "narratives.admiralty.npz"
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
    """Read a narratives file and embed its claims (the shared encoder)."""
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

    ``vectors`` may give the claims' vectors (rows in order, the shared encoder's); otherwise they
    are embedded. The claims are scored against every narrative in blocks (a matrix product per
    block).
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
                score = round(float(row[j]), 4)
                out.append(NarrativeMatch(items[lo + k][0], n.id, score, n.source, n.url, n.claim,
                                          (_reason(n, score, threshold),)))
    return out


def _reason(n: Narrative, score: float, threshold: float) -> Reason:
    listed = f"{n.source} case of {n.date[:10]}" if n.date else f"{n.source} entry"
    return Reason(
        "narrative.cosine", VERSION, {"cosine": score, "threshold": threshold, "source": n.source},
        (n.id,), f'Repeats a known narrative ({listed}): "{n.claim}" (cosine {score:.2f} >= {threshold:.2f}).',
    )


def narratives_path(res: Resources) -> Path | None:
    """The narratives file in use (``[narratives] file``, $ADMIRALTY_NARRATIVES, or the default
    file in the working directory when it exists), or None."""
    configured = str(res.config["narratives.file"]) or os.environ.get("ADMIRALTY_NARRATIVES", "")
    if configured:
        return Path(configured)
    default = Path(DEFAULT_FILE)
    return default if default.is_file() else None


@dataclass
class NarrativesState:
    claims: dict[str, tuple[str, np.ndarray | None]]  # claim id -> (text, vector or None)


class Narratives:
    """Corpus stage: the analysed claims that repeat a known narrative (``narrative_matches``)."""

    name = "narratives"
    version = VERSION

    def build(self, articles: Sequence[Article], res: Resources) -> NarrativesState:
        if narratives_path(res) is None:
            return NarrativesState({})
        out: dict[str, tuple[str, np.ndarray | None]] = {}
        for a in articles:
            rows = a.claim_vectors if a.claim_vectors is not None and len(a.claim_vectors) == len(a.claims) else None
            for k, c in enumerate(a.claims):
                out[c.id] = (c.text, None if rows is None else np.asarray(rows[k], dtype=np.float32))
        return NarrativesState(out)

    def merge(self, left: NarrativesState, right: NarrativesState) -> NarrativesState:
        return NarrativesState({**left.claims, **right.claims})

    def query(self, state: NarrativesState, previous: CorpusResult, res: Resources) -> CorpusResult:
        path = narratives_path(res)
        if path is None or not state.claims:
            return previous
        known = res.cached(f"narratives:{path.resolve()}", lambda: NarrativeSet.load(path))
        if not known.narratives:
            return previous
        ids = sorted(state.claims)
        dim = known.vectors.shape[1]
        vectors = [state.claims[i][1] for i in ids]
        missing = [k for k, v in enumerate(vectors) if v is None or v.shape[0] != dim]
        if missing:  # claims without vectors, or vectors of another encoder than the file's
            fresh = res.embed([state.claims[ids[k]][0] for k in missing])
            for k, v in zip(missing, fresh, strict=True):
                vectors[k] = v
        if any(v.shape[0] != dim for v in vectors):  # type: ignore[union-attr]
            raise NarrativeError(f"{path} was embedded with another encoder: import it again")
        x = np.stack(vectors).astype(np.float32)  # type: ignore[arg-type]
        found = match([(i, state.claims[i][0]) for i in ids], known, res, vectors=x)
        return replace(previous, narrative_matches=tuple(found))
