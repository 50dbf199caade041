"""Exclusive file locks between processes: the one flock helper the build, the studio, adapt's
change and the model cache share.

An flock is released by the kernel when its holder dies, however it dies, so no lock is ever
left behind by a killed process. The lock file is created beside what it guards (or a folder
is locked itself) and stays; it holds nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path


class LockBusy(Exception):
    """Raised by ``exclusive_lock(..., wait=False)`` when another process holds the lock."""


@contextlib.contextmanager
def exclusive_lock(path: Path, cannot: Callable[[OSError], Exception], *, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a lock file, created if missing, or a folder).

    ``cannot`` turns an OSError from opening it (permissions, a read-only disk) into the caller's
    error, so the message can say what was being done. Without ``wait``, a lock held elsewhere
    raises LockBusy at once instead of waiting for it.
    """
    flags = os.O_RDONLY | os.O_DIRECTORY if path.is_dir() else os.O_CREAT | os.O_RDWR
    try:
        handle = os.open(path, flags, 0o644)
    except OSError as error:
        raise cannot(error) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(str(path)) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock
