"""Language identification with lingua, restricted to a configured handful of languages.

Articles in a language admiralty does not analyse are kept, with ``status: skipped`` and
``skip_reason: "unsupported_language:<code>"``; an article with no text is skipped as ``empty``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "language.lingua/1"


def _detector(res: Resources) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    def build() -> Any:
        codes = [getattr(IsoCode639_1, c.upper()) for c in res.config["language.candidates"]]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    return res.cached("lingua", build)


def detect(text: str, res: Resources) -> str | None:
    """ISO 639-1 code of the text's language, or None when lingua cannot tell."""
    sample = text[: int(res.config["language.sample_chars"])]
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
