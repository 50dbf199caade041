"""Child processes that end with the process that started them.

A process killed with SIGKILL cannot clean up after itself: its workers and their ffmpeg
would run on, holding memory, and a late worker would still publish what it made. On
Linux the kernel does the cleanup instead: prctl(PR_SET_PDEATHSIG) asks it to send
SIGKILL to a process as soon as its parent (strictly, the parent's thread that started
it) ends. Elsewhere these calls only check that the parent is still there.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


# Resolved once at import, so a freshly forked child only makes the call (no library loading there).
_prctl = _load_prctl()


def die_with_parent(parent: int) -> None:
    """In a child: be killed when ``parent`` ends; end now if it already has (it died before we asked)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def dies_with_this_process() -> Callable[[], None]:
    """A ``preexec_fn`` for subprocess: the child (ffmpeg) is killed when this process ends."""
    return functools.partial(die_with_parent, os.getpid())
