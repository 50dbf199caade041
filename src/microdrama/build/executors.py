"""Executors run independent tasks in parallel: in-process, a local process pool, or Ray.

All three take the same tasks and report each result as it finishes, so the
pipeline does not know where its work ran.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from microdrama.build.tasks import Task, TaskResult, execute
from microdrama.children import die_with_parent
from microdrama.errors import UsageError

OnDone = Callable[[Task, TaskResult], None]
EXECUTORS = ("local", "serial", "ray")


class Executor(Protocol):
    name: str

    def run(self, tasks: Iterable[Task], on_done: OnDone) -> None: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Everything in this process, one task at a time (debugging, one-core machines)."""

    name = "serial"

    def run(self, tasks: Iterable[Task], on_done: OnDone) -> None:
        for task in tasks:
            on_done(task, execute(task))

    def close(self) -> None:
        pass


def _start_worker(build: int) -> None:
    """Each pool worker: its own process group, so Ctrl+C reaches only the build (which then stops
    the workers), and killed by the kernel when the build ends however it ends."""
    os.setpgid(0, 0)
    die_with_parent(build)


class LocalExecutor:
    """A pool of worker processes on this machine; started on first use, reused across stages.

    Workers (and their ffmpeg) never outlive the build: a build that is killed takes them
    with it (see ``_start_worker``), one that is interrupted kills them before it returns.
    """

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def run(self, tasks: Iterable[Task], on_done: OnDone) -> None:
        pending_tasks = list(tasks)
        if not pending_tasks:
            return
        if self._pool is None:
            # spawn, not fork: TTS and ONNX runtimes keep threads and global state that do not survive fork.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        try:
            futures: dict[Future[TaskResult], Task] = {self._pool.submit(execute, task): task for task in pending_tasks}
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures.pop(future)
                    on_done(task, future.result())
        except BaseException:  # Ctrl+C (KeyboardInterrupt) or a bug here: stop the work in flight now
            self._kill_workers()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _kill_workers(self) -> None:
        """Kill every worker with its process group (its ffmpeg), then let the pool go."""
        if self._pool is None:
            return
        for pid in list(self._pool._processes or {}):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None


class RayExecutor:
    """The same tasks on a Ray cluster: RAY_ADDRESS when set, else a local Ray instance.

    Workers read and write the project folder by path, so on a multi-node cluster the
    project must sit on storage every node mounts at the same path.
    """

    name = "ray"

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as error:
            raise UsageError("the Ray executor needs Ray: pip install 'microdrama[ray]'") from error
        self._ray: Any = ray
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            target = address or os.environ.get("RAY_ADDRESS")
            if target:
                options["address"] = target
            elif workers:
                options["num_cpus"] = workers
            ray.init(**options)
        self._remote = ray.remote(execute)

    def run(self, tasks: Iterable[Task], on_done: OnDone) -> None:
        refs = {self._remote.remote(task): task for task in tasks}
        while refs:
            ready, _ = self._ray.wait(list(refs), num_returns=1)
            for ref in ready:
                task = refs.pop(ref)
                on_done(task, self._ray.get(ref))

    def close(self) -> None:
        pass  # the caller owns the Ray instance's lifetime (ray.shutdown)


def make_executor(name: str, workers: int = 0) -> Executor:
    if name == "local":
        return SerialExecutor() if workers == 1 else LocalExecutor(workers)
    if name == "serial":
        return SerialExecutor()
    if name == "ray":
        return RayExecutor(workers)
    raise UsageError(f"unknown executor '{name}'; choose one of {', '.join(EXECUTORS)}")
