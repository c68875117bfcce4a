"""The HTML report: one self-contained offline file (inline CSS, SVG and JS, no CDN).

Each article's text is cut into segments at every span boundary *in Python*, with code-point
offsets, so highlights never drift on emoji or other characters outside the BMP (no offset
arithmetic happens in JavaScript). Every piece of article text goes through Jinja's autoescaping;
nothing derived from an article is marked safe.

Besides the articles the report draws, for every story, the outlets side by side (who says what,
who is silent), the story graph and the timeline (``export.story``), and charts of the grade
distribution and the sourcing mix. A ``Content-Security-Policy`` meta tag forbids every network
fetch and allows only the report's own script (by its hash), so even a rendering mistake could not
make the file call home.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..model import CREDIBILITY_WORDS, RELIABILITY_WORDS, Article, Document, Grade
from . import story as views

# Highlight layers, in the order their classes are applied (later layers draw on top).
LAYERS = ("content", "claim", "source", "cue", "technique", "marker")


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    classes: tuple[str, ...]
    notes: tuple[str, ...]


def _spans(article: Article, grades: dict[str, Grade]) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, hover note) for everything worth highlighting."""
    out: list[tuple[int, int, str, str]] = []
    for a in article.attributions:
        for c in a.content:
            out.append((c.start, c.end, "content", f"said content ({a.form}) · {a.id}"))
        if a.source is not None:
            evidence = f" · evidence: {', '.join(a.source.evidence)}" if a.source.evidence else ""
            out.append((a.source.start, a.source.end, f"source k-{a.source.kind}",
                        f"source: {a.source.kind.replace('_', ' ')}{evidence}"))
        if a.via is not None:
            out.append((a.via.start, a.via.end, "source k-outlet", f"via (intermediary): {a.via.kind}"))
        if a.cue is not None:
            out.append((a.cue.start, a.cue.end, "cue", f"attribution cue ({a.form})"))
    for claim in article.claims:
        grade = grades.get(claim.id)
        label = f" · grade {grade.reliability}{grade.credibility}" if grade else ""
        out.append((claim.start, claim.end, "claim", f"claim {claim.id.split(':')[-1]} · {claim.type}, "
                    f"{claim.certainty}, {claim.polarity} · check-worthiness {claim.checkworthiness:.2f}{label}"))
        for cue in claim.cues:
            out.append((cue.start, cue.end, "hedge", f"{cue.kind} cue"))
    for t in article.techniques:
        why = f" · evidence: {'; '.join(t.evidence)}" if t.evidence else ""
        out.append((t.start, t.end, "technique", f"technique: {t.technique} ({t.confidence:.2f}) · {t.by}{why}"))
    for m in article.markers:
        out.append((m.start, m.end, "marker", f"marker {m.set}: {m.variant}"))
    return [s for s in out if 0 <= s[0] < s[1] <= len(article.text)]


def segments(article: Article, grades: dict[str, Grade] | None = None) -> list[Segment]:
    """The article text cut at every highlight boundary, each piece with its classes and notes."""
    spans = _spans(article, grades or {})
    bounds = sorted({0, len(article.text), *(s[0] for s in spans), *(s[1] for s in spans)})
    out = []
    for lo, hi in itertools.pairwise(bounds):
        active = [s for s in spans if s[0] <= lo and hi <= s[1]]
        classes = tuple(dict.fromkeys(cls for s in active for cls in s[2].split()))
        notes = tuple(dict.fromkeys(s[3] for s in active))
        out.append(Segment(article.text[lo:hi], classes, notes))
    return out


def sourcing_bar(article: Article) -> list[tuple[str, int, float]]:
    """(category, count, percent) for the article's sourcing card, in drawing order."""
    counts = [(name, int(getattr(article.sourcing, attr))) for name, attr in views.SOURCING_KINDS]
    total = max(1, sum(n for _, n in counts))
    return [(name, n, round(100 * n / total, 1)) for name, n in counts]


def article_view(article: Article, grades: dict[str, Grade]) -> dict[str, Any]:
    """What an article card shows (the report and the web UI's article page)."""
    return {
        "a": article,
        "segments": segments(article, grades) if article.status == "analysed" else [],
        "bar": sourcing_bar(article),
        "techniques": Counter(t.technique for t in article.techniques).most_common(),
        "markers": sorted({(m.set, m.variant, m.text) for m in article.markers}),
        "claims": [(c, grades.get(c.id)) for c in sorted(article.claims, key=lambda c: -c.checkworthiness)],
    }


def _anchor(kind: str, ident: str) -> str:
    """In-page links of the report (the web UI links to pages instead)."""
    return f"#{kind}-{ident}"


def _context(doc: Document, config: Config) -> dict[str, Any]:
    grades = {g.claim: g for g in doc.grades}
    sources = {s.id: s for s in doc.sources}
    by_id = {a.id: a for a in doc.articles}
    stories = [
        views.story_view(
            st, by_id, copies=doc.copies, links=doc.claim_links, grades=grades, sources=sources,
            max_rows=int(config["export.story_rows"]), graph_claims=int(config["export.graph_claims"]),
        )
        for st in doc.stories
    ]
    return {
        "doc": doc,
        "articles": [article_view(a, grades) for a in doc.articles],
        "sources": sources,
        "stories": stories,
        "charts": views.charts(doc.articles, doc.grades, doc.sources),
        "colours": views.SOURCING_COLOURS,
        "url": _anchor,
        "titles": {a.id: a.title or a.input for a in doc.articles},
        "reliability_words": RELIABILITY_WORDS,
        "credibility_words": CREDIBILITY_WORDS,
        "baseline": [s for s in doc.run.stages if "baseline" in s.version],
        "grade_counts": Counter(g.credibility for g in doc.grades),
    }


def environment() -> Any:
    """The Jinja environment of the report (autoescaping on for every template)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("admiralty", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The web UI's own script (sortable tables, highlight-layer switches): the report inlines the
# same file, so the two never drift apart.
SCRIPT_FILE = ("web", "static", "app.js")


def _script() -> tuple[str, str]:
    """The report's one script and its CSP hash (``'sha256-...'``)."""
    from importlib import resources

    code = resources.files("admiralty").joinpath(*SCRIPT_FILE).read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
    return code, f"'sha256-{digest}'"


def render_report(doc: Document, config: Config | None = None) -> str:
    from markupsafe import Markup

    script, script_hash = _script()
    context = _context(doc, config or Config.default())
    # The script is the package's own file (never article data): it goes in as written, and the
    # CSP allows exactly it by hash.
    return environment().get_template("report.html.j2").render(
        script=Markup(script), script_hash=Markup(script_hash), **context
    )


def write_report(doc: Document, path: Path, config: Config | None = None) -> None:
    path.write_text(render_report(doc, config), encoding="utf-8")
