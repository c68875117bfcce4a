"""The local web UI (``admiralty serve``): FastAPI, server-rendered Jinja templates, vendored
static files, no build step, works offline. See ``web.app`` for the pages and the security rules."""

from __future__ import annotations

from .app import create_app, error_body

__all__ = ["create_app", "error_body"]
