"""``admiralty serve``: the local web UI over a store."""

from __future__ import annotations

import click

from ..config import Config
from . import config_options, db_option


@click.command("serve")
@db_option()
@click.option("--host", default=None,
              help="Address to bind (default web.host, 127.0.0.1). The UI has no login and can record "
              "reviews: keep it on loopback unless something else controls who reaches the port.")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="TCP port (default web.port, 8765).")
@config_options
def command(db: str, host: str | None, port: int | None, config: Config) -> None:
    """Browse a store in your browser: articles, claims, sources, stories, full-text search, each
    page with a .json twin; confirm or override grades and links with a note.

    Binds to 127.0.0.1 by default, so only this machine can reach it: the UI has no login, shows
    everything in the store and writes reviews.

    \b
    Example:
      admiralty serve --db admiralty.db
      admiralty serve --db corpus.db --port 9000
    """
    import uvicorn

    from ..web import create_app
    from ..web.data import is_loopback

    host = host or str(config["web.host"])
    port = port or int(config["web.port"])
    allowed = ("127.0.0.1", "localhost", "[::1]") if is_loopback(host) else (host, "127.0.0.1", "localhost")
    app = create_app(db, config, allowed_hosts=allowed)
    if not is_loopback(host):
        click.secho(f"warning: serving on {host}, not loopback: anyone who reaches this port can read the "
                    "store and record reviews", fg="yellow", err=True)
    click.echo(f"admiralty UI on http://{host}:{port}/ (bound to {host}"
               f"{': this machine only' if is_loopback(host) else ''}; Ctrl-C stops it)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
