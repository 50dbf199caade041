"""What workers run: each function makes one artifact and writes it atomically.

Kept apart from the pipeline so a worker process imports only what its task needs
(a voice task never loads the drawing code, and the other way round).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from microdrama.build.cache import write_json_atomic


def voice_line(text: str, voice: dict[str, Any], language: str, out: str) -> float:
    """Synthesise one line; its duration goes into a sidecar JSON written after the WAV."""
    from microdrama.audio import synthesize
    from microdrama.model import Voice

    seconds = synthesize(text, Voice.model_validate(voice), language, Path(out))
    write_json_atomic(Path(out).with_suffix(".json"), {"seconds": seconds})
    return seconds


def draw_shot(request: Any, out: str) -> None:
    from microdrama.visuals import draw_frame

    draw_frame(request, Path(out))


def title_card(title: str, licence: str, language: str, out: str) -> None:
    from microdrama.visuals import draw_title_card

    draw_title_card(title, licence, language, Path(out))


def ai_label(language: str, out: str) -> None:
    from microdrama.visuals import draw_ai_label

    draw_ai_label(language, Path(out))


def render(timeline: dict[str, Any], root: str, ass: str | None, out: str, loudness_lufs: float) -> None:
    from microdrama.render.ffmpeg import render_episode
    from microdrama.timeline.model import Timeline

    render_episode(
        Timeline.model_validate(timeline),
        Path(root),
        Path(ass) if ass else None,
        Path(out),
        loudness_lufs=loudness_lufs,
    )


def storyboard(
    episode: dict[str, Any], bible: dict[str, Any], frames: dict[str, str], timings: dict[str, Any], out: str
) -> None:
    from microdrama.model import Bible, Episode
    from microdrama.visuals import storyboard_sheet

    storyboard_sheet(
        Episode.model_validate(episode),
        Bible.model_validate(bible),
        {shot: Path(path) for shot, path in frames.items()},
        {shot: (float(span[0]), float(span[1])) for shot, span in timings.items()},
        Path(out),
    )
