"""The HTML report: self-contained, escapes hostile article text, highlights by code point."""

from __future__ import annotations

from dataclasses import replace

from admiralty.export.report import render_report, segments
from admiralty.model import Article, Claim, Document, Marker, Run


def _doc(article: Article) -> Document:
    return Document(Run("0", "t", "d", (), (), ()), (), (article,))


def test_hostile_text_is_escaped() -> None:
    text = 'Minister said <script>alert("x")</script> and <img src=x onerror=alert(1)> "quoted".'
    article = replace(Article.new(locator="<b>evil</b>.txt", text=text, title="<script>t()</script>"),
                      language="en")
    html = render_report(_doc(article))
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>evil" not in html
    assert "&lt;script&gt;alert" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing loaded from elsewhere
    assert "https://" not in html


def test_segments_cut_at_code_points_across_emoji() -> None:
    text = "😀 Kiev said 😀 yes."
    start = text.index("Kiev")
    article = replace(
        Article.new(locator="e.txt", text=text), language="en",
        markers=(Marker(start, start + 4, "Kiev", "kyiv_spelling", "russian_usage"),),
        claims=(Claim("x:c1", start, len(text), text[start:], "t/1", 0.5, None, "fact", "certain", "affirmed"),),
    )
    parts = segments(article)
    assert "".join(p.text for p in parts) == text
    marked = [p for p in parts if "marker" in p.classes]
    assert [p.text for p in marked] == ["Kiev"]
    assert all("claim" in p.classes for p in parts if p.text in ("Kiev", " said 😀 yes."))


def test_report_story_view_graph_timeline_and_csp(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64
    import hashlib
    import re

    from admiralty.cli.export import load_document
    from admiralty.store import Store
    from test_web import build_store

    ids = build_store(tmp_path / "r.db")
    with Store(tmp_path / "r.db") as store:
        html = render_report(load_document(store))
    story = html[html.index(f'id="story-{ids["story"]}"'):html.index('<section id="articles">')]
    assert "who says what, who is silent" in story and 'class="silent"' in story
    assert "+1 copy" in story  # the reprint is drawn with its origin, not as a second outlet
    assert story.count('class="gnode gvoice"') == 2 and 'class="timeline"' in story
    assert "<script>alert" not in html and "<img src=x" not in html
    # the CSP allows exactly the report's own inline script, by hash
    csp = re.search(r"script-src ('sha256-[^']+')", html).group(1)  # type: ignore[union-attr]
    script = html[html.rindex("<script>") + len("<script>"):html.rindex("</script>")]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert csp == f"'sha256-{digest}'"


def test_an_all_f_corpus_says_how_to_give_reliability_something_to_rest_on() -> None:
    from admiralty.export.story import reliability_note

    assert reliability_note({"F": 12}) is not None and "sources import" in reliability_note({"F": 12})  # type: ignore[operator]
    assert reliability_note({"F": 12, "B": 1}) is None and reliability_note({}) is None
    article = Article.new(locator="a", text="The port reopened on Friday.")
    assert "sources import" not in render_report(_doc(article))  # no sources: nothing to say
