"""``admiralty models``: the models a run uses, and the one-time build of the ONNX encoder."""

from __future__ import annotations

import click

from ..config import Config
from ..pipeline import Pipeline
from ..resources import Resources
from . import config_options


@click.command("models")
@click.option("--build", is_flag=True,
              help="Only build the ONNX encoder from the packaged weights if it is missing "
                   "(`make` does this at install), then exit.")
@config_options
def command(build: bool, config: Config) -> None:
    """Load every model the pipeline uses and print its name, version and SHA-256 (the same
    list a run records in its ``run.models`` block). Nothing is downloaded: the encoder is built
    offline from the installed weights the first time.

    \b
    Examples:
      admiralty models
      admiralty models --build
    """
    res = Resources(config)
    if build:
        res.embedder  # noqa: B018 - builds the ONNX graph when it is missing
        click.echo(f"encoder ready: {res.onnx_path()}")
        return
    Pipeline(res).warm_up()
    for info in res.models:
        click.echo(f"{info.name:<36} {info.version:<12} {info.sha256[:16]}")

