"""The analyst's review: confirm or override a grade, a link or a source's reliability; stored
with who / when / what it replaced, shown as reviewed, surviving re-runs and new articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import admiralty
from admiralty.cli import main
from admiralty.review import ReviewError, add_review, link_key
from admiralty.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, resources) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("review") / "corpus.db"
    with Store(path) as store:
        admiralty.analyze([str(EXAMPLES)], store=store, resources=resources)
    return path


def _claim(store: Store, outlet: str, words: str) -> str:
    for art in store.articles():
        if art.outlet == outlet:
            for c in art.claims:
                if words in c.text:
                    return c.id
    raise AssertionError(f"no claim {words!r} in {outlet}")


def _grade(store: Store, claim: str):  # type: ignore[no-untyped-def]
    return next(g for g in store.corpus().grades if g.claim == claim)


def test_grade_override_is_stored_and_survives_reruns(db: Path, resources, seeds: Path) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        cid = _claim(store, "Northgate Herald", "closed since Monday")
        machine = _grade(store, cid)
        assert machine.status == "suggested" and machine.credibility == 1
        add_review(store, resources, "grade", cid, "override", "C2", "only the wire and one paper", "alice")
        g = _grade(store, cid)
        assert (g.reliability, g.credibility, g.status) == ("C", 2, "reviewed")
        assert g.review is not None and g.review.reviewer == "alice" and g.review.replaced == f"{machine.reliability}1"
        assert g.reasons[-1].rule == "review.override" and "alice" in g.reasons[-1].text
        # A re-run of the same inputs, then new articles: the review stands.
        admiralty.analyze([str(EXAMPLES)], store=store, resources=resources)
        assert _grade(store, cid).status == "reviewed"
        admiralty.analyze([str(seeds)], store=store, resources=resources)
        g = _grade(store, cid)
        assert (g.credibility, g.status) == (2, "reviewed")
        assert len(store.reviews("grade")) == 1


def test_confirm_keeps_the_machine_value(db: Path, resources) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        cid = _claim(store, "Harbour Voice (channel)", "army drivers")
        before = _grade(store, cid)
        review = add_review(store, resources, "grade", cid, "confirm", None, "agree", "bob")
        assert review.value == review.replaced == f"{before.reliability}{before.credibility}"
        assert _grade(store, cid).status == "reviewed"


def test_source_review_feeds_the_grades(db: Path, resources) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        sid = next(s.id for s in store.corpus().sources if s.name == "Harbour Times")
        add_review(store, resources, "source", sid, "override", "B", "long good record", "carol")
        src = next(s for s in store.corpus().sources if s.id == sid)
        assert (src.reliability, src.status) == ("B", "reviewed")
        cid = _claim(store, "Harbour Times", "The port of Norhaven has been closed since Monday")
        assert _grade(store, cid).reliability == "B"


def test_link_review_feeds_the_grades(db: Path, resources) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        a = _claim(store, "Northgate Herald", "more than 40 ships")
        b = _claim(store, "Harbour Times", "43 ships")
        assert _grade(store, a).contradictions == 0
        add_review(store, resources, "claim_link", f"{a}|{b}", "override", "contradicts", "40+ vs 43", "dan")
        link = next(lk for lk in store.corpus().claim_links if link_key(*lk.claims) == link_key(a, b))
        assert link.relation == "contradicts" and link.reasons[-1].rule == "review.override"
        g = _grade(store, a)
        assert g.contradictions == 1 and b in g.reasons[0].records
        add_review(store, resources, "claim_link", f"{b}|{a}", "override", "unlinked", "not the same count", "dan")
        assert all(link_key(*lk.claims) != link_key(a, b) for lk in store.corpus().claim_links)
        assert _grade(store, a).contradictions == 0


def test_bad_reviews_are_refused(db: Path, resources) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        cid = _claim(store, "Northgate Herald", "closed since Monday")
        with pytest.raises(ReviewError):
            add_review(store, resources, "grade", cid, "override", "9", "", "x")
        with pytest.raises(ReviewError):
            add_review(store, resources, "grade", "nosuch:c1", "confirm", None, "", "x")
        with pytest.raises(ReviewError):
            add_review(store, resources, "source", "src-nope", "override", "A", "", "x")


def test_review_cli(db: Path) -> None:
    with Store(db) as store:
        cid = _claim(store, "Coastal Wire", "talks between")
    runner = CliRunner(env={"ADMIRALTY_REVIEWER": "erin"})
    result = runner.invoke(main, ["review", "grade", cid, "--to", "4", "--note", "union disputes it", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "erin" in result.output and "-> 4" in result.output
    assert runner.invoke(main, ["review", "grade", cid, "--db", str(db)]).exit_code == 2
    assert runner.invoke(main, ["review", "grade", cid, "--to", "Z9", "--db", str(db)]).exit_code == 1
    listed = runner.invoke(main, ["review", "list", "--db", str(db)])
    assert listed.exit_code == 0 and "union disputes it" in listed.output
    shown = runner.invoke(main, ["sources", "show", "Harbour Times", "--db", str(db)])
    assert shown.exit_code == 0 and "[reviewed]" in shown.output


def test_a_run_without_the_store_sees_no_reviews(db: Path, resources) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        assert store.reviews()
    doc = admiralty.analyze([str(EXAMPLES)], resources=resources)
    assert doc.grades and all(g.status == "suggested" for g in doc.grades)
