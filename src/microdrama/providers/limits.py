"""Per-provider limits that hold across build worker processes.

Concurrency: N lock files per provider; a call holds one with flock, which the kernel
releases if the process dies, so a crash never leaks a slot. Requests per minute: the
ledger's start times over the last 60 s, checked in the same transaction that records
the new call (see Gateway._start_attempt).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.05


@contextmanager
def concurrency_slot(folder: Path, provider: str, slots: int) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        for index in range(slots):
            handle = os.open(folder / f"{provider}.{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            try:
                yield
                return
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                os.close(handle)
        time.sleep(POLL_SECONDS)


def rate_wait(starts: list[float], per_minute: int, now: float) -> float:
    """Seconds to wait before one more request fits in a sliding 60 s window (0 = go now)."""
    if per_minute <= 0:
        return 0.0
    window = [start for start in starts if start > now - 60.0]
    if len(window) < per_minute:
        return 0.0
    return window[len(window) - per_minute] + 60.0 - now
