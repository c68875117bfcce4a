"""Source reliability: anonymous is F, the registry prior, and a Beta update that needs real
evidence before it moves a letter."""

from __future__ import annotations

from admiralty.config import Config
from admiralty.corpus.reliability import Evidence, Settings, assess, more_reliable, rank
from admiralty.model import Source
from admiralty.registry import Rating, Registry
from admiralty.resources import Resources

S = Settings.from_config(Resources(Config.default()))
REG = Registry.load()


def _src(kind: str, name: str) -> Source:
    return Source("src-x", kind, name, None, None, "F", "suggested", ())  # type: ignore[arg-type]


def _ev(confirmed: int = 0, contradicted: int = 0) -> Evidence:
    return Evidence({"a1"}, {f"a1:c{i}" for i in range(confirmed)},
                    {f"a2:c{i}" for i in range(contradicted)})


def test_anonymous_is_f_whatever_the_record() -> None:
    ev = _ev(confirmed=50)
    ev.nonconfirmation["a1"] = "have not yet provided official confirmation"
    out = assess(_src("anonymous", "our informants"), ev, REG, S)
    assert out.reliability == "F"
    assert [r.rule for r in out.reasons] == ["reliability.anonymous", "reliability.unconfirmed_in_text"]


def test_registry_fact_prior_and_thin_record() -> None:
    out = assess(_src("outlet", "RT.com"), _ev(confirmed=3), REG, S)
    assert out.reliability == "D" and out.registry is not None and out.registry["id"] == "rt"
    rules = [r.rule for r in out.reasons]
    assert rules == ["registry.identity", "reliability.fact_prior", "reliability.thin_record"]


def test_enough_evidence_moves_a_prior() -> None:
    up = assess(_src("outlet", "RT.com"), _ev(confirmed=30), REG, S)
    assert rank(up.reliability) < rank("D")
    down = assess(_src("outlet", "RT.com"), _ev(contradicted=12), REG, S)
    assert down.reliability == "E"


def test_imported_rating_is_the_prior() -> None:
    reg = REG.with_ratings({"northgateherald.example": Rating("B", "high", "mine.csv")})
    out = assess(_src("outlet", "northgateherald.example"), _ev(), reg, S)
    assert out.reliability == "B" and out.reasons[1].rule == "reliability.registry_rating"
    out = assess(_src("outlet", "northgateherald.example"), _ev(contradicted=15), reg, S)
    assert rank(out.reliability) > rank("B")


def test_unrated_sources_need_more_evidence_and_are_capped() -> None:
    assert assess(_src("named_person", "Alice Brennan"), _ev(confirmed=15), REG, S).reliability == "F"
    out = assess(_src("named_person", "Alice Brennan"), _ev(confirmed=40), REG, S)
    assert out.reliability == S.track_record_best
    out = assess(_src("named_person", "Alice Brennan"), _ev(confirmed=2, contradicted=30), REG, S)
    assert out.reliability == "E"


def test_ordering() -> None:
    assert more_reliable("B", "F") and more_reliable("A", "C")
    assert not more_reliable("F", "E") and not more_reliable("C", "C")
