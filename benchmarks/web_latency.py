"""Web UI latency on a large store: page render and search p50/p95 over 100,000 synthetic articles.

The store is generated (seeded, no models): articles of ~150 words drawn from a Zipf-distributed
vocabulary, 5 claims each (some attributed to one of 5,000 named sources), grades for every claim,
stories of 3-12 articles, copy groups, and claim links - the shapes the real pipeline stores. Then
every kind of page is requested in-process through the whole ASGI stack (FastAPI TestClient:
routing, queries, Jinja rendering, middleware; no network) and timed.

    .venv/bin/python benchmarks/web_latency.py                 # 100,000 articles (builds once, ~5 min)
    .venv/bin/python benchmarks/web_latency.py --articles 5000 --requests 50   # quick look

The store is cached at --db (default /tmp/admiralty_web_bench_<N>.db) and reused when present.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from admiralty.model import (  # noqa: E402
    Article,
    Attribution,
    Claim,
    ClaimLink,
    CopyGroup,
    CopyMember,
    CorpusResult,
    Grade,
    Origin,
    Reason,
    Run,
    Source,
    SourceMention,
    Sourcing,
    Span,
    Story,
    source_id,
)
from admiralty.store import Store  # noqa: E402

SEED = 20250305
OUTLETS = [f"Outlet {n:03d}" for n in range(300)]
SYLLABLES = ["ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "da", "pe", "gor", "han", "port", "mar", "lin"]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words = {"port", "strike", "minister", "union", "ships", "troops", "border", "talks", "deadline", "harbour"}
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> str:
    words = rng.choices(vocab, weights=weights, k=n)
    return " ".join(words).capitalize() + "."


def build(path: Path, n_articles: int) -> None:
    rng = random.Random(SEED)
    vocab = vocabulary(rng)
    weights = [1 / (k + 1) for k in range(len(vocab))]
    speakers = [f"Speaker {n:04d} {rng.choice(vocab).capitalize()}" for n in range(5000)]
    reason = (Reason("bench", "bench/1", {}, (), "Synthetic."),)
    sources: dict[str, Source] = {}
    grades: list[Grade] = []
    articles_ids: list[str] = []
    claim_ids: list[str] = []
    started = time.perf_counter()
    with Store(path) as store:
        run_id = store.start_run(Run("bench", "2025-03-07T00:00:00Z", "bench", (), (), ()), {})
        batch: list[Article] = []
        for i in range(n_articles):
            outlet = rng.choice(OUTLETS)
            parts: list[str] = []
            claims: list[Claim] = []
            atts: list[Attribution] = []
            pos = 0
            art_id_stub = f"{i:012x}"
            for k in range(1, 9):
                speaker = rng.choice(speakers) if k <= 5 and rng.random() < 0.6 else None
                body = sentence(rng, vocab, weights, rng.randint(12, 24))
                if speaker:
                    body = f"{speaker} said {body[0].lower()}{body[1:]}"
                start, end = pos, pos + len(body)
                parts.append(body)
                pos = end + 1
                if k <= 5:
                    cid = f"{art_id_stub}:c{k}"
                    att_id = None
                    sid = source_id("outlet", outlet)
                    if speaker:
                        att_id = f"{art_id_stub}:a{k}"
                        sid = source_id("named_person", speaker)
                        atts.append(Attribution(att_id, "indirect", "bench/1",
                                                SourceMention(start, start + len(speaker), speaker, "named_person",
                                                              sid, ("said",)),
                                                None, Span(start + len(speaker) + 1, start + len(speaker) + 5, "said"),
                                                (Span(start + len(speaker) + 6, end, body[len(speaker) + 6:]),)))
                        sources.setdefault(sid, Source(sid, "named_person", speaker, None, None, "F", "suggested",
                                                       reason))
                    else:
                        sources.setdefault(sid, Source(sid, "outlet", outlet, None, None,
                                                       rng.choice("BCDF"), "suggested", reason))
                    claims.append(Claim(cid, start, end, body, "bench/1", round(rng.random(), 4), att_id, "fact",
                                        rng.choice(("certain", "hedged")), "affirmed"))
                    grades.append(Grade(cid, sid, "F", rng.choice((1, 2, 3, 4, 5, 6, 6, 6)), 0, 0, "suggested",
                                        None, reason))
            text = " ".join(parts)
            day = 1 + i * 28 // max(1, n_articles)
            art = Article(id=art_id_stub, content_hash=art_id_stub, input=f"bench/{i}.txt",
                          title=parts[0][:80], outlet=outlet, author=None, url=None,
                          published=f"2025-02-{day:02d}T{rng.randint(0, 23):02d}:00:00Z", language="en",
                          encoding="utf-8", text=text, claims=tuple(claims), attributions=tuple(atts),
                          sourcing=Sourcing(named=len(atts), outlet=0, unattributed_claims=5 - len(atts)))
            batch.append(art)
            articles_ids.append(art.id)
            claim_ids.extend(c.id for c in claims)
            if len(batch) >= 2000:
                store.add(batch, run_id)
                batch = []
                print(f"  {i + 1:,} articles stored ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        store.add(batch, run_id)
        stories, copies, links = [], [], []
        k = 0
        while k < len(articles_ids):
            size = rng.randint(3, 12)
            members = tuple(articles_ids[k: k + size])
            stories.append(Story(f"st-{members[0]}", f"Story {len(stories)}", members, None))
            if len(members) >= 4 and rng.random() < 0.5:
                copies.append(CopyGroup(f"cg-{members[0]}", Origin(members[0], None),
                                        (CopyMember(members[1], "copy", 0.97, ("bench",)),)))
            for a, b in itertools.pairwise(members):
                links.append(ClaimLink((f"{a}:c1", f"{b}:c1"), rng.choice(("supports", "related", "restates")),
                                       0.8, reason))
            k += size
        store.replace_corpus(CorpusResult(tuple(sources.values()), tuple(copies), tuple(stories), tuple(links),
                                          tuple(grades)))
    print(f"built {path} in {time.perf_counter() - started:.0f} s: {n_articles:,} articles, {len(claim_ids):,} "
          f"claims, {len(sources):,} sources, {len(stories):,} stories, {len(links):,} links", file=sys.stderr)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per kind of page")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/admiralty_web_bench_{args.articles}.db")
    if not db.exists():
        build(db, args.articles)

    from fastapi.testclient import TestClient

    from admiralty.web import create_app

    t0 = time.perf_counter()
    app = create_app(db)  # builds the in-memory index (once per generation of the store file)
    start = time.perf_counter() - t0
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    t0 = time.perf_counter()
    assert client.get("/").status_code == 200
    first = time.perf_counter() - t0
    rng = random.Random(7)
    with Store(db) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles")]
        claims = [r[0] for r in store.db.execute("SELECT id FROM claims WHERE rowid % 97 = 0")]
        stories = [r[0] for r in store.db.execute("SELECT id FROM corpus_records WHERE kind = 'story'")]
        srcs = [r[0] for r in store.db.execute("SELECT id FROM corpus_records WHERE kind = 'source'")]
        n_pages = max(1, len(ids) // 50)
    vocab = vocabulary(random.Random(SEED))
    kinds = {
        "overview /": lambda: "/",
        "article page": lambda: f"/articles/{rng.choice(ids)}",
        "claim page": lambda: f"/claims/{rng.choice(claims)}",
        "story page": lambda: f"/stories/{rng.choice(stories)}",
        "source page": lambda: f"/sources/{rng.choice(srcs)}",
        "article list (random page)": lambda: f"/articles?page={rng.randint(1, n_pages)}",
        "claim list (random page)": lambda: f"/claims?page={rng.randint(1, n_pages * 5)}",
        "article JSON twin": lambda: f"/articles/{rng.choice(ids)}.json",
        "search: one common word": lambda: f"/search?q={rng.choice(vocab[:50])}",
        "search: two words": lambda: f"/search?q={rng.choice(vocab[:500])}+{rng.choice(vocab[:500])}",
        "search: rare word": lambda: f"/search?q={rng.choice(vocab[2000:])}",
        "search: phrase": lambda: f'/search?q="{rng.choice(vocab[:200])} {rng.choice(vocab[:200])}"',
    }
    print(f"store: {db} ({db.stat().st_size / 1e6:,.0f} MB), {len(ids):,} articles")
    print(f"app start (builds the in-memory index): {start * 1000:,.0f} ms; first request {first * 1000:,.0f} ms")
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, make in kinds.items():
        times = []
        for _ in range(args.requests):
            url = make()
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code, r.text[:200])
        p95 = percentile(times, 0.95)
        worst = max(worst, p95)
        print(f"{name:32} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f}")
    print(f"worst p95: {worst:.1f} ms (target < 200 ms)")


if __name__ == "__main__":
    main()
