"""Attribution: who stands behind each statement — source, cue and content spans.

Extracted by rules over the spaCy parse (``attribution_rules``): reporting and stance verbs with
their subjects and complements, "according to X", hearsay adverbs ("reportedly"), nominal cues
("Trump's claim that …"), direct quotes found by ``attribution_quotes`` (straight and curly marks,
quotes over sentences and paragraphs, speaker before, after or inside, colon and dash lead-ins,
split quotes as several content spans). Word lists are data files in ``lexicons/``. A learned cue
tagger (``attribution_tagger``, trained on PolNeAR train) is asked about the verbs and nouns no
rule took ("slammed", "pushed for", "criticism of"); relaxed parse rules give their source and
content. Cues are marked as PolNeAR marks them ("has not yet said", "called for", "said:").

Then, in text order:

- one token belongs to one attribution: a candidate whose cue lies inside another's content is
  dropped, except that an outer source that is an outlet or "according to X" becomes the ``via``
  of the inner one ("according to Reuters, the minister said …");
- a direct quotation runs on over the following sentences and paragraphs that open with a quote
  mark and belong to no other attribution;
- every source gets its kind, evidence words and canonical name (``attribution_speakers``):
  pronouns and descriptions resolve to the named person where the text allows, anonymous and
  unnamed sources get article-scoped refs into the corpus ``sources`` block.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Attribution, ModelInfo, SourceMention, Span, ViaMention, record_id, source_id
from ..pipeline import replace, stage
from .attribution_quotes import Quote, find_quotes
from .attribution_rules import Candidate, Lexicon, candidates
from .attribution_speakers import Resolver, Speaker, SpeakerLexicon
from .attribution_tagger import Context, Tagger, table_features
from .deps import deps
from .tokens import token_view

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.tokens import Doc, Token

    from ..model import Article
    from ..resources import Resources

VERSION = "attribution.rules/5"
# Parts of speech a source's head never has (auxiliaries, particles, function words; not VERB,
# which the tagger gives "Trump" now and then), and contracted auxiliaries the tagger may call
# nouns ("would’ve" with a typographic apostrophe).
NOT_SPEAKERS = frozenset({"AUX", "PART", "ADP", "CCONJ", "SCONJ", "PUNCT", "SPACE", "SYM"})
CLITICS = frozenset({"'ve", "'d", "'ll", "'re", "'m", "'s", "n't"})
TAGGER_FILE = "attribution_tagger.npz"
QUOTE_MARKS = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
VIA_KINDS = frozenset({"outlet"})
# Rules whose content is a real complement, the only ones a stance verb is trusted with.
STANCE_RULES = frozenset({
    "verb.clause", "verb.that_clause", "verb.infinitive", "verb.object", "verb.for_clause",
    "verb.naming", "verb.preposition",
})


@dataclass(frozen=True)
class Settings:
    lexicon: Lexicon
    speakers: SpeakerLexicon
    max_quote_chars: int
    min_content_chars: int
    stance_needs_clause: bool
    tagger_threshold: float


def _settings(res: Resources) -> Settings:
    def build() -> Settings:
        cfg = res.config
        officials: dict[str, int] = {}
        for n, line in enumerate(res.lexicon("attribution_officials")):
            for word in line.split("|"):
                officials.setdefault(word.strip().lower(), n)
        pronouns = {}
        for line in res.lexicon("attribution_pronouns"):
            word, _, number = line.partition("\t")
            pronouns[word.strip().lower()] = number.strip() or "x"
        outlets = res.lexicon("attribution_outlets")
        return Settings(
            lexicon=Lexicon(
                speech=frozenset(w.lower() for w in res.lexicon("attribution_speech_verbs")),
                stance=frozenset(w.lower() for w in res.lexicon("attribution_stance_verbs")),
                nouns=frozenset(w.lower() for w in res.lexicon("attribution_nouns")),
                headline_words=int(cfg["attribution.headline_source_words"]),
            ),
            speakers=SpeakerLexicon(
                anonymous=frozenset(w.lower() for w in res.lexicon("attribution_anonymous")),
                officials=officials,
                documents=frozenset(w.lower() for w in res.lexicon("attribution_documents")),
                organisations=frozenset(w.lower() for w in res.lexicon("attribution_organisations")),
                outlet_nouns=frozenset(w for w in outlets if w.islower()),
                outlet_names=frozenset(
                    (w[4:] if w.startswith("The ") else w).lower() for w in outlets if not w.islower()
                ),
                pronouns=pronouns,
            ),
            max_quote_chars=int(cfg["attribution.max_quote_chars"]),
            min_content_chars=int(cfg["attribution.min_content_chars"]),
            stance_needs_clause=bool(cfg["attribution.stance_needs_clause"]),
            tagger_threshold=float(cfg["attribution.tagger_threshold"]),
        )

    return res.cached("attribution.settings", build)


def load_tagger(res: Resources) -> Tagger | None:
    """The learned cue tagger when ``[attribution] tagger`` is on (loaded once, named in the run
    block), else None."""
    if not bool(res.config["attribution.tagger"]):
        return None

    def build() -> Tagger:
        from ..resources import file_sha256

        path = res.model_file(TAGGER_FILE)
        res.register_model("attribution_tagger", ModelInfo("attribution_tagger", VERSION, file_sha256(path)))
        return Tagger.load(path)

    return res.cached("attribution.tagger", build)


@stage("attribution", VERSION, requires=("doc", "entities"), assigns=("attributions",))
def find_attributions(article: Article, doc: Doc | None, res: Resources) -> Article:
    """who says what: source (kind, ref), cue and content spans, intermediaries"""
    assert doc is not None
    return attribute(article, doc, _settings(res), load_tagger(res))


def attribute(article: Article, doc: Doc, settings: Settings, tagger: Tagger | None) -> Article:
    """The stage's work with its settings and tagger given (the training script calls this)."""
    text = article.text
    quotes = find_quotes(text, settings.max_quote_chars)
    learned = None
    if tagger is not None:
        ctx = tagger_context(article, quotes, settings.lexicon)
        threshold = settings.tagger_threshold
        model = tagger

        view, dp = token_view(doc), deps(doc)

        def learned(i: int) -> bool:
            return model.prob(table_features(view, dp, i, ctx)) >= threshold

    found = candidates(doc, text, quotes, settings.lexicon, settings.min_content_chars, learned)
    # A speaker is a nominal: "'ve" in "would've found" (a stray auxiliary the parser made a
    # subject) speaks for no one, and the cue it came with is no attribution either.
    found = [c for c in found if c.source_token is None or _nominal(doc[c.source_token])]
    if settings.stance_needs_clause:
        found = [c for c in found if c.speech or c.rule in STANCE_RULES or c.extra.get("learned")]
    kept = _univocal(found)
    _continue_quotes(kept, text, quotes)
    resolver = Resolver(doc, text, article.entities, settings.speakers)
    records: list[Attribution] = []
    for cand in sorted(kept, key=_order):
        records.append(_record(article, cand, resolver, len(records) + 1))
    return replace(article, attributions=tuple(records))


def _continue_quotes(kept: list[Candidate], text: str, quotes: Sequence[Quote]) -> None:
    """A speaker's quotation runs on in the paragraphs that follow and open with a quote mark,
    until some other text or another attribution intervenes ('"…," she said. ¶ "…" ¶ "…"')."""
    taken: list[tuple[int, int]] = []
    for c in kept:
        taken.extend([c.cue, *c.content, *([c.source] if c.source else [])])
    for cand in sorted(kept, key=lambda c: c.cue[0]):
        if cand.form not in ("direct", "mixed"):
            continue
        end = max(e for _, e in [cand.cue, *cand.content, *([cand.source] if cand.source else [])])
        # The rest of the attributing sentence ('… Clinton said on Thursday in New York.').
        stop = _sentence_end(text, end)
        if stop is None:
            continue
        end = stop
        while True:
            k = end
            while k < len(text) and text[k].isspace():
                k += 1
            nxt = next((q for q in quotes if q.start == k), None)
            if nxt is None or any(s < nxt.end and nxt.start < e for s, e in taken):
                break
            rest = text[nxt.end:nxt.end + 2]
            if rest[:1] not in ("", "\n", " ") or (rest[:1] == " " and rest[1:2] not in ("", "\n")):
                break  # '"…," she added': the next paragraph has its own speaker
            cand.content.append((nxt.start, nxt.end))
            taken.append((nxt.start, nxt.end))
            end = nxt.end


def _sentence_end(text: str, at: int) -> int | None:
    """Where the sentence holding ``at`` ends (after its full stop), if it ends on the same line
    without opening another quotation."""
    k = at
    while k < len(text) and text[k] not in ".!?\n" and text[k] not in QUOTE_MARKS:
        k += 1
    if k < len(text) and text[k] in QUOTE_MARKS:
        return None
    if k < len(text) and text[k] in ".!?":
        k += 1
    return k


def tagger_context(article: Article, quotes: Sequence[Quote], lex: Lexicon) -> Context:
    """What the tagger's features need to know about one article."""
    labels: dict[int, str] = {}
    for ent in article.entities:
        for i in range(ent.start, ent.end):
            labels[i] = ent.label
    return Context(labels, tuple((q.start, q.end) for q in quotes), lex.speech, lex.stance, lex.nouns)


def _nominal(token: Token) -> bool:
    return token.pos_ not in NOT_SPEAKERS and token.lower_.replace("\u2019", "'") not in CLITICS


def _order(c: Candidate) -> tuple[int, int]:
    starts = [c.cue[0], *(s for s, _ in c.content)]
    if c.source:
        starts.append(c.source[0])
    return min(starts), c.cue[0]


def _inside(point: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= point[0] and point[1] <= e for s, e in spans)


def _univocal(found: list[Candidate]) -> list[Candidate]:
    """One token, one attribution: drop candidates nested in another's content (an outer
    "according to" or outlet becomes the inner one's ``via``) and duplicates of one cue."""
    by_cue: dict[tuple[int, int], Candidate] = {}
    for cand in sorted(found, key=lambda c: (c.cue, c.rule)):
        by_cue.setdefault(cand.cue, cand)
    items = sorted(by_cue.values(), key=lambda c: (c.cue[0], c.rule))
    starts = [c.cue[0] for c in items]
    dropped: set[int] = set()
    for i, outer in enumerate(items):
        if i in dropped:
            continue
        # Only a candidate whose cue starts within the outer one's content or source can be
        # inside it: the others (skipped by the bisection, in the same order) change nothing.
        reach = [*outer.content, *([outer.source] if outer.source else [])]
        if not reach:
            continue
        first = bisect.bisect_left(starts, min(s for s, _ in reach))
        last = bisect.bisect_right(starts, max(e for _, e in reach))
        for j in range(first, last):
            inner = items[j]
            if i == j or j in dropped:
                continue
            if _inside(inner.cue, outer.content):
                if outer.rule == "according_to" and inner.source is not None and inner.rule != "according_to":
                    inner.via, inner.via_token = outer.source, outer.source_token
                    inner.extra["via_rule"] = "according_to"
                    dropped.add(i)
                    break
                elif outer.source is not None and inner.source is not None and _inside(inner.source, outer.content):
                    inner.nested_in = i
                    dropped.add(j)
                else:
                    dropped.add(j)
            elif outer.source and _inside(inner.cue, [outer.source]):
                dropped.add(j)
    return [c for k, c in enumerate(items) if k not in dropped]


def _record(article: Article, cand: Candidate, resolver: Resolver, n: int) -> Attribution:
    text = article.text
    source = None
    if cand.source is not None and cand.source_token is not None:
        speaker = resolver.resolve(cand.source_token, cand.source)
        s, e = cand.source
        source = SourceMention(s, e, text[s:e], speaker.kind, _ref(article, speaker), speaker.evidence)
    via = None
    if cand.via is not None and cand.via_token is not None:
        vs = resolver.kind_only(cand.via_token, cand.via)
        if vs.kind in VIA_KINDS or cand.extra.get("via_rule") == "according_to":
            s, e = cand.via
            via = ViaMention(s, e, text[s:e], vs.kind, _ref(article, vs))
    cue = Span(cand.cue[0], cand.cue[1], text[cand.cue[0]:cand.cue[1]])
    content = tuple(Span(s, e, text[s:e]) for s, e in sorted(cand.content))
    return Attribution(
        id=record_id(article.id, "a", n),
        form=cand.form,  # type: ignore[arg-type]
        by=VERSION,
        source=source,
        via=via,
        cue=cue,
        content=content,
    )


def _ref(article: Article, speaker: Speaker) -> str:
    return source_id(speaker.kind, speaker.name, article.id if speaker.scoped else None)
