"""The local web UI without a browser: every page and its JSON twin, the one error shape, the
security headers, hostile text escaped everywhere, and reviews from a page (token, origin, note).

``build_store`` writes a small hand-made store (no models needed) whose article text, titles,
outlet and source names are hostile HTML; the browser tests reuse it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from admiralty.model import (
    Article,
    Attribution,
    Claim,
    ClaimLink,
    CopyGroup,
    CopyMember,
    CorpusResult,
    Grade,
    NarrativeMatch,
    Origin,
    Reason,
    Run,
    Source,
    SourceMention,
    Sourcing,
    Span,
    Story,
    source_id,
)
from admiralty.store import Store

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _article(locator: str, outlet: str, published: str | None, sentences: list[tuple[str, str | None]],
             title: str) -> tuple[Article, list[tuple[str, str]]]:
    """An analysed article whose claims are the given sentences; a speaker name makes the claim
    an attributed one ("NAME said ..."). Returns the article and (claim id, source id) pairs."""
    text = ""
    spans = []
    for sentence, speaker in sentences:
        body = f"{speaker} said {sentence}" if speaker else sentence
        spans.append((len(text), len(text) + len(body), speaker))
        text += body + " "
    art = Article.new(locator=locator, text=text, title=title, outlet=outlet, published=published)
    claims, attributions, pairs = [], [], []
    for n, (start, end, speaker) in enumerate(spans, start=1):
        cid = f"{art.id}:c{n}"
        att_id = None
        if speaker:
            att_id = f"{art.id}:a{n}"
            sid = source_id("named_person", speaker)
            cue_start = start + len(speaker) + 1
            attributions.append(Attribution(
                att_id, "indirect", "test/1",
                SourceMention(start, start + len(speaker), speaker, "named_person", sid, ("said",)),
                None, Span(cue_start, cue_start + 4, "said"),
                (Span(cue_start + 5, end, text[cue_start + 5:end]),)))
            pairs.append((cid, sid))
        else:
            pairs.append((cid, source_id("outlet", outlet)))
        claims.append(Claim(cid, start, end, text[start:end], "test/1", round(0.9 - 0.1 * n, 4), att_id,
                            "fact", "certain", "affirmed"))
    art = replace(art, language="en", claims=tuple(claims), attributions=tuple(attributions),
                  sourcing=Sourcing(named=len(attributions), unattributed_claims=len(claims) - len(attributions)))
    return art, pairs


def build_store(path: Path) -> dict[str, str]:
    """A store with one story over three articles (two of them copies of one origin), links,
    grades and sources, all carrying hostile HTML. Returns the ids the tests use."""
    a1, p1 = _article("wire.txt", f"Wire {HOSTILE}", "2025-03-05T07:10:00Z", [
        ("the port of Norhaven has been closed since Monday.", f"Piet {HOSTILE}"),
        (f"Talks stalled on Wednesday {HOSTILE}.", None),
    ], title=f"Port closed {HOSTILE}")
    a2, p2 = _article("reprint.txt", "Daily Ledger", "2025-03-05T11:45:00Z", [
        ("the port of Norhaven has been closed since Monday.", f"Piet {HOSTILE}"),
        (f"Talks stalled on Wednesday {HOSTILE}.", None),
    ], title="Port closed (reprint)")
    a3, p3 = _article("times.txt", "Harbour Times", "2025-03-06T08:15:00Z", [
        ("3,000 dock workers have joined the strike.", "Tomas Varga"),
        ("The port has been shut since Monday.", None),
    ], title="Union says 3,000 joined 😀 strike")
    reason = Reason("test.rule", "test/1", {"note": HOSTILE}, (), f"Because {HOSTILE}.")
    sources = {}
    grades = []
    for cid, sid in p1 + p2 + p3:
        art = next(a for a in (a1, a2, a3) if cid.startswith(a.id))
        claim = art.claims[int(cid.split(":c")[1]) - 1]
        kind = "named_person" if claim.attribution else "outlet"
        name = (next(x.source.text for x in art.attributions if x.id == claim.attribution and x.source)
                if claim.attribution else art.outlet or "")
        sources.setdefault(sid, Source(sid, kind, name, None, None, "F", "suggested", (reason,)))  # type: ignore[arg-type]
        grades.append(Grade(cid, sid, "F", 6, 0, 0, "suggested", None, (reason,)))
    links = (
        ClaimLink((a1.claims[0].id, a3.claims[1].id), "supports", 0.81, (reason,)),
        ClaimLink((a1.claims[0].id, a2.claims[0].id), "restates", 1.0, (reason,)),
    )
    story = Story(f"st-{a1.id}", f"Norhaven port {HOSTILE}", (a1.id, a2.id, a3.id), "2025-03-05T07:10:00Z")
    copies = (CopyGroup(f"cg-{a1.id}", Origin(a1.id, a1.outlet),
                        (CopyMember(a2.id, "copy", 1.0, (f"credit {HOSTILE}",)),)),)
    with Store(path) as store:
        run_id = store.start_run(Run("0", "2025-03-07T00:00:00Z", "d", (), (), ()), {})
        store.add([a1, a2, a3], run_id)
        narrative = NarrativeMatch(a1.claims[0].id, "case-1", 0.83, f"EUvsDisinfo {HOSTILE}",
                                   f"javascript:alert(1) {HOSTILE}", f"The port was sold {HOSTILE}", (reason,))
        store.replace_corpus(CorpusResult(tuple(sources.values()), copies, (story,), links, tuple(grades),
                                          (narrative,)))
    return {"a1": a1.id, "a2": a2.id, "a3": a3.id, "claim": a1.claims[0].id, "story": story.id,
            "source": p1[0][1], "link": f"{links[0].claims[0]}|{links[0].claims[1]}",
            "other_claim": a3.claims[1].id}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from admiralty.web import create_app

    db = tmp_path_factory.mktemp("web") / "web.db"
    ids = build_store(db)
    client = TestClient(create_app(db), base_url="http://127.0.0.1:8765")
    return client, ids, db


def _pages(ids: dict[str, str]) -> list[str]:
    first, second = ids["link"].split("|")
    return ["/", "/articles", "/claims", "/sources", "/stories", "/search?q=Norhaven",
            f"/articles/{ids['a1']}", f"/articles/{ids['a3']}", f"/claims/{ids['claim']}",
            f"/sources/{ids['source']}", f"/stories/{ids['story']}", f"/links/{first}/{second}"]


def _twin(page: str) -> str:
    path, _, query = page.partition("?")
    path = "/index.json" if path == "/" else path + ".json"
    return f"{path}?{query}" if query else path


def test_every_page_and_its_json_twin(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    for page in _pages(ids):
        html = client.get(page)
        assert html.status_code == 200, (page, html.text[:300])
        assert html.headers["content-type"].startswith("text/html")
        twin = client.get(_twin(page))
        assert twin.status_code == 200, (page, twin.text[:300])
        assert isinstance(twin.json(), dict)


def test_hostile_text_is_escaped_on_every_page(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    for page in _pages(ids):
        body = client.get(page).text
        assert "<script>alert" not in body and "<img src=x" not in body, page
        assert "<script" not in body.replace('<script src="/static/app.js" defer></script>', ""), page
    story = client.get(f"/stories/{ids['story']}").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in story  # shown, as text


def test_security_headers_on_pages_json_errors_and_static(site) -> None:  # type: ignore[no-untyped-def]
    client, _ids, _ = site
    for url in ("/", "/index.json", "/nosuch", "/articles/nosuch.json", "/static/app.css"):
        r = client.get(url)
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp
        assert r.headers.get("x-content-type-options") == "nosniff"


def test_one_json_error_shape(site) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = site
    cases = {
        "/articles/nosuch.json": 404,
        "/claims/nosuch:c1.json": 404,
        "/nothing/here.json": 404,
        '/search.json?q="unbalanced': 400,
        "/claims.json?page=0": 422,
        "/claims.json?page=99999": 404,
    }
    for url, status in cases.items():
        r = client.get(url)
        assert r.status_code == status, (url, r.text)
        body = r.json()
        assert set(body) == {"error"}, url
        assert set(body["error"]) == {"status", "code", "message"}, url
        assert body["error"]["status"] == status and isinstance(body["error"]["message"], str)
    # an HTML page that fails says the same thing as HTML
    r = client.get("/articles/nosuch")
    assert r.status_code == 404 and "no article" in r.text and r.headers["content-type"].startswith("text/html")
    # asking for JSON by Accept gets the JSON shape too
    r = client.get("/articles/nosuch", headers={"accept": "application/json"})
    assert r.json()["error"]["code"] == "not_found"


def test_foreign_host_header_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = site
    r = client.get("/", headers={"host": "attacker.example"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


def test_search_finds_articles_and_claims(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    data = client.get("/search.json?q=dock").json()
    assert [h["id"] for h in data["articles"]] == [ids["a3"]]
    assert any(h["article"] == ids["a3"] for h in data["claims"])
    html = client.get("/search?q=dock").text
    assert "<b>dock</b>" in html


def _form(client, kind: str, target: str, **fields: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The review form as a page of the UI fills it (the token read from a claim page)."""
    first = client.get("/claims.json").json()["claims"][0]["id"]
    html = client.get(f"/claims/{first}").text
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    return {"token": token, "kind": kind, "target": target, "next": f"/claims/{first}", **fields}


def test_review_a_grade_from_its_page(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, db = site
    cid = ids["claim"]
    origin = {"origin": "http://127.0.0.1:8765"}
    form = _form(client, "grade", cid, action="override", value="B2", note="two wires confirm it",
                 reviewer="ana")
    # no token, or a foreign origin: refused
    assert client.post("/review", data={**form, "token": "x"}, headers=origin).status_code == 403
    r = client.post("/review.json", data=form, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    # an override needs a note and a valid value
    r = client.post("/review.json", data={**form, "note": ""}, headers=origin)
    assert r.status_code == 400 and "note" in r.json()["error"]["message"]
    r = client.post("/review.json", data={**form, "value": "Z9"}, headers=origin)
    assert r.status_code == 400
    # recorded: who, what it replaced, the note; the page then shows it as reviewed
    r = client.post("/review", data={**form, "next": f"/claims/{cid}"}, headers=origin, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/claims/{cid}"
    data = client.get(f"/claims/{cid}.json").json()
    assert data["effective_grade"] == "B2"
    assert data["reviews"][-1] | {"at": ""} == {"reviewer": "ana", "at": "", "action": "override", "value": "B2",
                                                  "replaced": "F6", "note": "two wires confirm it"}
    page = client.get(f"/claims/{cid}").text
    assert "reviewed" in page and "replaced F6 · by ana" in page
    # confirming stores the value in force
    r = client.post("/review.json", data={**form, "action": "confirm", "note": ""}, headers=origin)
    assert r.status_code == 200 and r.json()["review"]["value"] == "B2"
    with Store(db) as store:
        stored = [(k, t, rv.action, rv.value, rv.replaced) for k, t, rv in store.reviews("grade")]
    assert stored[-2:] == [("grade", cid, "override", "B2", "F6"), ("grade", cid, "confirm", "B2", "B2")]


def test_review_a_link_and_a_source(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    origin = {"origin": "http://127.0.0.1:8765"}
    form = _form(client, "claim_link", ids["link"], action="override", value="related", note="different scope")
    r = client.post("/review.json", data=form, headers=origin)
    assert r.status_code == 200, r.text
    first, second = ids["link"].split("|")
    assert client.get(f"/links/{first}/{second}.json").json()["effective_relation"] == "related"
    form = _form(client, "source", ids["source"], action="override", value="B", note="on record, checked")
    assert client.post("/review.json", data=form, headers=origin).status_code == 200
    assert client.get(f"/sources/{ids['source']}.json").json()["effective_reliability"] == "B"
    form = _form(client, "source", "src-nosuch", action="confirm")
    assert client.post("/review.json", data=form, headers=origin).status_code == 404


def test_redirect_after_review_stays_on_this_site() -> None:
    from admiralty.web.app import _safe_next

    assert _safe_next("/claims/a:c1") == "/claims/a:c1"
    for bad in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/\\evil", "claims"):
        assert _safe_next(bad) == "/"


def test_claim_page_names_the_known_narratives_it_resembles(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    page = client.get(f"/claims/{ids['claim']}").text
    assert 'id="narratives"' in page and "The port was sold" in page and "0.83" in page
    assert 'href="javascript' not in page  # a listed address is shown, never made a link
    payload = client.get(f"/claims/{ids['claim']}.json").json()
    assert payload["narratives"][0]["narrative"] == "case-1"


def test_story_view_lists_silent_outlets_and_merges_copies(site) -> None:  # type: ignore[no-untyped-def]
    client, ids, _ = site
    data = client.get(f"/stories/{ids['story']}.json").json()
    voices = data["voices"]
    assert len(voices) == 2  # the reprint is a copy of the wire story: one origin
    assert voices[0]["copies"] == 1 and set(voices[0]["articles"]) == {ids["a1"], ids["a2"]}
    silent = [row["silent"] for row in data["rows"]]
    assert [] in silent  # the linked claim is carried by both origins
    assert any(s == ["Harbour Times"] for s in silent)  # the wire's own sentence: Harbour Times is silent
    assert json.dumps(data)  # plain JSON
