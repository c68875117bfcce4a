"""The stories stage and the bounded ANN blocking it uses."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admiralty.config import Config
from admiralty.corpus import CorpusPlan, analyse_corpus
from admiralty.corpus.ann import candidate_pairs, max_candidates_per_item
from admiralty.corpus.copies import Copies
from admiralty.corpus.stories import (
    Stories,
    StoriesState,
    StoryEntry,
    StorySettings,
    cluster_entries,
    lead_vectors,
)
from admiralty.model import Article, Entity
from admiralty.pipeline import ARTICLE_STAGES, Pipeline
from admiralty.resources import Resources


def analysed_seeds(seeds: Path, res: Resources) -> list[Article]:
    """The seed articles through the per-article stages the corpus stages read."""
    stages = [s for s in ARTICLE_STAGES if s.rsplit(":", 1)[-1] in
              ("detect_language", "parse", "find_entities", "find_attributions", "find_claims",
               "embed_claims")]
    arts = [Article.new(locator=str(p), text=p.read_text("utf-8")) for p in sorted(seeds.glob("0*.txt"))]
    out = [a for a in Pipeline(res, stages).run(arts) if isinstance(a, Article)]
    assert len(out) == 2
    return out


@pytest.fixture(scope="module")
def by_claims() -> Resources:
    """Resources whose story vectors are the fakes' claim vectors (their texts say nothing)."""
    return Resources(Config.default().with_overrides(["stories.vector=claims"]))


def _fake(i: int, vec: np.ndarray, ents: list[str], date: str | None = None) -> Article:
    a = Article.new(locator=f"fake{i}", text=f"Article number {i}.", published=date)
    ents_t = tuple(Entity(0, 1, n, "GPE", n) for n in ents)
    v = (vec / np.linalg.norm(vec)).astype(np.float32)[None, :]
    return replace(a, language="en", entities=ents_t, claim_vectors=v)


def test_seeds_are_one_story(seeds: Path, resources: Resources) -> None:
    arts = analysed_seeds(seeds, resources)
    stories = analyse_corpus(arts, resources, CorpusPlan((Copies(), Stories()))).stories
    assert len(stories) == 1
    assert set(stories[0].articles) == {a.id for a in arts}
    assert "Ukraine" in stories[0].label


def test_the_pipeline_embeds_the_leads_stories_would(seeds: Path, resources: Resources) -> None:
    arts = analysed_seeds(seeds, resources)
    assert all(a.lead_vector is not None for a in arts)
    again = lead_vectors([replace(a, lead_vector=None) for a in arts], resources)
    assert all((a.lead_vector == v).all() for a, v in zip(arts, again, strict=True))


def _corpus(rng: np.random.Generator) -> list[Article]:
    arts = []
    centres = rng.standard_normal((6, 32))
    for k in range(30):
        c = centres[k % 6]
        arts.append(_fake(k, c + 0.15 * rng.standard_normal(32), [f"Place{k % 6}", "Common", f"X{k}"],
                          f"2024-01-{1 + k % 6:02d}"))
    return arts


def test_close_articles_sharing_entities_cluster_and_partitions_agree(by_claims: Resources) -> None:
    arts = _corpus(np.random.default_rng(0))
    plan = CorpusPlan((Copies(), Stories()))
    one = analyse_corpus(arts, by_claims, plan, partitions=1).stories
    three = analyse_corpus(list(reversed(arts)), by_claims, plan, partitions=3).stories
    assert one == three
    assert sorted(len(s.articles) for s in one) == [5] * 6
    assert all(s.first_seen and s.first_seen.startswith("2024-01-0") for s in one)


def test_time_window_separates_same_topic_far_apart(by_claims: Resources) -> None:
    v = np.ones(16)
    arts = [_fake(1, v, ["A", "B"], "2024-01-01"), _fake(2, v, ["A", "B"], "2024-06-01")]
    assert analyse_corpus(arts, by_claims, CorpusPlan((Stories(),))).stories == ()


def _entries(vectors: np.ndarray, dates: list[str | None] | None = None) -> dict[str, StoryEntry]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    dates = dates or [None] * len(vectors)
    return {f"a{k:03d}": StoryEntry(d, f"t{k}", frozenset({"Same"}), (("Same", 1),), v.astype(np.float32))
            for k, (v, d) in enumerate(zip(unit, dates, strict=True))}


def _chain(n: int = 24, step: float = 0.35) -> np.ndarray:
    """Unit vectors on an arc: each close to the next, the ends far apart (a single-link trap)."""
    angles = np.arange(n) * step
    return np.stack([np.cos(angles), np.sin(angles), np.zeros(n)], axis=1)


def test_average_link_does_not_chain_where_single_link_does(resources: Resources) -> None:
    s = StorySettings.from_config(resources)
    entries = _entries(_chain())  # neighbours at cosine 0.94, ends at cosine -0.9
    single = cluster_entries(entries, [], replace(s, linkage="single"))
    average = cluster_entries(entries, [], s)
    assert max(len(g) for g in single) == len(entries)
    assert 1 < max(len(g) for g in average) < len(entries) // 2
    x = np.stack([entries[a].vector for g in average for a in g])
    for g in average:  # every story is tight: its average pairwise cosine passes the threshold
        v = np.stack([entries[a].vector for a in g])
        assert len(g) == 1 or (v.sum(0) @ v.sum(0) - len(g)) / (len(g) * (len(g) - 1)) >= s.merge_cosine - 1e-6
    assert len(x) == len(entries)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.integers(1, 39))
def test_average_link_is_independent_of_order_and_split(seed: int, cut: int) -> None:
    res = Resources(Config.default())
    s = StorySettings.from_config(res)
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((5, 12))
    x = centres[rng.integers(0, 5, 40)] + 0.5 * rng.standard_normal((40, 12))
    dates = [None if k % 3 == 0 else f"2024-02-{1 + int(rng.integers(0, 20)):02d}" for k in range(40)]
    entries = _entries(x, dates)
    ids = list(entries)
    order = [ids[k] for k in rng.permutation(40)]
    left = {a: entries[a] for a in order[:cut]}
    right = {a: entries[a] for a in order[cut:]}
    forced = [[ids[0], ids[7]]]
    one = cluster_entries(entries, forced, s)
    merged = Stories().merge(StoriesState(right), StoriesState(left)).entries
    assert cluster_entries(merged, forced, s) == one
    assert sorted(a for g in one for a in g) == sorted(ids)
    assert any(ids[0] in g and ids[7] in g for g in one)  # copies always share a story
    day = {a: entries[a].published for a in ids}
    for g in one:  # no story spans more than max_span_days among its dated articles
        dated = sorted(d for a in g if (d := day[a]))
        if len(dated) > 1:
            assert int(dated[-1][-2:]) - int(dated[0][-2:]) <= s.max_span_days


def test_stories_of_undated_articles(by_claims: Resources) -> None:
    rng = np.random.default_rng(5)
    arts = _corpus(rng)
    undated = [replace(a, published=None) for a in arts]
    stories = analyse_corpus(undated, by_claims, CorpusPlan((Stories(),))).stories
    assert sorted(len(s.articles) for s in stories) == [5] * 6
    assert all(s.first_seen is None for s in stories)


@pytest.mark.parametrize("n", [50, 3000])
def test_candidate_pairs_per_item_are_bounded(n: int) -> None:
    rng = np.random.default_rng(1)
    # Many near-identical vectors: one huge bucket is the worst case for the bound.
    x = rng.standard_normal((n, 24)) * 0.01 + 1.0
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    bands, window = 4, 5
    pairs = candidate_pairs(x, bits=6, bands=bands, window=window, seed=3)
    per = Counter(i for p in pairs for i in p)
    assert max(per.values()) <= max_candidates_per_item(bands, window)
    assert len(pairs) <= n * max_candidates_per_item(bands, window)


def test_an_article_without_claims_does_not_mix_encoders(resources) -> None:  # type: ignore[no-untyped-def]
    # Regression: an article with no claim vectors was embedded with MiniLM (384-d) next to the
    # pipeline's static claim vectors (256-d), and the story stage crashed on real FakeNewsNet data.
    from admiralty.corpus import analyse_corpus
    from admiralty.model import Article
    from admiralty.pipeline import Pipeline

    texts = ["Photos: Norhaven harbour at dawn", "The port of Norhaven reopened on Friday, officials said."]
    items = [Article.new(locator=f"{n}.txt", text=t) for n, t in enumerate(texts)]
    analysed = [a for a in Pipeline(resources).run(items) if isinstance(a, Article)]
    assert any(not a.claims for a in analysed) and any(a.claims for a in analysed)
    analyse_corpus(analysed, resources)  # must not raise
