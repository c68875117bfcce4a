"""Views of a story shared by the HTML report and the web UI: outlets side by side, the story
graph, the timeline, and small charts.

Everything here is *geometry and grouping*, computed in Python from the records; the templates
only draw it (inline SVG, autoescaped text). Nothing here formats HTML, so no article text is
ever marked safe.

* **Voices** (columns): a story's articles grouped by origin. Articles of one copy group (a wire
  story and its republications) are one voice, shown under the origin's outlet with "+N copies":
  a copy is not an independent outlet.
* **Rows**: claims across voices. Claims joined by a claim link (any relation) are one row, as are
  identical claims inside one voice (the copies of a wire story carry the same sentences). Rows
  carried by the most voices come first, then the most check-worthy; a voice with nothing in a
  row is *silent* on it.
* **Graph**: three columns of nodes, sources (who is quoted) on the left, the rows' claims in the
  middle, voices (outlets) on the right; an edge says "said by" or "carried by".
* **Timeline**: the voices' articles on a time axis (undated ones listed apart).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Article, Claim, ClaimLink, CopyGroup, Grade, Source, Story

# The sourcing categories of a card, in drawing order, with the Sourcing field each counts.
SOURCING_KINDS = (
    ("named", "named"), ("outlet", "outlet"), ("document", "document"),
    ("unnamed_official", "unnamed_official"), ("anonymous", "anonymous"),
    ("unattributed", "unattributed_claims"),
)
# Colours of the sourcing categories (the report's CSS variables use the same values).
SOURCING_COLOURS = {
    "named": "#2a7ab0", "outlet": "#7b4fb0", "document": "#3c9a6a",
    "unnamed_official": "#d08a1e", "anonymous": "#c0392b", "unattributed": "#9aa0a6",
}
# Source kinds as the sourcing categories they fall in (for node colours).
KIND_CATEGORY = {
    "named_person": "named", "named_organization": "named", "outlet": "outlet",
    "document": "document", "unnamed_official": "unnamed_official", "anonymous": "anonymous",
}
CREDIBILITY_COLOURS = {1: "#1e8449", 2: "#52be80", 3: "#a9cce3", 4: "#f5b041", 5: "#c0392b", 6: "#9aa0a6"}
RELIABILITY_COLOURS = {"A": "#1e8449", "B": "#52be80", "C": "#a9cce3", "D": "#f5b041", "E": "#c0392b",
                       "F": "#9aa0a6"}


# ---------------------------------------------------------------------------------------------
# Voices and rows


@dataclass(frozen=True, slots=True)
class Voice:
    """One independent origin inside a story: an article, or a copy group's articles."""

    key: str
    label: str
    articles: tuple[str, ...]
    published: str | None
    copies: int


@dataclass(frozen=True, slots=True)
class ClaimRef:
    claim: Claim
    article: str
    grade: Grade | None
    source: str
    source_kind: str


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[tuple[ClaimRef, ...], ...]  # one entry per voice, empty when silent
    relations: tuple[str, ...]
    checkworthiness: float

    @property
    def carried(self) -> int:
        return sum(1 for c in self.cells if c)

    @property
    def lead(self) -> ClaimRef:
        return max((r for cell in self.cells for r in cell), key=lambda r: r.claim.checkworthiness)


@dataclass(frozen=True, slots=True)
class StoryView:
    story: Story
    voices: tuple[Voice, ...]
    rows: tuple[Row, ...]
    hidden_rows: int
    graph: Graph
    timeline: Timeline

    def silent(self, row: Row) -> list[str]:
        return [v.label for v, cell in zip(self.voices, row.cells, strict=True) if not cell]


def voices(story: Story, articles: Mapping[str, Article], copies: Iterable[CopyGroup]) -> list[Voice]:
    """The story's articles grouped by origin (a copy group is one voice), oldest first."""
    in_story = [a for a in story.articles if a in articles]
    group_of: dict[str, CopyGroup] = {}
    for g in copies:
        for member in [g.origin.article, *(m.article for m in g.members)]:
            if member is not None and member in articles:
                group_of.setdefault(member, g)
    out: list[Voice] = []
    seen: set[str] = set()
    for aid in in_story:
        if aid in seen:
            continue
        group = group_of.get(aid)
        if group is None:
            members = [aid]
            label = _outlet(articles[aid])
        else:
            members = [x for x in in_story if group_of.get(x) is group]
            origin = articles.get(group.origin.article or "")
            label = group.origin.outlet or (_outlet(origin) if origin else _outlet(articles[aid]))
        seen.update(members)
        dates = sorted(d for d in (articles[m].published for m in members) if d)
        out.append(Voice(
            key=members[0], label=label, articles=tuple(members),
            published=dates[0] if dates else None, copies=len(members) - 1,
        ))
    out.sort(key=lambda v: (v.published is None, v.published or "", v.key))
    return out


def _outlet(a: Article) -> str:
    return a.outlet or a.title or a.input


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _source_of(claim: Claim, article: Article, grade: Grade | None,
               sources: Mapping[str, Source]) -> tuple[str, str]:
    """(who says it, the sourcing category) for a claim."""
    if grade is not None and grade.source and grade.source in sources:
        s = sources[grade.source]
        if s.kind != "outlet" or claim.attribution is not None:
            return s.name, KIND_CATEGORY.get(s.kind, "named")
    if claim.attribution is not None:
        for a in article.attributions:
            if a.id == claim.attribution and a.source is not None:
                ref = sources.get(a.source.ref or "")
                name = ref.name if ref is not None else a.source.text
                return name, KIND_CATEGORY.get(a.source.kind, "named")
    return f"{_outlet(article)} (unattributed)", "unattributed"


def story_view(
    story: Story,
    articles: Mapping[str, Article],
    *,
    copies: Iterable[CopyGroup] = (),
    links: Iterable[ClaimLink] = (),
    grades: Mapping[str, Grade] | None = None,
    sources: Mapping[str, Source] | None = None,
    max_rows: int = 30,
    graph_claims: int = 12,
) -> StoryView:
    """Everything the story page draws. ``articles`` must hold the story's articles (others are
    ignored); ``links``, ``grades`` and ``sources`` may hold more than the story needs."""
    grades = grades or {}
    sources = sources or {}
    vs = voices(story, articles, copies)
    voice_of = {aid: i for i, v in enumerate(vs) for aid in v.articles}
    refs: dict[str, ClaimRef] = {}
    union = _Union()
    by_text: dict[tuple[int, str], str] = {}
    for aid in sorted(voice_of):
        art = articles[aid]
        for c in art.claims:
            g = grades.get(c.id)
            name, kind = _source_of(c, art, g, sources)
            refs[c.id] = ClaimRef(c, aid, g, name, kind)
            union.find(c.id)
            key = (voice_of[aid], " ".join(c.text.lower().split()))
            if key in by_text:  # the same sentence in two copies of one origin
                union.join(by_text[key], c.id)
            else:
                by_text[key] = c.id
    relations: dict[str, set[str]] = defaultdict(set)
    for link in links:
        a, b = link.claims
        if a in refs and b in refs:
            union.join(a, b)
            relations[a].add(link.relation)
    groups: dict[str, list[ClaimRef]] = defaultdict(list)
    for cid in sorted(refs):
        groups[union.find(cid)].append(refs[cid])
    rows = []
    for members in groups.values():
        cells: list[list[ClaimRef]] = [[] for _ in vs]
        for r in members:
            cell = cells[voice_of[r.article]]
            # One claim per voice per row: copies repeat the origin's sentence.
            if not any(" ".join(x.claim.text.lower().split()) == " ".join(r.claim.text.lower().split())
                       for x in cell):
                cell.append(r)
        for cell in cells:
            cell.sort(key=lambda r: (-r.claim.checkworthiness, r.claim.id))
        rels = sorted({rel for r in members for rel in relations.get(r.claim.id, ())})
        rows.append(Row(tuple(tuple(c) for c in cells), tuple(rels),
                        max(r.claim.checkworthiness for r in members)))
    rows.sort(key=lambda r: (-r.carried, -r.checkworthiness, r.lead.claim.id))
    shown = rows[:max_rows]
    return StoryView(story, tuple(vs), tuple(shown), len(rows) - len(shown),
                     story_graph(vs, shown[:graph_claims]), timeline(vs, articles))


# ---------------------------------------------------------------------------------------------
# Graph


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str  # "source" | "claim" | "voice"
    label: str
    title: str
    x: float
    y: float
    colour: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: str  # "said_by" | "carried_by"
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Graph:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


GRAPH_WIDTH = 960
_ROW_GAP = 44
_MARGIN = 30
_COLUMNS = {"source": 150, "claim": 480, "voice": 810}


def _short(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def story_graph(vs: list[Voice] | tuple[Voice, ...], rows: Iterable[Row]) -> Graph:
    """Sources, claims and voices as three columns of nodes; copies are already one voice."""
    rows = list(rows)
    source_names: dict[str, str] = {}
    said: set[tuple[str, int]] = set()
    carried: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        for vi, cell in enumerate(row.cells):
            for r in cell:
                source_names.setdefault(r.source, r.source_kind)
                said.add((r.source, i))
                carried.add((i, vi))
    used_voices = sorted({vi for _, vi in carried})
    sources_sorted = sorted(source_names, key=lambda s: (source_names[s] == "unattributed", s.lower()))
    height = _MARGIN * 2 + _ROW_GAP * max(len(rows), len(sources_sorted), len(used_voices), 1)

    def ys(n: int) -> list[float]:
        if n == 0:
            return []
        step = (height - 2 * _MARGIN) / n
        return [round(_MARGIN + step * (k + 0.5), 1) for k in range(n)]

    nodes: list[Node] = []
    pos: dict[str, tuple[float, float]] = {}
    for name, y in zip(sources_sorted, ys(len(sources_sorted)), strict=True):
        kind = source_names[name]
        nid = f"s:{name}"
        pos[nid] = (_COLUMNS["source"], y)
        nodes.append(Node(nid, "source", _short(name, 22), f"{name} ({kind.replace('_', ' ')})",
                          _COLUMNS["source"], y, SOURCING_COLOURS.get(kind, "#555")))
    for i, (row, y) in enumerate(zip(rows, ys(len(rows)), strict=True)):
        lead = row.lead
        nid = f"c:{i}"
        pos[nid] = (_COLUMNS["claim"], y)
        colour = CREDIBILITY_COLOURS.get(lead.grade.credibility, "#555") if lead.grade else "#8fa3b3"
        title = lead.claim.text if not row.relations else f"{lead.claim.text} [{', '.join(row.relations)}]"
        nodes.append(Node(nid, "claim", _short(lead.claim.text, 44), title, _COLUMNS["claim"], y, colour,
                          href=lead.claim.id))
    for vi, y in zip(used_voices, ys(len(used_voices)), strict=True):
        v = vs[vi]
        nid = f"v:{vi}"
        pos[nid] = (_COLUMNS["voice"], y)
        label = v.label if not v.copies else f"{v.label} +{v.copies} cop{'y' if v.copies == 1 else 'ies'}"
        nodes.append(Node(nid, "voice", _short(label, 22),
                          f"{v.label}: {len(v.articles)} article(s), one origin", _COLUMNS["voice"], y,
                          "#34495e", href=v.key))
    edges = []
    for name, i in sorted(said):
        a, b = pos[f"s:{name}"], pos[f"c:{i}"]
        edges.append(Edge(f"s:{name}", f"c:{i}", "said_by", a[0], a[1], b[0], b[1]))
    for i, vi in sorted(carried):
        a, b = pos[f"c:{i}"], pos[f"v:{vi}"]
        edges.append(Edge(f"c:{i}", f"v:{vi}", "carried_by", a[0], a[1], b[0], b[1]))
    return Graph(GRAPH_WIDTH, height, tuple(nodes), tuple(edges))


# ---------------------------------------------------------------------------------------------
# Timeline


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y: float
    label: str
    title: str
    href: str
    copy: bool
    anchor: str  # "start" (label right of the mark) or "end" (left of it, near the right edge)


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    undated: tuple[tuple[str, str], ...]  # (article id, label)


_TL_LEFT, _TL_RIGHT, _TL_LANE = 70, 70, 22


def _when(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def timeline(vs: Iterable[Voice], articles: Mapping[str, Article], width: int = 960) -> Timeline:
    """Every article of the voices on one time axis; copies are drawn hollow beside their origin."""
    dated: list[tuple[dt.datetime, str, str, bool]] = []
    undated: list[tuple[str, str]] = []
    for v in vs:
        for k, aid in enumerate(v.articles):
            a = articles[aid]
            label = v.label if k == 0 else f"{_outlet(a)} (copy of {v.label})"
            when = _when(a.published)
            if when is None:
                undated.append((aid, label))
            else:
                dated.append((when, aid, label, k > 0))
    dated.sort()
    marks: list[Mark] = []
    ticks: list[Tick] = []
    lanes = max(1, min(len(dated), 6))
    if dated:
        lo, hi = dated[0][0], dated[-1][0]
        span = (hi - lo).total_seconds() or 1.0
        usable = width - _TL_LEFT - _TL_RIGHT
        for n, (when, aid, label, is_copy) in enumerate(dated):
            x = _TL_LEFT + usable * ((when - lo).total_seconds() / span if hi > lo else 0.5)
            y = 30 + _TL_LANE * (n % lanes)
            marks.append(Mark(round(x, 1), y, _short(label, 26),
                              f"{label} · {when.strftime('%Y-%m-%d %H:%M')} UTC", aid, is_copy,
                              "end" if x > width * 0.7 else "start"))
        fmt = "%Y-%m-%d %H:%M" if span < 3 * 86400 else "%Y-%m-%d"
        for k in range(5 if hi > lo else 1):
            frac = k / 4 if hi > lo else 0.5
            ticks.append(Tick(round(_TL_LEFT + usable * frac, 1),
                              (lo + dt.timedelta(seconds=span * frac)).strftime(fmt)))
    return Timeline(width, 30 + _TL_LANE * lanes + 30, tuple(marks), tuple(ticks), tuple(undated))


# ---------------------------------------------------------------------------------------------
# Charts


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    total: int


def column_chart(title: str, counts: Mapping[str, int], colours: Mapping[str, str],
                 words: Mapping[str, str], width: int = 320, height: int = 170) -> Chart:
    """Vertical bars, one per category in ``counts`` order (zero bars kept: an empty 1 says a lot)."""
    top = max(counts.values(), default=0) or 1
    n = max(1, len(counts))
    slot = (width - 20) / n
    bars = []
    for k, (label, value) in enumerate(counts.items()):
        h = (height - 50) * value / top
        bars.append(Bar(label, value, round(10 + slot * k + slot * 0.15, 1), round(height - 25 - h, 1),
                        round(slot * 0.7, 1), round(h, 1), colours.get(label, "#555"),
                        f"{label}: {words.get(label, '')} · {value}"))
    return Chart(title, width, height, tuple(bars), sum(counts.values()))


@dataclass(frozen=True, slots=True)
class Stack:
    label: str
    total: int
    y: float
    parts: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class StackChart:
    title: str
    width: int
    height: int
    stacks: tuple[Stack, ...]


def sourcing_mix(articles: Iterable[Article], width: int = 640, max_rows: int = 20) -> StackChart:
    """One horizontal stacked bar per outlet: the share of each kind of sourcing in its articles."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for a in articles:
        if a.status != "analysed":
            continue
        counter = per[a.outlet or "unknown outlet"]
        for name, attr in SOURCING_KINDS:
            counter[name] += int(getattr(a.sourcing, attr))
    return sourcing_mix_counts(per, width, max_rows)


def sourcing_mix_counts(per: Mapping[str, Mapping[str, int]], width: int = 640,
                        max_rows: int = 20) -> StackChart:
    """The sourcing-mix chart from counts per outlet (category name -> count)."""
    outlets = sorted(per, key=lambda o: (-sum(per[o].values()), o))[:max_rows]
    left, bar_w, lane = 170, width - 170 - 60, 24
    stacks = []
    for k, outlet in enumerate(outlets):
        total = sum(per[outlet].values())
        x = float(left)
        parts = []
        for name, _ in SOURCING_KINDS:
            n = per[outlet].get(name, 0)
            if not n:
                continue
            w = bar_w * n / total
            parts.append(Bar(name, n, round(x, 1), 8 + lane * k, round(w, 1), 16, SOURCING_COLOURS[name],
                             f"{outlet}: {name.replace('_', ' ')} {n} of {total}"))
            x += w
        stacks.append(Stack(_short(outlet, 24), total, 8 + lane * k, tuple(parts)))
    return StackChart("Sourcing mix by outlet", width, 16 + lane * max(1, len(outlets)), tuple(stacks))


@dataclass(frozen=True, slots=True)
class Charts:
    credibility: Chart
    reliability: Chart
    sourcing: StackChart
    note: str | None = None  # what the analyst can do about the grades, when they say little


def reliability_note(rel: Mapping[str, int]) -> str | None:
    """A hint when every source is F: reliability then has nothing to rest on yet."""
    total = sum(rel.values())
    if not total or rel.get("F", 0) < total:
        return None
    return ("Every source is F (cannot be judged): no outlet ratings are imported and no source has a "
            "track record in this corpus long enough to move it yet. Import your own outlet ratings "
            "with: admiralty sources import FILE.csv --db STORE (its columns: admiralty sources import "
            "--help), or review sources.")


def charts(articles: Iterable[Article], grades: Iterable[Grade], sources: Iterable[Source]) -> Charts:
    return charts_from_counts(Counter(g.credibility for g in grades), Counter(s.reliability for s in sources),
                              sourcing_mix(articles))


def charts_from_counts(cred: Mapping[int, int], rel: Mapping[str, int], sourcing: StackChart) -> Charts:
    """The overview charts from counts already made (the web UI counts in SQL)."""
    from ..model import CREDIBILITY_WORDS, RELIABILITY_WORDS

    return Charts(
        column_chart("Claim credibility (1-6)", {str(k): cred.get(k, 0) for k in range(1, 7)},
                     {str(k): v for k, v in CREDIBILITY_COLOURS.items()},
                     {str(k): v for k, v in CREDIBILITY_WORDS.items()}),
        column_chart("Source reliability (A-F)", {k: rel.get(k, 0) for k in "ABCDEF"},
                     RELIABILITY_COLOURS, RELIABILITY_WORDS),
        sourcing,
        reliability_note(rel),
    )
