"""Running ffmpeg: the graph from a file, progress from ``-progress``, errors that say something."""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from microdrama.children import dies_with_this_process
from microdrama.errors import MicrodramaError
from microdrama.render.graph import Graph

Progress = Callable[[float], None]


@functools.cache
def major_version(ffmpeg: str) -> int:
    text = subprocess.run(
        [ffmpeg, "-hide_banner", "-version"], capture_output=True, text=True, preexec_fn=dies_with_this_process()
    ).stdout
    match = re.search(r"ffmpeg version n?(\d+)\.", text)
    return int(match.group(1)) if match else 7


def graph_args(ffmpeg: str, graph: Graph, work: Path, name: str) -> list[str]:
    """Inputs, then the graph read from a file: no command-line limit however many clips there are.
    (ffmpeg 7 replaced ``-filter_complex_script`` by ``-/filter_complex``; Debian 12 ships 5.1.)"""
    script = work / name
    script.write_text(graph.script, encoding="utf-8")
    option = "-/filter_complex" if major_version(ffmpeg) >= 7 else "-filter_complex_script"
    return [arg for source in graph.inputs for arg in source] + [option, str(script)]


def last_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-3:]) if lines else "no message"


def run(args: list[str], log: Path, duration: float, progress: Progress | None) -> None:
    """Run ffmpeg (``args[0]``) quietly, reporting the share of ``duration`` done (0 to 0.99) as it goes."""
    command = [args[0], "-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", *args[1:]]
    if progress is not None:
        progress(0.0)
    with log.open("wb") as errors:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            preexec_fn=dies_with_this_process(),  # a killed worker takes its ffmpeg with it
        )
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                line = raw.decode("ascii", "replace").strip()
                if progress is not None and line.startswith("out_time_us=") and line[12:].lstrip("-").isdigit():
                    progress(min(max(int(line[12:]) / 1e6 / max(duration, 1e-3), 0.0), 0.99))
            code = process.wait()
        finally:
            if process.poll() is None:  # interrupted: do not leave ffmpeg running
                process.kill()
                process.wait()
    if code != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        hint = "; check free space" if "No space left" in text else ""
        raise MicrodramaError(f"ffmpeg failed to render: {last_error(text)}{hint}")


def integrated_loudness(ffmpeg: str, graph: Graph, work: Path, what: str) -> float:
    """Integrated loudness (LUFS) at the ``ebur128`` output of an audio-only graph; -inf for silence."""
    args = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *graph_args(ffmpeg, graph, work, "measure.txt")]
    command = [*args, "-map", f"[{graph.audio}]", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, preexec_fn=dies_with_this_process())
    text = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        raise MicrodramaError(f"cannot read the sound of {what}: {last_error(text)}")
    match = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", text[text.rfind("Summary:") :])
    return float(match.group(1)) if match else float("-inf")
