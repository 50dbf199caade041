"""A build that is killed or interrupted: workers go with it, nothing stale is published, leftovers are cleaned.

Real builds run in subprocesses, as a user's shell runs them, and are killed mid-render.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from microdrama.build import work
from microdrama.build.selection import parse_episode_selection
from microdrama.errors import UsageError
from tests.conftest import run_cli

STORY = Path(__file__).parent / "fixtures" / "stories" / "zh-story.txt"
FIRST_LINE = "爹，灯油又没了。"  # episode 1's first line in the sample adaptation
EDITED_LINE = "爹，灯油今天又没了。"
OURS = (b"microdrama", b"multiprocessing", b"ffmpeg")  # what a build's processes run


def make_project(folder: Path) -> Path:
    project = folder / "series"
    assert run_cli("init", project, "--from", STORY).code == 0
    result = run_cli("adapt", project, "--episodes", "2", "--minutes", "0.5")
    assert result.code == 0, result.err
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("crash"))
    result = run_cli("build", project, "--workers", "2")
    assert result.code == 0, result.err
    return project


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parents() -> dict[int, int]:
    """pid -> parent pid of every live (not zombie) process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            table[int(entry.name)] = int(fields[1])
    return table


def descendants(pid: int) -> set[int]:
    table = parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in table.items() if parent in frontier} - found
        found |= frontier
    return found


def survivors(pids: set[int], wait_seconds: float) -> set[int]:
    """The pids still running after waiting up to ``wait_seconds`` for all of them to end."""
    deadline = time.monotonic() + wait_seconds
    while True:
        alive = pids & set(parents())
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def partials(out: Path, episode: int) -> list[Path]:
    return sorted(out.glob(f".ep{episode:03d}.*.partial.mp4"))


class Builds:
    """Builds a test starts, and every process seen in them; whatever is left is killed afterwards."""

    def __init__(self, temp: Path) -> None:
        self.temp = temp
        self.seen: set[int] = set()
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def env(self) -> dict[str, str]:
        """Builds keep their scratch folders in this test's temp folder, where it can see them."""
        return {**os.environ, "TMPDIR": str(self.temp), "COLUMNS": "200", "NO_COLOR": "1"}

    def run(self, project: Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "microdrama", "build", str(project), "--workers", "2"]
        return subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=300)

    def start(self, project: Path) -> subprocess.Popen[bytes]:
        """`microdrama build` in its own session (its process group is the one a terminal would signal).

        Its output goes to files (build.out, build.err): a pipe nobody reads could stall it."""
        with (self.temp / "build.out").open("wb") as stdout, (self.temp / "build.err").open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "microdrama", "build", str(project), "--workers", "2"],
                stdout=stdout,
                stderr=stderr,
                env=self.env,
                start_new_session=True,
            )
        self.processes.append(process)
        self.seen.add(process.pid)
        return process

    def wait_until_rendering(self, process: subprocess.Popen[bytes], out: Path, episode: int) -> set[int]:
        """Wait for the episode's partial MP4 (ffmpeg is writing it); the build's processes at that moment."""
        deadline = time.monotonic() + 240
        while not partials(out, episode):
            assert process.poll() is None, "the build ended before it rendered"
            assert time.monotonic() < deadline, "the build never started rendering"
            time.sleep(0.1)
        workers = descendants(process.pid)
        assert workers, "a local build renders in worker processes"
        self.seen |= workers
        return workers

    def output(self) -> str:
        return "".join((self.temp / name).read_text(encoding="utf-8") for name in ("build.out", "build.err"))

    def kill_all(self) -> None:
        """Only processes this test started (by pid), also when a failed assertion left them running."""
        for pid in self.seen | set().union(*(descendants(pid) for pid in self.seen)):
            with contextlib.suppress(OSError):
                if any(name in (Path("/proc") / str(pid) / "cmdline").read_bytes() for name in OURS):
                    os.kill(pid, signal.SIGKILL)  # still one of ours, not a process that reused the number
        for process in self.processes:
            process.wait()


@pytest.fixture
def builds(tmp_path: Path) -> Iterator[Builds]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    started = Builds(temp)
    yield started
    started.kill_all()


def edit(project: Path, old: str, new: str) -> None:
    script = project / "episodes" / "001.yaml"
    text = script.read_text(encoding="utf-8")
    assert old in text
    script.write_text(text.replace(old, new), encoding="utf-8")


def test_a_killed_build_takes_its_workers_with_it_and_publishes_nothing_stale(built: Path, builds: Builds) -> None:
    out = built / "build" / "out"
    video = out / "ep001.mp4"
    wanted = digest(video)
    temp = builds.temp
    edit(built, FIRST_LINE, EDITED_LINE)
    try:
        process = builds.start(built)
        workers = builds.wait_until_rendering(process, out, 1)
        process.kill()  # kill -9 of the build alone, as a crash or the OOM killer does
        process.wait()
        assert survivors(workers, 60) == set(), "workers (or their ffmpeg) outlived the build"
    finally:
        edit(built, EDITED_LINE, FIRST_LINE)
    assert partials(out, 1) and list(temp.glob("microdrama-render-*")), "the kill left a partial render behind"

    live = out / f".ep002.{os.getpid()}.partial.mp4"  # a render of a process still running: not ours to delete
    live.write_bytes(b"in progress")
    result = builds.run(built)
    assert result.returncode == 0, result.stderr
    assert "│ 1       │ up to date" in result.stdout, result.stdout
    assert video.is_file() and digest(video) == wanted
    assert partials(out, 1) == [] and list(temp.glob("microdrama-render-*")) == [], "leftovers of the kill remain"
    assert live.read_bytes() == b"in progress"
    live.unlink()


def test_a_render_made_for_inputs_no_longer_wanted_is_never_published(built: Path) -> None:
    out = built / "build" / "out"
    video = out / "ep001.mp4"
    before = digest(video)
    keys = json.loads((built / "build" / "state" / "renders.json").read_text(encoding="utf-8"))
    timeline = json.loads((out / "ep001.timeline.json").read_text(encoding="utf-8"))
    render = {
        "root": str(built),
        "ass": str(out / "ep001.zh.ass"),
        "out": str(video),
        "loudness_lufs": -14.0,
        "name": "render:1",
        "state": str(built / "build" / "state"),
    }
    # A render left over from an older build finishes after this build settled on other inputs.
    stale = {**timeline, "title": "an older edit"}
    assert work.render(timeline=stale, key="0" * 64, **render) is False
    assert digest(video) == before and partials(out, 1) == []
    result = run_cli("build", built, "--workers", "2", "--episodes", "1")
    assert result.code == 0 and "│ 1       │ up to date" in result.out, result.out + result.err
    assert digest(video) == before

    # A render for the inputs still wanted is published.
    video.unlink()
    assert work.render(timeline=timeline, key=keys["render:1"], **render) is True
    assert video.is_file() and partials(out, 1) == []


def test_ctrl_c_stops_the_workers_and_says_how_to_continue(built: Path, builds: Builds) -> None:
    out = built / "build" / "out"
    edit(built, FIRST_LINE, EDITED_LINE)
    try:
        process = builds.start(built)
        workers = builds.wait_until_rendering(process, out, 1)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C in a terminal sends to the foreground group
        process.wait(timeout=120)
        output = builds.output()
        assert process.returncode == 130, output
        assert "interrupted; finished work is kept, run build again to continue" in output
        assert "failed" not in output and "Traceback" not in output
        assert survivors(workers, 60) == set(), "workers (or their ffmpeg) outlived Ctrl+C"
    finally:
        edit(built, EDITED_LINE, FIRST_LINE)


def test_the_summary_counts_only_what_was_made(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    cache = project / "build" / "cache"
    cache.mkdir(parents=True)
    (cache / "frame").write_text("in the way", encoding="utf-8")  # every frame fails to be written
    (cache / "voice").write_text("in the way", encoding="utf-8")  # and every voice
    result = run_cli("build", project, "--workers", "1")
    assert result.code == 1 and "Traceback" not in result.err
    summary = next(line for line in result.out.splitlines() if line.startswith("Made "))
    assert summary.startswith("Made 1 card;"), summary  # the title card is the only thing made
    assert "frame" not in summary and "voice" not in summary, summary
    failed = next(line for line in result.out.splitlines() if line.startswith("Failed: "))
    assert "frame" in failed and "voice" in failed, failed


def test_an_episode_range_is_checked_without_listing_it(tmp_path: Path) -> None:
    assert parse_episode_selection("1-2", [1, 2, 3]) == {1, 2}
    assert parse_episode_selection("2-3,1", [1, 2, 3]) == {1, 2, 3}
    for text, message in [
        ("1-99999999999", "no episode 4"),
        ("500-99999999999", "no episode in 500-99999999999"),
        ("7", "no episode 7"),
        ("1-" + "9" * 5000, "no episode 4"),
    ]:
        with pytest.raises(UsageError, match=message):
            parse_episode_selection(text, [1, 2, 3])
    project = make_project(tmp_path)
    result = run_cli("build", project, "-e", "1-99999999999", "--dry-run")
    assert result.code == 2 and "no episode 3; the series has episodes 1-2" in result.err, result.err
    assert "Traceback" not in result.err and "MemoryError" not in result.err
