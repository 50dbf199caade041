"""The benchmark's other contestant: a straightforward MoviePy 2.2 rendering of a timeline.

What a Python developer would write with MoviePy for the same episode: each frame an
ImageClip, the camera move as a resize factor and a position that are functions of
t inside a 1080x1920 CompositeVideoClip, CrossFadeIn for dissolves, FadeIn at the
start, a TextClip per subtitle cue (same font, size, outline and place as our ASS
style), the voices in a CompositeAudioClip, written with libx264 veryfast / AAC on
2 threads. Benchmark only: never imported by microdrama.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from moviepy import AudioFileClip, CompositeAudioClip, CompositeVideoClip, ImageClip, TextClip, vfx

from microdrama.render.graph import MAX_ZOOM
from microdrama.render.subtitles import MARGIN_BOTTOM
from microdrama.timeline.model import Clip, Timeline
from microdrama.visuals.fonts import sans_font

Position = Callable[[float], tuple[float, float]]


def _camera(
    clip: Clip, canvas: tuple[int, int], size: tuple[int, int]
) -> tuple[Callable[[float], float] | None, Position]:
    """Resize factor (None: none) and top-left position over time, as our ffmpeg graph moves the crop."""
    (cw, ch), (w, h) = canvas, size
    d = max(clip.duration, 1e-3)
    if clip.camera in ("push_in", "pull_out"):

        def zoom(t: float) -> float:
            p = min(max(t / d, 0), 1)
            return 1 + (MAX_ZOOM - 1) * (p if clip.camera == "push_in" else 1 - p)

        return zoom, lambda t: (-(cw * zoom(t) - w) / 2, -(ch * zoom(t) - h) / 2)
    sx, sy = cw - w, ch - h
    moves: dict[str, Position] = {
        "pan_right": lambda t: (-sx * min(t / d, 1), -sy / 2),
        "pan_left": lambda t: (-sx * (1 - min(t / d, 1)), -sy / 2),
        "tilt_down": lambda t: (-sx / 2, -sy * min(t / d, 1)),
        "tilt_up": lambda t: (-sx / 2, -sy * (1 - min(t / d, 1))),
    }
    return None, moves.get(clip.camera, lambda t: (-sx / 2, -sy / 2))


def render_with_moviepy(timeline: Timeline, root: Path, out: Path) -> None:
    size = (timeline.width, timeline.height)
    layers = []
    for index, clip in enumerate(timeline.clips):
        still = ImageClip(str(root / clip.image)).with_duration(clip.duration)
        zoom, position = _camera(clip, still.size, size)
        if zoom is not None:
            still = still.resized(zoom)
        still = still.with_position(position)
        frame = CompositeVideoClip([still], size=size).with_start(clip.start).with_duration(clip.duration)
        if index == 0 and clip.transition_seconds:
            frame = frame.with_effects([vfx.FadeIn(clip.transition_seconds)])
        elif clip.transition == "dissolve":
            frame = frame.with_effects([vfx.CrossFadeIn(clip.transition_seconds)])
        layers.append(frame)
    font = str(sans_font())
    for event in timeline.subtitles:
        text = TextClip(
            font=font,
            text=event.text,
            font_size=46,
            color="white",
            stroke_color="black",
            stroke_width=4,
            method="label",
            text_align="center",
        )
        top = timeline.height - MARGIN_BOTTOM - text.size[1]
        layers.append(
            text.with_start(event.start).with_duration(event.end - event.start).with_position(("center", top))
        )
    voices = [AudioFileClip(str(root / event.path)).with_start(event.start) for event in timeline.audio]
    video = CompositeVideoClip(layers, size=size).with_duration(timeline.duration)
    if voices:
        video = video.with_audio(CompositeAudioClip(voices).with_duration(timeline.duration))
    video.write_videofile(
        str(out),
        fps=timeline.fps,
        codec="libx264",
        preset="veryfast",
        threads=2,
        audio_codec="aac",
        audio_fps=48_000,
        ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p"],
        temp_audiofile=str(out.with_suffix(".temp-audio.m4a")),  # MoviePy's default lands in the working folder
        logger=None,
    )
    video.close()
