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


def _cues_by_finditer(text: str, patterns):  # type: ignore[no-untyped-def]
    """What find_cues must return: every pattern's own finditer, the longest of an overlap kept."""
    from admiralty.model import Cue

    hits = [(m.end() - m.start(), m.start(), m.end(), kind) for kind, p in patterns for m in p.finditer(text)]
    cues: list[Cue] = []
    for _, start, end, kind in sorted(hits, key=lambda h: (-h[0], h[1], h[3])):
        if not any(start < c.end and c.start < end for c in cues):
            cues.append(Cue(start, end, text[start:end], kind))
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


def test_find_cues_is_each_patterns_finditer(resources) -> None:  # type: ignore[no-untyped-def]
    """The first-word scan finds what scanning the text with every pattern finds, with odd case
    folds (long s, dotless i, Kelvin sign), upper case and words inside words."""
    import random

    lines = resources.lexicon("sourcing_cues")
    patterns = cue_patterns(lines)
    words = " ".join(line.partition("\t")[2].replace("*", "") for line in lines).split()
    words += ["the", "minister", "nothing", "cannot", "deniable", "Not", "NOT", "\u017f", "\u0131", "\u212a", ",", "."]
    rng = random.Random(7)
    found = 0
    for _ in range(3000):
        toks = [rng.choice(words) for _ in range(rng.randint(1, 30))]
        toks = [t.upper() if rng.random() < 0.1 else t for t in toks]
        toks = [t.replace("s", "\u017f") if rng.random() < 0.03 else t for t in toks]
        text = "".join(t + rng.choice([" ", "  ", "\n", "", "-"]) for t in toks)
        expected = _cues_by_finditer(text, patterns)
        assert find_cues(text, patterns) == expected, text
        found += len(expected)
    assert found > 1000


def test_odd_folds_are_all_the_odd_folds() -> None:
    """Every letter a case-insensitive regex matches to an ASCII letter either lower-cases to that
    letter (one character) or is listed in ODD_FOLDS, which sends find_cues to the slow path."""
    import re
    import sys

    from admiralty.nlp.sourcing import ODD_FOLDS

    letter = re.compile("[a-z]", re.IGNORECASE)
    odd = set()
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        low = ch.lower()
        if letter.match(ch) and not (len(low) == 1 and "a" <= low <= "z"):
            odd.add(ch)
        if len(low) != 1:
            odd.add(ch)  # lower-casing it would shift the positions after it
    assert odd == set(ODD_FOLDS)
