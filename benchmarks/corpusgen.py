"""The frozen generator of syndication corpora (used by ``syndication.py`` and ``scale.py``).

FROZEN: the pool, the transformations, their probabilities and the seeds below were fixed in a
commit before any score was computed. Change them only with a new ``GENERATOR_VERSION`` and say so
in BENCHMARKS.md.

Pool: real articles from ``../shared/data`` -- PolNeAR train + dev texts (publisher and date from
``metadata.tsv``), PTC train / dev / test articles, FakeNewsNet full texts -- at least
``MIN_WORDS`` words each.

A copy of an original is made by applying, each with its own probability:

* ``wire``      (0.15) a wire dateline at the start: "PARIS (AFP) - "
* ``header``    (0.40) boilerplate before the text (site navigation, subscribe prompts; 8-40 words)
* ``footer``    (0.60) boilerplate after the text (copyright, share, newsletter; 10-60 words)
* ``byline``    (0.50) "By <name> for <outlet>" on its own line, at the start or the end
* ``credit``    (0.30) "Read Full Article at <origin outlet>" / "originally published by ..."
* ``truncate``  (0.40) only the first 50-95 % of the words are kept (cut at a word)
* ``edit``      (0.60) light edits: 0.5-3 % of the words replaced, dropped or re-cased
* ``drop``      (0.25) one paragraph (not the first) removed, when there are at least four

Each copy gets a new outlet and a date 0-3 days after the original.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = "syndication-gen/1"
MIN_WORDS = 120
POOL_SEED = 1729
TEST_SEED = 20250301

P = {
    "wire": 0.15,
    "header": 0.40,
    "footer": 0.60,
    "byline": 0.50,
    "credit": 0.30,
    "truncate": 0.40,
    "edit": 0.60,
    "drop": 0.25,
}

OUTLETS = [
    f"{a} {b}"
    for a in ("Daily", "Morning", "Evening", "National", "Global", "Free", "City", "Valley")
    for b in ("Herald", "Courier", "Post", "Observer", "Digest", "Wire", "Ledger", "Dispatch")
]
NAMES = [
    f"{a} {b}"
    for a in ("Alex", "Maria", "John", "Olena", "Pierre", "Aisha", "Tom", "Ines")
    for b in ("Novak", "Smith", "Garcia", "Kowalski", "Dubois", "Rahman", "Lee", "Costa")
]
AGENCIES = ("AFP", "AP", "Reuters", "UPI")
CITIES = ("PARIS", "WASHINGTON", "LONDON", "KYIV", "BERLIN", "NEW YORK", "MOSCOW", "BRUSSELS")
HEADER_PARTS = [
    "Home", "News", "Politics", "World", "Opinion", "Sign in", "Subscribe", "Menu", "Search",
    "Latest stories", "Trending now:", "Advertisement", "Skip to content", "Breaking:",
    "Listen to this article", "min read", "Share on Facebook", "Share on Twitter", "Updated",
]
FOOTER_SENTENCES = [
    "Subscribe to our newsletter to get the latest stories delivered to your inbox every morning.",
    "Follow us on Facebook, Twitter and Instagram for more updates.",
    "All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Share this article with your friends and family.",
    "Comments are moderated and will appear after approval.",
    "Have a tip? Contact our newsroom at any time, day or night.",
    "Support independent journalism by becoming a member today.",
    "Related: more stories from our politics desk.",
    "Click here to read more about this topic.",
    "The views expressed are those of the author.",
]


@dataclass
class Doc:
    id: str
    text: str
    outlet: str | None
    published: str | None
    source: str  # dataset name
    lineage: str  # id of the real article it derives from
    ops: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)


def data_dir() -> Path:
    env = os.environ.get("ADMIRALTY_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _words(text: str) -> int:
    return len(text.split())


def load_pool(root: Path | None = None) -> list[Doc]:
    """Every real article of the pool, sorted by id (deterministic)."""
    root = root or data_dir()
    pool: list[Doc] = []
    meta: dict[str, dict[str, str]] = {}
    mpath = root / "polnear" / "metadata.tsv"
    if mpath.exists():
        lines = mpath.read_text("utf-8").splitlines()
        head = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(head, line.split("\t"), strict=False))
            meta[row.get("filename", "")] = row
    for split in ("train", "dev"):
        for p in sorted((root / "polnear" / split / "text").glob("*.txt")):
            row = meta.get(p.stem, {})
            pool.append(
                Doc(f"polnear/{p.stem}", p.read_text("utf-8"), row.get("publisher"),
                    row.get("publication_date"), "polnear", f"polnear/{p.stem}",
                    meta={"wire": row.get("wire", "")})
            )
    for split in ("train-articles", "dev-articles", "test-articles"):
        for p in sorted((root / "ptc_semeval2020_task11" / split).glob("article*.txt")):
            pool.append(Doc(f"ptc/{p.stem}", p.read_text("utf-8"), None, None, "ptc", f"ptc/{p.stem}"))
    for p in sorted((root / "fakenewsnet_v1").rglob("*-Webpage.json")):
        try:
            d = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        text = d.get("text") or ""
        src = d.get("source") or None
        date = None
        pd = d.get("publish_date")
        if isinstance(pd, dict) and "$date" in pd:
            import datetime as _dt

            date = _dt.datetime.fromtimestamp(pd["$date"] / 1000, _dt.UTC).date().isoformat()
        pool.append(Doc(f"fnn/{p.stem}", text, src, date, "fakenewsnet", f"fnn/{p.stem}"))
    pool = [d for d in pool if _words(d.text) >= MIN_WORDS]
    return sorted(pool, key=lambda d: d.id)


def _shift_date(date: str | None, days: int) -> str | None:
    if not date:
        return None
    import datetime as _dt

    try:
        return (_dt.date.fromisoformat(date[:10]) + _dt.timedelta(days=days)).isoformat()
    except ValueError:
        return None


def make_copy(orig: Doc, n: int, rng: random.Random) -> Doc:
    """One transformed copy of ``orig`` (see the module docstring for the transformations)."""
    ops: list[str] = []
    outlet = rng.choice([o for o in OUTLETS if o != orig.outlet])
    paras = [p for p in re.split(r"\n\s*\n|\n", orig.text) if p.strip()]
    if rng.random() < P["drop"] and len(paras) >= 4:
        del paras[rng.randrange(1, len(paras))]
        ops.append("drop")
    body = "\n\n".join(paras)
    if rng.random() < P["truncate"]:
        words = body.split(" ")
        keep = max(1, int(len(words) * rng.uniform(0.5, 0.95)))
        body = " ".join(words[:keep])
        ops.append("truncate")
    if rng.random() < P["edit"]:
        rate = rng.uniform(0.005, 0.03)
        words = body.split(" ")
        vocab = [w for w in words if w.isalpha()] or ["the"]
        out = []
        for w in words:
            if rng.random() < rate:
                r = rng.random()
                if r < 0.4:
                    out.append(rng.choice(vocab))
                elif r < 0.7:
                    continue
                else:
                    out.append(w.upper() if w.islower() else w.lower())
            else:
                out.append(w)
        body = " ".join(out)
        ops.append("edit")
    if rng.random() < P["wire"]:
        body = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) - " + body
        ops.append("wire")
    pre: list[str] = []
    post: list[str] = []
    if rng.random() < P["header"]:
        n_words = rng.randint(8, 40)
        parts: list[str] = []
        while sum(len(x.split()) for x in parts) < n_words:
            parts.append(rng.choice(HEADER_PARTS))
        pre.append(" | ".join(parts))
        ops.append("header")
    if rng.random() < P["byline"]:
        line = f"By {rng.choice(NAMES)} for {outlet}"
        (pre if rng.random() < 0.5 else post).append(line)
        ops.append("byline")
    if rng.random() < P["credit"]:
        origin = orig.outlet or "the original publisher"
        line = rng.choice(
            [f"Read Full Article at {origin}", f"This article was originally published by {origin}."]
        )
        post.append(line)
        ops.append("credit")
    if rng.random() < P["footer"]:
        n_words = rng.randint(10, 60)
        sents: list[str] = []
        while sum(len(x.split()) for x in sents) < n_words:
            sents.append(rng.choice(FOOTER_SENTENCES))
        post.append(" ".join(sents))
        ops.append("footer")
    text = "\n\n".join([*pre, body, *post])
    return Doc(f"{orig.id}#copy{n}", text, outlet, _shift_date(orig.published, rng.randint(0, 3)),
               orig.source, orig.lineage, tuple(ops))


def syndication_corpus(pool: list[Doc], seed: int, originals: int) -> list[Doc]:
    """The pool plus 1-3 copies of each of ``originals`` sampled articles."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(pool)), min(originals, len(pool)))
    docs = list(pool)
    for i in sorted(chosen):
        for n in range(rng.choice([1, 1, 2, 3])):
            docs.append(make_copy(pool[i], n, rng))
    return docs


def scaled_corpus(pool: list[Doc], size: int, copy_rate: float, seed: int) -> Iterator[Doc]:
    """``size`` documents of which ``copy_rate`` are copies (made by :func:`make_copy`) of the others.

    The first originals are the pool's real articles; beyond the pool, an original is 8-30
    sentences drawn at random from the whole pool (so no two originals share more than a few
    sentences) with a date spread over a year.
    """
    rng = random.Random(seed)
    n_copies = int(size * copy_rate)
    n_base = size - n_copies
    sentences = [s for d in pool for s in re.split(r"(?<=[.!?])\s+", d.text) if len(s.split()) >= 6]
    bases: list[Doc] = []
    for k in range(n_base):
        if k < len(pool):
            src = pool[k]
            doc = Doc(f"base{k:07d}", src.text, src.outlet, src.published, src.source, f"base{k}")
        else:
            picked = [sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(8, 30))]
            paras = [" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]
            date = _shift_date("2024-01-01", rng.randint(0, 365))
            doc = Doc(f"base{k:07d}", "\n\n".join(paras), rng.choice(OUTLETS), date, "generated", f"base{k}")
        bases.append(doc)
        yield doc
    for n in range(n_copies):
        yield make_copy(bases[rng.randrange(len(bases))], n, rng)
