"""The terminal summary: per article, the sourcing profile, the most check-worthy claims with
their grades, techniques and markers; then what the corpus stages found, and every failure."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from ..config import Config
from ..export.story import reliability_note
from ..model import Article, Document, Grade, Source
from ..pipeline import Progress


class ProgressBar:
    def __init__(self, enabled: bool) -> None:
        self._bar: RichProgress | None = None
        if enabled:
            self._bar = RichProgress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("starting (loading models)")

    def update(self, p: Progress) -> None:
        if self._bar is None:
            return
        rate = p.words / p.seconds if p.seconds else 0.0
        self._bar.update(
            self._task,
            description=f"{p.done} articles ({p.skipped} skipped) · {p.failed} failed · {rate:,.0f} words/s",
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressBar]:
    bar = ProgressBar(enabled)
    try:
        yield bar
    finally:
        bar.close()


def grade_label(grade: Grade | None) -> str:
    """``B2`` style: reliability letter then credibility digit; ``*`` marks an analyst's review."""
    if grade is None:
        return "--"
    return f"{grade.reliability}{grade.credibility}{'*' if grade.status == 'reviewed' else ''}"


def sourcing_line(article: Article) -> str:
    s = article.sourcing
    parts = [
        f"{s.named} named",
        f"{s.anonymous} anonymous",
        f"{s.unnamed_official} unnamed official",
        f"{s.outlet} outlet",
        f"{s.document} document",
        f"{s.unattributed_claims} unattributed claims",
        f"{s.second_hand} second-hand",
    ]
    line = " · ".join(parts)
    if s.confirmation != "none":
        line += f" · confirmation: {s.confirmation}"
    return line


def print_summary(doc: Document, config: Config, *, reused: int = 0, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    grades = {g.claim: g for g in doc.grades}
    sources = {s.id: s for s in doc.sources}
    top = int(config["report.top_claims"])
    for article in doc.articles:
        _print_article(console, article, grades, sources, top)
    _print_corpus(console, doc)
    analysed = sum(1 for a in doc.articles if a.status == "analysed")
    skipped = len(doc.articles) - analysed
    claims = sum(len(a.claims) for a in doc.articles)
    tail = f" ({reused} already in the store)" if reused else ""
    console.print(
        f"\n[bold]{analysed} analysed[/], {skipped} skipped, {len(doc.failures)} failed{tail}; "
        f"{claims} claims, {len(doc.sources)} sources."
    )
    if doc.failures:
        console.print("[bold red]Not analysed:[/]")
        for f in doc.failures:
            console.print(f"  [red]✗[/] {escape(f.input)}: {escape(f.reason)} [dim]({f.stage})[/]")


def who_says_it(article: Article, sources: dict[str, Source]) -> list[str]:
    """One entry per source the article quotes, in order of first mention: the name it resolves to
    (a pronoun or a surname becomes the person), its kind, how often it speaks and its
    reliability letter, e.g. ``Mark Cole (named_person ×2, F)``."""
    mentions: dict[str, list[str]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for a in article.attributions:
        if a.source is None:
            continue
        key = a.source.ref or f"{a.source.kind}:{a.source.text}"
        known = sources.get(a.source.ref or "")
        labels.setdefault(key, (known.name if known else a.source.text, a.source.kind))
        mentions.setdefault(key, []).append(a.source.text)
    out = []
    for key, said in mentions.items():
        name, kind = labels[key]
        known = sources.get(key)
        count = f" ×{len(said)}" if len(said) > 1 else ""
        grade = f", {known.reliability}" if known else ""
        out.append(f"{escape(name)} [dim]({kind}{count}{grade})[/]")
    return out


def _print_article(
    console: Console, article: Article, grades: dict[str, Grade], sources: dict[str, Source], top: int
) -> None:
    title = article.title or "(untitled)"
    console.rule(f"[bold]{escape(_clip(title, 100))}", align="left")
    meta = [article.input, f"id {article.id}"]
    meta.append(f"outlet {article.outlet}" if article.outlet else "outlet unknown")
    meta.append(f"published {article.published}" if article.published else "date unknown")
    console.print("[dim]" + escape(" · ".join(meta)) + "[/]")
    if article.status != "analysed":
        console.print(f"[yellow]skipped: {escape(article.skip_reason or '')}[/]")
        return
    console.print(f"[bold]Sourcing[/] {escape(sourcing_line(article))}")
    who = who_says_it(article, sources)
    if who:
        console.print(f"[bold]Who says it[/] {'; '.join(who)}")
    elif article.attributions:
        console.print("[bold]Who says it[/] [dim]only statements attributed to no one in particular[/]")
    else:
        console.print("[bold]Who says it[/] [dim]no attributed statements found[/]")
    claims = sorted(article.claims, key=lambda c: (-c.checkworthiness, c.start))[:top]
    if claims:
        console.print(f"[bold]Top claims[/] [dim](of {len(article.claims)}, by check-worthiness; grade = "
                      "source reliability A-F + credibility 1-6)[/]")
    for claim in claims:
        flags: list[str] = [claim.type] if claim.type != "fact" else []
        if claim.certainty == "hedged":
            flags.append("hedged")
        if claim.polarity == "negated":
            flags.append("negated")
        if claim.attribution is None:
            flags.append("outlet's own")
        flag = f" [dim]\\[{', '.join(flags)}][/]" if flags else ""
        console.print(
            f"  {claim.checkworthiness:0.2f} [bold]{grade_label(grades.get(claim.id))}[/] "
            f"{escape(_clip(claim.text, 160))}{flag}"
        )
    if article.techniques:
        counts = Counter(t.technique for t in article.techniques)
        console.print("[bold]Techniques[/] " + escape(", ".join(f"{k} ×{v}" for k, v in counts.most_common())))
    if article.markers:
        marks = dict.fromkeys(f"{m.text} ({m.variant})" for m in article.markers)
        console.print("[bold]Markers[/] " + escape(", ".join(marks)))


def _print_corpus(console: Console, doc: Document) -> None:
    console.rule("[bold]Across articles", align="left")
    titles = {a.id: a.title or a.input for a in doc.articles}
    for group in doc.copies:
        origin = group.origin.outlet or titles.get(group.origin.article or "", "?")
        console.print(f"[bold]Copies[/] {len(group.members)} of one origin: {escape(str(origin))}")
    for story in doc.stories:
        console.print(f"[bold]Story[/] {escape(story.label)} [dim]({len(story.articles)} articles)[/]")
    relations = Counter(link.relation for link in doc.claim_links)
    if relations:
        console.print("[bold]Claim links[/] " + ", ".join(f"{n} {r}" for r, n in relations.most_common()))
    if not (doc.copies or doc.stories or relations):
        console.print("[dim]No copies, stories or claim links found.[/]")
    note = reliability_note(Counter(s.reliability for s in doc.sources))
    if note:
        console.print(f"[dim]{escape(note)}[/]")


def print_ignored(ignored: list[str], console: Console | None = None) -> None:
    if not ignored:
        return
    console = console or Console(stderr=True, highlight=False)
    shown = ", ".join(ignored[:5]) + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "")
    console.print(f"[dim]not read (not an article type): {escape(shown)}[/]")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


