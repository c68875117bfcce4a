"""Shared fixtures.

``shared_data`` is the datasets folder ``../shared/data`` (or ``$ADMIRALTY_DATA``). Tests that need
it skip when it is absent, unless ``ADMIRALTY_REQUIRE_DATA=1`` (set by ``.ci/run``), where a
missing dataset fails the test instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from admiralty.config import Config
from admiralty.resources import Resources

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "samples" / "seeds"


def _data_dir() -> Path:
    return Path(os.environ.get("ADMIRALTY_DATA") or ROOT.parent / "shared" / "data")


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise skip, or fail under ADMIRALTY_REQUIRE_DATA=1."""
    if path.exists():
        return path
    message = f"dataset not found: {path}"
    if os.environ.get("ADMIRALTY_REQUIRE_DATA") == "1":
        pytest.fail(message + " (ADMIRALTY_REQUIRE_DATA=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require(_data_dir())


@pytest.fixture(scope="session")
def seeds() -> Path:
    return require(SEEDS)


@pytest.fixture(scope="session")
def resources() -> Resources:
    """One loaded set of models for the whole test session (spaCy loads once)."""
    return Resources(Config.default())


@pytest.fixture(scope="session")
def nlp(resources: Resources):  # type: ignore[no-untyped-def]
    return resources.nlp
