"""The music bed: looped under the episode, ducked while someone speaks; a file that is not audio is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from microdrama.errors import MicrodramaError
from microdrama.render.ffmpeg import render_episode
from microdrama.render.probe import audio_samples, frame_at, loudness, probe
from tests.test_render_support import draw_frame, make_project, shot, sine, write_wav

RATE = 16_000


def level_at(samples: np.ndarray, frequency: float, start: float, end: float) -> float:
    """dB of one frequency in a stretch of samples (Hann-windowed DFT bin)."""
    piece = samples[int(start * RATE) : int(end * RATE)]
    window = np.hanning(len(piece))
    t = np.arange(len(piece)) / RATE
    amplitude = np.abs(np.sum(piece * window * np.exp(-2j * np.pi * frequency * t))) / np.sum(window) * 2
    return float(20 * np.log10(amplitude + 1e-12))


def test_music_is_looped_and_ducked_under_dialogue(tmp_path: Path) -> None:
    root = tmp_path / "带音乐 project"
    write_wav(root / "music" / "bed.wav", sine(1.3, 440.0, 0.3))  # shorter than the episode: must loop
    timeline = make_project(
        root,
        [[shot("1-1-1", "static", [("shen", "dialogue", "你说什么？")]), shot("1-1-2", "push_in", seconds=2.0)]],
        voice_seconds=1.5,
        title_card=True,
        music="music/bed.wav",
    )
    out = root / "out" / "ep001.mp4"
    render_episode(timeline, root, None, out)
    info = probe(out)
    assert info.duration is not None and abs(info.duration - timeline.duration) <= 0.2
    assert abs(loudness(out).integrated - (-14.0)) <= 1.5
    samples = audio_samples(out, rate=RATE)
    line = timeline.audio[0]
    before = level_at(samples, 440.0, 0.7, line.start - 0.2)  # title card: music alone
    during = level_at(samples, 440.0, line.start + 0.3, line.start + line.duration - 0.1)
    assert before > -45  # the bed is audible (and looped: the file is only 1.3 s long)
    assert during < before - 6, (before, during)
    # The title card (1080x1920, no overscan) is shown whole, not cropped or scaled.
    card = frame_at(out, 1.5).astype(np.float32)
    expected = np.asarray(Image.open(root / timeline.clips[0].image).convert("RGB")).astype(np.float32)
    assert np.abs(card[300:1200] - expected[300:1200]).mean() < 8


@pytest.mark.parametrize("content", [b"not music at all\n", "PNG"])
def test_music_that_is_not_audio_is_refused_before_rendering(tmp_path: Path, content: bytes | str) -> None:
    root = tmp_path / "project"
    music = root / "music" / "bed.mp3"
    music.parent.mkdir(parents=True)
    if content == "PNG":
        draw_frame(music.with_suffix(".png"), 1, (64, 64))
        music.with_suffix(".png").rename(music)
    else:
        assert isinstance(content, bytes)
        music.write_bytes(content)
    timeline = make_project(root, [[shot("1-1-1", "static", seconds=1.5)]], music="music/bed.mp3")
    out = root / "out" / "ep001.mp4"
    with pytest.raises(MicrodramaError, match="not audio"):
        render_episode(timeline, root, None, out)
    assert not out.exists()


def test_missing_music_is_a_clear_error(tmp_path: Path) -> None:
    timeline = make_project(tmp_path, [[shot("1-1-1", "static", seconds=1.5)]], music="music/gone.mp3")
    with pytest.raises(MicrodramaError, match=r"gone\.mp3 is missing"):
        render_episode(timeline, tmp_path, None, tmp_path / "out.mp4")
