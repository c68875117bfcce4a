"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright's Python
package through ``executable_path``; ``playwright install`` is never used).

* The seeds' HTML report shows highlighted spans and sourcing cards (screenshot saved under
  ``artifacts/``, which git ignores), with no script error and nothing fetched from the network.
* In the web UI, an analyst clicks from a story to a claim to its source, and records a review
  from the claim's page; the page's Content-Security-Policy blocks nothing of our own.

Skipped when /usr/bin/chromium is absent (CI installs it: see .ci/run).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """Collect page errors (console errors, CSP violations) and every request leaving the page."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests


def test_seed_report_shows_highlights_and_sourcing_cards(browser, seeds: Path, resources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import admiralty
    from admiralty.export.report import write_report

    doc = admiralty.analyze([str(seeds)], resources=resources)
    assert doc.failures == (), doc.failures  # the pipeline itself must run on the seeds
    report = tmp_path / "report.html"
    write_report(doc, report)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = _watch(page)
    page.goto(report.as_uri())
    anonymous = page.locator(".text span.k-anonymous")
    assert anonymous.count() >= 3  # "our sources", "sources", "interlocutors" ... in the Telegram-style post
    first = anonymous.first
    assert first.is_visible()
    colour = first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the highlight is drawn, not just in the DOM
    assert page.locator(".text span.claim").count() >= 5
    marked = "".join(anonymous.all_inner_texts()).lower()  # segments split where spans overlap
    assert "sources" in marked and "interlocutors" in marked
    cards = page.locator(".sourcing-card svg rect.seg-anonymous")
    assert cards.count() >= 1 and cards.first.bounding_box()["width"] > 0
    # the layer switch is live (our one script runs under the report's CSP)
    page.locator("input[data-layer=claim]").first.uncheck()
    assert "hide-claim" in page.evaluate("document.body.className")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("article.card").first.screenshot(path=str(ARTIFACTS / "seed_report_article.png"))
    page.screenshot(path=str(ARTIFACTS / "seed_report.png"), full_page=True)
    assert (ARTIFACTS / "seed_report_article.png").stat().st_size > 10_000
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
    page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    from admiralty.web import create_app
    from test_web import build_store

    db = tmp_path_factory.mktemp("browser") / "ui.db"
    ids = build_store(db)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


def test_story_to_claim_to_source_and_review(browser, server) -> None:  # type: ignore[no-untyped-def]
    base, ids = server
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = _watch(page)
    page.goto(f"{base}/stories")
    page.locator(f"a[href='/stories/{ids['story']}']").click()
    page.wait_for_url(f"**/stories/{ids['story']}")
    assert page.locator("td.silent").count() >= 1  # someone is silent on something
    assert page.locator("svg.graph a.gclaim").count() >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_story.png"), full_page=True)
    # from the side-by-side table to the claim ...
    page.locator(f"table.sbs a[data-claim='{ids['claim']}']").first.click()
    page.wait_for_url(f"**/claims/{ids['claim']}")
    assert page.locator("mark.claim-here").inner_text().startswith("Piet <script>")  # shown as text
    # ... to its source
    page.locator("#source-link").click()
    page.wait_for_url(f"**/sources/{ids['source']}")
    assert page.locator("h1").inner_text().startswith("Piet <script>")
    # back to the claim: override its grade with a note
    page.go_back()
    page.locator("#grade input[name=action][value=override]").check()
    page.locator("#grade input[name=value]").fill("B2")
    page.locator("#grade input[name=note]").fill("two independent wires confirm it")
    page.locator("#grade input[name=reviewer]").fill("ana")
    page.locator("#grade button[type=submit]").click()
    page.wait_for_url(f"**/claims/{ids['claim']}")
    assert page.locator("#grade .grade").first.inner_text() == "B2"
    assert "two independent wires confirm it" in page.locator("#grade table.history").inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui_claim_reviewed.png"), full_page=True)
    # the graph's claim nodes are links too
    page.goto(f"{base}/stories/{ids['story']}")
    page.locator("svg.graph a.gclaim").first.click()
    page.wait_for_url("**/claims/**")
    assert errors == [], errors
    assert all(u.startswith((base, "data:")) for u in requests), requests
    page.close()
