"""HTML fragments (feed entry bodies, Telegram-style markup) to plain text.

Block elements (paragraphs, list items, headings, line breaks) become line breaks, everything
else its text; scripts and styles are dropped. For whole pages use ``html`` (trafilatura), which
also finds the main text among menus and footers; a feed entry's body has none of those.
"""

from __future__ import annotations

import re

_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                     "tr", "table", "section", "article", "header", "footer", "figure", "figcaption"})
_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object"})


def to_text(fragment: str) -> str:
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return fragment.strip()
    parts: list[str] = []

    def walk(el: object) -> None:
        tag = getattr(el, "tag", "")
        if not isinstance(tag, str):  # comments, processing instructions
            if getattr(el, "tail", None):
                parts.append(el.tail)  # type: ignore[attr-defined]
            return
        tag = tag.lower()
        if tag in _DROP:
            if el.tail:  # type: ignore[attr-defined]
                parts.append(el.tail)  # type: ignore[attr-defined]
            return
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCKS:
            parts.append("\n\n")
        if el.text:  # type: ignore[attr-defined]
            parts.append(el.text)  # type: ignore[attr-defined]
        for child in el:  # type: ignore[attr-defined]
            walk(child)
        if tag in _BLOCKS:
            parts.append("\n\n")
        if el.tail:  # type: ignore[attr-defined]
            parts.append(el.tail)  # type: ignore[attr-defined]

    walk(root)
    text = "".join(parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
