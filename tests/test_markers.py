"""Framing / usage markers: hand-built sentences and the two seed articles."""

from __future__ import annotations

import pytest

from admiralty.config import Config
from admiralty.errors import ModelError
from admiralty.model import Article
from admiralty.nlp import markers as mk
from admiralty.resources import Resources


@pytest.fixture(scope="module")
def entries(resources: Resources) -> list[mk.MarkerEntry]:
    return mk.marker_entries(resources)


def _found(text: str, entries: list[mk.MarkerEntry]) -> set[tuple[str, str, str]]:
    out = mk.find(text, entries)
    for m in out:
        assert m.text == text[m.start : m.end]
    return {(m.text, m.set, m.variant) for m in out}


def test_spellings_and_war_naming(entries: list[mk.MarkerEntry]) -> None:
    text = "Since Russia\u2019s military operation began, Kiev has asked for help. Kyiv says otherwise."
    found = _found(text, entries)
    assert ("Russia\u2019s military operation", "war_naming", "russian_usage") in found
    assert ("Kiev", "kyiv_spelling", "russian_usage") in found
    assert ("Kyiv", "kyiv_spelling", "ukrainian_usage") in found


def test_longest_phrase_wins_within_a_set(entries: list[mk.MarkerEntry]) -> None:
    found = mk.find("It was the full-scale invasion of Ukraine.", entries)
    war = [m for m in found if m.set == "war_naming"]
    assert len(war) == 1
    assert war[0].text in ("full-scale invasion", "invasion of Ukraine")


def test_whole_words_only(entries: list[mk.MarkerEntry]) -> None:
    assert not [m for m in mk.find("The Kievan Rus was a medieval state.", entries) if m.set == "kyiv_spelling"]


def test_sets_may_overlap(entries: list[mk.MarkerEntry]) -> None:
    found = _found("The Kiev regime refused.", entries)
    assert ("Kiev regime", "kiev_regime", "russian_usage") in found
    assert ("Kiev", "kyiv_spelling", "russian_usage") in found


def test_first_name_transliteration(entries: list[mk.MarkerEntry]) -> None:
    found = _found("Vladimir Zelensky met Volodymyr  Zelenskyy's aides.", entries)
    assert ("Vladimir Zelensky", "zelensky_first_name", "russian_usage") in found
    assert ("Volodymyr  Zelenskyy", "zelensky_first_name", "ukrainian_usage") in found


def test_config_extends_the_sets() -> None:
    config = Config.default().with_overrides(['markers.extra=["capital|old_name|Bombay"]'])
    res = Resources(config)
    found = mk.find("Flights to Bombay resumed.", mk.marker_entries(res))
    assert [(m.text, m.set, m.variant) for m in found] == [("Bombay", "capital", "old_name")]


def test_malformed_entry_says_what_to_do() -> None:
    with pytest.raises(ModelError, match="three fields"):
        mk.parse_entries(["kyiv_spelling|Kiev"], sep="|")


def test_summary_counts_per_set_and_variant() -> None:
    markers = mk.find("Kiev, Kiev and Kyiv.", mk.parse_entries(["k\ta\tKiev", "k\tb\tKyiv"]))
    assert mk.summarise(markers) == {"k": {"a": 2, "b": 1}}


def test_seed_articles(seeds, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    def markers_of(prefix: str) -> set[tuple[str, str]]:
        path = next(seeds.glob(f"{prefix}_*.txt"))
        text = path.read_text("utf-8")
        article = Article.new(locator=str(path), text=text)
        out = mk.find_markers(article, None, resources).markers
        return {(m.text.replace("\u2019", "'"), m.variant) for m in out}

    rt = markers_of("003")
    assert ("Russia's military operation", "russian_usage") in rt
    assert ("Kiev", "russian_usage") in rt
    assert ("Vladimir Zelensky", "russian_usage") in rt
    assert not any(v == "ukrainian_usage" for _, v in rt)
    tg = markers_of("000")
    assert ("Kyiv", "ukrainian_usage") in tg
    assert ("large-scale invasion", "ukrainian_usage") in tg
    assert not any(v == "russian_usage" for _, v in tg)
