"""adapt replaces the bible, the episodes, the settings and its record as one change.

Real failures: a full disk at the Nth file (the OS-level fsync raises ENOSPC, as a full
disk does), a folder that cannot be written, and a real `kill -9` of the CLI mid-adapt.
Afterwards the project is the old series or the new one, never a mix, `validate` agrees,
and the next adapt does not mistake adapt's own files for hand edits.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from microdrama import api
from microdrama.errors import MicrodramaError
from tests.conftest import adapt_sample, run_cli

TRACKED = ("microdrama.toml", "bible.yaml", "build/state/adapt-written.json")


def snapshot(project: Path) -> dict[str, bytes]:
    """The files adapt owns, by path relative to the project."""
    files = {name: (project / name).read_bytes() for name in TRACKED if (project / name).exists()}
    for episode in sorted((project / "episodes").glob("*.yaml")):
        files[f"episodes/{episode.name}"] = episode.read_bytes()
    return files


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A 3-episode project, with the files it has before and after `adapt --episodes 4`."""
    folder = tmp_path_factory.mktemp("atomic")
    old = adapt_sample(folder, episodes=3)
    new = folder / "new"
    shutil.copytree(old, new)
    assert run_cli("adapt", new, "--episodes", "4").code == 0
    before, after = snapshot(old), snapshot(new)
    assert before != after and "episodes/004.yaml" in after
    return old, before, after


def fresh_copy(series: tuple[Path, dict[str, bytes], dict[str, bytes]], into: Path) -> Path:
    project = into / "series"
    shutil.copytree(series[0], project)
    return project


def assert_consistent(project: Path, before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, bytes]:
    """validate passes (finishing or undoing an interrupted change), the files are all old or all
    new, and a second adapt runs without --force."""
    checked = run_cli("validate", project)
    assert checked.code == 0, checked.err
    assert "OK" in checked.out
    now = snapshot(project)
    assert now in (before, after), sorted(name for name in set(now) | set(before) if now.get(name) != before.get(name))
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []
    again = run_cli("adapt", project, "--episodes", "4")
    assert again.code == 0, again.err
    assert snapshot(project) == after
    return now


@pytest.mark.parametrize("failing_call", [1, 6, 9, 13, 16])
def test_a_full_disk_at_any_file_leaves_the_old_or_the_new_series(
    series: tuple[Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing_call: int,
) -> None:
    project = fresh_copy(series, tmp_path)
    _, before, after = series
    real_fsync = os.fsync
    calls = 0

    def fsync_on_a_full_disk(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == failing_call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_on_a_full_disk)
    try:
        api.adapt_project(project, episodes=4)
    except MicrodramaError as error:
        assert "No space left on device" in str(error)
        assert "\n" not in str(error)
        monkeypatch.undo()
        assert snapshot(project) == before  # an error means nothing changed
    monkeypatch.undo()
    assert calls >= failing_call
    assert_consistent(project, before, after)


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """A folder nobody can change: read-only mode, and immutable too when the test runs as root
    (root ignores the mode); skipped where neither holds."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if immutable:
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("cannot make a folder unwritable here")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_an_unwritable_episodes_folder_changes_nothing(
    series: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    """bible.yaml can be replaced but the episodes cannot: the bible must not change alone."""
    project = fresh_copy(series, tmp_path)
    _, before, after = series
    with unwritable(project / "episodes"):
        result = run_cli("adapt", project, "--episodes", "4")
        assert result.code != 0
        assert "Traceback" not in result.err
        assert result.err.startswith("error:") and len(result.err.strip().splitlines()) == 1, result.err
        assert snapshot(project) == before
    assert_consistent(project, before, after)


def start_adapt(project: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "microdrama", "adapt", str(project), "--episodes", "4"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def state_of(project: Path) -> tuple[object, ...]:
    """What a watcher sees change first: the project folder's entries, or bible.yaml itself."""
    names = tuple(sorted(os.listdir(project)))
    try:
        bible = os.stat(project / "bible.yaml")
    except FileNotFoundError:
        return names, None
    return names, (bible.st_ino, bible.st_mtime_ns, bible.st_size)


@pytest.mark.parametrize("watch", ["folder", "bible"])
def test_kill_9_mid_adapt_leaves_the_old_or_the_new_series(
    series: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, watch: str
) -> None:
    """A real SIGKILL the moment adapt starts writing: a new entry in the project folder (its
    staging), or the first change to bible.yaml (the swap)."""
    project = fresh_copy(series, tmp_path)
    _, before, after = series
    start = state_of(project)
    process = start_adapt(project)
    killed = False
    while process.poll() is None:
        now = state_of(project)
        changed = now[0] != start[0] if watch == "folder" else now[1] != start[1]
        if changed:
            process.send_signal(signal.SIGKILL)
            killed = True
            break
    process.wait(timeout=60)
    assert killed or process.returncode == 0
    assert_consistent(project, before, after)
