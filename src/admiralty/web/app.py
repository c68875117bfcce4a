"""The local web UI: server-rendered pages over one admiralty store, each with a ``.json`` twin.

Pages: ``/`` (overview), ``/articles``, ``/articles/{id}``, ``/claims``, ``/claims/{id}``,
``/sources``, ``/sources/{id}``, ``/stories``, ``/stories/{id}``, ``/links/{claim}/{claim}``,
``/search?q=`` (SQLite FTS5 over article text and claims). Append ``.json`` to any of them for the
same data as JSON (records in their ``admiralty/1`` form). ``POST /review`` records an analyst's
confirm / override with a note (``web.reviews``).

Security, because article text is hostile and the UI can write reviews:

* Jinja autoescaping on every template; nothing derived from an article is marked safe.
* A strict ``Content-Security-Policy`` (only this server's own script and stylesheet, no inline
  script or style, no frames, forms post only here), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``.
* Only ``Host`` headers naming the bound address are served (defeats DNS rebinding), and a review
  needs the per-process form token and a same-origin ``Origin``/``Referer`` (defeats cross-site
  form posts from other pages open in the analyst's browser).
* One JSON error shape, ``{"error": {"status", "code", "message"}}``, for every ``.json`` URL and
  every request that asks for JSON; HTML pages show the same message.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from ..config import Config
from ..errors import AdmiraltyError
from ..export import story as views
from ..export.report import article_view
from ..model import CREDIBILITY_WORDS, RELIABILITY_WORDS, to_json
from . import reviews
from .data import Data, SearchError, os_user

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
ERROR_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               422: "invalid_parameter", 500: "internal_error"}


class PageError(Exception):
    """Any error a page reports to its user (rendered as HTML or as the one JSON error shape)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(status: int, message: str) -> dict[str, Any]:
    """The one JSON error shape of the UI (locked by tests/test_web.py)."""
    return {"error": {"status": status, "code": ERROR_CODES.get(status, "error"), "message": message}}


def _url(kind: str, ident: str) -> str:
    from urllib.parse import quote

    base = {"article": "/articles/", "claim": "/claims/", "source": "/sources/", "story": "/stories/"}[kind]
    return base + quote(ident, safe=":")


def create_app(db: str | Path, config: Config | None = None, *,
               allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")) -> FastAPI:
    """The FastAPI application serving the store at ``db``.

    ``allowed_hosts`` are the host names (without port) a request's ``Host`` may carry; pass the
    address you bind to when it is not loopback."""
    config = config or Config.default()
    data = Data(db, search_window=int(config["web.search_window"]),
                overview_window=int(config["web.overview_window"]))
    data.index()  # build the in-memory index now, not on the first request
    page_size = int(config["web.page_size"])
    search_limit = int(config["web.search_limit"])
    default_reviewer = str(config["web.reviewer"]) or os_user()
    token = secrets.token_urlsafe(32)
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(HERE / "templates")), PackageLoader("admiralty", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        url=_url, colours=views.SOURCING_COLOURS, reliability_words=RELIABILITY_WORDS,
        credibility_words=CREDIBILITY_WORDS, token=token, reviewer=default_reviewer,
        link_values=reviews.LINK_VALUES, db_name=Path(db).name, overview_window=int(config["web.overview_window"]),
    )

    app = FastAPI(title="admiralty", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")

    def render_error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, message), status_code=status)
        html = env.get_template("error.html.j2").render(status=status, message=message, q="")
        return HTMLResponse(html, status_code=status)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Any]) -> Response:
        host = (request.headers.get("host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        response: Response
        if name not in allowed_hosts:
            response = JSONResponse(error_body(400, f"host {host!r} is not served here (bound to "
                                                    f"{', '.join(allowed_hosts)})"), status_code=400)
        else:
            try:
                response = await call_next(request)
            except Exception as exc:
                response = render_error(request, 500, f"internal error: {type(exc).__name__}")
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return render_error(request, exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return render_error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        return render_error(request, 422, f"invalid parameter {where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(AdmiraltyError)
    async def admiralty_error(request: Request, exc: AdmiraltyError) -> Response:
        return render_error(request, 400 if isinstance(exc, SearchError) else 500, str(exc))

    def respond(request: Request, as_json: bool, template: str, context: dict[str, Any],
                payload: Any) -> Response:
        if as_json:
            return JSONResponse(to_json(payload))
        html = env.get_template(template).render(request_path=request.url.path, **context)
        return HTMLResponse(html)

    def split(ident: str) -> tuple[str, bool]:
        return (ident[:-5], True) if ident.endswith(".json") else (ident, False)

    def pages(total: int, page: int) -> dict[str, int]:
        last = max(1, math.ceil(total / page_size))
        if page > last and total:
            raise PageError(404, f"page {page} is past the last page ({last})")
        return {"page": page, "last": last, "total": total, "offset": (page - 1) * page_size}

    # -- overview ---------------------------------------------------------------------------

    def home(request: Request, as_json: bool) -> Response:
        idx = data.index()
        counts = data.counts()
        stack = views.sourcing_mix_counts(idx.sourcing)
        charts = views.charts_from_counts(idx.credibility, idx.reliability, stack)
        stories = data.story_list(0, 10)
        claims = data.claim_list(0, 10)
        payload = {"counts": counts, "credibility": {str(k): v for k, v in sorted(idx.credibility.items())},
                   "reliability": dict(sorted(idx.reliability.items())),
                   "stories": stories, "claims": claims}
        return respond(request, as_json, "index.html.j2",
                       {"counts": counts, "charts": charts, "stories": stories, "claims": claims}, payload)

    @app.get("/")
    def index(request: Request) -> Response:
        return home(request, False)

    @app.get("/index.json")
    def index_json(request: Request) -> Response:
        return home(request, True)

    # -- lists ------------------------------------------------------------------------------

    def _page_param(request: Request) -> int:
        raw = request.query_params.get("page", "1")
        if not raw.isdigit() or int(raw) < 1:
            raise PageError(422, "invalid parameter page: a whole number from 1")
        return int(raw)

    @app.get("/articles")
    @app.get("/articles.json")
    def articles(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        outlet = request.query_params.get("outlet") or None
        total = (data.counts()["articles"] if outlet is None else int(data.db.execute(
            "SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0]))
        p = pages(total, _page_param(request))
        rows = data.article_list(p["offset"], page_size, outlet)
        return respond(request, as_json, "articles.html.j2", {"rows": rows, "p": p, "outlet": outlet},
                       {"articles": rows, **p})

    @app.get("/claims")
    @app.get("/claims.json")
    def claims(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        p = pages(len(data.index().claims_by_worth), _page_param(request))
        rows = data.claim_list(p["offset"], page_size)
        return respond(request, as_json, "claims.html.j2", {"rows": rows, "p": p}, {"claims": rows, **p})

    @app.get("/sources")
    @app.get("/sources.json")
    def sources(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        total = data.counts().get("source", 0)
        p = pages(total, _page_param(request))
        rows = data.source_list(p["offset"], page_size)
        return respond(request, as_json, "sources.html.j2", {"rows": rows, "p": p}, {"sources": rows, **p})

    @app.get("/stories")
    @app.get("/stories.json")
    def stories(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        p = pages(len(data.index().story_order), _page_param(request))
        rows = data.story_list(p["offset"], page_size)
        return respond(request, as_json, "stories.html.j2", {"rows": rows, "p": p}, {"stories": rows, **p})

    # -- one record -------------------------------------------------------------------------

    @app.get("/articles/{ident}")
    def article(request: Request, ident: str) -> Response:
        aid, as_json = split(ident)
        a = data.article(aid)
        if a is None:
            raise PageError(404, f"no article {aid!r} in this store")
        grades = data.grades(c.id for c in a.claims)
        group = data.copy_group(aid)
        in_stories = data.stories_of(aid)
        attributed = {att.source.ref for att in a.attributions if att.source is not None and att.source.ref}
        srcs = data.sources(sorted(attributed | {g.source for g in grades.values() if g.source}))
        payload = {"article": a, "grades": list(grades.values()), "copy_group": group, "stories": in_stories,
                   "sources": list(srcs.values())}
        return respond(request, as_json, "article.html.j2",
                       {"item": article_view(a, grades), "group": group, "stories": in_stories,
                        "sources": srcs}, payload)

    @app.get("/claims/{ident}")
    def claim(request: Request, ident: str) -> Response:
        cid, as_json = split(ident)
        found = data.claim(cid)
        if found is None:
            raise PageError(404, f"no claim {cid!r} in this store")
        c, a = found
        grade = data.grade(cid)
        source = data.source(grade.source) if grade and grade.source else None
        attribution = next((x for x in a.attributions if x.id == c.attribution), None)
        links = data.links_of([cid])
        narratives = data.narrative_matches(cid)
        others = {}
        for lk in links:
            other = lk.claims[1] if lk.claims[0] == cid else lk.claims[0]
            got = data.claim(other)
            if got is not None:
                others[other] = got
        grade_reviews = data.reviews("grade", cid)
        link_reviews = {"|".join(lk.claims): data.reviews("claim_link", reviews.link_key(*lk.claims))
                        for lk in links}
        current = f"{grade.reliability}{grade.credibility}" if grade else ""
        shown, last = reviews.effective(current, grade_reviews)
        lo = max(0, c.start - 300)
        hi = min(len(a.text), c.end + 300)
        payload = {"claim": c, "article": {"id": a.id, "title": a.title, "outlet": a.outlet,
                                           "published": a.published, "url": a.url},
                   "grade": grade, "source": source, "attribution": attribution, "links": links,
                   "reviews": grade_reviews, "effective_grade": shown or None, "narratives": narratives}
        context = {"c": c, "a": a, "grade": grade, "source": source, "attribution": attribution,
                   "links": links, "narratives": narratives, "others": others, "grade_reviews": grade_reviews,
                   "link_reviews": link_reviews, "shown": shown, "last": last,
                   "before": a.text[lo:c.start], "after": a.text[c.end:hi], "cut": (lo > 0, hi < len(a.text))}
        return respond(request, as_json, "claim.html.j2", context, payload)

    @app.get("/sources/{ident}")
    def source(request: Request, ident: str) -> Response:
        sid, as_json = split(ident)
        s = data.source(sid)
        if s is None:
            raise PageError(404, f"no source {sid!r} in this store")
        claim_ids = data.source_claims(sid, page_size)
        claims_ = data.claim_rows(claim_ids)
        grades = data.grades(claim_ids)
        src_reviews = data.reviews("source", sid)
        shown, last = reviews.effective(s.reliability, src_reviews)
        payload = {"source": s, "claims": claims_, "reviews": src_reviews,
                   "effective_reliability": shown}
        return respond(request, as_json, "source.html.j2",
                       {"s": s, "claims": claims_, "grades": grades, "reviews": src_reviews, "shown": shown,
                        "last": last}, payload)

    @app.get("/stories/{ident}")
    def story(request: Request, ident: str) -> Response:
        sid, as_json = split(ident)
        st = data.story(sid)
        if st is None:
            raise PageError(404, f"no story {sid!r} in this store")
        limit = int(config["export.story_articles"])
        shown_ids = st.articles[:limit]
        arts = data.articles_by_id(shown_ids)
        claim_ids = [c.id for a in arts.values() for c in a.claims]
        grades = data.grades(claim_ids)
        links = data.links_of(claim_ids)
        srcs = data.sources(sorted({g.source for g in grades.values() if g.source}))
        view = views.story_view(st, arts, copies=data.copy_groups(shown_ids), links=links, grades=grades,
                                sources=srcs, max_rows=int(config["export.story_rows"]),
                                graph_claims=int(config["export.graph_claims"]))
        payload = {"story": st, "voices": view.voices,
                   "rows": [{"claims": [[r.claim.id for r in cell] for cell in row.cells],
                             "relations": row.relations, "silent": view.silent(row)} for row in view.rows],
                   "links": links}
        return respond(request, as_json, "story.html.j2",
                       {"v": view, "hidden_articles": len(st.articles) - len(shown_ids)}, payload)

    @app.get("/links/{first}/{second}")
    def link(request: Request, first: str, second: str) -> Response:
        second, as_json = split(second)
        key = reviews.link_key(first, second)
        lk = data.link(key)
        if lk is None:
            raise PageError(404, f"no link between {first!r} and {second!r}")
        ends = {cid: data.claim(cid) for cid in lk.claims}
        link_reviews = data.reviews("claim_link", key)
        shown, last = reviews.effective(lk.relation, link_reviews)
        return respond(request, as_json, "link.html.j2",
                       {"lk": lk, "key": key, "ends": ends, "reviews": link_reviews, "shown": shown,
                        "last": last},
                       {"link": lk, "reviews": link_reviews, "effective_relation": shown})

    # -- search -----------------------------------------------------------------------------

    @app.get("/search")
    @app.get("/search.json")
    def search(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        q = (request.query_params.get("q") or "").strip()
        hits: dict[str, list[dict[str, Any]]] = {"articles": [], "claims": []}
        if q:
            hits = {"articles": data.search_articles(q, search_limit), "claims": data.search_claims(q, search_limit)}
        payload = {"query": q, "articles": [{**h, "snippet": "".join(t for t, _ in h["snippet"])}
                                            for h in hits["articles"]], "claims": hits["claims"]}
        return respond(request, as_json, "search.html.j2", {"q": q, "hits": hits}, payload)

    # -- reviews ----------------------------------------------------------------------------

    @app.post("/review")
    @app.post("/review.json")
    async def review(request: Request) -> Response:
        as_json = request.url.path.endswith(".json")
        if not _same_origin(request):
            raise PageError(403, "reviews are accepted only from this UI's own pages (cross-site request refused)")
        body = (await request.body()).decode("utf-8", "replace")
        if len(body) > 20_000:
            raise PageError(400, "review form too large")
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if not hmac.compare_digest(form.get("token", ""), token):
            raise PageError(403, "the form token is missing or stale: reload the page and review again")
        target = form.get("target", "")
        if form.get("kind") == "claim_link" and "|" in target:
            target = reviews.link_key(*target.split("|", 1))
        req = reviews.Request(kind=form.get("kind", ""), target=target,
                              action=form.get("action", ""), value=form.get("value", ""),
                              note=form.get("note", ""), reviewer=form.get("reviewer", "") or default_reviewer)
        current = _current_value(data, req.kind, req.target)
        try:
            stored = reviews.record(data.store, req, current)
        except reviews.ReviewError as exc:
            raise PageError(400, str(exc)) from exc
        if as_json:
            return JSONResponse({"review": to_json(stored), "kind": req.kind, "target": req.target})
        return RedirectResponse(_safe_next(form.get("next", "/")), status_code=303)

    return app


def _current_value(data: Data, kind: str, target: str) -> str:
    """The value a review replaces: the machine's, or the latest review's."""
    if kind == "grade":
        g = data.grade(target)
        if g is None:
            raise PageError(404, f"no grade for claim {target!r}")
        machine = f"{g.reliability}{g.credibility}"
    elif kind == "source":
        s = data.source(target)
        if s is None:
            raise PageError(404, f"no source {target!r}")
        machine = s.reliability
    elif kind == "claim_link":
        lk = data.link(target)
        if lk is None:
            raise PageError(404, f"no claim link {target!r}")
        machine = lk.relation
    else:
        raise PageError(400, f"cannot review a {kind!r}: one of {', '.join(reviews.KINDS)}")
    shown, _ = reviews.effective(machine, data.reviews(kind, target))
    return shown


def _same_origin(request: Request) -> bool:
    """The form came from a page of this server (Origin, else Referer, must name our host)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    return urlsplit(origin).netloc == host


def _safe_next(target: str) -> str:
    """Only a path of this site (never "//elsewhere" or a full URL) is a redirect target."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


__all__ = ["create_app", "error_body"]
