"""The SQLite store: articles with all their records, the corpus-level records, failures, runs and
the analyst's reviews, with FTS5 search over article text and claims.

* WAL journal; each batch of articles is written in one transaction, so an interrupted run leaves
  every batch either fully stored or absent.
* The schema is versioned with ``PRAGMA user_version`` and upgraded by the ordered ``MIGRATIONS``;
  a store newer than this admiralty is refused rather than damaged.
* Every query is parameterised: article text never becomes SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..model import (
    Article,
    ClaimLink,
    CopyGroup,
    CorpusResult,
    Failure,
    Grade,
    NarrativeMatch,
    Review,
    Run,
    Source,
    Story,
    from_json,
    to_json,
)

__all__ = ["MIGRATIONS", "Store"]

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        run_json TEXT NOT NULL,
        config_json TEXT NOT NULL
    );
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        input TEXT NOT NULL,
        title TEXT, outlet TEXT, author TEXT, url TEXT, published TEXT,
        language TEXT, status TEXT NOT NULL, skip_reason TEXT,
        text TEXT NOT NULL,
        record_json TEXT NOT NULL,
        vectors BLOB,
        run_id INTEGER REFERENCES runs(id)
    );
    CREATE INDEX articles_content_hash ON articles(content_hash);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE TABLE claims (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        checkworthiness REAL NOT NULL,
        type TEXT NOT NULL, certainty TEXT NOT NULL, polarity TEXT NOT NULL,
        attribution TEXT
    );
    CREATE INDEX claims_article ON claims(article_id);
    CREATE TABLE failures (
        run_id INTEGER REFERENCES runs(id),
        input TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL
    );
    CREATE TABLE corpus_records (
        kind TEXT NOT NULL, id TEXT NOT NULL, ord INTEGER NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
        reviewer TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
        value TEXT NOT NULL, replaced TEXT NOT NULL, note TEXT NOT NULL
    );
    CREATE INDEX reviews_target ON reviews(target_kind, target_id);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='porter unicode61'
    );
    CREATE VIRTUAL TABLE claims_fts USING fts5(
        text, content='claims', content_rowid='rowid', tokenize='porter unicode61'
    );
    """,
    # 2: outlet reliability ratings imported by the analyst (`admiralty sources import`)
    """
    CREATE TABLE outlet_ratings (
        id INTEGER PRIMARY KEY,
        name TEXT, domain TEXT,
        reliability TEXT NOT NULL, label TEXT, note TEXT,
        origin TEXT NOT NULL, imported_at TEXT NOT NULL
    );
    CREATE INDEX outlet_ratings_domain ON outlet_ratings(domain);
    """,
    # 3: which encoder made an article's claim vectors (vectors of another encoder are not
    # comparable: they are read back only by a run with the same encoder)
    """
    ALTER TABLE articles ADD COLUMN vectors_by TEXT;
    """,
    # 4: the article's lead vector (the stories stage's), made with the claim vectors
    """
    ALTER TABLE articles ADD COLUMN lead_vector BLOB;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# Corpus records, by the kind stored in corpus_records, with their type and id.
_CORPUS: dict[str, tuple[type, Any]] = {
    "source": (Source, lambda r: r.id),
    "copy_group": (CopyGroup, lambda r: r.id),
    "story": (Story, lambda r: r.id),
    "claim_link": (ClaimLink, lambda r: "|".join(r.claims)),
    "grade": (Grade, lambda r: r.claim),
    "narrative_match": (NarrativeMatch, lambda r: f"{r.claim}|{r.narrative}"),
}
_FIELDS = {
    "source": "sources",
    "copy_group": "copies",
    "story": "stories",
    "claim_link": "claim_links",
    "grade": "grades",
    "narrative_match": "narrative_matches",
}


class Store:
    """One SQLite file. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable admiralty store: {exc}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this admiralty "
                f"({SCHEMA_VERSION}): upgrade admiralty to open it"
            )
        for n in range(version, SCHEMA_VERSION):
            with self.db:
                self.db.executescript(f"BEGIN; {MIGRATIONS[n]}; PRAGMA user_version = {n + 1}; COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # -- writes -----------------------------------------------------------------------------

    def start_run(self, run: Run, config: dict[str, Any]) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO runs (started, run_json, config_json) VALUES (?, ?, ?)",
                (run.started, json.dumps(to_json(run)), json.dumps(config, sort_keys=True)),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, run: Run) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET run_json = ? WHERE id = ?", (json.dumps(to_json(run)), run_id))

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add(self, items: Iterable[Article | Failure], run_id: int | None = None, *, encoder: str | None = None) -> int:
        """Store a batch in one transaction; articles already stored are left as they are.
        ``encoder`` names what made the claim vectors (``Resources.vectors_id``). Returns the
        number of new articles."""
        added = 0
        with self.db:
            for item in items:
                if isinstance(item, Failure):
                    self.db.execute(
                        "INSERT INTO failures (run_id, input, stage, reason) VALUES (?, ?, ?, ?)",
                        (run_id, item.input, item.stage, item.reason),
                    )
                elif self._insert_article(item, run_id, encoder):
                    added += 1
        return added

    def _insert_article(self, a: Article, run_id: int | None, encoder: str | None) -> bool:
        vectors = _pack(a.claim_vectors) if encoder is not None else None
        lead = _pack(None if a.lead_vector is None else [a.lead_vector]) if vectors is not None else None
        cur = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, content_hash, input, title, outlet, author, url, "
            "published, language, status, skip_reason, text, record_json, vectors, vectors_by, lead_vector, "
            "run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.content_hash, a.input, a.title, a.outlet, a.author, a.url, a.published,
             a.language, a.status, a.skip_reason, a.text, json.dumps(to_json(a), ensure_ascii=False),
             vectors, encoder if vectors is not None else None, lead, run_id),
        )
        if cur.rowcount == 0:
            return False
        rowid = cur.lastrowid
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", (rowid, a.title or "", a.text)
        )
        for c in a.claims:
            ccur = self.db.execute(
                'INSERT INTO claims (id, article_id, start, "end", text, checkworthiness, type, '
                "certainty, polarity, attribution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (c.id, a.id, c.start, c.end, c.text, c.checkworthiness, c.type, c.certainty,
                 c.polarity, c.attribution),
            )
            self.db.execute("INSERT INTO claims_fts (rowid, text) VALUES (?, ?)", (ccur.lastrowid, c.text))
        return True

    def replace_corpus(self, result: CorpusResult) -> None:
        """The corpus records are recomputed over the whole store; replace them atomically."""
        with self.db:
            self.db.execute("DELETE FROM corpus_records")
            for kind, (_, key) in _CORPUS.items():
                for n, record in enumerate(getattr(result, _FIELDS[kind])):
                    self.db.execute(
                        "INSERT INTO corpus_records (kind, id, ord, json) VALUES (?, ?, ?, ?)",
                        (kind, key(record), n, json.dumps(to_json(record), ensure_ascii=False)),
                    )

    def add_review(self, kind: str, target: str, review: Review) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO reviews (target_kind, target_id, reviewer, at, action, value, replaced, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, target, review.reviewer, review.at, review.action, review.value, review.replaced,
                 review.note),
            )

    # -- reads ------------------------------------------------------------------------------

    def article(self, article_id: str, *, encoder: str | None = None) -> Article | None:
        """One stored article; its claim vectors only when ``encoder`` made them (else None:
        a caller that needs them embeds the claims again)."""
        row = self.db.execute(
            "SELECT record_json, vectors, vectors_by, lead_vector FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else _article(row[0], *_vectors_of(row[1:], encoder))

    def find_articles(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (so a user may type a short unique prefix)."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? ORDER BY id", (len(prefix), prefix)
        ).fetchall()
        return [r[0] for r in rows]

    def articles(self, ids: Iterable[str] | None = None, *, encoder: str | None = None) -> Iterator[Article]:
        """Stored articles in storage order (or those of ``ids``); vectors as in :meth:`article`."""
        if ids is None:
            cur = self.db.execute("SELECT record_json, vectors, vectors_by, lead_vector FROM articles ORDER BY rowid")
            for blob, *vectors in cur:
                yield _article(blob, *_vectors_of(vectors, encoder))
            return
        for article_id in ids:
            found = self.article(article_id, encoder=encoder)
            if found is not None:
                yield found

    def corpus(self) -> CorpusResult:
        fields: dict[str, list[Any]] = {f: [] for f in _FIELDS.values()}
        rows = self.db.execute("SELECT kind, json FROM corpus_records ORDER BY kind, ord").fetchall()
        for kind, blob in rows:
            cls = _CORPUS[kind][0]
            fields[_FIELDS[kind]].append(from_json(cls, json.loads(blob)))
        return CorpusResult(**{k: tuple(v) for k, v in fields.items()})

    def failures(self, run_id: int | None = None) -> list[Failure]:
        sql = "SELECT input, stage, reason FROM failures"
        rows = self.db.execute(sql + " WHERE run_id = ?", (run_id,)) if run_id else self.db.execute(sql)
        return [Failure(*r) for r in rows]

    def reviews(self, kind: str | None = None) -> list[tuple[str, str, Review]]:
        sql = "SELECT target_kind, target_id, reviewer, at, action, value, replaced, note FROM reviews"
        rows = (
            self.db.execute(sql + " WHERE target_kind = ? ORDER BY id", (kind,))
            if kind
            else self.db.execute(sql + " ORDER BY id")
        )
        return [(r[0], r[1], Review(*r[2:])) for r in rows]

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """Full-text search over article text and titles: (article id, snippet), best first."""
        try:
            rows = self.db.execute(
                "SELECT a.id, snippet(articles_fts, 1, '[', ']', ' … ', 12) FROM articles_fts "
                "JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? "
                "ORDER BY bm25(articles_fts) LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r}: {exc}") from exc
        return [(r[0], r[1]) for r in rows]

    def count(self, table: str) -> int:
        if table not in ("articles", "claims", "failures", "runs", "reviews", "corpus_records"):
            raise StoreError(f"no table {table!r}")
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _vectors_of(row: Sequence[Any], encoder: str | None) -> tuple[bytes | None, bytes | None]:
    """The stored claim and lead vectors (from ``vectors, vectors_by, lead_vector``) when the
    asking run's encoder made them, else None."""
    claims, made_by, lead = row
    return (claims, lead) if encoder is not None and made_by == encoder else (None, None)


def _pack(vectors: Any) -> bytes | None:
    """Claim vectors as ``rows:int32 | cols:int32 | float16 data`` (half the bytes of float32)."""
    if vectors is None:
        return None
    import numpy as np

    arr = np.asarray(vectors, dtype=np.float16)
    rows, cols = arr.shape if arr.ndim == 2 else (0, 0)
    return np.array([rows, cols], dtype=np.int32).tobytes() + arr.tobytes()


def _unpack(blob: bytes | None) -> Any:
    if blob is None:
        return None
    import numpy as np

    rows, cols = np.frombuffer(blob[:8], dtype=np.int32)
    return np.frombuffer(blob[8:], dtype=np.float16).astype(np.float32).reshape(int(rows), int(cols))


def _article(record_json: str, vectors: bytes | None, lead: bytes | None) -> Article:
    from dataclasses import replace

    article = from_json(Article, json.loads(record_json))
    if vectors is None:
        return article
    return replace(article, claim_vectors=_unpack(vectors), lead_vector=None if lead is None else _unpack(lead)[0])
