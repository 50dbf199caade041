"""Takes: make one shot's frame or one line's voice again, choose among the results, keep one.

A take is a numbered variation of one artifact: take 1 is what the build makes from the
script; take N > 1 asks the same engine for another version (the procedural camera
reframed, an AI image with another seed, a line read a little quicker or slower, higher or
lower). Every take lands in the content-addressed cache like any other artifact, so the
candidates of a shot are "takes 1..N that exist", and choosing one is writing `take: N`
in the episode file: the next build uses it without making anything. What making a take
would cost is quoted first (the gateway's estimate), and the call goes through the
gateway like a build's, so it is cached, budgeted and recorded in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from microdrama.build import locks
from microdrama.build.cache import Cache, file_is_whole, read_json, write_json_atomic
from microdrama.build.casting import complete_cast, neural_voice
from microdrama.build.lock import build_lock
from microdrama.build.pipeline import BuildRun, open_for_build
from microdrama.build.tasks import Task, execute
from microdrama.errors import MicrodramaError, UsageError
from microdrama.model import Bible, Episode, Line, Scene, Shot
from microdrama.project import Project
from microdrama.providers.gateway import Gateway

MAX_TAKE = 999  # the script model's bound
_TARGET = re.compile(r"^(\d+-\d+-\d+)(?::(\d+))?$")


@dataclass(frozen=True)
class TakeTarget:
    """A shot's frame ("3-2-1") or one of its lines' voice ("3-2-1:0", the line's index)."""

    shot: str
    line: int | None = None

    @classmethod
    def parse(cls, text: str) -> TakeTarget:
        match = _TARGET.match(text.strip())
        if match is None:
            raise UsageError(f"{text!r} names no shot or line; write a shot id (3-2-1) or shot:line (3-2-1:0)")
        return cls(match[1], int(match[2]) if match[2] is not None else None)

    @property
    def key(self) -> str:
        return self.shot if self.line is None else f"{self.shot}:{self.line}"

    @property
    def stage(self) -> str:
        return "frame" if self.line is None else "voice"

    @property
    def episode(self) -> int:
        return int(self.shot.split("-")[0])


@dataclass(frozen=True)
class Candidate:
    take: int
    path: str  # project-relative, for the page to show or play
    chosen: bool  # the take the episode file names


@dataclass(frozen=True)
class TakeQuote:
    """What making one take would do, shown before it runs."""

    target: TakeTarget
    take: int
    engine: str  # provider name, or the built-in engine
    model: str
    paid: bool  # a provider call (False: drawn or spoken on this machine)
    cost: float
    currency: str
    cached: bool  # already made: nothing to call or pay


@dataclass
class _Opened:
    project: Project
    run: BuildRun
    bible: Bible
    cast_changed: bool  # complete_cast filled in a look or voice the bible lacked
    episode: Episode
    scene: Scene
    shot: Shot
    line: Line | None


def _open_target(root: Path, target: TakeTarget, gateway: Gateway | None = None) -> _Opened:
    project, config, bible, episodes = open_for_build(root, str(target.episode))
    episode = episodes[0]
    cast_changed = complete_cast(bible)  # looks and voices as the build casts them (saved by make_take)
    found = next(((sc, sh) for sc in episode.scenes for sh in sc.shots if sh.id == target.shot), None)
    if found is None:
        raise UsageError(f"episode {episode.number} has no shot {target.shot}")
    scene, shot = found
    line = None
    if target.line is not None:
        if not 0 <= target.line < len(shot.lines):
            raise UsageError(f"shot {shot.id} has no line {target.line + 1} (it has {len(shot.lines)})")
        line = shot.lines[target.line]
    run = BuildRun(project, config, None, None, gateway or Gateway(project.root, config))
    return _Opened(project, run, bible, cast_changed, episode, scene, shot, line)


def _artifact(opened: _Opened, take: int, dry_run: bool = True) -> tuple[Path, Task]:
    media, number = opened.run.media, opened.episode.number
    if opened.line is None:
        shot = opened.shot.model_copy(update={"take": take})
        return media.frame(shot, opened.scene, opened.bible, number, dry_run)
    where = f"{opened.shot.id}:{opened.shot.lines.index(opened.line)}"
    return media.voice(opened.line.text, opened.line.speaker, opened.bible, where, number, take)


def _made(path: Path, stage: str) -> bool:
    return file_is_whole(path) and (stage == "frame" or file_is_whole(path.with_suffix(".json")))


def _chosen(opened: _Opened) -> int:
    return opened.line.take if opened.line is not None else opened.shot.take


def _locked(opened: _Opened) -> bool:
    return opened.line.locked if opened.line is not None else opened.shot.locked


def _registry(project: Project) -> Path:
    return project.build_dir / "state" / "takes.json"


def _highest(opened: _Opened, key: str) -> int:
    made = (read_json(_registry(opened.project)) or {}).get(key, 1)
    return max(int(made) if isinstance(made, int) else 1, _chosen(opened))


def candidates(root: Path, target: TakeTarget) -> list[Candidate]:
    """The takes of `target` that exist in the cache, oldest first."""
    opened = _open_target(root, target)
    chosen = _chosen(opened)
    found = []
    for take in range(1, _highest(opened, target.key) + 1):
        path, _ = _artifact(opened, take)
        if _made(path, target.stage):
            found.append(Candidate(take, opened.run.cache.relative(path), take == chosen))
    return found


def quote_take(root: Path, target: TakeTarget, take: int | None = None) -> TakeQuote:
    """What making take `take` (default: a new one) would cost; nothing is made or sent."""
    opened = _open_target(root, target)
    if _locked(opened):
        raise UsageError(f"{describe(target)} is locked; unlock it before making another take")
    number = take or _next_take(opened, target)
    if not 1 <= number <= MAX_TAKE:
        raise UsageError(f"a take is numbered 1 to {MAX_TAKE}, not {number}")
    path, task = _artifact(opened, number)
    engine, model = opened.run.media.engine(target.stage)
    estimate = opened.run.media.estimate(task)
    cached = _made(path, target.stage) or (estimate is not None and estimate.cached)
    if estimate is None:
        return TakeQuote(target, number, engine, model, False, 0.0, "", cached)
    cost = 0.0 if cached else estimate.cost
    return TakeQuote(target, number, engine, model, True, cost, estimate.currency, cached)


def _next_take(opened: _Opened, target: TakeTarget) -> int:
    """The chosen take while it has not been made (nothing built yet), else a new one."""
    chosen = _chosen(opened)
    if not _made(_artifact(opened, chosen)[0], target.stage):
        return chosen
    return _highest(opened, target.key) + 1


def make_take(root: Path, target: TakeTarget, take: int) -> Candidate:
    """Make take `take` of `target` (under the build lock, through the gateway); the episode file
    is not changed: choosing the take is a separate, version-checked edit."""
    project = Project.open(root)
    with build_lock(project.build_dir):
        opened = _open_target(root, target, Gateway(project.root, project.load_config()))
        if _locked(opened):
            raise UsageError(f"{describe(target)} is locked; unlock it before making another take")
        if opened.cast_changed:
            project.update_bible(opened.bible)
        path, task = _artifact(opened, take, dry_run=False)
        if not _made(path, target.stage):
            result = execute(task)
            if not result.ok:
                raise MicrodramaError(f"take {take} of {describe(target)} failed: {result.error.splitlines()[0]}")
        registry = _registry(project)
        made = read_json(registry) or {}
        made[target.key] = max(int(made.get(target.key, 1)), take)
        write_json_atomic(registry, made)
        return Candidate(take, Cache(project.root).relative(path), take == _chosen(opened))


def keep(root: Path, target: TakeTarget) -> Path:
    """Copy the chosen take of `target` into locks/ (before the episode file marks it locked)."""
    opened = _open_target(root, target)
    path, _ = _artifact(opened, _chosen(opened))
    if not _made(path, target.stage):
        raise UsageError(
            f"take {_chosen(opened)} of {describe(target)} has not been made yet; "
            "build the episode (or make the take) before locking it"
        )
    media = opened.run.media
    if opened.line is None or target.line is None:
        return locks.keep_frame(root, opened.shot, path, media.image is not None)
    ai = media.speech is not None or neural_voice(opened.bible, opened.line.speaker)
    return locks.keep_voice(root, opened.shot.id, target.line, opened.line, path, ai)


def kept_path(root: Path, target: TakeTarget) -> Path:
    if target.line is None:
        return locks.frame_file(root, target.shot)
    return locks.voice_file(root, target.shot, target.line)


def describe(target: TakeTarget) -> str:
    return f"shot {target.shot}" if target.line is None else f"line {target.line + 1} of shot {target.shot}"
