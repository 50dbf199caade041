"""Subtitles in every script draw real glyphs: libass (inside the real ffmpeg) with the bundled fonts.

A missing glyph is drawn as the same empty box whatever the character, so two different
strings of the same length would give the same picture; real glyphs never do.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from microdrama.render.binary import find_ffmpeg
from microdrama.render.ffmpeg import _fonts
from microdrama.render.subtitles import to_ass
from microdrama.timeline.model import Clip, SubtitleEvent, Timeline

SAMPLES = {
    "th": ("สวัสดีครับ", "ขอบคุณมาก"),
    "ko": ("안녕하세요", "감사합니다"),
    "ja": ("こんにちは", "ありがとう"),
    "zh-Hant": ("謝謝你們", "對不起啊"),
    "es": ("¡Señor, adiós!", "¿Qué pasó aquí?"),
    "vi": ("Tôi đã về rồi", "Cảm ơn bạn nhé"),
}


def draw(tmp_path: Path, language: str, text: str, name: str) -> np.ndarray:
    timeline = Timeline(
        episode=1,
        language=language,
        width=540,
        height=960,
        duration=1.0,
        clips=[Clip(shot="1-1-1", image="x.png", start=0, duration=1.0)],
        subtitles=[SubtitleEvent(start=0.0, end=1.0, text=text)],
    )
    work = tmp_path / name
    work.mkdir()
    ass = work / "s.ass"
    ass.write_text(to_ass(timeline), encoding="utf-8")
    fonts = _fonts(work, language)
    picture = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=540x960:d=1", "-vf",
         f"subtitles=filename={ass}:fontsdir={fonts}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True, cwd=work,
    ).stdout  # fmt: skip
    return np.frombuffer(picture, dtype=np.uint8).reshape(960, 540)


@pytest.mark.parametrize("language", list(SAMPLES))
def test_each_script_is_drawn_with_real_glyphs(tmp_path: Path, language: str) -> None:
    first, second = (draw(tmp_path, language, text, f"s{i}") for i, text in enumerate(SAMPLES[language]))
    blank = np.full_like(first, np.median(first))
    assert (np.abs(first.astype(int) - blank) > 40).sum() > 200, "something is drawn"
    changed = (np.abs(first.astype(int) - second.astype(int)) > 40).sum()
    assert changed > 500, f"{language}: two different lines look alike (empty boxes instead of glyphs?)"
