"""Settings: packaged defaults, then a config file, then the environment, then ``--set``.

Every threshold a stage uses lives in ``default_config.toml`` beside this module, with a comment
saying what it does. Stage code reads ``config["section.key"]`` and never hard-codes a number.

* A file (``--config FILE.toml``) overrides any subset of the defaults.
* An environment variable ``ADMIRALTY_<SECTION>__<KEY>`` (e.g. ``ADMIRALTY_INGEST__MAX_BYTES``)
  overrides one key.
* ``--set section.key=value`` overrides one key last. Values are read as TOML (``1``, ``0.5``,
  ``true``, ``"text"``, ``["a", "b"]``); anything that is not valid TOML is taken as a string.

Unknown keys and values of the wrong type are rejected with a message that names the key, so a
typo never silently does nothing. The resolved config and its digest are stored with each run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

ENV_PREFIX = "ADMIRALTY_"

# What ``--rules-only`` means: beyond the spaCy parse, no neural model. Claim vectors are hashed
# word n-grams (no sentence encoder), check-worthiness comes from the head's word features alone,
# techniques from word lists and repetition. DESIGN.md's speed budget asks >= 0.8x bare spaCy of this mode.
RULES_ONLY = (
    "models.embedder_runtime=hashing",
    "checkworthiness.head=lexical",
    "techniques.mode=lexicon",
)


def _defaults() -> dict[str, Any]:
    text = resources.files("admiralty").joinpath("default_config.toml").read_text("utf-8")
    return tomllib.loads(text)


class Config(Mapping[str, Any]):
    """Resolved, read-only settings addressed as ``"section.key"``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @classmethod
    def load(
        cls,
        file: str | Path | None = None,
        overrides: Iterable[str] = (),
        environ: Mapping[str, str] | None = None,
    ) -> Config:
        data = _defaults()
        if file is not None:
            try:
                user = tomllib.loads(Path(file).read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config file {file}: {exc}") from exc
            for section, values in user.items():
                if not isinstance(values, dict):
                    raise ConfigError(f"{file}: top-level key {section!r} must be a [section]")
                for key, value in values.items():
                    _assign(data, f"{section}.{key}", value, origin=str(file))
        env = os.environ if environ is None else environ
        for name in sorted(env):
            if name.startswith(ENV_PREFIX) and "__" in name[len(ENV_PREFIX) :]:
                section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
                _assign(data, f"{section}.{key}", _parse_value(env[name]), origin=name)
        for item in overrides:
            dotted, sep, raw = item.partition("=")
            if not sep:
                raise ConfigError(f"--set expects section.key=value, got {item!r}")
            _assign(data, dotted.strip(), _parse_value(raw.strip()), origin="--set")
        return cls(data)

    @classmethod
    def default(cls) -> Config:
        return cls.load(environ={})

    def __getitem__(self, dotted: str) -> Any:
        section, _, key = dotted.partition(".")
        try:
            return self._data[section][key] if key else self._data[section]
        except KeyError:
            raise KeyError(f"no setting {dotted!r} in default_config.toml") from None

    def __iter__(self) -> Any:
        for section, values in self._data.items():
            for key in values:
                yield f"{section}.{key}"

    def __len__(self) -> int:
        return sum(len(v) for v in self._data.values())

    def section(self, name: str) -> dict[str, Any]:
        return copy.deepcopy(self._data[name])

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)

    def with_overrides(self, overrides: Iterable[str]) -> Config:
        data = copy.deepcopy(self._data)
        for item in overrides:
            dotted, _, raw = item.partition("=")
            _assign(data, dotted.strip(), _parse_value(raw.strip()), origin="override")
        return Config(data)

    @property
    def digest(self) -> str:
        blob = json.dumps(self._data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.blake2b(blob, digest_size=8).hexdigest()


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _assign(data: dict[str, Any], dotted: str, value: Any, *, origin: str) -> None:
    section, _, key = dotted.partition(".")
    if section not in data:
        known = ", ".join(sorted(data))
        raise ConfigError(f"{origin}: unknown config section {section!r} (known: {known})")
    if key not in data[section]:
        known = ", ".join(sorted(data[section]))
        raise ConfigError(f"{origin}: unknown setting {dotted!r} (known in [{section}]: {known})")
    old = data[section][key]
    if isinstance(old, bool) != isinstance(value, bool) or (
        not isinstance(old, bool) and isinstance(old, (int, float)) and not isinstance(value, (int, float))
    ):
        raise ConfigError(
            f"{origin}: {dotted} must be {type(old).__name__} like the default {old!r}, got {value!r}"
        )
    if isinstance(old, float) and isinstance(value, int):
        value = float(value)
    data[section][key] = value
