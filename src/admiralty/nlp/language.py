"""Language identification with lingua, restricted to a configured handful of languages.

A fast path first: when at least ``english_word_share`` of the sample's words (and at least
``english_min_words`` of them) are common English function words (``lexicons/language_english_words.txt``),
the text is English and lingua is not asked. English news reaches 0.22-0.6 on that measure
(0.26 at the 1st percentile of 880 FakeNewsNet and PTC articles); German, French, Spanish,
Italian or Polish prose stays near 0.1 (they share only "a" or "in"), and Cyrillic text at 0.
Everything below the threshold goes to lingua as before.

Articles in a language admiralty does not analyse are kept, with ``status: skipped`` and
``skip_reason: "unsupported_language:<code>"``; an article with no text is skipped as ``empty``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "language.lingua+words/2"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _detector(res: Resources) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    def build() -> Any:
        codes = [getattr(IsoCode639_1, c.upper()) for c in res.config["language.candidates"]]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()

    return res.cached("lingua", build)


def english_share(sample: str, res: Resources) -> tuple[float, int]:
    """(share of the words that are common English function words, number of words)."""
    common = res.cached("language:english", lambda: frozenset(res.lexicon("language_english_words")))
    words = _WORD.findall(sample.lower())
    return (sum(w in common for w in words) / len(words) if words else 0.0), len(words)


def detect(text: str, res: Resources) -> str | None:
    """ISO 639-1 code of the text's language, or None when lingua cannot tell."""
    sample = text[: int(res.config["language.sample_chars"])]
    share, words = english_share(sample, res)
    cfg = res.config
    if words >= int(cfg["language.english_min_words"]) and share >= float(cfg["language.english_word_share"]):
        return "en"
    found = _detector(res).detect_language_of(sample)
    return None if found is None else found.iso_code_639_1.name.lower()


@stage("language", VERSION, requires=("text",), assigns=("language",))
def detect_language(article: Article, doc: Doc | None, res: Resources) -> Article:
    """the article's language (lingua); skips empty and non-English articles"""
    if not article.text.strip():
        return replace(article, status="skipped", skip_reason="empty")
    language = article.language or detect(article.text, res)
    if language not in res.config["language.analysed"]:
        return replace(
            article, language=language, status="skipped",
            skip_reason=f"unsupported_language:{language or 'unknown'}",
        )
    return replace(article, language=language)
