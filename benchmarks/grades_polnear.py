"""Grade all of PolNeAR (the 1,008 articles from 7 US outlets, 2015-2016 election coverage, less the
84 of the held-out test compartment: 928 texts) and report
the Admiralty grades: the credibility distribution, random grade-1 and grade-5 claims for a hand
check, and the outlet-level reliability next to the Baly et al. factuality labels.

Three steps, each cached under ``--work`` (default ``/tmp/admiralty_polnear``, never the repo):

1. ``analyse``: the 1,008 texts (``polnear/{train,dev,annotator-training}/text`` minus the PARC
   replication) with their ``metadata.tsv`` publisher and date, written as a JSON Lines input and
   run through ``admiralty analyze --db`` into a SQLite store (slow: run it once, with nice).
2. ``corpus``: the corpus stages over the stored articles (copies, stories, links, grades);
   ``relink``: links, sources and grades again over the cached copies and stories; ``regrade``:
   sources and grades only, over the cached links.
3. ``report``: grade distribution, samples, reliability vs. factuality (``--json`` for machines).

    nice -n 10 .venv/bin/python benchmarks/grades_polnear.py analyse
    .venv/bin/python benchmarks/grades_polnear.py report --sample 30 --seed 7
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "annotator-training")
# PolNeAR publisher codes -> the outlet names the articles are ingested under.
PUBLISHERS = {
    "breitbart": "Breitbart",
    "huff-post": "HuffPost",
    "nyt": "The New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journal",
}
# The same outlets as the Baly et al. (EMNLP 2018) corpus names their source URLs.
BALY_DOMAINS = {
    "Breitbart": "breitbart.com",
    "HuffPost": "huffingtonpost.com",
    "The New York Times": "nytimes.com",
    "Politico": "politico.com",
    "USA Today": "usatoday.com",
    "The Washington Post": "washingtonpost.com",
    "Western Journal": "westernjournal.com",
}


def data_dir() -> Path:
    return Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")


def polnear_articles() -> list[dict[str, Any]]:
    """The 1,008 PolNeAR articles as JSON Lines input records (text, outlet, date, title)."""
    base = data_dir() / "polnear"
    meta: dict[str, dict[str, str]] = {}
    with (base / "metadata.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"]] = row
    out = []
    for split in SPLITS:
        for path in sorted((base / split / "text").glob("*.txt")):
            row = meta.get(path.stem)
            if row is None or row["publisher"] not in PUBLISHERS:
                continue
            out.append({
                "id": f"polnear/{split}/{path.stem}",
                "text": path.read_text("utf-8"),
                "outlet": PUBLISHERS[row["publisher"]],
                "published": row["publication_date"],
                "title": row["title"],
                "author": None if row["author"] in ("", "None") else row["author"],
            })
    return out


def fakenewsnet_articles() -> list[dict[str, Any]]:
    """The FakeNewsNet (v1) article texts as input records, for a second, held-out hand check:
    outlet = the host of the article's canonical address, published from its time stamp."""
    out = []
    for path in sorted((data_dir() / "fakenewsnet_v1").rglob("*-Webpage.json")):
        data = json.loads(path.read_text("utf-8"))
        text = data.get("text") or ""
        if len(text.split()) < 50:
            continue
        link = data.get("canonical_link") or data.get("url") or ""
        host = link.split("//")[-1].split("/")[0].removeprefix("www.")
        stamp = str(data.get("publish_date") or "")
        millis = "".join(ch for ch in stamp if ch.isdigit())
        published = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(millis) / 1000))
                     if len(millis) >= 12 else None)
        out.append({"id": f"fakenewsnet/{path.parent.parent.name}/{path.stem}", "text": text,
                    "outlet": host or None, "published": published, "title": data.get("title") or None,
                    "url": link or None})
    return out


# RUWA events that several outlets on both sides reported (the two largest, the invasion's
# beginning and the nuclear plants, are left out to keep the run short).
RUWA_EVENTS = ("azovstal", "bucha", "prisoners", "railway", "sinking", "supermarket", "theatre")


def ruwa_rest_articles() -> list[dict[str, Any]]:
    """The two RUWA events ``ruwa_articles`` leaves out (the invasion's beginning, the nuclear
    plants): 9,864 more headlines, a held-out corpus for the denial rule designed on Bucha."""
    return ruwa_articles(RUWA_REST_EVENTS)


RUWA_REST_EVENTS = ("beginning", "nuclear")


def ruwa_articles(events: tuple[str, ...] = RUWA_EVENTS) -> list[dict[str, Any]]:
    """RUWA (2022 war news titles and subheads, CC BY-NC-SA: a test input, nothing is shipped):
    one input record per headline of the events in ``RUWA_EVENTS`` (title, then the subhead),
    outlet = the site, published = the date. A third corpus for the contradiction check: Russian
    and Ukrainian outlets report the same events."""
    out = []
    path = data_dir() / "ruwa_ukraine_war_news" / "RUWA_04.08.23.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Event"] not in events:
                continue
            title, desc = row["title"].strip(), row["desc"].strip()
            text = title + (("" if title.endswith((".", "?", "!")) else ".") + " " + desc if desc and title else desc)
            if len(text.split()) < 6:
                continue
            month, day, year = [*row["Date"].split("/"), "", "", ""][:3]
            published = f"{year}-{month}-{day}" if year and month and day else None
            out.append({"id": f"ruwa/{row['']}", "text": text, "outlet": row["Site"].removeprefix("www."),
                        "published": published, "title": title or None, "url": row["src"] or None})
    return out


CORPORA = {"polnear": polnear_articles, "fakenewsnet": fakenewsnet_articles, "ruwa": ruwa_articles,
           "ruwa_rest": ruwa_rest_articles}


def step_analyse(work: Path, corpus: str) -> None:
    work.mkdir(parents=True, exist_ok=True)
    items = CORPORA[corpus]()
    src = work / f"{corpus}.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} articles -> {src}", file=sys.stderr)
    t0 = time.time()
    cmd = [str(Path(sys.executable).with_name("admiralty")), "analyze", str(src), "--db", str(work / "store.db"),
           "--format", "jsonl", "-o", str(work / "analysed.jsonl")]
    subprocess.run(cmd, check=False, cwd=ROOT)
    print(f"analysed in {time.time() - t0:.0f} s", file=sys.stderr)


def load_articles(work: Path, vectors: bool = True) -> list[Any]:
    """The stored articles, with their stored claim vectors when the current encoder made them
    (then the links stage need not embed the claims again)."""
    from admiralty.resources import Resources
    from admiralty.store import Store

    encoder = Resources().vectors_id if vectors else None
    with Store(work / "store.db") as store:
        if vectors:
            # One MiniLM, several ONNX builds over the sessions: the stored vectors of the one
            # build that made them all serve (re-embedding 15,000 claims costs minutes).
            made = {r[0] for r in store.db.execute("SELECT DISTINCT vectors_by FROM articles") if r[0]}
            if encoder not in made and len(made) == 1:
                encoder = made.pop()
        return list(store.articles(encoder=encoder))


def ratings_store(work: Path, ratings: Path) -> Path:
    """Import a ratings file the way a user would (``admiralty sources import FILE --db``), into a
    store of its own beside the cache (``ratings.db``), so the analysed store stays as it was."""
    db = work / "ratings.db"
    db.unlink(missing_ok=True)
    cmd = [str(Path(sys.executable).with_name("admiralty")), "sources", "import", str(ratings), "--db", str(db)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    return db


def step_corpus(work: Path, stages: str, overrides: list[str], ratings: Path | None = None) -> None:
    """Run the corpus stages over the stored articles (``corpus.full.json``), or with ``grade``
    only the sources and grade stages over the cached copies / stories / links; the result the
    report reads is ``corpus.json``."""
    from admiralty.config import Config
    from admiralty.corpus import CorpusPlan, analyse_corpus
    from admiralty.corpus.grade import Grades
    from admiralty.corpus.links import Links
    from admiralty.corpus.sources import Sources
    from admiralty.model import CorpusResult, from_json, to_json
    from admiralty.resources import Resources

    res = Resources(Config.load(overrides=overrides))
    if ratings is not None:
        from admiralty.registry import analyst_context
        from admiralty.registry.imports import stored_ratings
        from admiralty.store import Store

        with Store(ratings_store(work, ratings)) as store:
            analyst_context(res).ratings.update(stored_ratings(store))
        print(f"{len(analyst_context(res).ratings)} imported ratings from {ratings.name}", file=sys.stderr)
    articles = load_articles(work)
    t0 = time.time()
    full = work / "corpus.full.json"
    if stages in ("grade", "links"):
        cached = from_json(CorpusResult, json.loads(full.read_text("utf-8")))
        if stages == "grade":
            keep = CorpusResult(copies=cached.copies, stories=cached.stories, claim_links=cached.claim_links)
            result = _rerun(articles, res, CorpusPlan((Sources(), Grades())), keep)
        else:
            keep = CorpusResult(copies=cached.copies, stories=cached.stories)
            result = _rerun(articles, res, CorpusPlan((Links(), Sources(), Grades())), keep)
            full.write_text(json.dumps(to_json(result), ensure_ascii=False), "utf-8")
    else:
        result = analyse_corpus(articles, res)
        full.write_text(json.dumps(to_json(result), ensure_ascii=False), "utf-8")
    print(f"corpus stages ({stages}) over {len(articles)} articles in {time.time() - t0:.0f} s", file=sys.stderr)
    (work / "corpus.json").write_text(json.dumps(to_json(result), ensure_ascii=False), "utf-8")


def _rerun(articles: list[Any], res: Any, plan: Any, previous: Any) -> Any:
    items = sorted((a for a in articles if a.status == "analysed"), key=lambda a: a.id)
    result = previous
    for st in plan.stages:
        result = st.query(st.build(items, res), result, res)
    return result


def baly_factuality() -> dict[str, str]:
    """domain -> factuality label (low / mixed / high) of Baly et al. (EMNLP 2018)."""
    base = data_dir() / "news_media_reliability_baly"
    out: dict[str, str] = {}
    for path in sorted(base.rglob("*.tsv")) + sorted(base.rglob("*.csv")):
        delim = "\t" if path.suffix == ".tsv" else ","
        with path.open(encoding="utf-8", errors="replace") as fh:
            reader = csv.DictReader(fh, delimiter=delim)
            if not reader.fieldnames or "fact" not in reader.fieldnames:
                continue
            for row in reader:
                url = (row.get("source_url_normalized") or row.get("source_url") or "").lower()
                host = url.split("//")[-1].split("/")[0].removeprefix("www.")
                if host and row.get("fact"):
                    out.setdefault(host, row["fact"])
    return out


def step_report(work: Path, sample: int, seed: int, as_json: bool) -> dict[str, Any]:
    from admiralty.model import CorpusResult, from_json

    result = from_json(CorpusResult, json.loads((work / "corpus.json").read_text("utf-8")))
    articles = {a.id: a for a in load_articles(work)}
    claims = {c.id: (a, c) for a in articles.values() for c in a.claims}
    dist = Counter(g.credibility for g in result.grades)
    rel = Counter(g.reliability for g in result.grades)
    by_outlet: dict[str, Counter[int]] = defaultdict(Counter)
    for g in result.grades:
        art = articles[g.claim.split(":")[0]]
        by_outlet[art.outlet or "?"][g.credibility] += 1
    rng = random.Random(seed)
    samples: dict[str, list[dict[str, Any]]] = {}
    links: dict[str, list[Any]] = defaultdict(list)
    for link in result.claim_links:
        links[link.claims[0]].append(link)
        links[link.claims[1]].append(link)
    pools = {
        "1": [g for g in result.grades if g.credibility == 1],
        "5": [g for g in result.grades if g.credibility == 5],
        "tension": [g for g in result.grades if any(r.rule == "tension.noted" for r in g.reasons)],
    }
    for level, chosen in pools.items():
        pool = sorted(chosen, key=lambda g: g.claim)
        picked = rng.sample(pool, min(sample, len(pool)))
        rows = []
        for g in picked:
            art, claim = claims[g.claim]
            others = []
            for link in links[g.claim]:
                other = link.claims[1] if link.claims[0] == g.claim else link.claims[0]
                oart, oclaim = claims[other]
                others.append({"relation": link.relation, "score": link.score, "outlet": oart.outlet,
                               "claim": oclaim.text})
            rows.append({"claim": g.claim, "outlet": art.outlet, "text": claim.text,
                         "reasons": [r.text for r in g.reasons], "links": others})
        samples[level] = rows
    outlets = {}
    fact = baly_factuality()
    record: dict[str, Counter[str]] = defaultdict(Counter)
    for g in result.grades:
        outlet = articles[g.claim.split(":")[0]].outlet or "?"
        record[outlet]["claims"] += 1
        record[outlet]["confirmed"] += g.independent_confirmations > 0
        record[outlet]["contradicted"] += g.contradictions > 0
        record[outlet]["tension"] += any(r.rule == "tension.noted" for r in g.reasons)
    by_registry = {"breitbart": "Breitbart", "huffpost": "HuffPost", "nyt": "The New York Times",
                   "politico": "Politico", "usatoday": "USA Today", "wapo": "The Washington Post",
                   "westernjournal": "Western Journal"}
    # The outlet's own entry (named as its articles name it) before any mention of it.
    for s in sorted(result.sources, key=lambda s: s.name not in by_registry.values()):
        name = by_registry.get((s.registry or {}).get("id", ""))
        if s.kind == "outlet" and name is not None and name not in outlets:
            r = record[name]
            outlets[name] = {"reliability": s.reliability,
                               "baly_factuality": fact.get(BALY_DOMAINS[name]),
                               "claims": r["claims"],
                               "confirmed_share": round(r["confirmed"] / max(1, r["claims"]), 4),
                               "tension_share": round(r["tension"] / max(1, r["claims"]), 4),
                               "contradicted_share": round(r["contradicted"] / max(1, r["claims"]), 4),
                               "reasons": [x.text for x in s.reasons]}
    report = {
        "articles": len(articles),
        "claims": len(claims),
        "grades": len(result.grades),
        "credibility": {str(k): dist[k] for k in range(1, 7)},
        "reliability": {k: rel[k] for k in "ABCDEF"},
        "claim_links": dict(Counter(link.relation for link in result.claim_links)),
        "copy_groups": len(result.copies),
        "by_outlet": {o: {str(k): c[k] for k in range(1, 7)} for o, c in sorted(by_outlet.items())},
        "outlets": outlets,
        "samples": samples,
    }
    if as_json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        print(f"{report['articles']} articles, {report['claims']} claims, {report['grades']} grades")
        print("credibility:", report["credibility"])
        print("reliability:", report["reliability"])
        print("claim links:", report["claim_links"], "copy groups:", report["copy_groups"])
        for o, c in report["by_outlet"].items():
            print(f"  {o:24s} {c}")
        for o, v in outlets.items():
            print(f"  {o:24s} reliability {v['reliability']}  Baly factuality {v['baly_factuality']}  "
                  f"claims {v['claims']}  confirmed {v['confirmed_share']:.3f}  "
                  f"tension {v['tension_share']:.3f}  contradicted {v['contradicted_share']:.3f}")
        for level, rows in samples.items():
            print(f"\n=== {len(rows)} random claims: {level} ===")
            for n, row in enumerate(rows, 1):
                print(f"[{n}] {row['claim']} ({row['outlet']}): {row['text']}")
                for link in row["links"]:
                    print(f"     {link['relation']} {link['score']} [{link['outlet']}] {link['claim']}")
    return report


def step_pool(works: list[Path], level: int, sample: int, seed: int, out: Path | None,
              exclude: list[Path] | None = None) -> None:
    """A random sample of the claims graded ``level`` pooled over several caches (each one's
    ``corpus.json``), sorted by (cache, claim id) before drawing, printed with the article's outlet,
    date and title, the grade's reasons and every claim link (relation, score, the other claim's
    outlet and date); with ``--out`` a CSV to label (label and reason left empty). ``exclude``: label
    files whose claims (columns ``cache``, ``claim``) are left out of the pool (a second draw)."""
    from admiralty.model import CorpusResult, from_json

    pool: list[tuple[str, Any, Any, dict[str, tuple[Any, Any]], list[Any]]] = []
    seen: set[tuple[str, str]] = set()
    for path in exclude or []:
        with path.open(encoding="utf-8") as fh:
            seen |= {(row["cache"], row["claim"]) for row in csv.DictReader(fh)}
    for work in works:
        result = from_json(CorpusResult, json.loads((work / "corpus.json").read_text("utf-8")))
        articles = {a.id: a for a in load_articles(work)}
        claims = {c.id: (a, c) for a in articles.values() for c in a.claims}
        links: dict[str, list[Any]] = defaultdict(list)
        for link in result.claim_links:
            links[link.claims[0]].append(link)
            links[link.claims[1]].append(link)
        for g in sorted((g for g in result.grades if g.credibility == level), key=lambda g: g.claim):
            if (work.name, g.claim) in seen:
                continue
            pool.append((work.name, g, claims[g.claim], claims, links[g.claim]))
        print(f"{work.name}: {sum(1 for p in pool if p[0] == work.name)} claims graded {level}", file=sys.stderr)
    picked = random.Random(seed).sample(pool, min(sample, len(pool)))
    rows = []
    for n, (name, g, (art, claim), claims, links) in enumerate(picked, 1):
        print(f"\n[{n}] {name} {g.claim} ({art.outlet}, {art.published}) {claim.type}/{claim.certainty}: {claim.text}")
        print(f"     title: {art.title}")
        for r in g.reasons:
            print(f"     - {r.text}")
        for link in sorted(links, key=lambda lk: -lk.score):
            other = link.claims[1] if link.claims[0] == g.claim else link.claims[0]
            oart, oclaim = claims[other]
            notes = ",".join(r.rule for r in link.reasons if r.rule != "match.similarity")
            print(f"     {link.relation} {link.score} [{oart.outlet} {oart.published}] {other}: {oclaim.text}"
                  + (f"  ({notes})" if notes else ""))
        rows.append({"n": n, "cache": name, "claim": g.claim, "outlet": art.outlet or "",
                     "published": str(art.published or ""), "text": claim.text,
                     "confirming": "; ".join(f"{o}: {' '.join(ids)}" for r in g.reasons
                                             for o, ids in (r.params.get("confirming_origins") or {}).items()),
                     "label": "", "reason": ""})
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["n"])
            writer.writeheader()
            writer.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["analyse", "corpus", "relink", "regrade", "report", "pool", "all"])
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="polnear",
                    help="the articles to grade (fakenewsnet: a second corpus for a held-out hand check)")
    ap.add_argument("--work", type=Path, default=None, help="cache folder (default /tmp/admiralty_<corpus>)")
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--ratings", type=Path, default=None, metavar="FILE",
                    help="outlet ratings to import (as `admiralty sources import FILE` does) for the "
                         "corpus / relink / regrade steps, e.g. ../shared/data/mbfc_sources/"
                         "mbfc_combined_2020-12_flat.csv (a test input, never shipped)")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="config override for the corpus / regrade steps")
    ap.add_argument("--pool", dest="pool", type=Path, action="append", default=[], metavar="WORK",
                    help="pool step: a cache folder to pool (repeat), sampled together")
    ap.add_argument("--level", type=int, default=1, help="pool step: the credibility to sample")
    ap.add_argument("--out", type=Path, default=None, help="pool step: CSV to write for labelling")
    ap.add_argument("--exclude", type=Path, action="append", default=[], metavar="CSV",
                    help="pool step: a label file whose claims are left out of the pool (repeat)")
    args = ap.parse_args()
    if args.step == "pool":
        step_pool(args.pool, args.level, args.sample, args.seed, args.out, args.exclude)
        return
    args.work = args.work or Path(f"/tmp/admiralty_{args.corpus}")
    if args.step in ("analyse", "all") and not (args.work / "store.db").exists():
        step_analyse(args.work, args.corpus)
    if args.step in ("corpus", "all"):
        step_corpus(args.work, "all", args.overrides, args.ratings)
    if args.step == "relink":
        step_corpus(args.work, "links", args.overrides, args.ratings)
    if args.step == "regrade":
        step_corpus(args.work, "grade", args.overrides, args.ratings)
    if args.step in ("report", "all"):
        step_report(args.work, args.sample, args.seed, args.json)


if __name__ == "__main__":
    main()
