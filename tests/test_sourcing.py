"""The sourcing profile (counts, second-hand, confirmation cues) and the corpus sources block."""

from __future__ import annotations

from admiralty.corpus.sources import Sources
from admiralty.model import Article, Attribution, SourceMention, Span, ViaMention, source_id
from admiralty.nlp.sourcing import confirmation_of, cue_patterns, find_cues, profile_sourcing
from admiralty.pipeline import replace


def _cues(resources, text: str):  # type: ignore[no-untyped-def]
    return find_cues(text, cue_patterns(resources.lexicon("sourcing_cues")))


def test_unconfirmed_cue_with_gap(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The Ministry has not yet provided official confirmation of specific agreements."
    cues = _cues(resources, text)
    assert [(c.text, c.kind) for c in cues] == [("not yet provided official confirmation", "unconfirmed")]
    assert confirmation_of(cues) == "unconfirmed"
    for c in cues:
        assert text[c.start:c.end] == c.text


def test_independently_verified_and_denied(resources) -> None:  # type: ignore[no-untyped-def]
    cues = _cues(resources, "The claim could not be independently verified. The Kremlin denied it.")
    assert {c.kind for c in cues} == {"unconfirmed", "denied"}
    assert confirmation_of(cues) == "denied"


def test_confirmed_to(resources) -> None:  # type: ignore[no-untyped-def]
    cues = _cues(resources, "A spokesman confirmed to Reuters that the meeting took place.")
    assert confirmation_of(cues) == "confirmed"


def test_no_cue_is_none(resources) -> None:  # type: ignore[no-untyped-def]
    assert confirmation_of(_cues(resources, "The weather was fine.")) == "none"


def _article(text: str, locator: str, attributions: tuple[Attribution, ...]) -> Article:
    art = replace(Article.new(locator=locator, text=text, outlet="Example News"), language="en")
    return replace(art, attributions=attributions)


def _attr(aid: str, kind: str, name: str, scope: str | None, via: ViaMention | None = None) -> Attribution:
    return Attribution(aid, "indirect", "attribution.rules/1",
                       SourceMention(0, len(name), name, kind, source_id(kind, name, scope), (name,)),  # type: ignore[arg-type]
                       via, Span(0, 1, "x"), ())


def test_profile_counts_second_hand(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The Telegraph reports it. Sources say so."
    via = ViaMention(0, 13, "The Telegraph", "outlet", source_id("outlet", "Telegraph"))
    art = _article(text, "p", (
        _attr("p:a1", "outlet", "Telegraph", None),
        _attr("p:a2", "anonymous", "sources", "p"),
        _attr("p:a3", "named_person", "Keir Starmer", None, via),
    ))
    out = profile_sourcing(art, None, resources).sourcing
    assert (out.outlet, out.anonymous, out.named, out.second_hand) == (1, 1, 1, 2)


def test_sources_block_scopes_anonymous_and_shares_named(resources) -> None:  # type: ignore[no-untyped-def]
    one = _article("Sources say. Starmer said.", "one",
                   (_attr("one:a1", "anonymous", "sources", "one"),
                    _attr("one:a2", "named_person", "Keir Starmer", None)))
    two = _article("Sources say. Starmer said.", "two",
                   (_attr("two:a1", "anonymous", "sources", "two"),
                    _attr("two:a2", "named_person", "Keir Starmer", None)))
    block = Sources()
    state = block.merge(block.build([one], resources), block.build([two], resources))
    alone = block.build([one, two], resources)
    assert state.entries == alone.entries  # partitioning does not change the result
    kinds = sorted(kind for kind, *_ in state.entries.values())
    assert kinds.count("anonymous") == 2  # one per article
    assert kinds.count("named_person") == 1  # one across articles
    named = state.entries[source_id("named_person", "Keir Starmer")]
    assert named[3] == 2
