"""``admiralty validate``: check a JSON document or JSONL stream against ``admiralty/1``."""

from __future__ import annotations

import json
from typing import IO

import click

from ..errors import SchemaError
from ..export.json import validate, validate_line


@click.command("validate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def command(file: IO[str]) -> None:
    """Validate an admiralty/1 document (.json) or typed JSON Lines (.jsonl) against the schema.

    \b
    Example:
      admiralty analyze examples --format json -o out.json && admiralty validate out.json
    """
    name = getattr(file, "name", "-")
    if str(name).endswith((".jsonl", ".ndjson")):
        for n, line in enumerate(file, start=1):
            if line.strip():
                try:
                    validate_line(json.loads(line))
                except (json.JSONDecodeError, SchemaError) as exc:
                    raise SchemaError(f"{name} line {n}: {exc}") from exc
    else:
        try:
            validate(json.load(file))
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{name} is not JSON: {exc}") from exc
    click.echo(f"{name}: valid admiralty/1")
