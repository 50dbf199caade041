"""The content-addressed cache under build/cache/.

An artifact's name is the hash of exactly what it depends on (``artifact_key``), so
"is it up to date?" is "does the file exist?", edits invalidate precisely, and two
episodes that need the same voiced line share one file. Writers put files in place
atomically (temp + rename), so after a crash an entry is either whole or absent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microdrama.model.common import OMIT_DEFAULT

# Bump a stage's version when its output for the same inputs changes.
STAGE_VERSIONS = {"frame": 1, "card": 1, "voice": 1, "render": 1, "board": 1}


def _plain(value: Any) -> Any:
    """JSON-able form of models and dataclasses inside cache-key inputs."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: getattr(value, f.name)
            for f in dataclasses.fields(value)
            if not (f.metadata.get(OMIT_DEFAULT) and getattr(value, f.name) == f.default)
        }
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot hash {type(value).__name__} into a cache key")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)


def artifact_key(stage: str, inputs: Any) -> str:
    """sha256 of the stage, its version and its inputs (JSON-canonical)."""
    payload = canonical({"stage": stage, "version": STAGE_VERSIONS[stage], "inputs": inputs})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Cache:
    root: Path  # the project folder

    @property
    def folder(self) -> Path:
        return self.root / "build" / "cache"

    def path(self, stage: str, key: str, suffix: str) -> Path:
        """Where the artifact lives: build/cache/<stage>/<2 hex>/<key><suffix>."""
        return self.folder / stage / key[:2] / f"{key}{suffix}"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def remove_stale_temporaries(self, older_than_seconds: float = 0.0) -> int:
        """Delete temp files a killed build left behind (``.name.xxxx.tmp``)."""
        if not self.folder.exists():
            return 0
        removed = 0
        now = time.time()
        for temp in self.folder.rglob("*.tmp"):
            try:
                if now - temp.stat().st_mtime >= older_than_seconds:
                    temp.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a damaged record is no record
        return None


def write_json_atomic(path: Path, value: Any) -> None:
    from microdrama.project.atomic import write_text_atomic

    write_text_atomic(path, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))


def file_is_whole(path: Path) -> bool:
    """An artifact exists and is not empty (writers rename only finished files)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def disk_free_mb(path: Path) -> float:
    stats = os.statvfs(path if path.exists() else path.parent)
    return stats.f_bavail * stats.f_frsize / 1_048_576
