"""The records admiralty produces, and their conversion to and from the ``admiralty/1`` JSON.

Every record is a small frozen dataclass. Offsets are code-point indices into ``Article.text``,
half-open ``[start, end)``. Field names and order follow the public schema (DESIGN.md), so the
JSON form of a record is simply its fields in order; ``to_json`` and ``from_json`` convert any
record (or tuple of records) generically from the type hints, which keeps the two directions from
drifting apart.

Stages never mutate a record: they return a new one (``dataclasses.replace``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

SCHEMA = "admiralty/1"
SCHEMA_REVISION = 2
OFFSETS = "codepoint"

AttributionForm = Literal["direct", "indirect", "mixed", "according_to"]
SourceKind = Literal[
    "named_person", "named_organization", "anonymous", "unnamed_official", "outlet", "document"
]
ClaimType = Literal["fact", "opinion", "prediction", "question"]
Certainty = Literal["certain", "hedged"]
Polarity = Literal["affirmed", "negated"]
Confirmation = Literal["confirmed", "denied", "unconfirmed", "none"]
Status = Literal["analysed", "skipped"]
ReviewStatus = Literal["suggested", "reviewed"]
Relation = Literal["restates", "supports", "related", "contradicts"]
CopyRelation = Literal["copy", "near_copy", "syndicated"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]

RELIABILITY_WORDS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_WORDS = {
    1: "confirmed by other independent sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

# The 14 classes of SemEval-2020 Task 11, exactly as the task names them.
TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)


def technique_slug(technique: str) -> str:
    """``Name_Calling,Labeling`` -> ``name_calling_labeling``: safe for CSV columns and tags."""
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in technique)
    return "_".join(part for part in out.split("_") if part)


def short_hash(*parts: str, size: int = 6) -> str:
    """A seeded, process-independent hex digest (never Python's ``hash()``)."""
    h = hashlib.blake2b(digest_size=size, person=b"admiralty/1")
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Spans inside one article


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    canonical: str


@dataclass(frozen=True, slots=True)
class SourceMention:
    """Who stands behind an attribution, as the text names them."""

    start: int
    end: int
    text: str
    kind: SourceKind
    ref: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ViaMention:
    """The intermediary in "according to Reuters, the minister said ..."."""

    start: int
    end: int
    text: str
    kind: SourceKind
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    id: str
    form: AttributionForm
    by: str
    source: SourceMention | None
    via: ViaMention | None
    cue: Span | None
    content: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    bound: str | None
    counts: str | None


@dataclass(frozen=True, slots=True)
class TimeExpression:
    start: int
    end: int
    text: str
    value: str | None


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    start: int
    end: int
    text: str
    by: str
    checkworthiness: float
    attribution: str | None
    type: ClaimType
    certainty: Certainty
    polarity: Polarity
    cues: tuple[Cue, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpression, ...] = ()


@dataclass(frozen=True, slots=True)
class Technique:
    start: int
    end: int
    text: str
    technique: str
    slug: str
    confidence: float
    by: str
    # What produced the span, short strings: the learned head and its probability, the word-list
    # entry ("loaded_language: 'disgraceful'"), the repeated phrase, the clause rule.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Marker:
    start: int
    end: int
    text: str
    set: str
    variant: str


@dataclass(frozen=True, slots=True)
class Sourcing:
    named: int = 0
    anonymous: int = 0
    unnamed_official: int = 0
    outlet: int = 0
    document: int = 0
    unattributed_claims: int = 0
    second_hand: int = 0
    confirmation: Confirmation = "none"
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    content_hash: str
    input: str
    title: str | None
    outlet: str | None
    author: str | None
    url: str | None
    published: str | None
    language: str | None
    encoding: str | None
    text: str
    status: Status = "analysed"
    skip_reason: str | None = None
    entities: tuple[Entity, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    claims: tuple[Claim, ...] = ()
    techniques: tuple[Technique, ...] = ()
    markers: tuple[Marker, ...] = ()
    sourcing: Sourcing = field(default_factory=Sourcing)
    # Claim embeddings (float32, one row per claim, in claim order), computed once in the
    # pipeline and shared by every stage that compares claims. Not part of the JSON; the store
    # keeps them so corpus stages need not embed stored articles again.
    claim_vectors: Any = field(default=None, compare=False, repr=False, metadata={"json": False})
    # The vector of the title and lead the stories stage compares articles by (``[stories] vector =
    # "lead"``), from the same encoder pass as the claims'. Not part of the JSON; the store keeps
    # it beside the claim vectors (the stories stage embeds it again for an article that lacks it).
    lead_vector: Any = field(default=None, compare=False, repr=False, metadata={"json": False})

    @classmethod
    def new(
        cls,
        *,
        locator: str,
        text: str,
        title: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        url: str | None = None,
        published: str | None = None,
        encoding: str | None = None,
    ) -> Article:
        """An article fresh from ingest: ids derived as DESIGN.md defines them."""
        return cls(
            id=article_id(locator, text),
            content_hash=content_hash(text),
            input=locator,
            title=title,
            outlet=outlet,
            author=author,
            url=url,
            published=published,
            language=None,
            encoding=encoding,
            text=text,
        )

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])


def article_id(locator: str, text: str) -> str:
    """Short hash of (input locator + text): stable within a pipeline version."""
    return short_hash(locator, text, size=6)


def content_hash(text: str) -> str:
    return short_hash(text, size=8)


def record_id(article: str, kind: str, n: int) -> str:
    """``<article id>:<kind><n>``, numbered from 1 in text order (``a1b2c3:c4``)."""
    return f"{article}:{kind}{n}"


# ---------------------------------------------------------------------------------------------
# Corpus-level records


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a decision was made: the rule, its version and parameters, the records it used, and
    the sentence a person reads."""

    rule: str
    version: str
    params: dict[str, Any]
    records: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Review:
    """An analyst's decision that replaces a machine suggestion."""

    reviewer: str
    at: str
    action: Literal["confirm", "override"]
    value: str
    replaced: str
    note: str


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    kind: SourceKind
    name: str
    outlet: str | None
    registry: dict[str, Any] | None
    reliability: Reliability
    status: ReviewStatus
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Origin:
    article: str | None
    outlet: str | None


@dataclass(frozen=True, slots=True)
class CopyMember:
    article: str
    relation: CopyRelation
    similarity: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyGroup:
    id: str
    origin: Origin
    members: tuple[CopyMember, ...]


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    label: str
    articles: tuple[str, ...]
    first_seen: str | None


@dataclass(frozen=True, slots=True)
class ClaimLink:
    claims: tuple[str, str]
    relation: Relation
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class NarrativeMatch:
    """A claim that repeats a known false or debunked narrative (``admiralty narratives import``)."""

    claim: str  # claim id
    narrative: str  # the narrative's id (an EUvsDisinfo case URL, or the file's id column)
    score: float  # cosine of the claim and the narrative's text
    source: str  # who listed the narrative
    url: str | None
    text: str  # the narrative's claim, for the reader
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Grade:
    claim: str
    source: str | None
    reliability: Reliability
    credibility: int
    independent_confirmations: int
    contradictions: int
    status: ReviewStatus
    review: Review | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """An input or article that could not be analysed, and why (one line, no traceback)."""

    input: str
    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class StageInfo:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    version: str
    sha256: str


@dataclass(frozen=True, slots=True)
class InputInfo:
    locator: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Run:
    version: str
    started: str
    config_digest: str
    stages: tuple[StageInfo, ...]
    models: tuple[ModelInfo, ...]
    inputs: tuple[InputInfo, ...]


@dataclass(frozen=True, slots=True)
class CorpusResult:
    """What the corpus stages add on top of the analysed articles."""

    sources: tuple[Source, ...] = ()
    copies: tuple[CopyGroup, ...] = ()
    stories: tuple[Story, ...] = ()
    claim_links: tuple[ClaimLink, ...] = ()
    grades: tuple[Grade, ...] = ()
    narrative_matches: tuple[NarrativeMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One whole ``admiralty/1`` document."""

    run: Run
    failures: tuple[Failure, ...]
    articles: tuple[Article, ...]
    sources: tuple[Source, ...] = ()
    copies: tuple[CopyGroup, ...] = ()
    stories: tuple[Story, ...] = ()
    claim_links: tuple[ClaimLink, ...] = ()
    grades: tuple[Grade, ...] = ()
    narrative_matches: tuple[NarrativeMatch, ...] = ()

    @classmethod
    def assemble(cls, run: Run, failures: Iterable[Failure], articles: Iterable[Article],
                 corpus: CorpusResult) -> Document:
        """A document from a run, its articles and failures, and every corpus block."""
        blocks = {f.name: getattr(corpus, f.name) for f in dataclasses.fields(CorpusResult)}
        return cls(run, tuple(failures), tuple(articles), **blocks)

    @property
    def corpus(self) -> CorpusResult:
        """The corpus blocks of this document."""
        return CorpusResult(**{f.name: getattr(self, f.name) for f in dataclasses.fields(CorpusResult)})

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA, "schema_revision": SCHEMA_REVISION, "offsets": OFFSETS}
        out.update(to_json(self))
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        if data.get("schema") != SCHEMA:
            from .errors import SchemaError

            raise SchemaError(
                f"expected schema {SCHEMA!r}, got {data.get('schema')!r}: "
                "this file was written by an incompatible admiralty version"
            )
        body = {k: v for k, v in data.items() if k not in ("schema", "schema_revision", "offsets")}
        return from_json(cls, body)


# The typed lines of ``--format jsonl``: the header first, then records as they are produced.
JSONL_TYPES = {
    Article: "article",
    Source: "source",
    CopyGroup: "copy_group",
    Story: "story",
    ClaimLink: "claim_link",
    Grade: "grade",
    NarrativeMatch: "narrative_match",
    Failure: "failure",
}


# ---------------------------------------------------------------------------------------------
# Generic conversion


def to_json(obj: Any) -> Any:
    """A record (or tuple/dict of records) as plain JSON values, fields in declared order."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_json(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.metadata.get("json", True)
        }
    if isinstance(obj, (tuple, list)):
        return [to_json(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return round(obj, 4)
    return obj


T = TypeVar("T")


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild a record of type ``cls`` from its JSON form (the inverse of ``to_json``)."""
    return typing.cast(T, _convert(cls, data))


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _convert(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in get_args(tp) if a is not type(None)]
        return _convert(options[0], value)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        return dict(value)
    if origin is Literal:
        return value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: _convert(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.name in value and f.metadata.get("json", True)
        }
        return tp(**kwargs)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def source_id(kind: str, name: str, scope: str | None = None) -> str:
    """The id of a source in the corpus ``sources`` block, derived from its kind and canonical
    name so that every per-article stage can point at it without seeing the corpus.

    ``scope`` (an article id) keeps unnamed sources apart: "sources" in one article are not the
    "sources" of another, so anonymous, unnamed-official and unnamed-document sources pass it."""
    family = "outlet" if kind == "outlet" else "speaker"
    key = " ".join(name.lower().split())
    if scope is not None:
        return f"src-{short_hash(family, kind, key, scope, size=5)}"
    return f"src-{short_hash(family, key, size=5)}"
