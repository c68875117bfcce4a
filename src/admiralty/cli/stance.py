"""``admiralty stance``: claim-text pairs in, supports / contradicts / discusses / unrelated out."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..config import Config
from . import config_options


@click.command("stance")
@click.argument("pairs", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--method", type=click.Choice(["auto", "rules", "head"]), default="auto", show_default=True,
              help="auto: the learned head when it ships (it beat the rules on held-out pairs), else rules.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the JSONL results (default: stdout).")
@config_options
def command(pairs: Any, method: str, output: Any, config: Config) -> None:
    """Stance of each text towards its claim.

    PAIRS is JSONL (or - for stdin), one object per line with "id", "claim" and "text". Each output
    line has "id", "relation" (supports | contradicts | discusses | unrelated), "score" and
    "method".

    \b
    Example:
      echo '{"id": "1", "claim": "Sea levels are rising.", "text": "Sea levels rose 20 cm."}' \\
        | admiralty stance -
    """
    from ..corpus.stance import classify
    from ..resources import Resources

    items = []
    for n, line in enumerate(pairs, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise click.UsageError(f"line {n}: not JSON ({exc})") from exc
        if not isinstance(obj, dict) or "claim" not in obj or "text" not in obj:
            raise click.UsageError(f'line {n}: expected an object with "claim" and "text"')
        obj.setdefault("id", str(n))
        items.append(obj)
    results = classify(items, Resources(config), method=method)
    for r in results:
        output.write(json.dumps({"id": r.id, "relation": r.relation, "score": r.score, "method": r.method}) + "\n")
    if output is sys.stdout:
        output.flush()
