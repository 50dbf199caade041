"""benchmarks/incremental: full build, no-op rebuild, rebuild after editing one line (12 episodes).

.venv/bin/python -m benchmarks.incremental
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import write_section
from benchmarks.media_project import EPISODES, MINUTES, adapted_project, cli
from microdrama.api import load_series


def edit_one_line(project: Path, episode: int) -> str:
    path = project / "episodes" / f"{episode:03d}.yaml"
    _, _, episodes = load_series(project)
    line = next(line for line in episodes[episode - 1].lines() if line.kind == "dialogue")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"text: {line.text}", f"text: {line.text}！", 1), encoding="utf-8")
    return line.text


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        project = adapted_project(Path(temp))
        full = cli("build", project)
        noop = cli("build", project)
        edited = edit_one_line(project, 5)
        one_line = cli("build", project)
        noop_after = cli("build", project)
    rows = [
        ("full build", full, ""),
        ("no-op rebuild", noop, "goal ≤ 2 s"),
        ("rebuild after editing one line", one_line, f"{one_line / full:.1%} of full (goal ≤ 15%)"),
        ("no-op again", noop_after, ""),
    ]
    print("\n".join(f"{name}: {seconds:.1f} s {note}" for name, seconds, note in rows))
    verdict = "met" if noop <= 2.0 and one_line <= 0.15 * full else "NOT met"
    lines = [
        f"## incremental — {EPISODES}-episode project ({MINUTES:g} min each), 阿Q正传 from the shared corpus",
        "",
        "Wall seconds of `microdrama build` as a user runs it (process start-up included), local executor,"
        " one worker per core, on this 2-core machine. The edit appends a character to one dialogue line"
        f" of episode 5 (“{edited[:20]}”).",
        "",
        "| run | seconds | note |",
        "|---|---:|---|",
        *(f"| {name} | {seconds:.1f} | {note} |" for name, seconds, note in rows),
        "",
        f"Goals (one-line rebuild ≤ 15% of the full build; no-op ≤ 2 s): **{verdict}**.",
    ]
    write_section("incremental", "\n".join(lines))


if __name__ == "__main__":
    main()
