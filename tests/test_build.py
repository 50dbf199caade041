"""The media build end to end: real TTS, real drawing, real ffmpeg; incremental, resumable, parallel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from microdrama.api import build, load_series
from microdrama.build.pipeline import summarize
from microdrama.render.probe import loudness, probe
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
STORY = REPO / "tests" / "fixtures" / "stories" / "zh-story.txt"


def make_project(tmp_path: Path, name: str = "series", episodes: int = 2, minutes: float = 0.5) -> Path:
    project = tmp_path / name
    assert run_cli("init", project, "--from", STORY).code == 0
    result = run_cli("adapt", project, "--episodes", str(episodes), "--minutes", str(minutes))
    assert result.code == 0, result.err
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project built once; tests that only read its outputs share it."""
    project = make_project(tmp_path_factory.mktemp("built"))
    result = run_cli("build", project, "--workers", "2")
    assert result.code == 0, result.err + result.out
    return project


def test_every_output_is_made_and_valid(built: Path) -> None:
    out = built / "build" / "out"
    _, bible, episodes = load_series(built)
    for episode in episodes:
        stem = out / f"ep{episode.number:03d}"
        video = stem.with_suffix(".mp4")
        info = probe(video)
        picture, sound = info.first("video"), info.first("audio")
        assert picture is not None and sound is not None
        assert (picture.width, picture.height) == (1080, 1920)
        assert picture.fps == pytest.approx(30, abs=0.01)
        assert picture.codec == "h264" and picture.pix_fmt == "yuv420p"
        assert sound.codec == "aac"
        assert loudness(video).integrated > -20, "the voices are audible"
        assert info.duration is not None
        timeline = (stem.with_suffix(".timeline.json")).read_text(encoding="utf-8")
        from microdrama.timeline.model import Timeline

        expected = Timeline.model_validate_json(timeline).duration
        assert abs(info.duration - expected) <= 0.2
        for suffix in ("ass", "srt", "vtt"):
            text = out.joinpath(f"ep{episode.number:03d}.zh.{suffix}").read_text(encoding="utf-8")
            assert episode.lines()[0].text[:4] in text.replace("\\N", "").replace("\n", "")
        assert stem.with_suffix(".otio").stat().st_size > 0
        assert stem.with_suffix(".storyboard.png").stat().st_size > 0
    assert (out / "contact-sheet.png").stat().st_size > 0
    # build completed the cast in bible.yaml, so a person can change a look or a voice there
    assert all(c.look is not None and c.voice is not None for c in bible.characters)
    assert bible.narrator_voice is not None
    voices = {(c.voice.engine, c.voice.voice, c.voice.pitch) for c in bible.characters if c.voice}
    assert len(voices) == len(bible.characters)


def test_a_no_op_rebuild_makes_nothing(built: Path) -> None:
    report = build(built, workers=2)
    counts = summarize(report)
    assert counts["made"] == {}, counts
    assert set(counts["episodes"].values()) == {"up to date"}


def test_editing_one_line_revoices_that_line_and_rerenders_its_episode_only(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert build(project, workers=2).failed == []
    first = project / "build" / "out" / "ep001.mp4"
    first_mtime = first.stat().st_mtime_ns
    path = project / "episodes" / "002.yaml"
    text = path.read_text(encoding="utf-8")
    _, _, episodes = load_series(project)
    line = next(line for line in episodes[1].lines() if line.kind == "dialogue")
    path.write_text(text.replace(f"text: {line.text}", f"text: {line.text}……改", 1), encoding="utf-8")

    report = build(project, workers=2)
    counts = summarize(report)
    assert counts["made"].get("voice") == 1, counts
    assert counts["made"].get("render") == 1, counts
    assert "frame" not in counts["made"], counts
    assert counts["episodes"] == {1: "up to date", 2: "rendered"}
    assert first.stat().st_mtime_ns == first_mtime


def test_a_killed_build_resumes_without_corrupt_files(tmp_path: Path) -> None:
    project = make_project(tmp_path, episodes=2)
    command = [sys.executable, "-m", "microdrama", "build", str(project), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    cache = project / "build" / "cache"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.rglob("*.wav"))) < 3:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the build and all its workers, mid-flight
    process.wait()
    result = run_cli("build", project, "--workers", "2")
    assert result.code == 0, result.err
    assert not list(project.rglob("*.tmp"))
    for video in (project / "build" / "out").glob("*.mp4"):
        assert (probe(video).duration or 0) > 1


def test_the_ray_executor_builds_the_same_episode(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    project = make_project(tmp_path, episodes=2)
    result = run_cli("build", project, "--executor", "ray", "--workers", "2", "--episodes", "2")
    assert result.code == 0, result.err
    assert (probe(project / "build" / "out" / "ep002.mp4").duration or 0) > 1
    # the same project built locally afterwards finds everything up to date
    report = build(project, workers=1, episodes="2")
    assert summarize(report)["made"] == {}


def test_preview_makes_a_storyboard_without_video(tmp_path: Path) -> None:
    project = make_project(tmp_path, episodes=2)
    result = run_cli("preview", project, "2")
    assert result.code == 0, result.err
    assert (project / "build" / "out" / "ep002.storyboard.png").stat().st_size > 0
    assert not (project / "build" / "out" / "ep002.mp4").exists()


def test_bad_build_inputs(tmp_path: Path) -> None:
    project = make_project(tmp_path, episodes=2)
    result = run_cli("build", project, "--episodes", "7")
    assert result.code != 0 and "no episode 7" in result.err and "Traceback" not in result.err

    music = project / "source" / "music.mp3"
    music.write_text("this is not audio", encoding="utf-8")
    config = project / "microdrama.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("[render]\n", '[render]\nmusic = "source/music.mp3"\n')
    )
    result = run_cli("build", project, "--episodes", "1")
    assert result.code != 0 and "music" in result.err and "Traceback" not in result.err

    config.write_text(config.read_text(encoding="utf-8").replace('music = "source/music.mp3"', 'music = "../x.mp3"'))
    result = run_cli("build", project)
    assert result.code != 0 and "outside the project" in result.err


def test_missing_ffmpeg_names_the_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path, episodes=2)
    env = {**os.environ, "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg"), "PATH": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "microdrama", "build", str(project)], capture_output=True, text=True, env=env
    )
    assert completed.returncode != 0
    assert "ffmpeg" in completed.stderr and "Traceback" not in completed.stderr


def test_an_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, episodes=2)
    (project / "build").mkdir(exist_ok=True)
    (project / "build" / "cache").write_text("in the way", encoding="utf-8")
    result = run_cli("build", project, "--workers", "1")
    assert result.code != 0 and "Traceback" not in result.err
    assert (project / "build" / "cache").read_text(encoding="utf-8") == "in the way"


def test_the_same_character_looks_the_same_in_two_episodes(built: Path) -> None:
    import numpy as np
    from PIL import Image

    from microdrama.timeline.model import Timeline

    _, bible, episodes = load_series(built)
    lead = bible.characters[0]
    assert lead.look is not None
    outfit_hue = Image.new("RGB", (1, 1), lead.look.outfit).convert("HSV").getpixel((0, 0))[0]
    for episode in episodes[:2]:
        shot = next(s for s in episode.shots() if lead.id in s.characters and s.framing in ("medium", "two_shot"))
        timeline = Timeline.model_validate_json(
            (built / "build" / "out" / f"ep{episode.number:03d}.timeline.json").read_text(encoding="utf-8")
        )
        frame = next(clip.image for clip in timeline.clips if clip.shot == shot.id)
        hsv = np.asarray(Image.open(built / frame).convert("HSV")).reshape(-1, 3).astype(int)
        # time-of-day grading tints the frame but keeps the outfit's hue: match saturated pixels by hue
        hue_gap = np.minimum(np.abs(hsv[:, 0] - outfit_hue), 256 - np.abs(hsv[:, 0] - outfit_hue))
        share = float(np.mean((hue_gap < 8) & (hsv[:, 1] > 80) & (hsv[:, 2] > 50)))
        assert share > 0.02, f"{lead.name}'s outfit colour fills {share:.1%} of shot {shot.id}"
