"""Approved frames and voices, kept in the project's locks/ folder.

A shot or line marked `locked: true` in its episode file is never made again: the build
takes the copy kept here instead of its cache entry. The copies live outside build/ (which
stays derived and deletable), so clearing the cache, a new engine version or a changed
bible cannot change what was approved. Each copy has a small JSON record beside it: the
take it came from, whether AI made it, and for a voice its length and the words it says,
so a line whose text changed after it was locked is caught instead of voiced wrongly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from microdrama.build.cache import file_is_whole, read_json, write_json_atomic
from microdrama.errors import UsageError
from microdrama.model import Episode, Line, Shot
from microdrama.project.atomic import write_bytes_atomic

LOCKS_FOLDER = "locks"


class LockProblem(UsageError):
    """A locked shot or line whose kept copy is missing or no longer matches the script."""


@dataclass(frozen=True)
class Kept:
    path: Path  # the kept copy
    digest: str  # of its bytes: a copy replaced by a re-lock re-renders the episode
    ai: bool  # made by an AI provider (for the AI-content label)


def frame_file(root: Path, shot_id: str) -> Path:
    return root / LOCKS_FOLDER / "frames" / f"{shot_id}.png"


def voice_file(root: Path, shot_id: str, index: int) -> Path:
    return root / LOCKS_FOLDER / "voices" / f"{shot_id}.{index}.wav"


def keep_frame(root: Path, shot: Shot, made: Path, ai: bool) -> Path:
    """Copy the frame of the shot's chosen take into locks/."""
    target = frame_file(root, shot.id)
    _copy(made, target)
    write_json_atomic(target.with_suffix(".json"), {"take": shot.take, "ai": ai})
    return target


def keep_voice(root: Path, shot_id: str, index: int, line: Line, made: Path, ai: bool) -> Path:
    """Copy the voiced line of its chosen take (and its length) into locks/."""
    target = voice_file(root, shot_id, index)
    seconds = (read_json(made.with_suffix(".json")) or {}).get("seconds")
    if seconds is None:
        raise UsageError(f"line {index + 1} of shot {shot_id} has no voiced length yet; make the take again")
    _copy(made, target)
    record = {"take": line.take, "ai": ai, "seconds": seconds, "speaker": line.speaker, "text": line.text}
    write_json_atomic(target.with_suffix(".json"), record)
    return target


def release(path: Path) -> None:
    """Remove a kept copy and its record (unlocking)."""
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


def kept_frame(root: Path, shot: Shot) -> Kept:
    path = frame_file(root, shot.id)
    record = _record(path, f"shot {shot.id}")
    return Kept(path, _digest(path), bool(record.get("ai")))


def kept_voice(root: Path, shot_id: str, index: int, line: Line) -> Kept:
    path = voice_file(root, shot_id, index)
    record = _record(path, f"line {index + 1} of shot {shot_id}")
    if record.get("text") != line.text or record.get("speaker") != line.speaker:
        raise LockProblem(
            f"line {index + 1} of shot {shot_id} is locked, but its words or speaker changed since it was "
            f"approved (kept: {record.get('speaker')}: {record.get('text')!r}); unlock it to voice the new "
            "text, or put the old text back"
        )
    return Kept(path, _digest(path), bool(record.get("ai")))


def _record(path: Path, what: str) -> dict[str, Any]:
    record = read_json(path.with_suffix(".json"))
    if not file_is_whole(path) or not isinstance(record, dict):
        relative = Path(*path.parts[-3:]).as_posix()
        raise LockProblem(
            f"{what} is locked but its approved copy {relative} is missing; restore the file, "
            "or unlock it (remove `locked: true` in the episode file, or use the studio) to make it again"
        )
    return record


def _copy(source: Path, target: Path) -> None:
    """Copy atomically: a build reading the kept copy sees the old file or the new one."""
    write_bytes_atomic(target, source.read_bytes())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def problems(root: Path, episodes: list[Episode]) -> list[str]:
    """Every locked shot or line whose kept copy is missing or no longer matches its words."""
    checks: list[tuple[int, Callable[[], Kept]]] = []
    for episode in episodes:
        for shot in episode.shots():
            if shot.locked:
                checks.append((episode.number, partial(kept_frame, root, shot)))
            for index, line in enumerate(shot.lines):
                if line.locked:
                    checks.append((episode.number, partial(kept_voice, root, shot.id, index, line)))
    found = []
    for number, check in checks:
        try:
            check()
        except LockProblem as problem:
            found.append(f"episode {number}: {problem}")
    return found
