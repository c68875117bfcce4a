"""Features for the persuasion-technique stage: lexicon hits, repetition, token and span features.

Shared by the stage (``techniques.py``), the training script and the PTC benchmark, so that the
model sees exactly the same features when it is trained and when it runs.

* **Lexicon hits**: a spaCy ``PhraseMatcher`` on lower-cased tokens over the technique word lists
  in ``admiralty/lexicons/techniques_*.txt`` (one list per technique, written for admiralty).
* **Repetition**: content n-grams (1-4 words) that recur in the article; the later occurrences
  are the candidates (PTC annotates the repeated mention, not the first).
* **Token features** (span identification): hashed strings -- word, lemma, shape, part of speech,
  dependency, neighbours, bigrams, quote state, lexicon and repetition hits, sentence cues -- plus
  the 96 dense values of spaCy's own ``doc.tensor`` (free: the parse computed them already).
* **Sentence features** (sentence head): the sentence's lemmas, bigrams, parts of speech, lexicon
  hits and punctuation cues, plus (in ``techniques_model``) the token tagger's probabilities, and
  the pooled vectors of the claims inside the sentence (``sentence_claim_features``: the embed
  stage's MiniLM vectors, so the sentence's meaning costs no second encoder pass).
* **Stacked token features** (second-stage tagger): the first tagger's probability and its means
  over windows of 1, 3 and 7 tokens, the sentence head's probability for the token's sentence and
  its neighbours, sentence and article summaries, position in the sentence, punctuation, quotes.
* **Span features** (technique classification): the span's words and lemmas, its context, length,
  sentence position, lexicon and repetition hits, and the mean ``doc.tensor`` over the span.

Strings are hashed with scikit-learn's ``FeatureHasher`` (MurmurHash3, fixed seed), never with
Python's ``hash()``, so features are identical in every process.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .tokens import token_view

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from spacy.tokens import Doc

    from ..resources import Resources

# Word-list file (without .txt) -> the SemEval class it signals.
LEXICONS: dict[str, str] = {
    "techniques_loaded_language": "Loaded_Language",
    "techniques_name_calling": "Name_Calling,Labeling",
    "techniques_flag_waving": "Flag-Waving",
    "techniques_slogans": "Slogans",
    "techniques_doubt": "Doubt",
    "techniques_cliches": "Thought-terminating_Cliches",
    "techniques_exaggeration": "Exaggeration,Minimisation",
    "techniques_fear": "Appeal_to_fear-prejudice",
    "techniques_black_white": "Black-and-White_Fallacy",
    "techniques_causal": "Causal_Oversimplification",
    "techniques_authority": "Appeal_to_Authority",
    "techniques_bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "techniques_whataboutism": "Whataboutism,Straw_Men,Red_Herring",
}
REPETITION = "Repetition"

TOKEN_HASH_BITS = 18
SPAN_HASH_BITS = 16
SENT_HASH_BITS = 18
DENSE_DIM = 96  # width of en_core_web_sm's doc.tensor
CLAIM_DIM = 384  # width of a claim vector (the shared MiniLM encoder, ``Article.claim_vectors``)

_QUOTES = frozenset('"\u201c\u201d\u00ab\u00bb\u201e')
_MAX_NGRAM = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon or repetition match: tokens ``[start, end)`` of the doc."""

    start: int
    end: int
    technique: str
    source: str  # the word list (file stem) or "repetition"
    entry: str


def _matcher(res: Resources) -> Any:
    def build() -> Any:
        from spacy.matcher import PhraseMatcher

        nlp = res.nlp
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for name in sorted(LEXICONS):
            patterns = [nlp.make_doc(entry) for entry in res.lexicon(name)]
            matcher.add(name, patterns)
        return matcher

    return res.cached("techniques:phrase_matcher", build)


def lexicon_hits(doc: Doc, res: Resources) -> list[Hit]:
    """Every lexicon match in the doc, in text order (longest first at one start)."""
    matcher = _matcher(res)
    vocab = doc.vocab
    hits = []
    for match_id, start, end in matcher(doc):
        name = vocab.strings[match_id]
        hits.append(Hit(start, end, LEXICONS[name], name, doc[start:end].text.lower()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), h.source))
    return hits


def repetition_hits(doc: Doc, min_count: int, min_single: int) -> list[Hit]:
    """Later occurrences of content n-grams that recur in the article.

    An n-gram of 2-4 words (starting and ending on a content word, inside one sentence) counts when
    it occurs ``min_count`` times or more; a single content word (noun, proper noun, adjective)
    when it occurs ``min_single`` times or more. The first occurrence is not a hit.
    """
    v = token_view(doc)
    words, content, sent_id, punct = v.lower, v.content, v.sent_id, v.is_punct
    n_tok = len(words)
    grams: dict[tuple[str, ...], list[int]] = {}
    for n in range(2, _MAX_NGRAM + 1):
        for i in range(n_tok - n + 1):
            if not (content[i] and content[i + n - 1]) or sent_id[i] != sent_id[i + n - 1]:
                continue
            if any(punct[i : i + n]):
                continue
            grams.setdefault(tuple(words[i : i + n]), []).append(i)
    hits: list[Hit] = []
    taken = np.zeros(n_tok, dtype=bool)
    for gram in sorted(grams, key=lambda g: (-len(g), g)):
        starts = grams[gram]
        if len(starts) < min_count:
            continue
        for s in starts[1:]:
            e = s + len(gram)
            if taken[s:e].any():
                continue
            taken[s:e] = True
            hits.append(Hit(s, e, REPETITION, "repetition", " ".join(gram)))
    singles: dict[str, list[int]] = {}
    for i in range(n_tok):
        if content[i] and v.pos[i] in ("NOUN", "PROPN", "ADJ"):
            singles.setdefault(v.lemma[i], []).append(i)
    for lemma in sorted(singles):
        positions = singles[lemma]
        if len(positions) < min_single:
            continue
        for s in positions[1:]:
            if not taken[s]:
                taken[s] = True
                hits.append(Hit(s, s + 1, REPETITION, "repetition", lemma))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def _shape(tok: Any) -> str:
    return _shape_text(tok.text)


def _shape_text(text: str) -> str:
    if text.isupper() and len(text) > 1:
        return "CAPS"
    if text.istitle():
        return "Title"
    if text.islower():
        return "low"
    if any(c.isdigit() for c in text):
        return "num"
    return "other"


def _quote_state(doc: Doc) -> np.ndarray:
    """1 where a token lies between an opening and a closing quote mark of its sentence."""
    v = token_view(doc)
    inside = np.zeros(len(doc), dtype=bool)
    for a0, b0 in v.sents:
        marks = [i for i in range(a0, b0) if v.text[i] in _QUOTES or (v.text[i] == "'" and v.is_punct[i])]
        for a, b in zip(marks[0::2], marks[1::2], strict=False):
            inside[a + 1 : b] = True
    return inside


def token_feature_strings(doc: Doc, hits: list[Hit]) -> list[list[str]]:
    """The hashed-feature strings of every token (span identification)."""
    v = token_view(doc)
    n = len(doc)
    lower, lemma, pos = v.lower, v.lemma, v.pos
    inside_quote = _quote_state(doc)
    hit_at: list[list[str]] = [[] for _ in range(n)]
    near: list[set[str]] = [set() for _ in range(n)]
    for h in hits:
        for i in range(h.start, h.end):
            hit_at[i].append(h.source)
            hit_at[i].append(f"{h.source}={h.entry}")
        for i in range(max(0, h.start - 3), min(n, h.end + 3)):
            near[i].add(h.source)
    sent_feats: list[list[str]] = [[] for _ in range(n)]
    hit_starts = sorted((h.start, h.source) for h in hits)
    for k, (s0, e0) in enumerate(v.sents):
        length = sum(1 for i in range(s0, e0) if not v.is_space[i])
        sent_text = v.text[s0:e0]  # (token texts: doc[s0:e0].text rebuilds the string, slowly)
        sf = [f"slen={min(length // 5, 10)}", f"sidx={min(k, 5)}"]
        if any("!" in t for t in sent_text):
            sf.append("s!")
        if any("?" in t for t in sent_text):
            sf.append("s?")
        if any(c in _QUOTES for t in sent_text for c in t):
            sf.append("s\"")
        srcs = sorted({src for st, src in hit_starts if s0 <= st < e0})
        sf.extend(f"slex={s}" for s in srcs)
        for i in range(s0, e0):
            rel = (i - s0) / max(1, e0 - s0)
            sent_feats[i] = [*sf, f"rel={int(rel * 5)}"]
    out = []
    for i in range(n):
        w = lower[i]
        p1 = lower[i - 1] if i > 0 else "<s>"
        p2 = lower[i - 2] if i > 1 else "<s>"
        n1 = lower[i + 1] if i + 1 < n else "</s>"
        n2 = lower[i + 2] if i + 2 < n else "</s>"
        pp = pos[i - 1] if i > 0 else "<s>"
        np1 = pos[i + 1] if i + 1 < n else "</s>"
        f = [
            "bias",
            f"w={w}",
            f"l={lemma[i]}",
            f"sh={_shape_text(v.text[i])}",
            f"p={pos[i]}",
            f"t={v.tag[i]}",
            f"d={v.dep[i]}",
            f"hd={v.head_lemma[i]}",
            f"w-1={p1}",
            f"w+1={n1}",
            f"w-2={p2}",
            f"w+2={n2}",
            f"b-={p1}|{w}",
            f"b+={w}|{n1}",
            f"pp={pp}|{pos[i]}|{np1}",
            f"ent={v.ent[i]}",
        ]
        if v.is_stop[i]:
            f.append("stop")
        if v.is_punct[i]:
            f.append("punct")
        if inside_quote[i]:
            f.append("inq")
            f.append(f"inq:p={pos[i]}")
        f.extend(f"hit:{s}" for s in hit_at[i])
        f.extend(f"near:{s}" for s in sorted(near[i]))
        f.extend(sent_feats[i])
        out.append(f)
    return out


def span_feature_strings(
    doc: Doc, start: int, end: int, hits: list[Hit], counts: Counter[tuple[str, ...]]
) -> list[str]:
    """The hashed-feature strings of tokens ``[start, end)`` (technique classification)."""
    v = token_view(doc)
    lower, lemma, pos, text = v.lower, v.lemma, v.pos, v.text
    toks = [i for i in range(start, end) if not v.is_space[i]]
    n = len(toks)
    f = ["bias", f"len={min(n, 8) if n < 8 else 8 + min(n // 8, 6)}"]
    for i in toks:
        f.append(f"in:l={lemma[i]}")
        f.append(f"in:p={pos[i]}")
    for a, b in itertools.pairwise(toks):
        f.append(f"in:b={lower[a]}|{lower[b]}")
    if toks:
        f.append(f"first={lower[toks[0]]}")
        f.append(f"last={lower[toks[-1]]}")
        f.append(f"sh={_shape_text(text[toks[0]])}")
        if all(text[i].isupper() for i in toks if text[i].isalpha()):
            f.append("allcaps")
    n_doc = len(lower)
    for k in range(1, 4):
        if start - k >= 0:
            f.append(f"ctx-{k}={lower[start - k]}")
            f.append(f"ctx-:l={lemma[start - k]}")
        if end + k - 1 < n_doc:
            f.append(f"ctx+{k}={lower[end + k - 1]}")
            f.append(f"ctx+:l={lemma[end + k - 1]}")
    s0, e0 = v.sents[int(v.sent_id[start])]
    cover = n / max(1, e0 - s0)
    f.append(f"cover={int(cover * 4)}")
    if start == s0:
        f.append("sent_start")
    if end >= e0 - 1:
        f.append("sent_end")
    sent_text = text[s0:e0]
    if any("!" in t for t in sent_text):
        f.append("s!")
    if any("?" in t for t in sent_text):
        f.append("s?")
    if start > 0 and text[start - 1] in _QUOTES:
        f.append("quoted")
    c = counts.get(tuple(lower[i] for i in toks), 0)
    f.append(f"rep={min(c, 4)}")
    for h in hits:
        if h.start < end and h.end > start:
            f.append(f"hit:{h.source}")
            if h.start >= start and h.end <= end:
                f.append(f"hitin:{h.source}")
    return f


def sentence_feature_strings(
    doc: Doc, start: int, end: int, hits: list[Hit], index: int = -1, count: int = 0
) -> list[str]:
    """The hashed-feature strings of one sentence, tokens ``[start, end)`` (sentence head);
    ``index`` is its number in the article (of ``count`` sentences; the first is the headline in
    PTC and in most ingested articles), which gives position features when known."""
    v = token_view(doc)
    lower, lemma, pos, text = v.lower, v.lemma, v.pos, v.text
    toks = [i for i in range(start, end) if not v.is_space[i]]
    words = [i for i in toks if not v.is_punct[i]]
    f = ["bias", f"slen={min(len(words) // 4, 12)}"]
    if index >= 0:
        f.append(f"sidx={min(index, 5)}")
        f.append(f"spos={int(5 * index / max(1, count))}")
    f.extend(f"sl={lemma[i]}" for i in toks)
    f.extend(f"sb={lower[a]}|{lower[b]}" for a, b in itertools.pairwise(words))
    f.extend(f"sp={pos[i]}" for i in toks)
    f.extend(f"hit:{h.source}" for h in hits if start <= h.start < end)
    sent_text = text[start:end]
    if any("?" in t for t in sent_text):
        f.append("q")
    if any("!" in t for t in sent_text):
        f.append("!")
    if any(c in _QUOTES for t in sent_text for c in t):
        f.append("quote")
    return f


CLAIM_SCALE = 4.0  # claim vectors are unit length (entries ~0.05): scaled to weigh like binary features
SENT_CLAIM_DIM = 2 * CLAIM_DIM + 2  # width of ``sentence_claim_features`` rows


def sentence_claim_features(
    doc: Doc, sents: list[tuple[int, int]], spans: np.ndarray | None, vectors: np.ndarray | None
) -> np.ndarray:
    """Per sentence (token range): the mean and the max of the vectors of the claims inside it
    (the pipeline's own ``Article.claim_vectors``; a claim belongs to the sentence holding its
    middle character), a no-claim flag and log(1 + number of claims). A sentence without claims,
    or an article without vectors, gets zeros and the flag. ``spans`` are the claims' character
    offsets (n x 2), ``vectors`` their rows (n x ``CLAIM_DIM``)."""
    out = np.zeros((len(sents), SENT_CLAIM_DIM), dtype=np.float32)
    out[:, -2] = 1.0
    if (
        not sents
        or spans is None
        or vectors is None
        or len(spans) == 0
        or np.ndim(vectors) != 2
        or vectors.shape[0] != len(spans)
        or vectors.shape[1] != CLAIM_DIM
    ):
        return out
    starts = np.array([doc[s].idx for s, _ in sents], dtype=np.int64)
    ends = np.array([doc[e - 1].idx + len(doc[e - 1]) for _, e in sents], dtype=np.int64)
    mid = (np.asarray(spans[:, 0], dtype=np.int64) + np.asarray(spans[:, 1], dtype=np.int64)) // 2
    k = np.searchsorted(starts, mid, side="right") - 1
    ok = (k >= 0) & (mid < ends[np.clip(k, 0, None)])
    vecs = np.asarray(vectors, dtype=np.float32) * CLAIM_SCALE
    for j in np.unique(k[ok]):
        rows = vecs[ok & (k == j)]
        out[j, :CLAIM_DIM] = rows.mean(axis=0)
        out[j, CLAIM_DIM : 2 * CLAIM_DIM] = rows.max(axis=0)
        out[j, -2] = 0.0
        out[j, -1] = np.log1p(len(rows))
    return out


def ngram_counts(doc: Doc) -> Counter[tuple[str, ...]]:
    """How often each lower-cased n-gram (1-4 words, as a tuple of words) occurs in the doc."""
    v = token_view(doc)
    words = [w for w, sp in zip(v.lower, v.is_space, strict=True) if not sp]
    counts: Counter[tuple[str, ...]] = Counter()
    for n in range(1, _MAX_NGRAM + 1):
        counts.update(zip(*(words[k:] for k in range(n)), strict=False))  # shorter tails end the zip
    return counts


def span_text_count(doc: Doc, start: int, end: int) -> str:
    return " ".join(t.lower_ for t in doc[start:end] if not t.is_space)


def dense(doc: Doc) -> np.ndarray:
    """spaCy's per-token tensor (float32, tokens x 96); zeros when the pipeline has none."""
    t = getattr(doc, "tensor", None)
    if t is None or getattr(t, "shape", (0,))[0] != len(doc) or t.shape[1] != DENSE_DIM:
        return np.zeros((len(doc), DENSE_DIM), dtype=np.float32)
    return np.asarray(t, dtype=np.float32)


_HASHERS: dict[int, Any] = {}


def hash_rows(rows: list[list[str]], bits: int) -> csr_matrix:
    """Feature strings -> a binary sparse matrix (MurmurHash3 via scikit-learn, no sign flip)."""
    from sklearn.feature_extraction import FeatureHasher

    hasher = _HASHERS.get(bits)
    if hasher is None:
        hasher = FeatureHasher(n_features=1 << bits, input_type="string", alternate_sign=False)
        _HASHERS[bits] = hasher
    X = hasher.transform(rows).tocsr()
    X.data[:] = 1.0
    return X


STACK_DIM = 17  # width of ``stack_features`` rows


def _logit(x: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(x, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)))


def _window_mean(p: np.ndarray, w: int) -> np.ndarray:
    c = np.concatenate([[0.0], np.cumsum(p)])
    i = np.arange(len(p))
    a = np.maximum(0, i - w)
    b = np.minimum(len(p), i + w + 1)
    return np.asarray((c[b] - c[a]) / (b - a))


def range_stats(proba: np.ndarray, ranges: list[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    """Per token range (non-empty, inside ``proba``): max, mean, share above 0.3 and above 0.5
    of ``proba``, and the length, computed for all ranges at once (no loop per sentence)."""
    k = len(ranges)
    if k == 0:
        return tuple(np.zeros(0) for _ in range(5))
    r = np.asarray(ranges, dtype=np.int64).reshape(-1, 2)
    s, e = r[:, 0], r[:, 1]
    lens = np.maximum(1, e - s)
    padded = np.append(np.asarray(proba, dtype=np.float64), 0.0)  # reduceat needs index < size
    top = np.maximum.reduceat(padded, r.ravel())[::2]
    c = np.concatenate([[0.0], np.cumsum(proba, dtype=np.float64)])
    c3 = np.concatenate([[0], np.cumsum(proba > 0.3)])
    c5 = np.concatenate([[0], np.cumsum(proba > 0.5)])
    return top, (c[e] - c[s]) / lens, (c3[e] - c3[s]) / lens, (c5[e] - c5[s]) / lens, (e - s).astype(np.float64)


def stack_features(
    doc: Doc, proba: np.ndarray, sents: list[tuple[int, int]], sprob: np.ndarray
) -> np.ndarray:
    """Dense rows (tokens x ``STACK_DIM``) for the second-stage tagger: what the first tagger and
    the sentence head said about the token, its neighbours, its sentence and its article."""
    n = len(proba)
    if n == 0:
        return np.zeros((0, STACK_DIM))
    v = token_view(doc)
    art_sent = float(sprob.mean()) if len(sprob) else 0.3
    sv, smax, smean, rel, slen, prev, nxt, first = (np.zeros(n) for _ in range(8))
    if sents:
        top, mean, _, _, length = range_stats(proba, sents)
        r = np.asarray(sents, dtype=np.int64).reshape(-1, 2)
        lens = r[:, 1] - r[:, 0]
        k_of = np.repeat(np.arange(len(sents)), lens)  # the sentence of each covered token
        pos = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens) + r[k_of, 0]
        q = np.asarray(sprob, dtype=np.float64)
        sv[pos] = q[k_of]
        smax[pos] = top[k_of]
        smean[pos] = mean[k_of]
        rel[pos] = (pos - r[k_of, 0]) / np.maximum(1, lens[k_of])
        slen[pos] = np.log1p(length[k_of])
        prev[pos] = np.concatenate([[art_sent], q[:-1]])[k_of]
        nxt[pos] = np.concatenate([q[1:], [art_sent]])[k_of]
        first[pos] = k_of == 0
    cols = [
        _logit(proba), _logit(_window_mean(proba, 1)), _logit(_window_mean(proba, 3)),
        _logit(_window_mean(proba, 7)), _logit(sv), _logit(smax), _logit(smean), rel, slen,
        _logit(prev), _logit(nxt), first, np.full(n, _logit(float(proba.mean()))),
        np.full(n, _logit(art_sent)), np.array(v.is_punct, dtype=np.float64),
        np.array(v.is_stop, dtype=np.float64), _quote_state(doc).astype(np.float64),
    ]
    return np.stack(cols, axis=1)


def token_states(
    doc: Doc, starts: Sequence[int], offsets: Sequence[np.ndarray], states: Sequence[np.ndarray], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's hidden states per spaCy token: for every claim (its character start in the
    doc, its subwords' ``[start, end)`` offsets inside the claim text and their states), each
    subword is given to the token its first character falls in, and a token's row is the mean
    of its subwords' states (over all claims that cover it; one sparse product). Returns (tokens
    x ``width`` float32, tokens that got at least one subword); tokens outside every claim, and
    claims whose states have another width, leave zeros."""
    from scipy import sparse

    n = len(doc)
    token_starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=n)
    index, rows = [], []
    for start, offs, block in zip(starts, offsets, states, strict=True):
        block = np.asarray(block)
        offs = np.asarray(offs).reshape(-1, 2)
        if n == 0 or len(offs) == 0 or block.ndim != 2 or block.shape != (len(offs), width):
            continue
        index.append(np.searchsorted(token_starts, offs[:, 0].astype(np.int64) + int(start), side="right") - 1)
        rows.append(block.astype(np.float32, copy=False))
    if not rows:
        return np.zeros((n, width), dtype=np.float32), np.zeros(n, dtype=bool)
    k = np.concatenate(index)
    ok = np.flatnonzero(k >= 0)
    count = np.bincount(k[ok], minlength=n).astype(np.float32)
    has = count > 0
    weight = 1.0 / count[k[ok]]
    A = sparse.csr_matrix((weight.astype(np.float32), (k[ok], ok)), shape=(n, len(k)))
    out = np.asarray(A @ np.concatenate(rows), dtype=np.float32)
    return out, has
