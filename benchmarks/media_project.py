"""A real 12-episode project for the build benchmarks: 阿Q正传 from the shared corpus."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import REPO, corpus_folder

EPISODES = 12
MINUTES = 1.5


def cli(*args: str | Path) -> float:
    """Run the real CLI; return its wall seconds (start-up included, as a user sees it)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "microdrama", *map(str, args)], cwd=REPO, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"microdrama {' '.join(map(str, args))} failed:\n{completed.stderr}")
    return seconds


def adapted_project(folder: Path, name: str = "ah-q") -> Path:
    story = corpus_folder("zh") / "阿Ｑ正传.md"
    project = folder / name
    cli("init", project, "--from", story)
    cli("adapt", project, "--episodes", str(EPISODES), "--minutes", str(MINUTES))
    return project
