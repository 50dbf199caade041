"""Takes: make one shot's frame or one line's voice again, choose among the results, keep one.

A take is a numbered variation of one artifact: take 1 is what the build makes from the
script; take N > 1 asks the same engine for another version (the procedural camera
reframed, an AI image with another seed, a line read a little quicker or slower, higher or
lower). Every take lands in the content-addressed cache like any other artifact, so the
candidates of a shot are "takes 1..N that exist", and choosing one is writing `take: N`
in the episode file: the next build uses it without making anything. What making a take
would cost is quoted first (the gateway's estimate), and the call goes through the
gateway like a build's, so it is cached, retried and recorded in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from microdrama.build import locks
from microdrama.build.cache import file_is_whole, read_json, write_json_atomic
from microdrama.build.casting import complete_cast, neural_voice
from microdrama.build.lock import build_lock
from microdrama.build.pipeline import BuildRun
from microdrama.build.tasks import Task, execute
from microdrama.errors import MicrodramaError, UsageError
from microdrama.model import Bible, Episode, Line
from microdrama.project import Project
from microdrama.project.folder import episode_file_name
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


class Takes:
    """The takes of one shot or line, opened once and asked several things.

    A caller that already holds the bible (with its cast completed) and the episode, like
    the studio's page cache, passes them in; otherwise they are read from the folder.
    """

    def __init__(
        self,
        root: Path,
        target: TakeTarget,
        *,
        cast_bible: Bible | None = None,
        episode: Episode | None = None,
        gateway: Gateway | None = None,
    ) -> None:
        self.target = target
        self.project = Project.open(root)
        config = self.project.load_config()
        bible = cast_bible or self.project.load_bible()
        self.cast_changed = cast_bible is None and complete_cast(bible)  # as the build casts (saved by make)
        self.bible = bible
        self.episode = episode or _load_episode(self.project, target.episode, bible)
        found = next(((sc, sh) for sc in self.episode.scenes for sh in sc.shots if sh.id == target.shot), None)
        if found is None:
            raise UsageError(f"episode {self.episode.number} has no shot {target.shot}")
        self.scene, self.shot = found
        self.line: Line | None = None
        if target.line is not None:
            if not 0 <= target.line < len(self.shot.lines):
                raise UsageError(f"shot {self.shot.id} has no line {target.line + 1} (it has {len(self.shot.lines)})")
            self.line = self.shot.lines[target.line]
        self.run = BuildRun(self.project, config, None, None, gateway or Gateway(self.project.root, config))

    @property
    def chosen(self) -> int:
        return self.line.take if self.line is not None else self.shot.take

    @property
    def locked(self) -> bool:
        return self.line.locked if self.line is not None else self.shot.locked

    def candidates(self) -> list[Candidate]:
        """The takes that exist in the cache, oldest first."""
        found = []
        for take in range(1, self._highest() + 1):
            path, _ = self._artifact(take)
            if _made(path, self.target.stage):
                found.append(Candidate(take, self.run.cache.relative(path), take == self.chosen))
        return found

    def quote(self, take: int | None = None) -> TakeQuote:
        """What making take `take` (default: the next one) would cost; nothing is made or sent."""
        self._refuse_if_locked()
        number = take or self._next()
        if not 1 <= number <= MAX_TAKE:
            raise UsageError(f"a take is numbered 1 to {MAX_TAKE}, not {number}")
        path, task = self._artifact(number)
        engine, model = self.run.media.engine(self.target.stage)
        estimate = self.run.media.estimate(task)
        cached = _made(path, self.target.stage) or (estimate is not None and estimate.cached)
        if estimate is None:
            return TakeQuote(self.target, number, engine, model, False, 0.0, "", cached)
        cost = 0.0 if cached else estimate.cost
        return TakeQuote(self.target, number, engine, model, True, cost, estimate.currency, cached)

    def keep(self) -> Path:
        """Copy the chosen take into locks/ (before the episode file marks it locked)."""
        path, _ = self._artifact(self.chosen)
        if not _made(path, self.target.stage):
            raise UsageError(
                f"take {self.chosen} of {describe(self.target)} has not been made yet; "
                "build the episode (or make the take) before locking it"
            )
        media, root = self.run.media, self.project.root
        if self.line is None or self.target.line is None:
            return locks.keep_frame(root, self.shot, path, media.image is not None)
        ai = media.speech is not None or neural_voice(self.bible, self.line.speaker)
        return locks.keep_voice(root, self.shot.id, self.target.line, self.line, path, ai)

    def make(self, take: int) -> Candidate:
        """Make take `take` now (callers hold the build lock: see make_take)."""
        self._refuse_if_locked()
        if self.cast_changed:
            self.project.update_bible(self.bible)
        path, task = self._artifact(take, dry_run=False)
        if not _made(path, self.target.stage):
            result = execute(task)
            if not result.ok:
                raise MicrodramaError(f"take {take} of {describe(self.target)} failed: {result.error.splitlines()[0]}")
        registry = _registry(self.project)
        made = read_json(registry) or {}
        made[self.target.key] = max(int(made.get(self.target.key, 1)), take)
        write_json_atomic(registry, made)
        return Candidate(take, self.run.cache.relative(path), take == self.chosen)

    def _refuse_if_locked(self) -> None:
        if self.locked:
            raise UsageError(f"{describe(self.target)} is locked; unlock it before making another take")

    def _artifact(self, take: int, dry_run: bool = True) -> tuple[Path, Task]:
        media, number = self.run.media, self.episode.number
        if self.line is None:
            shot = self.shot.model_copy(update={"take": take})
            return media.frame(shot, self.scene, self.bible, number, dry_run)
        where = f"{self.shot.id}:{self.target.line}"
        return media.voice(self.line.text, self.line.speaker, self.bible, where, number, take)

    def _highest(self) -> int:
        made = (read_json(_registry(self.project)) or {}).get(self.target.key, 1)
        return max(made if isinstance(made, int) else 1, self.chosen)

    def _next(self) -> int:
        """The chosen take while it has not been made (nothing built yet), else a new one."""
        if not _made(self._artifact(self.chosen)[0], self.target.stage):
            return self.chosen
        return self._highest() + 1


def make_take(root: Path, target: TakeTarget, take: int) -> Candidate:
    """Make take `take` of `target` under the build lock, through the gateway (cached, priced,
    in the ledger). The episode file is not changed: choosing a take is a separate edit."""
    project = Project.open(root)
    with build_lock(project.build_dir):
        return Takes(root, target).make(take)


def _load_episode(project: Project, number: int, bible: Bible) -> Episode:
    path = project.episodes_dir / episode_file_name(number)
    if not path.is_file():
        raise UsageError(f"episode {number} does not exist in {project.display(project.episodes_dir)}")
    return project.load_episode(path, bible)  # this episode only: a page of a 100-episode series stays quick


def _made(path: Path, stage: str) -> bool:
    return file_is_whole(path) and (stage == "frame" or file_is_whole(path.with_suffix(".json")))


def _registry(project: Project) -> Path:
    return project.build_dir / "state" / "takes.json"


def kept_path(root: Path, target: TakeTarget) -> Path:
    if target.line is None:
        return locks.frame_file(root, target.shot)
    return locks.voice_file(root, target.shot, target.line)


def describe(target: TakeTarget) -> str:
    return f"shot {target.shot}" if target.line is None else f"line {target.line + 1} of shot {target.shot}"
