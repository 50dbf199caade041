"""Atomic file writes: a reader sees the old file or the new one, never half of one.

New files and folders get the permissions the user's umask gives, as any tool's would
(tempfile makes them private whatever the umask, so it is not used here).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from microdrama.errors import MicrodramaError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = new_temp_file(path)
    except OSError as error:
        raise MicrodramaError(
            f"cannot write in {path.parent}: {error.strerror}; check permissions and free space"
        ) from error
    try:
        kept = _mode_of(path)
        if kept is not None:  # a file being replaced keeps the mode a person may have given it
            os.fchmod(handle, kept)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise MicrodramaError(f"cannot write {path}: {error.strerror}; check permissions and free space") from error


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder in ``parent``, with the mode the umask gives (mkdtemp's is 0700)."""
    return Path(_unique(parent, prefix, "", lambda name: os.mkdir(name, 0o777)))


def new_temp_file(path: Path) -> tuple[int, str]:
    """An open, new, uniquely named file beside ``path``, with the mode the umask gives (mkstemp's is 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    handles: list[int] = []
    name = _unique(path.parent, f".{path.name}.", ".tmp", lambda name: handles.append(os.open(name, flags, 0o666)))
    return handles[0], name


def _unique(parent: Path, prefix: str, suffix: str, create: Callable[[str], object]) -> str:
    for _ in range(100):
        name = str(parent / f"{prefix}{secrets.token_hex(6)}{suffix}")
        try:
            create(name)
        except FileExistsError:
            continue
        return name
    raise FileExistsError(f"no free temporary name in {parent}")


def _mode_of(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None
