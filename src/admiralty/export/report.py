"""The HTML report: one self-contained offline file (inline CSS and JS, no CDN).

Each article's text is cut into segments at every span boundary *in Python*, with code-point
offsets, so highlights never drift on emoji or other characters outside the BMP (no offset
arithmetic happens in JavaScript). Every piece of article text goes through Jinja's autoescaping;
nothing derived from an article is marked safe.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import CREDIBILITY_WORDS, RELIABILITY_WORDS, Article, Document, Grade

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
    for c in article.claims:
        grade = grades.get(c.id)
        label = f" · grade {grade.reliability}{grade.credibility}" if grade else ""
        out.append((c.start, c.end, "claim", f"claim {c.id.split(':')[-1]} · {c.type}, {c.certainty}, "
                    f"{c.polarity} · check-worthiness {c.checkworthiness:.2f}{label}"))
        for cue in c.cues:
            out.append((cue.start, cue.end, "hedge", f"{cue.kind} cue"))
    for t in article.techniques:
        out.append((t.start, t.end, "technique", f"technique: {t.technique} ({t.confidence:.2f}) · {t.by}"))
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


def _context(doc: Document) -> dict[str, Any]:
    grades = {g.claim: g for g in doc.grades}
    sources = {s.id: s for s in doc.sources}
    articles = []
    for a in doc.articles:
        s = a.sourcing
        total = max(1, s.named + s.anonymous + s.unnamed_official + s.outlet + s.document + s.unattributed_claims)
        bar = [
            ("named", s.named), ("outlet", s.outlet), ("document", s.document),
            ("unnamed_official", s.unnamed_official), ("anonymous", s.anonymous),
            ("unattributed", s.unattributed_claims),
        ]
        articles.append({
            "a": a,
            "segments": segments(a, grades) if a.status == "analysed" else [],
            "bar": [(name, n, round(100 * n / total, 1)) for name, n in bar],
            "techniques": Counter(t.technique for t in a.techniques).most_common(),
            "markers": sorted({(m.set, m.variant, m.text) for m in a.markers}),
            "claims": [(c, grades.get(c.id)) for c in sorted(a.claims, key=lambda c: -c.checkworthiness)],
        })
    return {
        "doc": doc,
        "articles": articles,
        "sources": sources,
        "titles": {a.id: a.title or a.input for a in doc.articles},
        "reliability_words": RELIABILITY_WORDS,
        "credibility_words": CREDIBILITY_WORDS,
        "baseline": [s for s in doc.run.stages if "baseline" in s.version],
        "grade_counts": Counter(g.credibility for g in doc.grades),
    }


def render_report(doc: Document) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("admiralty", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**_context(doc))


def write_report(doc: Document, path: Path) -> None:
    path.write_text(render_report(doc), encoding="utf-8")
