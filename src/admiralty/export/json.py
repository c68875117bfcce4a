"""The canonical ``admiralty/1`` JSON document and its streaming twin, typed JSON Lines.

``write_document`` writes one document. ``JsonlWriter`` writes the header first, then one line per
record as it is produced (``article``, ``failure``, then ``source``, ``copy_group``, ``story``,
``claim_link``, ``grade``), so a million-article run never holds one giant document.
``validate`` checks a document (or a JSONL line) against the schema shipped in the package.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import IO, Any

from ..errors import SchemaError
from ..model import JSONL_TYPES, OFFSETS, SCHEMA, SCHEMA_REVISION, CorpusResult, Document, Run, to_json

SCHEMA_FILE = "schema/admiralty-1.schema.json"


def dumps(data: Any, *, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


def write_document(doc: Document, out: IO[str], *, indent: int | None = 1) -> None:
    out.write(dumps(doc.to_json(), indent=indent))
    out.write("\n")


class JsonlWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def header(self, run: Run) -> None:
        line = {"type": "header", "schema": SCHEMA, "schema_revision": SCHEMA_REVISION, "offsets": OFFSETS}
        line["run"] = to_json(run)
        self._line(line)

    def record(self, record: Any) -> None:
        kind = JSONL_TYPES[type(record)]
        self._line({"type": kind, **to_json(record)})

    def corpus(self, result: CorpusResult) -> None:
        for name in ("sources", "copies", "stories", "claim_links", "grades", "narrative_matches"):
            for record in getattr(result, name):
                self.record(record)

    def _line(self, data: dict[str, Any]) -> None:
        self.out.write(dumps(data))
        self.out.write("\n")
        self.out.flush()


@functools.cache
def schema() -> dict[str, Any]:
    text = resources.files("admiralty").joinpath(SCHEMA_FILE).read_text("utf-8")
    return dict(json.loads(text))


def validate(document: dict[str, Any]) -> None:
    """Raise ``SchemaError`` naming the first place where ``document`` breaks ``admiralty/1``."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(document)"
        raise SchemaError(f"not admiralty/1 at {where}: {first.message}")


def validate_line(line: dict[str, Any]) -> None:
    """Validate one typed JSONL line against the matching part of the schema."""
    import jsonschema

    defs = schema()["$defs"]
    kind = line.get("type")
    names = {"article": "article", "source": "source", "copy_group": "copy_group", "story": "story",
             "claim_link": "claim_link", "grade": "grade", "failure": "failure", "header": "header",
             "narrative_match": "narrative_match"}
    if kind not in names:
        raise SchemaError(f"unknown JSONL line type {kind!r}")
    body = {k: v for k, v in line.items() if k != "type"}
    sub = {"$defs": defs, **defs[names[kind]]}
    if kind == "header":
        body = line
    try:
        jsonschema.validate(body, sub, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as exc:
        raise SchemaError(f"JSONL {kind} line is not admiralty/1: {exc.message}") from exc
