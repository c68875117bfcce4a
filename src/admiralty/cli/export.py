"""``admiralty export``: a store to the analyst's other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..config import Config
from ..errors import AdmiraltyError
from ..model import Document, Review, Run, from_json
from ..store import Store
from . import config_options, db_option

FORMATS = ("csv", "graphml", "stix", "misp", "claimreview")


def load_document(store: Store, story: str | None = None) -> Document:
    """The store as one document (its latest run block), optionally limited to one story."""
    row = store.db.execute("SELECT run_json FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    run = from_json(Run, json.loads(row[0])) if row else Run("", "", "", (), (), ())
    corpus = store.corpus()
    if story is None:
        articles = tuple(store.articles())
        stories = corpus.stories
    else:
        stories = tuple(s for s in corpus.stories if s.id == story)
        if not stories:
            raise AdmiraltyError(f"no story {story!r} in {store.path}: list them with `admiralty serve` or the JSON")
        articles = tuple(store.articles(stories[0].articles))
    ids = {a.id for a in articles}
    claims = {c.id for a in articles for c in a.claims}
    return Document(
        run=run, failures=(), articles=articles,
        sources=corpus.sources,
        copies=tuple(g for g in corpus.copies if g.origin.article in ids or any(m.article in ids for m in g.members)),
        stories=stories,
        claim_links=tuple(lk for lk in corpus.claim_links if set(lk.claims) <= claims),
        grades=tuple(g for g in corpus.grades if g.claim in claims),
        narrative_matches=tuple(m for m in corpus.narrative_matches if m.claim in claims),
    )


@click.command("export")
@db_option()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv: claims, attributions and sources tables (OUT is a directory); graphml: the story "
              "graph; stix: a STIX 2.1 bundle; misp: a MISP event with admiralty-scale tags; claimreview: "
              "schema.org ClaimReview JSON-LD for analyst-reviewed claims only.")
@click.option("-o", "--output", "out", type=click.Path(), required=True,
              help="The file to write (a directory for csv).")
@click.option("--story", default=None, help="Export only this story's articles (a story id).")
@config_options
def command(db: str, fmt: str, out: str, story: str | None, config: Config) -> None:
    """Export a store to spreadsheets, graph tools, MISP / OpenCTI (STIX 2.1) or fact-check
    publishing (ClaimReview).

    Grades are the ones in force: an analyst's review replaces the machine's suggestion.
    ClaimReview holds only claims an analyst has reviewed (a machine grade is not a verdict).

    \b
    Example:
      admiralty export --db admiralty.db --format stix -o bundle.json
      admiralty export --db admiralty.db --format csv -o tables/
      admiralty export --db admiralty.db --format misp --story st-0a2fb61d6a0a -o event.json
    """
    if not Path(db).is_file():
        raise click.UsageError(f"{db} does not exist: create it with `admiralty analyze ... --db {db}`")
    with Store(db) as store:
        doc = load_document(store, story)
        reviews: list[tuple[str, str, Review]] = store.reviews()
    path = Path(out)
    if fmt == "csv":
        from ..export.csv import write_csv

        counts = write_csv(doc, path)
        click.echo(", ".join(f"{n} rows in {path / name}" for name, n in counts.items()), err=True)
    elif fmt == "graphml":
        from ..export.graphml import write_graphml

        write_graphml(doc, path)
        click.echo(f"story graph written to {path}", err=True)
    elif fmt == "stix":
        from ..export.stix import write_stix

        n = write_stix(doc, reviews, path, identity_name=str(config["export.stix_identity"]))
        click.echo(f"STIX 2.1 bundle of {n} objects written to {path}", err=True)
    elif fmt == "misp":
        from ..export.misp import write_misp

        n = write_misp(doc, reviews, path, distribution=int(config["export.misp_distribution"]),
                       threat_level=int(config["export.misp_threat_level"]),
                       analysis=int(config["export.misp_analysis"]))
        click.echo(f"MISP event with {n} attributes written to {path}", err=True)
    else:
        from ..export.claimreview import write_claimreview

        n = write_claimreview(doc, reviews, path)
        click.echo(f"{n} ClaimReview items (analyst-reviewed claims only) written to {path}", err=True)
