"""Named entities: spaCy's NER, completed and canonicalised with an alias table.

``lexicons/aliases.tsv`` maps spelling variants to one canonical name (Kiev/Kyiv -> Kyiv,
Zelenskyy/Vladimir Zelensky/Зеленський -> Volodymyr Zelensky, Bankova -> Office of the President
of Ukraine). Variants are matched as phrases even where the NER misses them. Inside one article a
bare surname ("Podoliak") takes the canonical name of the full name it shortens ("Mikhail
Podoliak"), so later stages can refer to one person by one name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Entity
from ..pipeline import replace, stage
from ..resources import LEXICON_DIR

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span

    from ..model import Article
    from ..resources import Resources

VERSION = "entities.spacy+aliases/1"
ALIAS_FILE = LEXICON_DIR / "aliases.tsv"
_LEADING = ("the ", "The ")


@dataclass(frozen=True, slots=True)
class AliasTable:
    canonical: dict[str, tuple[str, str]]  # variant -> (canonical, label)

    @classmethod
    def read(cls, path: Path = ALIAS_FILE) -> AliasTable:
        table: dict[str, tuple[str, str]] = {}
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if not row or row[0].startswith("#"):
                    continue
                canonical, label, variants = row[0].strip(), row[1].strip(), row[2]
                for variant in [canonical, *variants.split("|")]:
                    if variant.strip():
                        table[variant.strip()] = (canonical, label)
        return cls(table)

    def lookup(self, text: str) -> tuple[str, str] | None:
        text = _normalise(text)
        return self.canonical.get(text)


def _normalise(text: str) -> str:
    text = " ".join(text.split())
    for lead in _LEADING:
        if text.startswith(lead) and text[len(lead):] and text[len(lead)].isupper():
            text = text[len(lead):]
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    return text


def _aliases(res: Resources) -> tuple[AliasTable, PhraseMatcher]:
    def build() -> tuple[AliasTable, PhraseMatcher]:
        from spacy.matcher import PhraseMatcher

        table = AliasTable.read()
        matcher = PhraseMatcher(res.nlp.vocab, attr="ORTH")
        patterns = list(res.nlp.tokenizer.pipe(sorted(table.canonical)))
        matcher.add("ALIAS", patterns)
        return table, matcher

    return res.cached("aliases", build)  # type: ignore[no-any-return]


def alias_table(res: Resources) -> AliasTable:
    return _aliases(res)[0]


@stage("entities", VERSION, requires=("doc",), assigns=("entities",))
def find_entities(article: Article, doc: Doc | None, res: Resources) -> Article:
    """named entities from spaCy NER plus the alias table, with canonical names"""
    assert doc is not None
    from spacy.util import filter_spans

    table, matcher = _aliases(res)
    labels = set(res.config["entities.labels"])
    spans: list[Span] = [e for e in doc.ents if e.label_ in labels]
    for _, start, end in matcher(doc):
        span = doc[start:end]
        found = table.lookup(span.text)
        if found is not None:
            spans.append(doc.char_span(span.start_char, span.end_char, label=found[1]) or span)
    spans = sorted(filter_spans(spans), key=lambda s: s.start_char)

    full_names: dict[str, str] = {}  # surname -> canonical full name seen earlier in the text
    entities = []
    for span in spans:
        start, end = span.start_char, span.end_char
        text = article.text[start:end]
        # Drop a leading "the" and a trailing possessive from the span itself.
        for lead in _LEADING:
            if text.startswith(lead) and len(text) > len(lead):
                start, text = start + len(lead), text[len(lead):]
        if text.endswith(("'s", "’s")) and len(text) > 2:
            end, text = end - 2, text[:-2]
        label = span.label_
        found = table.lookup(text)
        if found is not None:
            canonical, label = found[0], found[1] if label not in labels else label
        elif label == "PERSON" and " " not in text and text in full_names:
            canonical = full_names[text]
        else:
            canonical = _normalise(text)
        if label == "PERSON" and " " in canonical:
            full_names.setdefault(canonical.split()[-1], canonical)
            full_names.setdefault(text.split()[-1], canonical)
        entities.append(Entity(start, end, text, label, canonical))
    return replace(article, entities=tuple(entities))
