"""The command line: thin commands over the library API.

Exit codes: 0 success, 1 some inputs failed (or an error stopped the command), 2 usage error.
Errors print as one line on stderr, never a traceback (``--debug`` shows it). Progress bars go to
stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..config import RULES_ONLY, Config
from ..errors import AdmiraltyError

# Commands living in their own modules (each exposes a click command named `command`).
COMMAND_MODULES = (
    "admiralty.cli.analyze",
    "admiralty.cli.show",
    "admiralty.cli.pipeline",
    "admiralty.cli.search",
    "admiralty.cli.validate",
    "admiralty.cli.review",
    "admiralty.cli.sources",
    "admiralty.cli.serve",
    "admiralty.cli.export",
    "admiralty.cli.stance",
    "admiralty.cli.narratives",
    "admiralty.cli.models",
)


class Group(click.Group):
    """Turns admiralty's own errors into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdmiraltyError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: still one line, the traceback on request
            if ctx.obj and ctx.obj.get("debug"):
                raise
            message = " ".join(str(exc).split())[:300]
            click.secho(f"error: {type(exc).__name__}: {message} (an admiralty bug: run with --debug "
                        "for the traceback and report it)", fg="red", err=True)
            ctx.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="admiralty")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Read news like an analyst: who says what, how hedged, confirmed by whom, graded on the
    NATO Admiralty scale (source reliability A-F, information credibility 1-6).

    \b
    Example:
      admiralty analyze examples/ --db admiralty.db --report report.html
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--set section.key=value``, resolved into ``config``."""

    @click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                  help="A TOML file overriding the default settings.")
    @click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
                  help="Override one setting (repeatable), e.g. --set pipeline.batch_size=64.")
    @click.option("--rules-only", is_flag=True,
                  help="No sentence encoder or technique heads: word-hashing claim vectors, the "
                       "check-worthiness head's word features, technique word lists. Faster; claim "
                       "matching is then blind to paraphrase.")
    @functools.wraps(func)
    def wrapper(*args: Any, config_file: str | None, overrides: tuple[str, ...], rules_only: bool,
                **kwargs: Any) -> Any:
        try:
            config = Config.load(config_file, (*RULES_ONLY, *overrides) if rules_only else overrides)
        except AdmiraltyError as exc:
            raise click.UsageError(str(exc)) from exc
        return func(*args, config=config, **kwargs)

    return wrapper


def db_option(required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--db", type=click.Path(dir_okay=False), required=required, envvar="ADMIRALTY_DB",
        help="The SQLite store (also $ADMIRALTY_DB).",
    )


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


for _name in COMMAND_MODULES:
    main.add_command(importlib.import_module(_name).command)
