"""The outlet registry: who an outlet is (from its name, domain, byline or an explicit credit cue),
and facts an analyst can check, each citing the public document it comes from.

The shipped registry is ``lexicons/outlets.toml`` (written by us; every fact carries the title and
address of a public document, and a fact we could not source is left out). Users extend it with
their own files in the same format (``[registry] files``) and import their own reliability
ratings with ``admiralty sources import FILE.csv`` (:mod:`.imports`). Format::

    [[outlet]]
    id = "rt"                                  # stable key
    name = "RT"                                # display name
    aliases = ["Russia Today", "RT.com"]       # other names the text or metadata may use
    domains = ["rt.com"]                       # host names (subdomains match too)
    cues = ["Read Full Article at RT.com"]     # explicit credit lines that name it
    aggregator = false                         # republishes other outlets' articles
    seen_in = ["RUWA", "VoynaSlov"]            # datasets where the project met it
    rating = "B"                               # optional prior (user files only; none shipped)

    [[outlet.fact]]
    field = "ownership"                        # ownership | country | eu_suspension | uk_licence
    value = "state-controlled"                 #   | sanctions | parent | aggregator | note
    title = "..."                              # the public document ...
    url = "https://..."                        # ... and its address

Resolution is deterministic: names are compared case- and punctuation-insensitively without a
leading "The"; a URL or bare domain matches the longest registered domain suffix.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..resources import LEXICON_DIR, Resources

SHIPPED = LEXICON_DIR / "outlets.toml"
FACT_FIELDS = ("ownership", "country", "eu_suspension", "uk_licence", "sanctions", "parent",
               "aggregator", "blocked_in", "note")


@dataclass(frozen=True, slots=True)
class Fact:
    field: str
    value: str
    title: str
    url: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "source": {"title": self.title, "url": self.url}}


@dataclass(frozen=True, slots=True)
class Rating:
    """A reliability rating the analyst imported (or wrote in a registry file)."""

    reliability: str
    label: str | None
    origin: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Outlet:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    aggregator: bool = False
    seen_in: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    rating: Rating | None = None

    def facts_of(self, name: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.field == name)

    def as_json(self) -> dict[str, Any]:
        """The ``registry`` object of a source in the ``admiralty/1`` document."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "domains": list(self.domains),
            "aggregator": self.aggregator,
            "facts": [f.as_json() for f in self.facts],
        }
        if self.rating is not None:
            out["rating"] = {"reliability": self.rating.reliability, "label": self.rating.label,
                             "origin": self.rating.origin}
        return out


def norm_name(text: str) -> str:
    """``"The Washington Post"`` -> ``"washington post"``; ``"RT.com"`` -> ``"rt com"``."""
    t = re.sub(r"[^\w]+", " ", text.lower()).strip()
    t = re.sub(r"^the ", "", t)
    return " ".join(t.split())


def host_of(text: str) -> str | None:
    """The host of a URL or a bare domain (``www.`` dropped), or None when ``text`` is neither."""
    t = text.strip().lower()
    if not t or " " in t:
        return None
    if "//" not in t:
        if "." not in t or not re.fullmatch(r"[a-z0-9.-]+(/.*)?", t):
            return None
        t = "//" + t
    host = urlsplit(t).hostname or ""
    host = host.removeprefix("www.")
    return host if "." in host else None


@dataclass
class Registry:
    outlets: dict[str, Outlet] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)
    _domains: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, paths: Sequence[Path] = (SHIPPED,)) -> Registry:
        reg = cls()
        for path in paths:
            reg.extend(parse_file(path))
        return reg

    def extend(self, outlets: Iterable[Outlet]) -> None:
        """Add or replace entries (a later file's entry with the same id replaces the earlier)."""
        for o in outlets:
            self.outlets[o.id] = o
            for n in (o.name, *o.aliases, *o.domains):
                key = norm_name(n)
                if key:
                    self._names[key] = o.id
            for d in o.domains:
                self._domains[d.lower().removeprefix("www.")] = o.id

    def with_ratings(self, ratings: dict[str, Rating]) -> Registry:
        """A copy where outlets matching a rating key (name or domain) carry that rating; ratings
        for outlets the registry does not know become entries of their own."""
        out = Registry()
        out.extend(self.outlets.values())
        added = []
        for key in sorted(ratings):
            rating = ratings[key]
            found = out.resolve(key)
            if found is not None:
                out.extend([_with_rating(found, rating)])
            else:
                host = host_of(key)
                added.append(Outlet(id=f"user:{norm_name(key)}", name=key,
                                    domains=(host,) if host else (), rating=rating))
        out.extend(added)
        return out

    def resolve(self, text: str | None) -> Outlet | None:
        """The outlet a name, URL or domain refers to, or None."""
        if not text:
            return None
        host = host_of(text)
        if host:
            parts = host.split(".")
            for i in range(len(parts) - 1):
                hit = self._domains.get(".".join(parts[i:]))
                if hit:
                    return self.outlets[hit]
        key = norm_name(text)
        hit = self._names.get(key)
        if hit is None and key.endswith((" com", " org", " net")):
            hit = self._names.get(key.rsplit(" ", 1)[0])
        return self.outlets[hit] if hit else None

    def from_cues(self, text: str) -> Outlet | None:
        """The outlet an explicit credit cue in ``text`` names ("Read Full Article at RT.com")."""
        low = text.lower()
        best: tuple[int, str] | None = None
        for oid in sorted(self.outlets):
            for cue in self.outlets[oid].cues:
                at = low.find(cue.lower())
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, oid)
        return self.outlets[best[1]] if best else None


def _with_rating(o: Outlet, rating: Rating) -> Outlet:
    return Outlet(o.id, o.name, o.aliases, o.domains, o.cues, o.aggregator, o.seen_in, o.facts, rating)


def parse_file(path: Path) -> list[Outlet]:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read outlet registry {path}: {exc}") from exc
    out = []
    for n, entry in enumerate(data.get("outlet", []), start=1):
        where = f"{path}: outlet #{n}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            raise ConfigError(f"{where}: needs an id and a name")
        facts = []
        for f in entry.get("fact", []):
            missing = [k for k in ("field", "value", "title", "url") if not f.get(k)]
            if missing:
                raise ConfigError(f"{where} ({entry['id']}): a fact lacks {', '.join(missing)}: "
                                  "every fact cites a public document")
            facts.append(Fact(str(f["field"]), str(f["value"]), str(f["title"]), str(f["url"])))
        rating = entry.get("rating")
        out.append(Outlet(
            id=str(entry["id"]),
            name=str(entry["name"]),
            aliases=tuple(entry.get("aliases", ())),
            domains=tuple(d.lower() for d in entry.get("domains", ())),
            cues=tuple(entry.get("cues", ())),
            aggregator=bool(entry.get("aggregator", False)),
            seen_in=tuple(entry.get("seen_in", ())),
            facts=tuple(facts),
            rating=Rating(str(rating).upper(), None, str(path)) if rating else None,
        ))
    return out


# -- what the corpus stages see -----------------------------------------------------------------


@dataclass
class AnalystContext:
    """What the analyst added on top of the machine: imported ratings and reviews. Filled at the
    edge (the CLI or ``Analysis`` reads the store) and read by the grade stage, which never opens
    the store itself."""

    ratings: dict[str, Rating] = field(default_factory=dict)
    reviews: list[tuple[str, str, Any]] = field(default_factory=list)


def analyst_context(res: Resources) -> AnalystContext:
    return res.cached("analyst:context", AnalystContext)


def registry_for(res: Resources) -> Registry:
    """The shipped registry, the user's registry files, then the imported ratings on top."""
    files = tuple(str(p) for p in res.config["registry.files"])
    base = res.cached(f"registry:{'|'.join(files)}",
                      lambda: Registry.load((SHIPPED, *(Path(p) for p in files))))
    ratings = analyst_context(res).ratings
    return base.with_ratings(ratings) if ratings else base
