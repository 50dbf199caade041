"""Media made for the render tests: frames drawn with Pillow, voice-like tones with numpy,
small episodes built with the real models. (No tests here; other test modules import it.)"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from microdrama.model import Beat, Bible, Character, Episode, Line, Scene, Series, Shot
from microdrama.project.config import RenderSettings
from microdrama.timeline.build import build_timeline
from microdrama.timeline.model import Timeline

FRAME = (1296, 2304)
RATE = 48_000


def draw_frame(path: Path, seed: int, size: tuple[int, int] = FRAME) -> str:
    """A busy, distinct picture (gradient, grid and discs), so scale and position changes show."""
    rng = np.random.default_rng(seed)
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width]
    base = np.stack(
        [
            (xs * 255 // width + seed * 70) % 256,
            (ys * 255 // height + seed * 40) % 256,
            np.full_like(xs, 90 + seed * 20),
        ],
        axis=-1,
    ).astype(np.uint8)
    image = Image.fromarray(base)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 108):
        draw.line([(x, 0), (x, height)], fill=(255, 255, 255), width=3)
    for y in range(0, height, 108):
        draw.line([(0, y), (width, y)], fill=(20, 20, 20), width=3)
    for _ in range(25):
        x, y, r = int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(30, 160))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path.name


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as stream:
        stream.setnchannels(1)
        stream.setsampwidth(2)
        stream.setframerate(rate)
        stream.writeframes(pcm.tobytes())


def voice_like(seconds: float, pitch: float = 180.0, level: float = 0.3, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Harmonics with vibrato under a syllable-rate envelope: loudness-meters treat it like speech."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f0 = pitch * (1 + 0.05 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, 8))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6)), 0, None) ** 0.6
    fade = np.minimum(1, np.minimum(t, t[-1] - t) / 0.02)
    return np.asarray(level * tone * syllables * fade / 1.5, dtype=np.float32)


def sine(seconds: float, frequency: float, level: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def bible(language: str = "zh") -> Bible:
    return Bible(
        series=Series(
            title="雨夜来客" if language == "zh" else "Rain Guest",
            language=language,
            minutes_per_episode=1,
            episode_count=1,
        ),
        characters=[Character(id="shen", name="沈清禾"), Character(id="zhao", name="赵德海")],
    )


def episode(shots: list[list[Shot]], number: int = 1) -> Episode:
    scenes = [Scene(id=f"{number}-{i + 1}", location="inn", shots=group) for i, group in enumerate(shots)]
    first, last = scenes[0].shots[0].id, scenes[-1].shots[-1].id
    return Episode(
        number=number,
        title="测试",
        hook=Beat(shot=first, text="hook"),
        cliffhanger=Beat(shot=last, text="cliff"),
        seconds=10,
        scenes=scenes,
    )


def shot(
    id: str, camera: str = "static", lines: list[tuple[str, str, str]] | None = None, seconds: float = 2.0
) -> Shot:
    return Shot(
        id=id,
        camera=camera,
        seconds=seconds,
        lines=[Line(speaker=s, kind=k, text=t) for s, k, t in (lines or [])],
    )


def make_project(
    root: Path,
    shots: list[list[Shot]],
    *,
    voice_seconds: float = 1.2,
    number: int = 1,
    language: str = "zh",
    settings: RenderSettings | None = None,
    title_card: bool = False,
    ai: bool = False,
    music: str | None = None,
) -> Timeline:
    """Frames and voices for every shot and line under ``root``, and the episode's timeline."""
    the_episode = episode(shots, number)
    frames: dict[str, str] = {}
    voiced: dict[tuple[str, int], tuple[str, float]] = {}
    for index, item in enumerate(the_episode.shots()):
        frames[item.id] = "frames/" + draw_frame(root / "frames" / f"{item.id}.png", index)
        for line_index, _ in enumerate(item.lines):
            name = f"voices/{item.id}-{line_index}.wav"
            write_wav(root / name, voice_like(voice_seconds, pitch=150 + 30 * line_index, seed=index))
            voiced[(item.id, line_index)] = (name, voice_seconds)
    card = None
    if title_card:
        card = "frames/" + draw_frame(root / "frames" / "title.png", 9, (1080, 1920))
    return build_timeline(
        the_episode,
        bible(language),
        frames,
        voiced,
        settings or RenderSettings(),
        title_card=card,
        ai_generated=ai,
        music=music,
    )
