"""One build at a time per project: a second one is refused, not interleaved."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from microdrama.errors import MicrodramaError, UsageError


@contextlib.contextmanager
def build_lock(build_dir: Path, busy: str = "another build of this project is running") -> Iterator[None]:
    """Held for the whole of a build (or of anything a build must not run beside); `busy` says
    what cannot happen when another process holds it."""
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(build_dir / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as error:
        raise MicrodramaError(
            f"cannot write in {build_dir}: {error.strerror}; check permissions and free space"
        ) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise UsageError(f"{busy} (lock {build_dir / '.lock'}); wait for it") from error
        yield
    finally:
        os.close(handle)  # closing releases the lock, also when the process is killed
