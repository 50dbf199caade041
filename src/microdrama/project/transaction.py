"""Several project files replaced as one change: a reader finds them all old or all new.

adapt writes bible.yaml, every episodes/NNN.yaml, the settings and its record of what it
wrote; a new bible beside old episodes would pass validation and break the next adapt.
So the new files are staged in a hidden folder of the project (the same filesystem, so
moving them in is a rename), then a journal is written: the commit point. Before it, an
interrupted change is simply discarded; after it, the files are moved in, each old one
first moved aside into the same folder. Every step can be redone from what is on disk, so
the next command that opens the project finishes a change a crash or `kill -9` cut short
(forward), or undoes one whose moving-in failed (back). See docs/decisions/023.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from microdrama.errors import MicrodramaError, ProjectError
from microdrama.project.atomic import write_text_atomic
from microdrama.project.filelock import exclusive_lock

CHANGE_FOLDER = ".unfinished-change"
JOURNAL = "journal.json"


@dataclass
class Change:
    """The files one change writes and removes, named relative to the project."""

    root: Path
    writes: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.root / CHANGE_FOLDER

    def path(self, relative: str) -> Path:
        """Where to write the new version of ``relative``. It starts as a copy of the current
        file, so a writer that merges into the file on disk keeps its comments."""
        staged = self.folder / "new" / _checked(relative)
        if relative not in self.writes:
            self.writes.append(relative)
            staged.parent.mkdir(parents=True, exist_ok=True)
            current = self.root / relative
            if current.is_file():
                shutil.copy2(current, staged)
        return staged

    def remove(self, relative: str) -> None:
        self.removals.append(str(_checked(relative)))


@contextlib.contextmanager
def project_change(root: Path) -> Iterator[Change]:
    """Stage files in the block; when it ends without an error, swap them all in at once."""
    with _locked(root):
        _finish(root)
        change = Change(root)
        try:
            change.folder.mkdir()
            yield change
            journal: dict[str, object] = {
                "direction": "forward",
                "write": change.writes,
                "remove": change.removals,
                "existed": [name for name in change.writes + change.removals if (root / name).exists()],
            }
            _sync_tree(change.folder)
            write_text_atomic(change.folder / JOURNAL, json.dumps(journal, indent=1))
            _sync(change.folder)
        except OSError as error:
            shutil.rmtree(change.folder, ignore_errors=True)
            raise ProjectError(
                _cannot("write the new files in", root, error) + "; check permissions and free space"
            ) from error
        except BaseException:
            shutil.rmtree(change.folder, ignore_errors=True)
            raise
        _apply(root, journal)


def finish_interrupted_change(root: Path) -> None:
    """Complete (or undo) a change an earlier process left; nothing to do almost always."""
    if (root / CHANGE_FOLDER).exists():
        with _locked(root):
            _finish(root)


def _apply(root: Path, journal: dict[str, object]) -> None:
    """Move the staged files in; if that fails, put the old ones back before reporting it."""
    try:
        _forward(root, journal)
    except OSError as error:
        try:
            write_text_atomic(root / CHANGE_FOLDER / JOURNAL, json.dumps({**journal, "direction": "back"}))
            _back(root, journal)
        except (OSError, MicrodramaError):
            raise ProjectError(
                _cannot("write the files of", root, error)
                + "; the change is half done: fix that, then any microdrama command on the project finishes it"
            ) from error
        shutil.rmtree(root / CHANGE_FOLDER, ignore_errors=True)
        raise ProjectError(
            _cannot("write the files of", root, error) + "; nothing was changed; check permissions and free space"
        ) from error
    _close(root, journal)


def _finish(root: Path) -> None:
    """Under the lock: discard a change that never reached its journal, redo one that did."""
    folder = root / CHANGE_FOLDER
    if not folder.exists():
        return
    try:
        text = (folder / JOURNAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        shutil.rmtree(folder)  # never committed: the project's own files were not touched
        return
    try:
        journal = json.loads(text)
        forward = journal["direction"] == "forward"
        (_forward if forward else _back)(root, journal)
    except OSError as error:
        raise ProjectError(
            _cannot("finish an interrupted change to", root, error) + "; fix that and run the command again"
        ) from error
    except (ValueError, KeyError, TypeError) as error:
        raise ProjectError(
            f"{folder}: the record of an interrupted change is unreadable; "
            "compare the project's files with your copy, then delete that folder"
        ) from error
    if forward:
        _close(root, journal)
    else:
        shutil.rmtree(folder)


def _forward(root: Path, journal: dict[str, object]) -> None:
    writes, removals, existed = _names(journal, "write"), _names(journal, "remove"), _names(journal, "existed")
    folder = root / CHANGE_FOLDER
    for name in writes + removals:
        target, new, old = root / name, folder / "new" / name, folder / "old" / name
        if name in writes and not new.exists():
            continue  # moved in already
        if name in existed and not old.exists() and target.exists():
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, old)
        if name in writes:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, target)


def _back(root: Path, journal: dict[str, object]) -> None:
    writes, removals, existed = _names(journal, "write"), _names(journal, "remove"), _names(journal, "existed")
    folder = root / CHANGE_FOLDER
    for name in reversed(writes + removals):
        target, new, old = root / name, folder / "new" / name, folder / "old" / name
        if old.exists():
            os.replace(old, target)
        elif name in writes and name not in existed and not new.exists():
            target.unlink(missing_ok=True)  # a file the change added


def _close(root: Path, journal: dict[str, object]) -> None:
    """The change is in: make the renames durable, then forget the old files."""
    for parent in {(root / name).parent for name in _names(journal, "write") + _names(journal, "remove")}:
        with contextlib.suppress(OSError):
            _sync(parent)
    shutil.rmtree(root / CHANGE_FOLDER, ignore_errors=True)


def _names(journal: dict[str, object], key: str) -> list[str]:
    names = journal[key]
    if not isinstance(names, list):
        raise TypeError(key)
    return [str(_checked(str(name))) for name in names]


def _checked(relative: str) -> PurePosixPath:
    """A journal is read from disk: it may only name files inside the project."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a project file: {relative!r}")
    return path


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One change at a time per project; held for the few renames of a change, so waiting is short.
    The lock is on the project folder itself and dies with the process that holds it."""

    def cannot(error: OSError) -> ProjectError:
        return ProjectError(_cannot("open", root, error) + "; check permissions")

    with exclusive_lock(root, cannot):
        yield


def _sync_tree(folder: Path) -> None:
    for directory, _, _ in os.walk(folder):
        _sync(Path(directory))


def _sync(directory: Path) -> None:
    """Flush a folder's entries, so a rename in it survives a power cut."""
    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _cannot(action: str, root: Path, error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    return f"cannot {action} {root}: {error.strerror or error}{where}"
