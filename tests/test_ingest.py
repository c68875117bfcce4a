"""Ingest: every format, and bad input that is reported without stopping the batch."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from admiralty.config import Config
from admiralty.ingest import Ingest, hash_inputs, read_inputs
from admiralty.model import Article, Failure

CONFIG = Config.default()


def read(*paths: Path | str, log: Ingest | None = None) -> list[Article | Failure]:
    return list(read_inputs([str(p) for p in paths], CONFIG, log))


def test_plain_text_is_kept_exactly_and_titled_by_first_line(tmp_path: Path) -> None:
    raw = "\n  Headline here  \r\nBody line one.\r\n\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    (article,) = read(tmp_path / "a.txt")
    assert isinstance(article, Article)
    assert article.text == raw
    assert article.title == "Headline here"
    assert article.encoding == "utf-8"


def test_sidecar_gives_outlet_and_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text of the article.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(
        json.dumps({"outlet": "Example Times", "published": "2025-02-21 10:00", "author": ["A", "B"]})
    )
    (article,) = read(tmp_path)
    assert isinstance(article, Article)
    assert (article.outlet, article.published, article.author) == ("Example Times", "2025-02-21T10:00:00Z", "A, B")


def test_directory_is_sorted_recursive_and_skips_other_types(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zz", encoding="utf-8")
    (tmp_path / "a.txt").write_text("aa", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    log = Ingest()
    items = read(tmp_path, log=log)
    assert [i.input for i in items] == [f"{tmp_path.as_posix()}/a.txt", f"{tmp_path.as_posix()}/b/z.txt"]
    assert log.ignored == [f"{tmp_path.as_posix()}/notes.md"]
    assert [i.locator for i in log.inputs] == [i.input for i in items]
    assert log.inputs == hash_inputs([str(tmp_path)], CONFIG)


def test_bad_inputs_are_failures_with_reasons_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "1-binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "2-empty.txt").write_bytes(b"")
    latin = "Le ministre a déclaré que la grève était terminée. Ça coûte très cher à l'économie."
    (tmp_path / "3-latin1.txt").write_bytes(latin.encode("cp1252"))
    (tmp_path / "4-valid.txt").write_text("The minister said the strike was over.", encoding="utf-8")
    items = read(tmp_path)
    by_name = {Path(i.input).name: i for i in items}
    binary = by_name["1-binary.txt"]
    assert isinstance(binary, Failure) and "binary" in binary.reason
    empty = by_name["2-empty.txt"]
    assert isinstance(empty, Article) and empty.text == ""  # the pipeline skips it as "empty"
    decoded = by_name["3-latin1.txt"]
    assert isinstance(decoded, Article) and decoded.text == latin
    assert decoded.encoding and decoded.encoding != "utf-8"
    assert isinstance(by_name["4-valid.txt"], Article)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    items = list(read_inputs([str(big)], CONFIG.with_overrides(["ingest.max_bytes=100"])))
    assert isinstance(items[0], Failure) and "limit" in items[0].reason


def test_jsonl_bad_line_costs_one_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First article.", "title": "One", "outlet": "A", "url": "https://www.a.example/x"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Second article.", "published": 1740132000000}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Failure", "Article"]
    assert items[1].input.endswith("#L2") and items[2].input.endswith("#L3")
    assert isinstance(items[3], Article) and items[3].published == "2025-02-21T10:00:00Z"
    assert isinstance(items[0], Article) and items[0].outlet == "A"


def test_json_object_with_fakenewsnet_fields(tmp_path: Path) -> None:
    record = {"text": "Body.", "title": "T", "source": "http://www.politico.com", "authors": "['X Y']",
              "publish_date": {"$date": 1474634160000}}
    (tmp_path / "r.json").write_text(json.dumps(record), encoding="utf-8")
    (article,) = read(tmp_path / "r.json")
    assert isinstance(article, Article)
    assert (article.outlet, article.author, article.published) == ("politico.com", "X Y", "2016-09-23T12:36:00Z")


def test_html_goes_through_trafilatura(tmp_path: Path) -> None:
    body = " ".join(["The minister said on Monday that the port would reopen next week."] * 6)
    html = (
        "<html><head><title>Port to reopen</title><meta property='og:site_name' content='Harbour Times'>"
        f"</head><body><nav>Home | News</nav><article><h1>Port to reopen</h1><p>{body}</p>"
        f"<p>{body}</p></article><footer>Copyright</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (article,) = read(tmp_path / "page.html")
    assert isinstance(article, Article)
    assert "port would reopen" in article.text and "Copyright" not in article.text
    assert article.title == "Port to reopen"


def test_html_without_text_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    (item,) = read(tmp_path / "empty.html")
    assert isinstance(item, Failure) and "no main text" in item.reason


def test_missing_path_is_a_failure() -> None:
    (item,) = read("/nonexistent/admiralty/x.txt")
    assert isinstance(item, Failure) and item.reason == "no such file or directory"


def test_stdin_text_and_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Plain text from a pipe.")))
    (article,) = read("-")
    assert isinstance(article, Article) and article.text == "Plain text from a pipe."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"text": "a"}\n{"text": "b"}\n')))
    assert [a.text for a in read("-") if isinstance(a, Article)] == ["a", "b"]


def test_ids_follow_design(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same text.", encoding="utf-8")
    a, b = read(tmp_path)
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.content_hash == b.content_hash  # same text
    assert a.id != b.id  # another file: another article (a copy, not a duplicate)
    (again,) = read(tmp_path / "a.txt")
    assert isinstance(again, Article) and again.id == a.id  # same locator, same text: same id


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The minister’s “view” — it costs €15 million, she said.", "cp1252"),
        ("Міністр заявив, що страйк закінчився. Це дуже дорого коштує економіці.", "cp1251"),
        ("Le ministre a déclaré que la grève était terminée. Ça coûte très cher à l'économie.", "cp1252"),
    ],
)
def test_legacy_encodings_decode_without_garbling(tmp_path: Path, text: str, encoding: str) -> None:
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    (article,) = read(tmp_path / "a.txt")
    assert isinstance(article, Article) and article.text == text
