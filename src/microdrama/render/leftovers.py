"""Where a render keeps its unfinished work, and cleaning up what a killed render left there.

An output is made as ``.<name>.<pid>.partial<suffix>`` beside it, with scratch files in a
``microdrama-render-<pid>-*`` folder under the system temp folder. The pid in both names
says whose they are: once that process is gone, nobody will finish or delete them, so
the next build does.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

WORK_PREFIX = "microdrama-render-"
_PARTIAL = re.compile(r"^\..+\.(\d+)\.partial(\.[A-Za-z0-9]+)?$")
_WORK = re.compile(rf"^{WORK_PREFIX}(\d+)-")


def partial_path(out: Path) -> Path:
    """The hidden file this process makes ``out`` in before it is published."""
    return out.parent / f".{out.stem}.{os.getpid()}.partial{out.suffix or '.mp4'}"


def work_prefix() -> str:
    """The prefix of this process's scratch folders (for ``tempfile.TemporaryDirectory``)."""
    return f"{WORK_PREFIX}{os.getpid()}-"


def remove_leftovers(out_dir: Path) -> int:
    """Delete partial outputs in ``out_dir`` and scratch folders of renders whose process has ended."""
    removed = 0
    for path in _entries(out_dir):
        match = _PARTIAL.match(path.name)
        if match and path.is_file() and not _running(int(match.group(1))):
            removed += _remove(path)
    for path in _entries(Path(tempfile.gettempdir())):
        match = _WORK.match(path.name)
        if match and path.is_dir() and _owned(path) and not _running(int(match.group(1))):
            removed += _remove(path)
    return removed


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed worker is a zombie until whoever adopted it reaps it; it will never finish its render."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False  # no /proc (not Linux): trust kill(0)
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _owned(path: Path) -> bool:
    """Only our own scratch folders: the temp folder is shared with other users."""
    try:
        return path.lstat().st_uid == os.getuid()
    except OSError:
        return False


def _remove(path: Path) -> int:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return 0
    return 1
