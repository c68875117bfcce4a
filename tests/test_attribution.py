"""Attribution: each construction on a hand-built sentence, the seed articles, and an evaluation
gate on PolNeAR dev (a subset, to stay fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from admiralty.model import Article, source_id
from admiralty.nlp.attribution import find_attributions
from admiralty.nlp.attribution_quotes import find_quotes
from admiralty.nlp.entities import find_entities
from admiralty.pipeline import replace

ROOT = Path(__file__).resolve().parents[1]


def run(resources, text: str, locator: str = "t") -> Article:  # type: ignore[no-untyped-def]
    article = replace(Article.new(locator=locator, text=text), language="en")
    doc = resources.nlp(text)
    return find_attributions(find_entities(article, doc, resources), doc, resources)


def only(resources, text: str):  # type: ignore[no-untyped-def]
    atts = run(resources, text).attributions
    assert len(atts) == 1, [(a.cue, a.content) for a in atts]
    return atts[0]


def spans_ok(article: Article) -> None:
    for a in article.attributions:
        for span in (a.source, a.via, a.cue, *a.content):
            if span is not None:
                assert article.text[span.start:span.end] == span.text
                assert span.end > span.start


def test_indirect_speech_that_clause(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "The minister said that the talks would resume on Monday.")
    assert a.form == "indirect"
    assert a.source is not None and a.source.text == "The minister"
    assert a.source.kind == "unnamed_official"
    assert a.cue is not None and a.cue.text == "said"
    assert [c.text for c in a.content] == ["that the talks would resume on Monday"]


def test_direct_quote_speaker_after(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, '"We will not retreat. Not one step," Smith said.')
    assert a.form == "direct"
    assert a.content[0].text == '"We will not retreat. Not one step,"'
    assert a.source is not None and a.source.text == "Smith"


def test_curly_quote_colon_lead_in(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The spokesman said: \u201cThe border is closed. Nobody passes.\u201d"
    a = only(resources, text)
    assert a.form == "direct"
    assert a.content[0].text == "\u201cThe border is closed. Nobody passes.\u201d"


def test_split_quote_has_two_content_spans(resources) -> None:  # type: ignore[no-untyped-def]
    text = '"We are ready," the general said, "and we will defend every village."'
    a = only(resources, text)
    assert [c.text for c in a.content] == ['"We are ready,"', '"and we will defend every village."']


def test_mixed_quote(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "Podoliak asserted that such deployments \u201cdo not seem very realistic.\u201d")
    assert a.form == "mixed"


def test_according_to(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "According to our informants, the plan is not a priority for Kyiv.")
    assert a.form == "according_to"
    assert a.source is not None and a.source.kind == "anonymous"
    assert a.content[0].text == "the plan is not a priority for Kyiv"


def test_parenthetical_sources_say(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "However, sources say, Poland has consistently opposed a wider role for NATO.")
    assert a.source is not None and a.source.kind == "anonymous"
    assert a.content[0].text.startswith("Poland has consistently opposed")


def test_object_content(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "Defense Secretary Pete Hegseth dismissed the possibility of sending troops.")
    assert a.source is not None and a.source.kind == "named_person"
    assert a.content[0].text == "the possibility of sending troops"


def test_outlet_reports_is_outlet(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "The Telegraph reports that the prime minister plans a deployment.")
    assert a.source is not None and a.source.kind == "outlet"
    assert a.source.ref == source_id("outlet", "Telegraph")


def test_according_to_outlet_becomes_via(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "According to Reuters, the minister said that the talks had failed.")
    assert a.via is not None and a.via.text == "Reuters" and a.via.kind == "outlet"
    assert a.source is not None and a.source.text == "the minister"
    assert a.content[0].text == "that the talks had failed"


def test_pronoun_resolves_to_previous_speaker(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("Senator Jane Holloway said that the bill was dead. "
            "She warned that the vote would fail again.")
    art = run(resources, text)
    assert len(art.attributions) == 2
    first, second = art.attributions
    assert second.source is not None and second.source.text == "She"
    assert second.source.kind == "named_person"
    assert second.source.ref == first.source.ref  # type: ignore[union-attr]


def test_a_pronoun_that_names_no_one_stays_anonymous(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("The Coastal Dockworkers Union said that the strike would go on. "
            "Some say the port will close for good.")
    art = run(resources, text)
    some = [a for a in art.attributions if a.source is not None and a.source.text == "Some"]
    assert some and some[0].source.kind == "anonymous"  # type: ignore[union-attr]
    assert art.attributions[0].source.kind == "named_organization"  # type: ignore[union-attr]


@pytest.mark.parametrize("text, phrase", [
    ("Many Democrats say the plan will fail.", "Many Democrats"),
    ("Every honest Norhavener can see that the strike is hurting the city.", "Every honest Norhavener"),
])
def test_a_quantified_group_names_no_one(resources, text, phrase) -> None:  # type: ignore[no-untyped-def]
    sources = [a.source for a in run(resources, text).attributions if a.source is not None]
    assert [(s.text, s.kind) for s in sources] == [(phrase, "anonymous")]
    named = run(resources, "Democrats say the plan will fail.").attributions[0].source
    assert named is not None and named.kind == "named_organization"


def test_a_relative_pronoun_source_goes_by_its_antecedent(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.corpus.sources import Sources

    text = "These are the same people who claimed that the port would reopen on Monday."
    art = run(resources, text)
    who = [a.source for a in art.attributions if a.source is not None]
    assert [(s.text, s.kind) for s in who] == [("who", "anonymous")]  # the span PolNeAR marks
    assert who[0].evidence[-1] == "the same people"
    names = [name for _, name, _, _ in Sources().build([art], resources).entries.values()]
    assert "the same people" in names and "who" not in names


def test_description_resolves_to_named_person(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("Mikhail Podoliak, a key adviser to President Vladimir Zelensky, spoke on Friday. "
            "The adviser said that foreign troops were unrealistic.")
    art = run(resources, text)
    said = [a for a in art.attributions if a.cue and a.cue.text == "said"]
    assert said and said[0].source is not None
    assert said[0].source.kind == "named_person"
    assert said[0].source.ref == source_id("named_person", "Mykhailo Podolyak")


def test_anonymous_refs_are_article_scoped(resources) -> None:  # type: ignore[no-untyped-def]
    text = "Sources say the ceasefire will hold."
    a1 = run(resources, text, "one").attributions[0]
    a2 = run(resources, text, "two").attributions[0]
    assert a1.source is not None and a2.source is not None
    assert a1.source.kind == "anonymous"
    assert a1.source.ref != a2.source.ref


def test_hearsay_adverb_has_no_source(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "Brussels is reportedly preparing military aid for Ukraine.")
    assert a.source is None and a.cue is not None and a.cue.text == "reportedly"


def test_unbalanced_quote_costs_one_span_not_the_article(resources) -> None:  # type: ignore[no-untyped-def]
    text = ('He said "this will never end. \n\nThe minister said that the talks would resume. '
            '"We are ready," Smith said.')
    art = run(resources, text)
    spans_ok(art)
    cues = [a.cue.text for a in art.attributions if a.cue]
    assert cues.count("said") >= 2


def test_quotes_over_paragraphs() -> None:
    text = "\u201cFirst paragraph.\n\n\u201cSecond paragraph,\u201d he said."
    quotes = find_quotes(text, 4000)
    assert len(quotes) == 1 and quotes[0].start == 0 and text[quotes[0].end - 1] == "\u201d"


def test_stray_quote_mark_is_dropped() -> None:
    text = 'A stray " mark here.\nAnd "a real quote" there.'
    quotes = find_quotes(text, 4000)
    assert [text[q.inner_start:q.inner_end] for q in quotes] == ["a real quote"]


# -- seeds ------------------------------------------------------------------------------------


def _seed(resources, seeds: Path, prefix: str) -> Article:  # type: ignore[no-untyped-def]
    path = next(seeds.glob(prefix + "*.txt"))
    return run(resources, path.read_text("utf-8"), str(path))


def test_seed_000_rests_on_anonymous_sources(resources, seeds) -> None:  # type: ignore[no-untyped-def]
    art = _seed(resources, seeds, "000")
    spans_ok(art)
    kinds = [a.source.kind for a in art.attributions if a.source is not None]
    assert kinds and all(k == "anonymous" for k in kinds)
    texts = {a.source.text for a in art.attributions if a.source is not None}
    for expected in ("Our sources in the President's Office", "sources", "our informants",
                     "interlocutors close to the negotiation process", "the interlocutors"):
        assert expected in texts


def test_seed_003_named_sources_and_telegraph(resources, seeds) -> None:  # type: ignore[no-untyped-def]
    art = _seed(resources, seeds, "003")
    spans_ok(art)
    # Cues keep their auxiliaries and adverbs ("has emphasized"): key them by their last word.
    by_cue = {a.cue.text.split()[-1]: a for a in art.attributions if a.cue is not None}
    podolyak = source_id("named_person", "Mykhailo Podolyak")
    for cue in ("says", "emphasized", "remarked", "asserted", "advocated"):
        src = by_cue[cue].source
        assert src is not None and src.kind == "named_person" and src.ref == podolyak, cue
    assert by_cue["remarked"].via is not None and by_cue["remarked"].via.kind == "outlet"
    for cue, name in (("expressed", "Keir Starmer"), ("opposed", "Sergey Lavrov"),
                      ("dismissed", "Pete Hegseth")):
        src = by_cue[cue].source
        assert src is not None and src.kind == "named_person"
        assert src.ref == source_id("named_person", name)
    assert by_cue["warned"].source is not None
    assert by_cue["warned"].source.kind == "named_organization"
    telegraph = by_cue["reports"].source
    assert telegraph is not None and telegraph.kind == "outlet" and "Telegraph" in telegraph.text
    assert by_cue["reportedly"].source is None
    assert "Read" not in by_cue  # "Read Full Article at RT.com" is an imperative, not an attribution


# -- evaluation gate ----------------------------------------------------------------------------

# Floors a little under what benchmarks/polnear_eval.py measured on these texts (BENCHMARKS.md).
GATE_TEXTS = 30
FLOORS = {"source": 0.72, "cue": 0.70, "content": 0.74}  # measured 0.741 / 0.721 / 0.759 (rules/2 + tagger)


def _eval_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import polnear_eval

    return polnear_eval


@pytest.mark.slow
def test_polnear_dev_gate(shared_data) -> None:  # type: ignore[no-untyped-def]
    from conftest import require

    require(shared_data / "polnear" / "dev")
    pe = _eval_module()
    report = pe.evaluate("dev", GATE_TEXTS)
    for role, floor in FLOORS.items():
        assert report["system"][role]["partial_f1"] >= floor, (role, report["system"][role])


def test_stage_leaves_the_shared_doc_alone(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The minister said that the talks would resume on Monday."
    article = replace(Article.new(locator="t", text=text), language="en")
    doc = resources.nlp(text)
    article = find_entities(article, doc, resources)
    before = dict(doc.user_data)
    find_attributions(article, doc, resources)
    # Only the shared read-only token tables (built once per doc for every stage) may be added.
    shared = {"admiralty.tokens.view", "admiralty.deps"}
    assert {k: v for k, v in doc.user_data.items() if k not in shared} == before


def test_definite_description_resolves_to_named_organisation(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("The Coastal Dockworkers Union called a strike on Monday at the port. "
            "The union said that 3,000 workers had joined.")
    said = [a for a in run(resources, text).attributions if a.cue and a.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.text == "The union"
    assert said[0].source.kind == "named_organization"
    assert said[0].source.ref == source_id("named_organization", "Coastal Dockworkers Union")


def test_an_institution_named_only_by_description_is_on_record(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("Talks between the dock workers' union and the government stalled on Wednesday. "
            "The union said that 1,200 workers had joined the strike. Sources said more would follow.")
    atts = run(resources, text).attributions
    union = next(a for a in atts if a.source is not None and a.source.text == "The union")
    assert union.source.kind == "unnamed_official"
    assert "the dock workers' union" in union.source.evidence
    sources = next(a for a in atts if a.source is not None and a.source.text == "Sources")
    assert sources.source.kind == "anonymous"


def test_description_without_named_organisation_stays_unnamed(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "The company said that profits had fallen.")
    assert a.source is not None and a.source.kind != "named_organization"


def test_group_at_named_organisation(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "Economists at Norhaven University estimate that the closure costs 15 million a day.")
    assert a.source is not None and a.source.text == "Economists at Norhaven University"
    assert a.source.kind == "named_organization"
    assert a.source.ref == source_id("named_organization", "Norhaven University")
    assert "Norhaven University" in a.source.evidence


def test_bare_surname_resolves_to_person_named_earlier(resources) -> None:  # type: ignore[no-untyped-def]
    # The NER tags the bare "Varga" of this example as an organisation.
    path = next((ROOT / "examples").glob("05*.txt"))
    art = run(resources, path.read_text("utf-8"), str(path))
    told = [a for a in art.attributions if a.cue and a.cue.text == "told"]
    assert told and told[0].source is not None and told[0].source.text == "Varga"
    assert told[0].source.kind == "named_person"
    assert told[0].source.ref == source_id("named_person", "Tomas Varga")


def test_cue_keeps_auxiliaries_and_preposition(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "The mayor has not yet said that the bridge will reopen.")
    assert a.cue is not None and a.cue.text == "has not yet said"
    a = only(resources, "Senator Jane Holloway called for an inquiry into the contracts.")
    assert a.cue is not None and a.cue.text == "called for"
    assert a.content[0].text == "an inquiry into the contracts"


def test_quotation_continues_over_sentences_and_paragraphs(resources) -> None:  # type: ignore[no-untyped-def]
    text = ('"This is a worldwide fight," Clinton said on Thursday in New York. "We must lead it."\n\n'
            '"Nobody else will."\n\nThe senator left early.')
    a = only(resources, text)
    assert [c.text for c in a.content] == ['"This is a worldwide fight,"', '"We must lead it."', '"Nobody else will."']


def test_learned_tagger_finds_cues_beyond_the_verb_lists(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.nlp.attribution import load_tagger

    assert load_tagger(resources) is not None
    text = "Senator Jane Holloway slammed the proposal as a giveaway to donors."
    cues = [a.cue.text for a in run(resources, text).attributions if a.cue is not None]
    assert any("slammed" in c for c in cues), cues


def test_object_content_keeps_its_complements_not_the_date(resources) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, "Senator Jane Holloway praised the governor for his handling of the strike on Friday.")
    assert a.content[0].text == "the governor for his handling of the strike"


def test_imperative_and_date_only_content_are_not_attributions(resources) -> None:  # type: ignore[no-untyped-def]
    text = ("Read Full Article at RT.com\n\nThe aid package could be announced ahead of a visit "
            "by EU commissioners to Kiev on February 24.")
    cues = [a.cue.text for a in run(resources, text).attributions if a.cue is not None]
    assert not any("Read" in c or "announced" in c for c in cues), cues


def test_headline_label_is_not_a_speaker(resources) -> None:  # type: ignore[no-untyped-def]
    text = "Clinton: 1,769.\n\nSanders: 1,501.\n\nCarly Fiorina: I am horrified by the campaign.\n"
    atts = run(resources, text).attributions
    assert [a.source.text for a in atts if a.source is not None] == ["Carly Fiorina"]


def test_a_contracted_auxiliary_is_never_a_speaker(resources) -> None:  # type: ignore[no-untyped-def]
    from admiralty.nlp.attribution import _nominal

    doc = resources.nlp("The owners would\u2019ve found a way, the minister said, and they'd agree.")
    by_text = {t.text: t for t in doc}
    assert not _nominal(by_text["\u2019ve"]) and not _nominal(by_text["'d"])  # whatever the tagger calls them
    assert not _nominal(by_text["would"]) and _nominal(by_text["minister"]) and _nominal(by_text["they"])


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("The Islamic activist group, Hizb-ut-Tahrir, said the protest would go ahead.", "named_organization",
     "Hizb-ut-Tahrir"),
    ("A spokesman, Ilona Varga, said the port would reopen on Friday.", "named_person", "Ilona Varga"),
    ("The court order says the strike must end.", "document", None),
    ("The International Atomic Energy Agency said the plant had lost power.", "named_organization",
     "International Atomic Energy Agency"),
    ("Russian news agency TASS said the talks had failed.", "outlet", "TASS"),
])
def test_a_description_with_its_name_beside_it_is_that_name(resources, text, kind, name) -> None:  # type: ignore[no-untyped-def]
    a = only(resources, text)
    assert a.source is not None and a.source.kind == kind
    if name is not None:
        assert a.source.evidence[-1] == name and a.source.ref == source_id(kind, name)
