"""A spaCy component that starts a new sentence after every line break.

News text puts headlines, bylines, datelines and paragraphs on lines of their own, without
final punctuation; spaCy's parser would otherwise run a headline into the first sentence.
Sentence starts set before the parser are kept by it, so this only adds boundaries.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "admiralty_line_breaks"


@Language.component(NAME, assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if "\n" in token.text_with_ws and (token.is_space or token.whitespace_ == "" or "\n" in token.whitespace_):
            nxt = doc[token.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc
