"""Edits from the studio, written to the same YAML files the CLI reads.

Every save names the version of the file it was made on (the SHA-256 of its bytes, shown in
the page). The file is re-read under a lock and the edit refused when it changed since — by
another tab, the CLI or an editor — so no edit is lost silently. Files are replaced
atomically, so a build reading an episode sees the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast, get_args

from microdrama.build import locks, takes
from microdrama.build.takes import Takes, TakeTarget, describe
from microdrama.errors import MicrodramaError, ValidationError
from microdrama.model.common import NARRATOR, Emotion, Framing
from microdrama.model.script import Episode, Line, Shot
from microdrama.project.filelock import exclusive_lock
from microdrama.project.folder import Project, episode_file_name

MAX_LINE_CHARS = 500
_process_lock = threading.Lock()  # threads of this server; the flock covers other processes
ChangeFunction = Callable[[Episode, Shot], None]


class ConflictError(MicrodramaError):
    """The file changed after the page was loaded."""

    exit_code = 4


class NotWritable(MicrodramaError):
    """The project folder cannot be written (read-only disk, permissions): nothing was saved."""


def refusal_status(error: MicrodramaError) -> int:
    """The HTTP status of a refused change: 409 when the project's state stands in the way
    (changed meanwhile, not writable), 422 when the request itself is wrong."""
    return 409 if isinstance(error, ConflictError | NotWritable) else 422


@dataclass(frozen=True)
class LineEdit:
    shot: str
    index: int
    text: str
    speaker: str
    emotion: str


@dataclass(frozen=True)
class ShotEdit:
    shot: str
    framing: str
    description: str


def file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def episode_path(project: Project, number: int) -> Path:
    path = project.episodes_dir / episode_file_name(number)
    if not path.is_file():
        raise ValidationError(f"episode {number} does not exist in this project")
    return path


@contextlib.contextmanager
def project_write_lock(project: Project) -> Iterator[None]:
    """One writer at a time: this server's threads, and any other studio on the project."""
    with _process_lock:

        def cannot(error: OSError) -> NotWritable:
            return NotWritable(
                f"the project folder is not writable: {project.root}: {error.strerror}; nothing was saved "
                "(check the folder's permissions, or whether its disk is mounted read-only)"
            )

        try:
            project.build_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise cannot(error) from error
        with exclusive_lock(project.build_dir / ".studio.lock", cannot):
            yield


def edit_line(project: Project, number: int, version: str, edit: LineEdit) -> str:
    """Apply `edit` to episode `number` if its file is still at `version`; returns the new version."""

    def change(episode: Episode, shot: Shot) -> None:
        if not 0 <= edit.index < len(shot.lines):
            raise ValidationError(f"shot {edit.shot} has no line {edit.index + 1}")
        text = edit.text.strip()
        if not text:
            raise ValidationError("a line's text cannot be blank")
        if len(text) > MAX_LINE_CHARS:
            raise ValidationError(f"a line can have at most {MAX_LINE_CHARS} characters, this one has {len(text)}")
        if edit.emotion not in get_args(Emotion):
            raise ValidationError(f"unknown emotion {edit.emotion!r}: use one of {', '.join(get_args(Emotion))}")
        old = shot.lines[edit.index]
        if old.locked:
            raise ValidationError(_locked_message(describe(TakeTarget(shot.id, edit.index))))
        shot.lines[edit.index] = Line.model_validate(
            {**old.model_dump(), "text": text, "speaker": edit.speaker, "emotion": edit.emotion}
        )
        _follow_quotes(episode, shot, old.text.strip(), text)

    return _edit(project, number, version, edit.shot, change)


def edit_shot(project: Project, number: int, version: str, edit: ShotEdit) -> str:
    def change(episode: Episode, shot: Shot) -> None:
        if shot.locked:
            raise ValidationError(_locked_message(describe(TakeTarget(shot.id))))
        if edit.framing not in get_args(Framing):
            raise ValidationError(f"unknown framing {edit.framing!r}: use one of {', '.join(get_args(Framing))}")
        if len(edit.description) > MAX_LINE_CHARS:
            raise ValidationError(f"a shot description can have at most {MAX_LINE_CHARS} characters")
        shot.framing = cast(Framing, edit.framing)
        if edit.description.strip():
            _follow_quotes(episode, shot, shot.description.strip(), edit.description.strip())
        shot.description = edit.description.strip()

    return _edit(project, number, version, edit.shot, change)


def choose_take(project: Project, number: int, version: str, target: TakeTarget, take: int) -> str:
    """Name take `take` in the episode file: the next build uses it (it is already made)."""

    def change(episode: Episode, shot: Shot) -> None:
        chosen = shot if target.line is None else _line(shot, target.line)
        if chosen.locked:
            raise ValidationError(_locked_message(describe(target)))
        if take not in {candidate.take for candidate in Takes(project.root, target).candidates()}:
            raise ValidationError(f"take {take} of {describe(target)} has not been made; make it first")
        chosen.take = take

    return _edit(project, number, version, target.shot, change)


def set_locked(project: Project, number: int, version: str, target: TakeTarget, locked: bool) -> str:
    """Lock: copy the chosen take into locks/ and mark it; unlock: unmark it and drop the copy."""

    def change(episode: Episode, shot: Shot) -> None:
        chosen = shot if target.line is None else _line(shot, target.line)
        if locked and not chosen.locked:
            Takes(project.root, target).keep()
        chosen.locked = locked

    new_version = _edit(project, number, version, target.shot, change)
    if not locked:
        locks.release(takes.kept_path(project.root, target))
    return new_version


def _follow_quotes(episode: Episode, shot: Shot, old: str, new: str) -> None:
    for beat in (episode.hook, episode.cliffhanger):
        if beat.shot == shot.id:
            beat.text = _requoted(beat.text, old, new)


def _requoted(beat: str, old: str, new: str) -> str:
    """The hook or cliffhanger text once its shot's line (or action) `old` became `new`. The
    writer makes a beat of the words of one line (less the comma a speech tag leaves behind);
    a beat written in other words (an AI writer's summary) is not a quote and stays."""
    return new if old and beat.strip().rstrip(",，、") == old.rstrip(",，、") else beat


def _line(shot: Shot, index: int) -> Line:
    if not 0 <= index < len(shot.lines):
        raise ValidationError(f"shot {shot.id} has no line {index + 1}")
    return shot.lines[index]


def _locked_message(what: str) -> str:
    return f"{what} is locked (approved); unlock it on its takes page before changing it"


def _edit(project: Project, number: int, version: str, shot_id: str, change: ChangeFunction) -> str:
    with project_write_lock(project):
        path = episode_path(project, number)
        if file_version(path) != version:
            raise ConflictError(
                f"episode {number} was changed since you opened it (in another tab, the CLI or an editor); "
                "your edit was not saved: reload the page to see the current text, then make it again"
            )
        bible = project.load_bible()
        episode = project.load_episode(path, bible)
        shot = next((s for s in episode.shots() if s.id == shot_id), None)
        if shot is None:
            raise ValidationError(f"episode {number} has no shot {shot_id}")
        change(episode, shot)
        speakers = {c.id for c in bible.characters} | {NARRATOR}
        unknown = sorted({line.speaker for line in shot.lines} - speakers)
        if unknown:
            raise ValidationError(f"unknown speaker {', '.join(unknown)}: choose a character of the bible or narrator")
        checked = Episode.model_validate(episode.model_dump())  # the model's own rules, once more
        project.save_episode(checked)
        return file_version(path)
