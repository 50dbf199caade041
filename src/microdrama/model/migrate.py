"""Bring project files written by older versions up to the current schema.

Each step rewrites the plain data of one version into the next; loading runs
the steps in order, so a file from any older version still opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microdrama.model.version import SCHEMA_VERSION

Data = dict[str, Any]


def _unchanged(data: Data) -> Data:
    """The step only added optional fields, so the older data is valid as is.

    Version 2 added looks and voices; version 3 added ``written_by`` (AI provenance).
    """
    return data


# (kind, from_version) -> step; kinds: "bible", "episode".
MIGRATIONS: dict[tuple[str, int], Callable[[Data], Data]] = {
    ("bible", 1): _unchanged,
    ("episode", 1): _unchanged,
    ("bible", 2): _unchanged,
    ("episode", 2): _unchanged,
}


class SchemaVersionError(ValueError):
    pass


def migrate(data: Data, kind: str) -> Data:
    """Return ``data`` at SCHEMA_VERSION; raise SchemaVersionError if it cannot be."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise SchemaVersionError(f"schema_version must be a positive whole number, not {version!r}")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"schema_version {version} was written by a newer microdrama (this one reads up to "
            f"{SCHEMA_VERSION}); upgrade microdrama"
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get((kind, version))
        if step is None:
            raise SchemaVersionError(f"no migration for {kind} files from schema_version {version}")
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data
