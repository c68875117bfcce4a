"""Importers of the outputs issue: RSS/Atom, Telegram Desktop export, WARC, news-please and
trafilatura JSON, with provenance kept (fixtures written for these tests in tests/fixtures/)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from admiralty.ingest import Ingest, read_inputs
from admiralty.ingest.fragments import to_text
from admiralty.model import Article, Failure

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _read(*paths: str) -> tuple[list[Article], list[Failure], Ingest]:
    log = Ingest()
    items = list(read_inputs(list(paths), log=log))
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)], log)


def test_rss_feed_entries_with_provenance() -> None:
    arts, fails, log = _read(str(FIXTURES / "feed.rss"))
    assert [a.title for a in arts] == ["Norhaven port closure enters third day", "Union rejects Friday deadline"]
    first, second = arts
    assert first.outlet == "Coastal Wire" and first.author == "Mara Lind"
    assert first.url == "https://coastalwire.example/2025/03/05/norhaven-port"
    assert first.published == "2025-03-05T07:10:00Z"
    assert second.published == "2025-03-06T07:15:00Z"  # +0100 normalised to UTC
    # full content preferred over the summary; HTML flattened, scripts dropped, paragraphs kept
    assert first.text.startswith("The port of Norhaven has been closed since Monday")
    assert "\n" in first.text and "alert" not in first.text and "<" not in first.text
    assert second.text == "Union leader Tomas Varga said the strike will not end on Friday."
    assert first.input.endswith("feed.rss#cw-2025-0305-001")
    # the entry without text is a failure naming it, not a silent drop
    assert len(fails) == 1 and fails[0].input.endswith("#photo-1") and "no text" in fails[0].reason
    assert [i.locator for i in log.inputs] == [str(FIXTURES / "feed.rss")]
    # re-reading gives the same ids (a no-op in the store)
    again, _, _ = _read(str(FIXTURES / "feed.rss"))
    assert [a.id for a in again] == [a.id for a in arts]


def test_atom_feed_and_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    atom = tmp_path / "news.xml"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Times'
        '</title><entry><title>Ships wait</title><id>urn:ht:1</id><updated>2025-03-06T08:15:00Z</updated>'
        '<author><name>A. Reporter</name></author><link href="https://harbourtimes.example/ships"/>'
        '<content type="html">&lt;p&gt;Forty ships wait outside the port.&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8")
    other = tmp_path / "config.xml"
    other.write_text("<config><a>1</a></config>", encoding="utf-8")
    arts, fails, _ = _read(str(atom), str(other))
    assert len(arts) == 1 and arts[0].outlet == "Harbour Times" and arts[0].author == "A. Reporter"
    assert arts[0].text == "Forty ships wait outside the port." and arts[0].published == "2025-03-06T08:15:00Z"
    assert len(fails) == 1 and "not an RSS/Atom feed" in fails[0].reason


def test_telegram_export_flattens_entities_and_keeps_forwarded_from() -> None:
    arts, fails, _ = _read(str(FIXTURES / "telegram"))
    assert fails == []
    by_id = {a.input.rsplit("#", 1)[1]: a for a in arts}
    assert sorted(by_id) == ["41", "42", "44"]  # service message and caption-less photo skipped
    post = by_id["41"]
    assert post.text == ("Our sources in the Ministry of Transport say the Norhaven port will stay closed until "
                         "Friday 🚢. Officials have not confirmed it. #Norhaven details")
    assert "example.org/hidden" not in post.text
    assert post.outlet == "Harbour Watch" and post.author == "duty editor"
    assert post.url == "https://t.me/c/1766301234/41"
    assert post.published == "2025-03-05T18:02:00Z"
    forwarded = by_id["42"]
    assert forwarded.author == "forwarded from Coastal Wire" and forwarded.outlet == "Harbour Watch"
    assert by_id["44"].text.startswith("Morning update: <script>")  # kept verbatim: escaped at output


def test_result_json_that_is_not_telegram_is_plain_json(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"text": "The minister said the port reopens.",
                                                      "title": "Port"}), encoding="utf-8")
    arts, fails, _ = _read(str(tmp_path / "result.json"))
    assert not fails and arts[0].title == "Port"


def test_warc_html_records_through_trafilatura(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = ("<html><head><title>Port strike widens</title><meta property='og:site_name' content='Harbour Times'>"
            "</head><body><nav>Home | World</nav><article><h1>Port strike widens</h1>"
            + "".join(f"<p>Union leader Tomas Varga said on Thursday that {n},000 dock workers had joined the strike "
                      "at the port of Norhaven, far more than the government's figure.</p>" for n in range(1, 6))
            + "</article><footer>(c) Harbour Times</footer></body></html>").encode("utf-8")
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, body, ctype in (("https://harbourtimes.example/strike", page, "text/html; charset=utf-8"),
                                 ("https://harbourtimes.example/logo.png", b"\x89PNG....", "image/png"),
                                 ("https://harbourtimes.example/empty", b"<html><body></body></html>", "text/html")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    arts, fails, log = _read(str(path))
    assert len(arts) == 1
    art = arts[0]
    assert art.input.endswith("crawl.warc.gz#https://harbourtimes.example/strike")
    assert art.url == "https://harbourtimes.example/strike" and "3,000 dock workers" in art.text
    assert "Home | World" not in art.text
    assert art.published is not None  # from the page, else the WARC-Date
    assert len(fails) == 1 and fails[0].input.endswith("#https://harbourtimes.example/empty")
    assert len(log.inputs) == 1 and len(log.inputs[0].sha256) == 64


def test_newsplease_and_trafilatura_json(tmp_path: Path) -> None:
    np_record = {"authors": ["Mara Lind"], "date_download": "2025-03-05 10:00:00", "date_modify": None,
                 "date_publish": "2025-03-05 07:10:00", "description": "Summary.", "language": "en",
                 "maintext": None, "source_domain": "coastalwire.example", "title": None,
                 "title_page": "Norhaven port closed", "title_rss": None, "url": "https://coastalwire.example/a"}
    traf = {"title": "Ships wait", "author": None, "hostname": "harbourtimes.example", "date": "2025-03-06",
            "fingerprint": "abc", "raw_text": "Forty ships wait outside the port.", "text": None,
            "source": "https://harbourtimes.example/ships", "sitename": "Harbour Times"}
    (tmp_path / "np.json").write_text(json.dumps(np_record), encoding="utf-8")
    (tmp_path / "traf.jsonl").write_text(json.dumps(traf) + "\n", encoding="utf-8")
    arts, fails, _ = _read(str(tmp_path / "np.json"), str(tmp_path / "traf.jsonl"))
    assert fails == []
    np_art, traf_art = arts
    assert np_art.text == "Summary." and np_art.title == "Norhaven port closed"
    assert np_art.outlet == "coastalwire.example" and np_art.author == "Mara Lind"
    assert np_art.published == "2025-03-05T07:10:00Z" and np_art.language == "en"
    assert traf_art.text == "Forty ships wait outside the port." and traf_art.outlet == "Harbour Times"
    assert traf_art.url == "https://harbourtimes.example/ships" and traf_art.published == "2025-03-06"


def test_fragments_keep_paragraphs_and_drop_scripts() -> None:
    assert to_text("<p>One.</p><p>Two <b>bold</b>.<br>Three</p><script>x()</script>") == "One.\n\nTwo bold.\nThree"
    assert to_text("plain &amp; simple") == "plain & simple"
