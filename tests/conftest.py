"""Shared fixtures: small original stories and a CLI runner that runs the real entry point."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# The suite uses the small embedded model, decoding on one thread: llama.cpp's threads
# spin-wait, and a second thread competing with ffmpeg or the other core's work costs
# far more than it gains.
os.environ.setdefault("MICRODRAMA_LOCAL_MODEL", "qwen2.5-coder-0.5b")
os.environ.setdefault("MICRODRAMA_LLM_THREADS", "1")

FIXTURES = Path(__file__).parent / "fixtures"
STORIES = FIXTURES / "stories"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, memory_cap: int | None = None, timeout: float = 300) -> Run:
    """Run `python -m microdrama` in a subprocess, exactly as a user's shell would; `memory_cap`
    bounds its address space in bytes, so a memory-bomb regression fails the test, not the machine;
    `timeout` is longer for runs through the model on a busy machine."""

    def cap() -> None:
        if memory_cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run(
        [sys.executable, "-m", "microdrama", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        preexec_fn=cap if memory_cap is not None else None,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def adapt_sample(folder: Path, episodes: int = 3) -> Path:
    """The Chinese sample story as a project of `episodes` one-minute episodes, by the real CLI."""
    project = folder / "series"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    assert run_cli("adapt", project, "--episodes", str(episodes), "--minutes", "1").code == 0
    return project


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample series, adapted once per test module (a module may define its own instead)."""
    return adapt_sample(tmp_path_factory.mktemp("adapted"))


@pytest.fixture
def project(adapted: Path, tmp_path: Path) -> Path:
    """A private copy of the module's adapted series, for a test that changes it."""
    copy = tmp_path / "series"
    shutil.copytree(adapted, copy)
    return copy


@pytest.fixture
def cli() -> type[Run]:
    return Run


@pytest.fixture
def zh_story() -> Path:
    return STORIES / "zh-story.txt"


@pytest.fixture
def en_story() -> Path:
    return STORIES / "en-story.txt"


@pytest.fixture(scope="session")
def llm_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty model cache for the whole run, so the embedded model is assembled and verified once from scratch."""
    folder = tmp_path_factory.mktemp("llm-models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MICRODRAMA_MODEL_DIR", str(folder))
        yield folder
