"""news-please and trafilatura JSON records, mapped onto admiralty's fields.

Both tools write one JSON object per article (news-please: a ``.json`` file per article;
trafilatura: ``--json`` output, one object per line). Most of their field names are already
synonyms in ``meta.SYNONYMS``; this module adds what is particular to them:

* news-please: ``maintext`` may be null when only the ``description`` was found (then the
  description is the text); the title may be only in ``title_page`` or ``title_rss``;
  ``date_publish`` / ``date_modify`` / ``date_download`` in that order of preference;
  ``source_domain`` is the outlet, ``authors`` a list;
* trafilatura: ``raw_text`` / ``text``, ``sitename`` or ``hostname``, ``source`` (the URL) and
  ``date``.

``normalise`` returns a record ``jsonl`` reads like any other; other records pass unchanged.
"""

from __future__ import annotations

from typing import Any

_NEWSPLEASE_KEYS = frozenset({"maintext", "date_publish", "source_domain", "title_page", "title_rss"})
_TRAFILATURA_KEYS = frozenset({"raw_text", "hostname", "sitename", "fingerprint", "source-hostname"})


def kind(obj: dict[str, Any]) -> str | None:
    keys = set(obj)
    if len(keys & _NEWSPLEASE_KEYS) >= 2:
        return "news-please"
    if len(keys & _TRAFILATURA_KEYS) >= 2:
        return "trafilatura"
    return None


def normalise(obj: dict[str, Any]) -> dict[str, Any]:
    found = kind(obj)
    if found is None:
        return obj
    out = dict(obj)
    if found == "news-please":
        if not isinstance(out.get("maintext"), str) or not out["maintext"].strip():
            out["maintext"] = out.get("description") if isinstance(out.get("description"), str) else None
        out["title"] = out.get("title") or out.get("title_page") or out.get("title_rss")
        out["date_publish"] = out.get("date_publish") or out.get("date_modify") or out.get("date_download")
    else:
        if not isinstance(out.get("text"), str) or not out["text"].strip():
            out["text"] = out.get("raw_text")
        out["outlet"] = out.get("sitename") or out.get("hostname") or out.get("source-hostname")
        if isinstance(out.get("source"), str) and "//" in out["source"] and not out.get("url"):
            out["url"] = out["source"]
            out.pop("source")
    return out
