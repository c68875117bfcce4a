"""Read access for the web UI: the pages' queries over an admiralty store.

Every query is parameterised (article text, ids and search strings never become SQL). Lookups by
id use the store's keys (``articles.id``, ``claims.id``, ``corpus_records (kind, id)``), so a page
costs a few indexed reads whatever the size of the store. What no key answers (which stories hold
an article, which links touch a claim, claims ordered by check-worthiness) is indexed in memory
once per *generation* of the store: the index is rebuilt when a new ``admiralty analyze`` run
or new articles arrive (``_generation``), and is otherwise shared by every request.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..model import (
    Article,
    Claim,
    ClaimLink,
    CopyGroup,
    Grade,
    NarrativeMatch,
    Source,
    Story,
    from_json,
)
from ..store import Store


@dataclass
class Index:
    """What the store's keys do not answer, for one generation of the file."""

    generation: tuple[int, ...]
    stories_of: dict[str, list[str]] = field(default_factory=dict)  # article id -> story ids
    group_of: dict[str, str] = field(default_factory=dict)  # article id -> copy group id
    links_of: dict[str, list[str]] = field(default_factory=dict)  # claim id -> link keys "a|b"
    claims_of_source: dict[str, list[str]] = field(default_factory=dict)  # source id -> graded claim ids
    claims_by_worth: list[int] = field(default_factory=list)  # claims.rowid, most check-worthy first
    article_rowids: list[int] = field(default_factory=list)  # articles.rowid in storage order
    counts: dict[str, int] = field(default_factory=dict)
    story_order: list[str] = field(default_factory=list)  # story ids, largest first
    credibility: Counter[int] = field(default_factory=Counter)
    reliability: Counter[str] = field(default_factory=Counter)
    sourcing: dict[str, Counter[str]] = field(default_factory=dict)


def _generation(path: Path, db: sqlite3.Connection) -> tuple[int, ...]:
    """What identifies the store's analysed content: the file, its newest article and its newest
    run (every ``admiralty analyze`` adds one, and rewrites the corpus records). Reviews do not
    count: rebuilding the index after each review would cost seconds on a large store; what a
    review changes (a grade's status, a removed link) is read from the records themselves, and
    only the overview's credibility counts wait for the next run."""
    try:
        inode = path.stat().st_ino
    except OSError:
        inode = 0
    (articles,) = db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()
    (runs,) = db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()
    return (inode, int(articles), int(runs))


SOURCING_COLUMNS = (
    ("named", "named"), ("outlet", "outlet"), ("document", "document"),
    ("unnamed_official", "unnamed_official"), ("anonymous", "anonymous"),
    ("unattributed", "unattributed_claims"),
)


class Data:
    """One store opened for the UI: a connection per thread, one shared index."""

    def __init__(self, path: str | Path, search_window: int = 5000, overview_window: int = 5000) -> None:
        self.path = Path(path)
        self.search_window = search_window
        self.overview_window = overview_window
        if not self.path.is_file():
            raise StoreError(f"{self.path} does not exist: create it with `admiralty analyze ... --db {self.path}`")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._index: Index | None = None
        self.store  # noqa: B018  (open once now so a bad file fails at start, not on the first page)

    @property
    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            self._local.store = store
        return store

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    # -- the in-memory index ---------------------------------------------------------------

    def index(self) -> Index:
        gen = _generation(self.path, self.db)
        current = self._index
        if current is not None and current.generation == gen:
            return current
        with self._lock:
            if self._index is None or self._index.generation != gen:
                self._index = self._build(gen)
            return self._index

    def _build(self, gen: tuple[int, ...]) -> Index:
        db = self.db
        idx = Index(gen)
        stories_of: dict[str, list[str]] = defaultdict(list)
        sizes: dict[str, int] = {}
        for story_id, article_id in db.execute(
            "SELECT s.id, j.value FROM corpus_records s, json_each(s.json, '$.articles') j "
            "WHERE s.kind = 'story' ORDER BY s.ord, j.key"
        ):
            stories_of[article_id].append(story_id)
            sizes[story_id] = sizes.get(story_id, 0) + 1
        idx.stories_of = dict(stories_of)
        idx.story_order = sorted(sizes, key=lambda s: (-sizes[s], s))
        for group_id, article_id in db.execute(
            "SELECT g.id, json_extract(j.value, '$.article') FROM corpus_records g, "
            "json_each(g.json, '$.members') j WHERE g.kind = 'copy_group' "
            "UNION ALL SELECT g.id, json_extract(g.json, '$.origin.article') FROM corpus_records g "
            "WHERE g.kind = 'copy_group' AND json_extract(g.json, '$.origin.article') IS NOT NULL"
        ):
            idx.group_of.setdefault(article_id, group_id)
        links_of: dict[str, list[str]] = defaultdict(list)
        for (key,) in db.execute("SELECT id FROM corpus_records WHERE kind = 'claim_link' ORDER BY ord"):
            for claim in key.split("|"):
                links_of[claim].append(key)
        idx.links_of = dict(links_of)
        by_source: dict[str, list[str]] = defaultdict(list)
        credibility: Counter[int] = Counter()
        for claim, source, cred in db.execute(
            "SELECT id, json_extract(json, '$.source'), json_extract(json, '$.credibility') FROM corpus_records "
            "WHERE kind = 'grade' ORDER BY ord"
        ):
            if source is not None:
                by_source[source].append(claim)
            if cred is not None:
                credibility[int(cred)] += 1
        idx.claims_of_source = dict(by_source)
        idx.credibility = credibility
        idx.claims_by_worth = [r[0] for r in db.execute(
            "SELECT rowid FROM claims ORDER BY checkworthiness DESC, rowid")]
        idx.article_rowids = [r[0] for r in db.execute("SELECT rowid FROM articles ORDER BY rowid")]
        idx.counts = {"articles": len(idx.article_rowids), "claims": len(idx.claims_by_worth),
                      "reviews": int(db.execute("SELECT count(*) FROM reviews").fetchone()[0])}
        for kind, n in db.execute("SELECT kind, count(*) FROM corpus_records GROUP BY kind"):
            idx.counts[str(kind)] = int(n)
        idx.reliability = Counter({str(k): n for k, n in db.execute(
            "SELECT json_extract(json, '$.reliability'), count(*) FROM corpus_records "
            "WHERE kind = 'source' GROUP BY 1") if k is not None})
        cols = ", ".join(f"sum(json_extract(record_json, '$.sourcing.{attr}'))" for _, attr in SOURCING_COLUMNS)
        newest = idx.article_rowids[-self.overview_window:] if self.overview_window else idx.article_rowids
        for row in db.execute(
            f"SELECT coalesce(outlet, 'unknown outlet'), {cols} FROM articles "
            "WHERE status = 'analysed' AND rowid >= ? GROUP BY 1", (newest[0] if newest else 0,)
        ):
            idx.sourcing[row[0]] = Counter({name: int(v or 0) for (name, _), v in zip(SOURCING_COLUMNS, row[1:],
                                                                                        strict=True)})
        return idx

    # -- counts ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return dict(self.index().counts)

    # -- articles ---------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT record_json FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else from_json(Article, json.loads(row[0]))

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        out = {}
        for aid in ids:
            a = self.article(aid)
            if a is not None:
                out[aid] = a
        return out

    def article_list(self, offset: int, limit: int, outlet: str | None = None) -> list[dict[str, Any]]:
        cols = "id, title, outlet, published, status, language, input"
        if outlet is None:
            rowids = self.index().article_rowids[offset: offset + limit]
            marks = ",".join("?" * len(rowids))
            rows = self.db.execute(
                f"SELECT {cols} FROM articles WHERE rowid IN ({marks}) ORDER BY rowid", rowids)
        else:
            rows = self.db.execute(
                f"SELECT {cols} FROM articles WHERE outlet = ? ORDER BY rowid LIMIT ? OFFSET ?",
                (outlet, limit, offset))
        keys = ("id", "title", "outlet", "published", "status", "language", "input")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- claims -----------------------------------------------------------------------------

    def claim(self, claim_id: str) -> tuple[Claim, Article] | None:
        row = self.db.execute("SELECT article_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            return None
        article = self.article(row[0])
        if article is None:
            return None
        for c in article.claims:
            if c.id == claim_id:
                return c, article
        return None

    def claim_list(self, offset: int, limit: int) -> list[dict[str, Any]]:
        rowids = self.index().claims_by_worth[offset: offset + limit]
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        rows = self.db.execute(
            "SELECT c.rowid, c.id, c.article_id, c.text, c.checkworthiness, c.type, c.certainty, c.polarity, "
            f"a.outlet FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.rowid IN ({marks})",
            rowids,
        ).fetchall()
        order = {r: n for n, r in enumerate(rowids)}
        rows.sort(key=lambda r: order[r[0]])
        keys = ("id", "article", "text", "checkworthiness", "type", "certainty", "polarity", "outlet")
        out = [dict(zip(keys, r[1:], strict=True)) for r in rows]
        grades = self.grades(o["id"] for o in out)
        for o in out:
            o["grade"] = grades.get(o["id"])
        return out

    # -- corpus records ---------------------------------------------------------------------

    def _record(self, kind: str, key: str) -> Any:
        row = self.db.execute(
            "SELECT json FROM corpus_records WHERE kind = ? AND id = ?", (kind, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def grade(self, claim_id: str) -> Grade | None:
        data = self._record("grade", claim_id)
        return None if data is None else from_json(Grade, data)

    def narrative_matches(self, claim_id: str) -> list[NarrativeMatch]:
        """The known narratives a claim matches (``admiralty narratives import``), best first."""
        rows = self.db.execute(
            "SELECT json FROM corpus_records WHERE kind = 'narrative_match' AND substr(id, 1, ?) = ?",
            (len(claim_id) + 1, claim_id + "|"),
        ).fetchall()
        found = [from_json(NarrativeMatch, json.loads(r[0])) for r in rows]
        return sorted(found, key=lambda m: (-m.score, m.narrative))

    def grades(self, claim_ids: Iterable[str]) -> dict[str, Grade]:
        out = {}
        for cid in claim_ids:
            g = self.grade(cid)
            if g is not None:
                out[cid] = g
        return out

    def source(self, source_id: str) -> Source | None:
        data = self._record("source", source_id)
        return None if data is None else from_json(Source, data)

    def sources(self, ids: Iterable[str]) -> dict[str, Source]:
        out = {}
        for sid in ids:
            s = self.source(sid)
            if s is not None:
                out[sid] = s
        return out

    def source_list(self, offset: int, limit: int) -> list[Source]:
        rows = self.db.execute(
            "SELECT json FROM corpus_records WHERE kind = 'source' ORDER BY ord LIMIT ? OFFSET ?", (limit, offset))
        return [from_json(Source, json.loads(r[0])) for r in rows]

    def claim_rows(self, claim_ids: list[str]) -> list[dict[str, Any]]:
        """Claims with their article's outlet and title, from the claims table (no article JSON)."""
        if not claim_ids:
            return []
        marks = ",".join("?" * len(claim_ids))
        rows = self.db.execute(
            "SELECT c.id, c.article_id, c.text, c.checkworthiness, a.outlet, a.title FROM claims c "
            f"JOIN articles a ON a.id = c.article_id WHERE c.id IN ({marks})", claim_ids).fetchall()
        order = {cid: n for n, cid in enumerate(claim_ids)}
        keys = ("id", "article", "text", "checkworthiness", "outlet", "title")
        return sorted((dict(zip(keys, r, strict=True)) for r in rows), key=lambda r: order[r["id"]])

    def source_claims(self, source_id: str, limit: int) -> list[str]:
        """Claim ids graded against this source (the claims it stands behind)."""
        return self.index().claims_of_source.get(source_id, [])[:limit]

    def story(self, story_id: str) -> Story | None:
        data = self._record("story", story_id)
        return None if data is None else from_json(Story, data)

    def story_list(self, offset: int, limit: int) -> list[Story]:
        ids = self.index().story_order[offset: offset + limit]
        return [s for s in (self.story(i) for i in ids) if s is not None]

    def stories_of(self, article_id: str) -> list[Story]:
        ids = self.index().stories_of.get(article_id, [])
        return [s for s in (self.story(i) for i in ids) if s is not None]

    def copy_group(self, article_id: str) -> CopyGroup | None:
        gid = self.index().group_of.get(article_id)
        data = self._record("copy_group", gid) if gid else None
        return None if data is None else from_json(CopyGroup, data)

    def copy_groups(self, article_ids: Iterable[str]) -> list[CopyGroup]:
        idx = self.index()
        gids = sorted({idx.group_of[a] for a in article_ids if a in idx.group_of})
        out = []
        for gid in gids:
            data = self._record("copy_group", gid)
            if data is not None:
                out.append(from_json(CopyGroup, data))
        return out

    def link(self, key: str) -> ClaimLink | None:
        """A claim link by ``"<claim>|<claim>"`` in either order."""
        data = self._record("claim_link", key)
        if data is None:
            first, _, second = key.partition("|")
            data = self._record("claim_link", f"{second}|{first}")
        return None if data is None else from_json(ClaimLink, data)

    def links_of(self, claim_ids: Iterable[str]) -> list[ClaimLink]:
        idx = self.index()
        keys = sorted({k for c in claim_ids for k in idx.links_of.get(c, ())})
        return [lk for lk in (self.link(k) for k in keys) if lk is not None]

    # -- reviews ----------------------------------------------------------------------------

    def reviews(self, kind: str, target: str) -> list[dict[str, str]]:
        rows = self.db.execute(
            "SELECT reviewer, at, action, value, replaced, note FROM reviews "
            "WHERE target_kind = ? AND target_id = ? ORDER BY id", (kind, target))
        keys = ("reviewer", "at", "action", "value", "replaced", "note")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- search -----------------------------------------------------------------------------

    def _floor(self, table: str, query: str) -> int:
        """The smallest rowid among the newest ``search_window`` matches (0: fewer matches).

        Ranking by bm25 costs time in proportion to the number of matches (a common word matches
        most of a large store), so results are ranked among the newest ``web.search_window``
        matches only; FTS5 walks its index newest-first to find that bound cheaply."""
        sql = {"articles_fts": "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                               "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
               "claims_fts": "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? "
                             "ORDER BY rowid DESC LIMIT 1 OFFSET ?"}[table]
        row = self.db.execute(sql, (query, max(0, self.search_window - 1))).fetchone()
        return int(row[0]) if row else 0

    def search_articles(self, query: str, limit: int) -> list[dict[str, Any]]:
        try:
            floor = self._floor("articles_fts", query)
            rows = self.db.execute(
                "SELECT a.id, a.title, a.outlet, snippet(articles_fts, 1, char(2), char(3), ' … ', 14) "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? AND articles_fts.rowid >= ? ORDER BY bm25(articles_fts) LIMIT ?",
                (query, floor, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchError(query, str(exc)) from exc
        return [{"id": r[0], "title": r[1], "outlet": r[2], "snippet": split_snippet(r[3])} for r in rows]

    def search_claims(self, query: str, limit: int) -> list[dict[str, Any]]:
        try:
            floor = self._floor("claims_fts", query)
            rows = self.db.execute(
                "SELECT c.id, c.article_id, c.text, c.checkworthiness FROM claims_fts "
                "JOIN claims c ON c.rowid = claims_fts.rowid WHERE claims_fts MATCH ? AND claims_fts.rowid >= ? "
                "ORDER BY bm25(claims_fts) LIMIT ?", (query, floor, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchError(query, str(exc)) from exc
        return [{"id": r[0], "article": r[1], "text": r[2], "checkworthiness": r[3]} for r in rows]


class SearchError(StoreError):
    """An FTS5 query SQLite cannot parse (a user error: the page says how to write one)."""

    def __init__(self, query: str, reason: str) -> None:
        super().__init__(f"cannot search for {query!r}: {reason}")
        self.query = query
        self.reason = reason


def split_snippet(snippet: str) -> list[tuple[str, bool]]:
    """FTS5's snippet with its match markers (\\x02 ... \\x03) as (text, is_match) pieces, so the
    template can bold the matches while escaping everything."""
    out: list[tuple[str, bool]] = []
    for k, part in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        if part:
            out.append((part, k % 2 == 1))
    return out


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "analyst")
