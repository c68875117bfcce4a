"""The runner: stage order, the error policy, fail-fast, batching."""

from __future__ import annotations

import dataclasses

import pytest

from admiralty.errors import PipelineError
from admiralty.model import Article, Failure
from admiralty.pipeline import ARTICLE_STAGES, Pipeline, Stage, check_order, stage


@stage("boom", "boom.test/1", requires=("doc",), assigns=("nothing",))
def explode_on_marker(article: Article, doc, res) -> Article:  # type: ignore[no-untyped-def]
    """fails on articles that contain BOOM"""
    if "BOOM" in article.text:
        raise ValueError("a stage bug\nwith a second line")
    return article


def _ahead_fails(articles, res) -> None:  # type: ignore[no-untyped-def]
    raise RuntimeError("the batch step broke")


@stage("careful", "careful.test/1", requires=("doc",), assigns=("nothing",), ahead=_ahead_fails)
def careful(article: Article, doc, res) -> Article:  # type: ignore[no-untyped-def]
    """does its own work when the batch step fails"""
    return article


def test_order_is_checked() -> None:
    a = Stage("a", "a/1", ("doc",), ("x",), None)
    b = Stage("b", "b/1", ("x",), ("y",), None)
    check_order([Stage("p", "p/1", (), ("doc",), None), a, b])
    with pytest.raises(PipelineError, match="requires x"):
        check_order([Stage("p", "p/1", (), ("doc",), None), b, a])


def test_default_stages_are_in_a_possible_order(resources) -> None:  # type: ignore[no-untyped-def]
    described = Pipeline(resources).describe()
    assert [s["name"] for s in described][:3] == ["language", "parse", "entities"]
    assert all(s["version"] for s in described)


def test_a_failing_article_is_recorded_and_the_run_goes_on(resources) -> None:  # type: ignore[no-untyped-def]
    stages = (*ARTICLE_STAGES, "tests.test_pipeline:explode_on_marker")
    pipeline = Pipeline(resources, stages)
    items = [
        Article.new(locator="ok-1", text="The minister said the port would reopen."),
        Article.new(locator="bad", text="The minister said BOOM."),
        Article.new(locator="ok-2", text="Officials confirmed the figure on Tuesday."),
        Article.new(locator="empty", text="   "),
        Article.new(locator="german", text="Der Minister sagte am Montag, dass der Hafen wieder geöffnet wird."),
    ]
    out = list(pipeline.run(items))
    assert [getattr(o, "input", None) for o in out] == ["ok-1", "bad", "ok-2", "empty", "german"]
    failure = out[1]
    assert isinstance(failure, Failure) and failure.stage == "boom"
    assert failure.reason == "ValueError: a stage bug with a second line"
    assert isinstance(out[0], Article) and out[0].status == "analysed" and out[0].claims
    assert isinstance(out[3], Article) and out[3].skip_reason == "empty"
    assert isinstance(out[4], Article) and out[4].skip_reason == "unsupported_language:de"


def test_fail_fast_reraises(resources) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(resources, (*ARTICLE_STAGES, "tests.test_pipeline:explode_on_marker"), fail_fast=True)
    with pytest.raises(ValueError, match="a stage bug"):
        list(pipeline.run([Article.new(locator="bad", text="The minister said BOOM.")]))


def test_too_long_for_the_parser_is_a_failure(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.resources import Resources

    small = Resources(resources.config.with_overrides(["pipeline.max_parse_chars=50"]))
    small.__dict__["nlp"] = resources.nlp  # share the loaded model
    text = "The minister said the port would reopen next week, officials confirmed."
    (out,) = list(Pipeline(small).run([dataclasses.replace(Article.new(locator="long", text=text), language="en")]))
    assert isinstance(out, Failure) and out.stage == "parse" and "limit" in out.reason


def test_batches_give_the_same_records(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.resources import Resources

    texts = [f"Minister {n} said on Monday that {n} ships were waiting." for n in ("Ann", "Bo", "Cy")]
    items = [Article.new(locator=str(i), text=t) for i, t in enumerate(texts)]
    one = Resources(resources.config.with_overrides(["pipeline.batch_size=1"]))
    one.__dict__["nlp"] = resources.nlp
    assert list(Pipeline(one).run(items)) == list(Pipeline(resources).run(items))


def test_worker_processes_give_the_same_records_in_order(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.resources import Resources

    texts = [f"Official {n} said on Monday that {n} ships were waiting, sources say." for n in range(7)]
    items = [Article.new(locator=str(i), text=t) for i, t in enumerate(texts)]
    items.insert(3, Failure("broken", "ingest", "binary data"))
    two = Resources(resources.config.with_overrides(["pipeline.workers=2", "pipeline.batch_size=2"]))
    assert list(Pipeline(two).run(items)) == list(Pipeline(resources).run(items))


def test_a_failing_batch_step_costs_no_article(resources) -> None:  # type: ignore[no-untyped-def]
    items = [Article.new(locator=str(i), text=f"Minister {i} said the port would reopen.") for i in range(3)]
    out = list(Pipeline(resources, (*ARTICLE_STAGES, "tests.test_pipeline:careful")).run(items))
    assert [a.status for a in out] == ["analysed"] * 3  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="batch step broke"):
        list(Pipeline(resources, (*ARTICLE_STAGES, "tests.test_pipeline:careful"), fail_fast=True).run(items))


def test_claims_are_embedded_once_per_batch(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.config import RULES_ONLY
    from admiralty.resources import Resources

    hashing = Resources(resources.config.with_overrides(RULES_ONLY))  # the word-hashing encoder
    hashing.__dict__["nlp"] = resources.nlp
    calls: list[list[str]] = []
    encode = hashing.embedder.encode
    hashing.embedder.encode = lambda texts: (calls.append(list(texts)), encode(texts))[1]
    same = "Officials said the port would reopen on Monday."
    items = [Article.new(locator=str(i), text=f"{same} Minister {i} said {i} ships were waiting.") for i in range(4)]
    out = list(Pipeline(hashing).run(items))
    claims = [c.text for a in out for c in a.claims]  # type: ignore[union-attr]
    assert len(calls) == 1  # the whole batch in one encoder call, each distinct text once
    leads = [f"\n{a.text[:300]}".strip() for a in out]  # type: ignore[union-attr]  # no titles here
    assert sorted(calls[0]) == sorted({*claims, *leads}) and len(claims) > len(set(claims))
    alone = [Pipeline(hashing).analyse_batch([item])[0] for item in items]
    for a, b in zip(out, alone, strict=True):
        assert (a.claim_vectors == b.claim_vectors).all()  # type: ignore[union-attr]
        assert (a.lead_vector == b.lead_vector).all()  # type: ignore[union-attr]


def test_overlapped_batches_give_the_same_records(resources) -> None:  # type: ignore[no-untyped-def]
    import threading

    from admiralty.resources import Resources

    texts = [f"Officials said on Monday that {n} ships were waiting off {n} ports, sources say." for n in range(5)]
    items = [Article.new(locator=str(i), text=t) for i, t in enumerate(texts)]
    items.insert(2, Failure("broken", "ingest", "binary data"))
    runs = {}
    for overlap in ("true", "false"):
        res = Resources(resources.config.with_overrides(["pipeline.batch_size=2", f"pipeline.overlap={overlap}"]))
        res.__dict__["nlp"], res.__dict__["embedder"] = resources.nlp, resources.embedder
        threads: set[str] = set()

        def noted(texts, ahead=res.embed_ahead, threads=threads, **options):  # type: ignore[no-untyped-def]
            threads.add(threading.current_thread().name)
            return ahead(texts, **options)

        res.embed_ahead = noted
        runs[overlap] = list(Pipeline(res).run(items)), threads
    assert runs["true"][0] == runs["false"][0]
    assert all(a.claim_vectors.shape[0] == len(a.claims) for a in runs["true"][0] if isinstance(a, Article))
    assert {n.split("_")[0] for n in runs["true"][1]} == {"admiralty-ahead"}  # the encoder ran beside the parse
    assert runs["false"][1] == {threading.main_thread().name}


def test_a_failing_batch_step_in_the_thread_costs_no_article(resources) -> None:  # type: ignore[no-untyped-def]
    stages = ("admiralty.nlp.language:detect_language", "parse", "tests.test_pipeline:careful")
    items = [Article.new(locator=str(i), text=f"Minister {i} said the port would reopen.") for i in range(3)]
    assert [a.status for a in Pipeline(resources, stages).run(items)] == ["analysed"] * 3  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="batch step broke"):
        list(Pipeline(resources, stages, fail_fast=True).run(items))
