"""The copies stage: groups, origins, provenance cues, partition invariance."""

from __future__ import annotations

import random

from admiralty.corpus import CorpusPlan, analyse_corpus
from admiralty.corpus.copies import Copies
from admiralty.corpus.provenance import find_cues
from admiralty.model import Article
from admiralty.resources import Resources


def _text(seed: int, n: int = 200) -> str:
    rng = random.Random(seed)
    vocab = [f"word{i}" for i in range(4000)]
    sents = [" ".join(rng.choice(vocab) for _ in range(15)) + "." for _ in range(n // 15)]
    return "\n\n".join(" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3))


def _article(locator: str, text: str, outlet: str | None = None, published: str | None = None) -> Article:
    return Article.new(locator=locator, text=text, outlet=outlet, published=published)


def _run(articles: list[Article], res: Resources, partitions: int = 1):  # type: ignore[no-untyped-def]
    return analyse_corpus(articles, res, CorpusPlan((Copies(),)), partitions=partitions).copies


def test_seed_003_origin_is_rt_carried_by_troib(seeds, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    path = next(seeds.glob("003_*.txt"))
    article = _article(str(path), path.read_text("utf-8"))
    groups = _run([article], resources)
    assert len(groups) == 1
    g = groups[0]
    assert g.origin.outlet == "RT.com" and g.origin.article is None
    (member,) = g.members
    assert member.article == article.id and member.relation == "syndicated"
    assert any("TROIB News" in e for e in member.evidence)


def test_copy_with_boilerplate_and_truncation_is_grouped_and_origin_is_earliest(resources: Resources) -> None:
    original = _text(1, 400)
    words = original.split(" ")
    truncated = " ".join(words[: int(len(words) * 0.6)])
    copy = "Home | News | Subscribe\n\n" + truncated + "\n\nBy Ann Lee for Valley Post\n\nAll rights reserved."
    arts = [
        _article("a", original, "Wire One", "2024-01-01"),
        _article("b", copy, "Valley Post", "2024-01-02"),
        _article("c", _text(2, 400), "Other", "2024-01-01"),
    ]
    groups = _run(arts, resources)
    assert len(groups) == 1
    g = groups[0]
    assert g.origin.article == arts[0].id and g.origin.outlet == "Wire One"
    assert [m.article for m in g.members] == [arts[1].id]
    assert g.members[0].relation == "near_copy" and g.members[0].similarity > 0.5
    assert g.id == "cg-" + min(arts[0].id, arts[1].id)


def test_credited_member_makes_the_credited_outlet_the_origin(resources: Resources) -> None:
    base = _text(5, 300)
    arts = [
        _article("x", base + "\n\nRead Full Article at Morning Herald", "Free Ledger", "2024-01-01"),
        _article("y", base, "Morning Herald", "2024-01-03"),
    ]
    (g,) = _run(arts, resources)
    assert g.origin.article == arts[1].id and g.origin.outlet == "Morning Herald"
    assert g.members[0].relation == "syndicated"


def test_unrelated_texts_give_no_groups(resources: Resources) -> None:
    arts = [_article(str(i), _text(100 + i)) for i in range(20)]
    assert _run(arts, resources) == ()


def test_partitions_do_not_change_the_records(resources: Resources) -> None:
    arts = []
    for i in range(12):
        t = _text(200 + i, 300)
        arts.append(_article(f"o{i}", t, f"Outlet {i}", f"2024-02-{i + 1:02d}"))
        if i % 3 == 0:
            arts.append(_article(f"c{i}", t + "\n\nShare this article.", "Copycat", f"2024-03-{i + 1:02d}"))
    one = _run(arts, resources, 1)
    three = _run(list(reversed(arts)), resources, 3)
    assert one == three and len(one) == 4


def test_cues_are_exact_spans_and_body_attribution_is_not_a_credit() -> None:
    text = "WASHINGTON (Reuters) - The vote passed.\n" + "x " * 300 + "\nThe Telegraph reported it.\n"
    cues = find_cues(text, 400)
    assert [c.kind for c in cues] == ["wire"]
    for c in cues:
        assert text[c.start : c.end] == c.text


def test_credit_name_stops_at_the_end_of_its_sentence() -> None:
    # Regression: "Republished from Coastal Wire. Read the full story ..." gave "Coastal Wire. Read the".
    text = "Body of the story.\n\nRepublished from Coastal Wire. Read the full story at coastalwire.example"
    outlets = [c.outlet for c in find_cues(text, 500) if c.kind == "credit"]
    assert "Coastal Wire" in outlets
    assert not any("Read" in o for o in outlets)
