"""The one exception tree of admiralty.

Expected outcomes (an empty article, a language we do not analyse, an input already in the store)
are *data*, not exceptions: they become ``status: skipped`` articles or are silently deduplicated.
Exceptions are for what went wrong, and each message says what to do next::

    AdmiraltyError
    ├── ConfigError        a setting is unknown or has the wrong type
    ├── InputError         one input could not be read (binary, undecodable, too large, bad JSON)
    ├── ModelError         a model package or file is missing or unusable
    ├── PipelineError      the stages cannot run in the declared order
    ├── StageError         a stage failed on one article (the runner records it and goes on)
    ├── StoreError         the SQLite store is unusable (wrong schema version, locked, corrupt)
    └── SchemaError        a JSON document is not ``admiralty/1``
"""

from __future__ import annotations


class AdmiraltyError(Exception):
    """Base of every error admiralty raises on purpose."""


class ConfigError(AdmiraltyError):
    pass


class InputError(AdmiraltyError):
    def __init__(self, locator: str, reason: str) -> None:
        super().__init__(f"{locator}: {reason}")
        self.locator = locator
        self.reason = reason


class ModelError(AdmiraltyError):
    pass


class PipelineError(AdmiraltyError):
    pass


class StageError(AdmiraltyError):
    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"stage {stage}: {reason}")
        self.stage = stage
        self.reason = reason


class StoreError(AdmiraltyError):
    pass


class SchemaError(AdmiraltyError):
    pass
