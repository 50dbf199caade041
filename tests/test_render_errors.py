"""Bad inputs are refused with a clear message, and a failed render never damages the previous MP4."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from microdrama.errors import MicrodramaError
from microdrama.render.ffmpeg import find_ffmpeg, render_episode
from microdrama.render.graph import escape_filter_value
from microdrama.render.subtitles import write_subtitles
from tests.test_render_support import make_project, shot

ONE_SHOT = [[shot("1-1-1", "static", [("shen", "dialogue", "好。")])]]


def test_missing_frame_voice_or_subtitles_are_named(tmp_path: Path) -> None:
    timeline = make_project(tmp_path, ONE_SHOT)
    out = tmp_path / "out" / "ep001.mp4"
    (tmp_path / timeline.audio[0].path).unlink()
    with pytest.raises(MicrodramaError, match="voice of shot 1-1-1 line 1"):
        render_episode(timeline, tmp_path, None, out)
    (tmp_path / timeline.clips[0].image).unlink()
    with pytest.raises(MicrodramaError, match="frame of shot 1-1-1"):
        render_episode(timeline, tmp_path, None, out)
    timeline = make_project(tmp_path, ONE_SHOT)
    with pytest.raises(MicrodramaError, match="subtitle file"):
        render_episode(timeline, tmp_path, tmp_path / "none.ass", out)
    (tmp_path / timeline.clips[0].image).write_bytes(b"not a picture")
    with pytest.raises(MicrodramaError, match="not a readable image"):
        render_episode(timeline, tmp_path, None, out)
    assert not out.exists()


def test_a_failed_render_keeps_the_previous_file_and_leaves_no_partial(tmp_path: Path) -> None:
    timeline = make_project(tmp_path, ONE_SHOT)
    out = tmp_path / "out" / "ep001.mp4"
    out.parent.mkdir()
    out.write_bytes(b"the previous episode")
    (tmp_path / timeline.audio[0].path).write_bytes(b"RIFF garbage that is not a wave file")
    with pytest.raises(MicrodramaError, match="episode 1"):
        render_episode(timeline, tmp_path, None, out)
    assert out.read_bytes() == b"the previous episode"
    assert [p.name for p in out.parent.iterdir()] == ["ep001.mp4"]


def test_find_ffmpeg_prefers_the_wheel_then_the_system_then_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import imageio_ffmpeg

    find_ffmpeg.cache_clear()
    try:
        assert "imageio_ffmpeg" in find_ffmpeg()

        def broken() -> str:
            raise RuntimeError("no binary for this platform")

        monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", broken)
        monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/ffmpeg" if name == "ffmpeg" else None)
        find_ffmpeg.cache_clear()
        assert find_ffmpeg() == "/usr/bin/ffmpeg"
        monkeypatch.setattr(shutil, "which", lambda name: None)
        find_ffmpeg.cache_clear()
        with pytest.raises(MicrodramaError, match=r"pip install imageio-ffmpeg.*apt-get install ffmpeg"):
            find_ffmpeg()
    finally:
        find_ffmpeg.cache_clear()


def test_filter_paths_are_escaped_for_both_levels() -> None:
    assert escape_filter_value("/a b/剧集.ass") == "/a b/剧集.ass"
    assert escape_filter_value("/x/it's:a") == "/x/it\\\\\\'s\\\\:a"
    assert escape_filter_value("/x/[a],b;c") == "/x/\\[a\\]\\,b\\;c"


@pytest.mark.parametrize("name", ["it's: [a], b; c", "剧集 空格 100%", "back\\slash"])
def test_subtitles_filter_opens_awkward_paths(tmp_path: Path, name: str) -> None:
    """A tiny real run of the subtitles filter for each awkward folder name."""
    folder = tmp_path / name
    timeline = make_project(folder, ONE_SHOT)
    ass = write_subtitles(timeline, folder / "subs")[0]
    graph = f"color=c=black:s=1080x1920:d=1.5,subtitles=f={escape_filter_value(str(ass))}[v]"
    result = subprocess.run(
        [find_ffmpeg(), "-hide_banner", "-filter_complex", graph, "-map", "[v]", "-frames:v", "1", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-500:]
