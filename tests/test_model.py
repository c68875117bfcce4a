"""Records <-> JSON <-> store round-trips (Hypothesis), ids, slugs and the schema."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admiralty.export.json import validate
from admiralty.model import (
    TECHNIQUES,
    Article,
    Attribution,
    Claim,
    Cue,
    Document,
    Entity,
    Failure,
    Grade,
    Marker,
    Quantity,
    Reason,
    Run,
    SourceMention,
    Sourcing,
    Span,
    Technique,
    TimeExpression,
    article_id,
    content_hash,
    from_json,
    technique_slug,
    to_json,
)
from admiralty.store import Store

words = st.text(alphabet=string.ascii_letters + " ’é😀", min_size=1, max_size=12)
score = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(st.text(min_size=1, max_size=80))
    n = len(text)

    def span_bounds() -> tuple[int, int]:
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, n))
        return a, b

    art = Article.new(locator=draw(words), text=text, title=draw(st.none() | words),
                      outlet=draw(st.none() | words), published=draw(st.none() | st.just("2025-02-21T10:00:00Z")))
    s, e = span_bounds()
    span = Span(s, e, text[s:e])
    attribution = Attribution(
        f"{art.id}:a1", draw(st.sampled_from(["direct", "indirect", "mixed", "according_to"])), "attribution.test/1",
        draw(st.none() | st.just(SourceMention(s, e, text[s:e], "anonymous", "src-x", ("sources",)))),
        None, draw(st.none() | st.just(span)), (span, span),
    )
    claim = Claim(
        f"{art.id}:c1", s, e, text[s:e], "claims.test/1", draw(score), attribution.id,
        draw(st.sampled_from(["fact", "opinion", "prediction", "question"])),
        draw(st.sampled_from(["certain", "hedged"])), draw(st.sampled_from(["affirmed", "negated"])),
        (Cue(s, e, text[s:e], "hedge"),),
        (Quantity(s, e, text[s:e], draw(st.none() | st.floats(-1e9, 1e9).map(lambda x: round(x, 4))),
                  "EUR", "at_least", "troops"),),
        (TimeExpression(s, e, text[s:e], None),),
    )
    technique = draw(st.sampled_from(TECHNIQUES))
    return Article(
        **{**to_kwargs(art), "language": "en",
           "entities": (Entity(s, e, text[s:e], "PERSON", "X"),),
           "attributions": (attribution,), "claims": (claim,),
           "techniques": (Technique(s, e, text[s:e], technique, technique_slug(technique), draw(score), "t/1"),),
           "markers": (Marker(s, e, text[s:e], "kyiv_spelling", "russian_usage"),),
           "sourcing": Sourcing(anonymous=1, unattributed_claims=draw(st.integers(0, 5)), confirmation="unconfirmed")},
    )


def to_kwargs(article: Article) -> dict[str, object]:
    return {f: getattr(article, f) for f in article.__dataclass_fields__}


@given(articles())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_article_json_round_trip(article: Article) -> None:
    assert from_json(Article, to_json(article)) == article


@given(st.lists(articles(), min_size=1, max_size=3, unique_by=lambda a: a.id))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_document_validates_and_round_trips_through_the_store(tmp_path_factory, items: list[Article]) -> None:  # type: ignore[no-untyped-def]
    reason = Reason("credibility.unjudged", "grade.test/1", {"k": 1}, (items[0].claims[0].id,), "why")
    grade = Grade(items[0].claims[0].id, None, "F", 6, 0, 0, "suggested", None, (reason,))
    doc = Document(Run("0", "2025-01-01T00:00:00Z", "d", (), (), ()), (Failure("x", "ingest", "bad"),),
                   tuple(items), grades=(grade,))
    data = doc.to_json()
    validate(data)
    assert Document.from_json(data) == doc
    path = Path(tmp_path_factory.mktemp("store")) / "s.db"
    with Store(path) as store:
        store.add(items)
        store.add(items)  # twice: nothing stored twice
        assert store.count("articles") == len(items)
        for article in items:
            assert store.article(article.id) == article


def test_ids_and_slugs() -> None:
    assert article_id("a.txt", "text") == article_id("a.txt", "text")
    assert article_id("a.txt", "text") != article_id("b.txt", "text")
    assert content_hash("text") == content_hash("text") and len(content_hash("t")) == 16
    assert technique_slug("Name_Calling,Labeling") == "name_calling_labeling"
    assert technique_slug("Appeal_to_fear-prejudice") == "appeal_to_fear_prejudice"
    assert len({technique_slug(t) for t in TECHNIQUES}) == 14


def test_floats_are_rounded_to_four_decimals() -> None:
    assert to_json({"x": 0.123456789}) == {"x": 0.1235}
