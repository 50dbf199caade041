"""Work started from the studio — builds and new takes — one job at a time, in a thread of the
server, with its progress kept as a list of events the page follows (server-sent events).

The build itself is the CLI's (`api.build`): the same cache, the same lock (a build started
from a terminal at the same time is refused, not interleaved), worker processes spawned
fresh, so running it from a server thread is safe. A take goes through the same lock.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from microdrama.build.takes import TakeTarget, describe, make_take
from microdrama.errors import MicrodramaError, UsageError

State = Literal["running", "done", "failed"]
KEEP_JOBS = 20


@dataclass
class Job:
    id: str
    episodes: str | None  # "3", or None for every episode
    started: float
    take: tuple[TakeTarget, int] | None = None  # a new take of one shot or line, instead of a build
    state: State = "running"
    events: list[dict[str, Any]] = field(default_factory=list)
    finished: float | None = None
    outcome: str = ""  # one line for people: what was made, or why it failed

    def add(self, event: dict[str, Any]) -> None:
        self.events.append({"n": len(self.events), "at": round(time.time() - self.started, 1), **event})


class Builds:
    """The studio's builds of one project."""

    def __init__(self, root: Path, executor: str = "local") -> None:
        self.root = root
        self.executor = executor
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, episodes: str | None) -> Job:
        return self._launch(Job(id=uuid.uuid4().hex[:12], episodes=episodes, started=time.time()), self._build)

    def start_take(self, target: TakeTarget, take: int) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], episodes=str(target.episode), started=time.time(), take=(target, take))
        return self._launch(job, self._make_take)

    def _launch(self, job: Job, work: Callable[[Job], None]) -> Job:
        with self._lock:
            if any(job.state == "running" for job in self._jobs.values()):
                raise UsageError("a build or take started here is still running; wait for it to finish")
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                del self._jobs[next(iter(self._jobs))]
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"job-{job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def recent(self) -> list[Job]:
        return list(reversed(self._jobs.values()))

    def _run(self, job: Job, work: Callable[[Job], None]) -> None:
        job.add({"type": "started", "episodes": job.episodes or "all"})
        try:
            work(job)
        except MicrodramaError as error:
            self._finish(job, "failed", str(error))
        except Exception as error:  # a crash must reach the page, not end the thread unseen
            self._finish(job, "failed", f"it crashed: {error!r}")

    def _make_take(self, job: Job) -> None:
        assert job.take is not None
        target, take = job.take
        job.add({"type": "progress", "stage": f"take {take} of {describe(target)}", "done": 0, "total": 1})
        make_take(self.root, target, take)
        job.add({"type": "progress", "stage": f"take {take} of {describe(target)}", "done": 1, "total": 1})
        self._finish(job, "done", f"made take {take} of {describe(target)}")

    def _build(self, job: Job) -> None:
        from microdrama import api

        def progress(stage: str, done: int, total: int) -> None:
            job.add({"type": "progress", "stage": stage, "done": done, "total": total})

        report = api.build(self.root, episodes=job.episodes, executor=self.executor, progress=progress)
        failed = [o for o in report.episodes if o.status == "failed"]
        made = ", ".join(f"{n} {stage}" for stage, n in sorted(report.made.items()) if n) or "nothing new"
        for outcome in report.episodes:
            job.add({"type": "episode", "number": outcome.number, "status": outcome.status, "errors": outcome.errors})
        if failed:
            problems = "; ".join(f"episode {o.number}: {' / '.join(o.errors)}" for o in failed)
            self._finish(job, "failed", problems)
        else:
            self._finish(job, "done", f"made {made} in {report.seconds:.0f} s")

    def _finish(self, job: Job, state: State, outcome: str) -> None:
        job.outcome = outcome
        job.finished = time.time()
        job.add({"type": "finished", "state": state, "outcome": outcome})
        job.state = state  # last: a follower that sees the state has every event
