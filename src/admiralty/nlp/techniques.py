"""Persuasion techniques: spans of the 14 classes of SemEval-2020 Task 11, with their evidence.

Two sources of evidence, combined:

* **Word lists** (``lexicons/techniques_*.txt``, one per lexical technique: loaded language, name
  calling, flag-waving, slogans, doubt cues, thought-terminating cliches, ...) matched on
  lower-cased tokens, and **repetition** (content n-grams that recur in the article).
* **A learned model** trained on the labelled PTC articles (``training/train_techniques.py``): a
  token tagger and a sentence head score tokens and sentences, a stacked second-stage tagger
  combines both (span identification), a span classifier names the technique (technique
  classification). All are linear heads over hashed spaCy features, the parse's own
  ``doc.tensor`` and each other's outputs, so the stage costs a few milliseconds per article on
  top of the parse. Lexicon and repetition hits are features of the heads. The sentence head also
  reads the meaning of the sentence: the MiniLM vectors the ``embed`` stage computed for the
  claims inside it (``Article.claim_vectors``, mean- and max-pooled), so no text is encoded twice.
* **The parse** shapes sentence-level spans: when a sentence is a report ("X said that ..."), the
  span is the reported clause, not the "X said" frame (``lexicons/techniques_reporting_verbs.txt``).

Every span records what produced it in ``by``: ``techniques.model/<n>`` (the learned heads) or
``techniques.lexicon/<n>`` (a word list or repetition alone), and in ``evidence`` the details: the
head and its probability, the class head's probability, the word-list entries and repeated phrases
inside the span, the clause cut. :func:`explain` turns a record into the sentence an analyst
reads. Classes the cross-validation cannot see (F1 under 0.10 on PTC, see
BENCHMARKS.md) are listed in ``[techniques] disabled`` and not emitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as _replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from ..model import TECHNIQUES, ModelInfo, Technique, technique_slug
from ..pipeline import replace, stage
from . import techniques_features as tf
from .techniques_model import TechniqueModel, sentence_aggregates

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "techniques.combined/5"
BY_MODEL = "techniques.model/5"
BY_LEXICON = "techniques.lexicon/2"
REPORTING = "techniques_reporting_verbs"
_MAX_CUES = 3  # word-list / repetition entries named in one record's evidence
MODEL_FILE = "techniques.npz"
MINILM_RUNTIMES = frozenset({"onnx", "torch"})  # encoders whose vectors the sentence head knows
# An article's claims for the sentence head: (character spans n x 2, vectors n x 384), or None.
ClaimInput = tuple[np.ndarray, np.ndarray] | None
# The encoder's hidden states per spaCy token (tokens x width) and which tokens have any (inside
# a claim), for the token-state head; None when the run has none (see ``token_input``).
TokenInput = tuple[np.ndarray, np.ndarray] | None


@dataclass(frozen=True, slots=True)
class Found:
    """A technique span before it becomes a record (character offsets into the doc text)."""

    start: int
    end: int
    technique: str
    confidence: float
    by: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The ``[techniques]`` config section, read once."""

    mode: str
    span_threshold: float
    sentence_threshold: float
    sentence_classes: frozenset[str]
    max_gap: int
    min_span_tokens: int
    repeat_min_count: int
    repeat_min_single: int
    lexicon_confidence: float
    min_confidence: float
    disabled: frozenset[str]
    lexicon_union: frozenset[str]
    clause_cut: bool
    stateless: tuple[float, float, int, int]  # thresholds of the heads without token states

    def without_states(self) -> Settings:
        """The settings for a text without token states (the fallback heads' thresholds)."""
        span, sent, gap, min_tokens = self.stateless
        return _replace(
            self, span_threshold=span, sentence_threshold=sent, max_gap=gap, min_span_tokens=min_tokens
        )

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        return cls(
            mode=str(config["techniques.mode"]),
            span_threshold=float(config["techniques.span_threshold"]),
            sentence_threshold=float(config["techniques.sentence_threshold"]),
            sentence_classes=frozenset(str(x) for x in config["techniques.sentence_classes"]),
            max_gap=int(config["techniques.max_gap"]),
            min_span_tokens=int(config["techniques.min_span_tokens"]),
            repeat_min_count=int(config["techniques.repeat_min_count"]),
            repeat_min_single=int(config["techniques.repeat_min_single"]),
            lexicon_confidence=float(config["techniques.lexicon_confidence"]),
            min_confidence=float(config["techniques.min_confidence"]),
            disabled=frozenset(str(x) for x in config["techniques.disabled"]),
            lexicon_union=frozenset(str(x) for x in config["techniques.lexicon_union"]),
            clause_cut=bool(config["techniques.clause_cut"]),
            stateless=_four(config["techniques.stateless_thresholds"]),
        )


def _four(value: Any) -> tuple[float, float, int, int]:
    span, sent, gap, min_tokens = value
    return float(span), float(sent), int(gap), int(min_tokens)


def load_model(res: Resources) -> TechniqueModel:
    """The packaged heads, loaded once per ``Resources`` and named in the run block."""

    def build() -> TechniqueModel:
        from ..resources import file_sha256

        path = res.model_file(MODEL_FILE)
        res.register_model("techniques", ModelInfo("techniques", BY_MODEL, file_sha256(path)))
        return TechniqueModel.load(path)

    return typing_model(res.cached("techniques:model", build))


def typing_model(value: Any) -> TechniqueModel:
    assert isinstance(value, TechniqueModel)
    return value


def evidence_hits(doc: Doc, res: Resources, settings: Settings) -> list[tf.Hit]:
    """Lexicon and repetition hits of a doc, in token order."""
    hits = tf.lexicon_hits(doc, res)
    hits += tf.repetition_hits(doc, settings.repeat_min_count, settings.repeat_min_single)
    hits.sort(key=lambda h: (h.start, h.end, h.source))
    return hits


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range without leading/trailing punctuation and space (as PTC trims its spans)."""
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def decode(doc: Doc, proba: np.ndarray, threshold: float, max_gap: int) -> list[tuple[int, int]]:
    """Runs of tokens at or above ``threshold`` (bridging up to ``max_gap`` tokens, never across
    a sentence), as trimmed token ranges."""
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        run_start = run_end = -1
        for i in range(sent.start, sent.end):
            if proba[i] < threshold or doc[i].is_space:
                continue
            if run_start >= 0 and i - run_end <= max_gap:
                run_end = i + 1
                continue
            if run_start >= 0:
                spans.append((run_start, run_end))
            run_start, run_end = i, i + 1
        if run_start >= 0:
            spans.append((run_start, run_end))
    out = []
    for s, e in spans:
        s, e = _trim(doc, s, e)
        if e > s:
            out.append((s, e))
    return out


def lexicon_spans(doc: Doc, hits: Sequence[tf.Hit], settings: Settings) -> list[Found]:
    """Spans from the word lists and repetition alone (the lexicon-only mode)."""
    found = []
    seen: set[tuple[int, int, str]] = set()
    for h in hits:
        s, e = _trim(doc, h.start, h.end)
        if e <= s or h.technique in settings.disabled:
            continue
        a, b = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        if (a, b, h.technique) in seen:
            continue
        seen.add((a, b, h.technique))
        found.append(Found(a, b, h.technique, settings.lexicon_confidence, BY_LEXICON, (_cue(h),)))
    return found


def _cue(h: tf.Hit) -> str:
    """One hit as an evidence string: ``word list loaded language: 'disgraceful'``."""
    if h.source == "repetition":
        return f"repeated phrase: '{h.entry}'"
    return f"word list {h.source.removeprefix('techniques_').replace('_', ' ')}: '{h.entry}'"


def _cues(hits: Sequence[tf.Hit], s: int, e: int) -> list[str]:
    """Evidence strings of the hits inside tokens ``[s, e)`` (at most ``_MAX_CUES``, in order)."""
    out: list[str] = []
    for h in hits:
        if s <= h.start and h.end <= e:
            c = _cue(h)
            if c not in out:
                out.append(c)
        if len(out) >= _MAX_CUES:
            break
    return out


def clause_core(doc: Doc, s: int, e: int, reporting: frozenset[str]) -> tuple[int, int]:
    """The reported clause of a sentence ``[s, e)`` whose root is a reporting verb with a clausal
    complement ("The minister said [that the plan is a disgrace]"); the whole range otherwise."""
    root = doc[s:e].root
    if root.lemma_.lower() not in reporting:
        return s, e
    for child in root.children:
        if child.dep_ in ("ccomp", "xcomp"):
            a, b = _trim(doc, max(s, child.left_edge.i), min(e, child.right_edge.i + 1))
            if b - a >= 3:
                return a, b
    return s, e


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Every sentence as a trimmed token range (empty ones dropped)."""
    out = []
    for sent in doc.sents:
        s, e = _trim(doc, sent.start, sent.end)
        if e > s:
            out.append((s, e))
    return out


def candidate_ranges(
    doc: Doc,
    stacked: np.ndarray,
    sents: list[tuple[int, int]],
    sprob: np.ndarray,
    settings: Settings,
    reporting: frozenset[str],
    state_proba: np.ndarray | None = None,
) -> list[tuple[int, int, float, bool, str]]:
    """The spans before classification, as (token start, token end, span probability, whole
    sentence?, evidence): runs of the stacked tagger's probabilities, and every sentence (or its
    reported clause) whose sentence-head probability reaches the threshold. Training tunes the
    thresholds with the same decoding (``training/train_techniques.tune``). ``state_proba``, the
    token-state head's own probabilities, only feeds the evidence."""
    ranges: list[tuple[int, int, float, bool, str]] = []
    for s, e in decode(doc, stacked, settings.span_threshold, settings.max_gap):
        if e - s < settings.min_span_tokens:
            continue
        q = float(stacked[s:e].mean())
        why = f"token tagger p={q:.2f}"
        if state_proba is not None:
            why += f", token-state head p={float(state_proba[s:e].mean()):.2f}"
        ranges.append((s, e, q, False, why))
    for (s, e), q in zip(sents, sprob, strict=True):
        if q < settings.sentence_threshold:
            continue
        a, b = clause_core(doc, s, e, reporting)
        why = f"sentence head p={q:.2f}" + (", reported clause only" if (a, b) != (s, e) else "")
        ranges.append((a, b, float(q), True, why))
    return ranges


def model_spans(
    doc: Doc,
    hits: Sequence[tf.Hit],
    model: TechniqueModel,
    settings: Settings,
    res: Resources,
    claims: ClaimInput = None,
    states: TokenInput = None,
) -> list[Found]:
    """Spans from the learned heads: runs of the stacked tagger and sentence (or reported-clause)
    spans of the sentence head, each then classified. ``claims`` are the article's claim spans
    (character offsets, n x 2) and their vectors (n x 384), pooled per sentence for the
    sentence head; ``states`` the encoder's token states (``token_input``) for the token-state
    head. Without states (or a model without that head) the fallback heads and the
    ``stateless_thresholds`` decode."""
    if len(doc) == 0:
        return []
    hit_list = list(hits)
    X = tf.hash_rows(tf.token_feature_strings(doc, hit_list), tf.TOKEN_HASH_BITS)
    proba = model.token_proba(X)
    head = model.token_head
    state_proba = None
    if head is not None and states is not None and states[0].shape == (len(doc), head.width):
        z = head.logit(*states)
        state_proba = head.proba(z, states[1])
        proba = head.mixed(proba, z)
    elif head is not None:
        model, settings = model.without_states(), settings.without_states()
    sents = sentence_ranges(doc)
    rows = [tf.sentence_feature_strings(doc, s, e, hit_list, k, len(sents)) for k, (s, e) in enumerate(sents)]
    S = tf.hash_rows(rows, tf.SENT_HASH_BITS)
    spans, vectors = claims if claims is not None else (None, None)
    C = tf.sentence_claim_features(doc, sents, spans, vectors)
    sprob = model.sentence_proba(S, sentence_aggregates(proba, sents), C)
    stacked = model.stacked_proba(tf.stack_features(doc, proba, sents, sprob))
    reporting = frozenset(res.lexicon(REPORTING)) if settings.clause_cut else frozenset()
    ranges = candidate_ranges(doc, stacked, sents, sprob, settings, reporting, state_proba)
    if not ranges:
        return []
    D = tf.dense(doc)
    counts = tf.ngram_counts(doc)
    rows = [tf.span_feature_strings(doc, s, e, hit_list, counts) for s, e, _, _, _ in ranges]
    Xs = tf.hash_rows(rows, tf.SPAN_HASH_BITS)
    Ds = np.stack([D[s:e].mean(axis=0) for s, e, _, _, _ in ranges])
    P = model.tc_proba(Xs, Ds)
    enabled = np.array([c not in settings.disabled for c in model.classes])
    long_ok = np.array([c in settings.sentence_classes for c in model.classes])
    found = []
    seen: set[tuple[int, int, str]] = set()
    for (s, e, q, whole, why), probs in zip(ranges, P, strict=True):
        allowed = enabled & long_ok if whole else enabled
        masked = np.where(allowed, probs, -1.0)
        k = int(np.argmax(masked))
        if masked[k] < 0 or (not whole and int(np.argmax(probs)) != k):
            continue  # the span's best class is switched off: not shown
        if whole:
            probs = probs / max(1e-9, float(probs[allowed].sum()))
        conf = q * float(probs[k])
        a, b = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        if conf < settings.min_confidence or (a, b, model.classes[k]) in seen:
            continue
        seen.add((a, b, model.classes[k]))
        evidence = (why, f"class head p={float(probs[k]):.2f}", *_cues(hit_list, s, e))
        found.append(Found(a, b, model.classes[k], round(conf, 4), BY_MODEL, evidence))
    return found


def detect(
    doc: Doc,
    res: Resources,
    settings: Settings | None = None,
    model: TechniqueModel | None = None,
    claims: ClaimInput = None,
    states: TokenInput = None,
) -> list[Found]:
    """Technique spans of one parsed text, sorted by offset (what the stage emits).

    ``settings`` default to the config; ``model`` to the packaged heads (the benchmark passes
    its fold models here); ``claims`` the article's (claim spans, claim vectors), see
    :func:`claim_input` (without them every sentence counts as claim-less); ``states`` its
    token states, see :func:`token_input` (without them the fallback heads decide)."""
    settings = settings or Settings.from_config(res.config)
    if settings.mode == "off" or len(doc) == 0:
        return []
    hits = evidence_hits(doc, res, settings)
    if settings.mode == "lexicon":
        found = lexicon_spans(doc, hits, settings)
    else:
        found = model_spans(doc, hits, model or load_model(res), settings, res, claims, states)
        extra = [
            f
            for f in lexicon_spans(doc, hits, settings)
            if f.technique in settings.lexicon_union
            and not any(f.start < g.end and g.start < f.end for g in found)
        ]
        found += extra
    found.sort(key=lambda f: (f.start, f.end, f.technique))
    return found


def claim_input(article: Article, res: Resources) -> ClaimInput:
    """The article's claim spans and MiniLM vectors for the sentence head, or ``None`` when the
    vectors are missing, do not match the claims, or come from another encoder (the hashing
    encoder of ``--rules-only``): the head was trained on the MiniLM vectors only."""
    vectors = article.claim_vectors
    if not article.claims or vectors is None or str(res.config["models.embedder_runtime"]) not in MINILM_RUNTIMES:
        return None
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape != (len(article.claims), tf.CLAIM_DIM):
        return None
    spans = np.array([(c.start, c.end) for c in article.claims], dtype=np.int64)
    return spans, vectors


def token_input(article: Article, doc: Doc, res: Resources) -> TokenInput:
    """The MiniLM hidden states of the article's claims, per spaCy token, as the embed stage's
    batch pass kept them (``Resources.embed_tokens``; no encoder pass of this stage's own), or
    ``None`` when the run keeps none (``[models] token_states = false``, the hashing encoder of
    ``--rules-only``), the article has no claims, or the packaged head reads other layers."""
    from .. import encoder

    if (
        not article.claims
        or not bool(res.config["models.token_states"])
        or str(res.config["models.embedder_runtime"]) not in MINILM_RUNTIMES
    ):
        return None
    head = load_model(res).token_head
    if head is None or tuple(head.layers) != tuple(encoder.TOKEN_LAYERS):
        return None
    try:
        rows = res.embed_tokens([c.text for c in article.claims])
    except ModelError:
        return None
    return tf.token_states(
        doc, [c.start for c in article.claims], [r.offsets for r in rows], [r.states for r in rows], head.width
    )


@stage("techniques", VERSION, requires=("doc", "claims", "claim_vectors"), assigns=("techniques",))
def find_techniques(article: Article, doc: Doc | None, res: Resources) -> Article:
    """persuasion technique spans (14 SemEval-2020 classes): word lists + learned heads on PTC"""
    if doc is None:
        return article
    text = article.text
    out = []
    found = detect(doc, res, claims=claim_input(article, res), states=token_input(article, doc, res))
    for f in found:
        if not (0 <= f.start < f.end <= len(text)) or f.technique not in TECHNIQUES:
            continue  # one odd span never costs the article
        out.append(
            Technique(
                start=f.start,
                end=f.end,
                text=text[f.start : f.end],
                technique=f.technique,
                slug=technique_slug(f.technique),
                confidence=round(min(1.0, max(0.0, f.confidence)), 4),
                by=f.by,
                evidence=f.evidence,
            )
        )
    return replace(article, techniques=tuple(out))


def explain(record: Technique, res: Resources | None = None, article_text: str | None = None) -> str:
    """The evidence behind one technique record, as a sentence for the report.

    Names the word-list entries found in the span (and, given the article text, how often the
    span recurs), and which part of the stage produced it.
    """
    from ..resources import Resources as _Resources

    res = res or _Resources()
    lowered = f" {' '.join(record.text.lower().split())} "
    cues = []
    for name in sorted(tf.LEXICONS):
        for entry in res.lexicon(name):
            if f" {entry.lower()} " in lowered:
                cues.append(f"'{entry}' ({name.removeprefix('techniques_').replace('_', ' ')})")
    repeat = ""
    if article_text is not None:
        n = article_text.lower().count(record.text.lower())
        if n > 1:
            repeat = f"; the phrase occurs {n} times in the article"
    cue_text = f"; word-list cues: {', '.join(cues[:5])}" if cues else ""
    if record.by.startswith("techniques.lexicon"):
        head = f"{record.technique} by word list / repetition (confidence {record.confidence:.2f})"
    else:
        head = (
            f"{record.technique} by the learned tagger and classifier trained on PTC "
            f"(confidence {record.confidence:.2f})"
        )
    recorded = f"; evidence: {'; '.join(record.evidence)}" if record.evidence else ""
    return head + recorded + cue_text + repeat
