"""Tasks: a named function with picklable arguments, run by any executor.

A task names its function as "module:function" rather than holding it, so the
same task runs in this process, in a process pool, or on a Ray worker that
imports microdrama itself.
"""

from __future__ import annotations

import importlib
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from microdrama.errors import MicrodramaError


@dataclass(frozen=True)
class Task:
    id: str  # unique in a build, e.g. "voice:3-2-1:0"
    stage: str  # voice, frame, card, render, board
    function: str  # "microdrama.build.work:voice_line"
    kwargs: dict[str, Any] = field(default_factory=dict)
    episode: int | None = None


@dataclass(frozen=True)
class TaskResult:
    task_id: str
    ok: bool
    value: Any = None
    error: str = ""
    seconds: float = 0.0
    error_type: str = ""  # the exception's class name, e.g. BudgetExceeded


def execute(task: Task) -> TaskResult:
    """Run a task and report, never raise: one failed line must not stop the whole build."""
    started = time.perf_counter()
    try:
        module_name, function_name = task.function.split(":")
        function = getattr(importlib.import_module(module_name), function_name)
        value = function(**task.kwargs)
        return TaskResult(task.id, True, value, seconds=time.perf_counter() - started)
    except MicrodramaError as error:
        return TaskResult(
            task.id, False, error=str(error), seconds=time.perf_counter() - started, error_type=type(error).__name__
        )
    except Exception as error:  # a bug or a tool crash: keep the trace for the report
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        trace = traceback.format_exc(limit=6)
        return TaskResult(
            task.id, False, error=f"{detail}\n{trace}", seconds=time.perf_counter() - started, error_type="bug"
        )
