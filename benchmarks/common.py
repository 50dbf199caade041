"""Helpers shared by the benchmarks: the shared corpus, peak memory of a child, RESULTS.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS.md"
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_folder(language: str) -> Path:
    folder = CORPUS / language
    if not folder.is_dir():
        sys.exit(f"benchmark needs the shared corpus at {folder} (it sits beside the repository)")
    return folder


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    report: dict[str, float]


def run_child(module: str, *args: str) -> ChildRun:
    """Run ``python -m module args`` alone and measure its wall time and peak RSS (wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{module} {' '.join(args)} failed with exit code {process.returncode}")
    report = json.loads(output.strip().splitlines()[-1])
    return ChildRun(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, report=report)


def write_section(name: str, markdown: str) -> None:
    """Replace (or add) the section between this benchmark's markers in RESULTS.md."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
