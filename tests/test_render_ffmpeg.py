"""Real renders of short episodes, checked by probing what came out (picture, sound, container)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from microdrama.render import passes
from microdrama.render.ffmpeg import render_episode
from microdrama.render.probe import audio_samples, count_frames, frame_at, loudness, probe, top_level_boxes
from microdrama.render.subtitles import write_subtitles
from microdrama.timeline.model import Timeline
from tests.test_render_support import make_project, shot

# Every character that needs escaping somewhere on the way to ffmpeg's subtitles filter.
AWKWARD = "剧集 it's: a [test], ok; 100%"
SHOTS = [
    [
        shot("1-1-1", "push_in", [("shen", "dialogue", "这么晚了，谁在外面敲门？雨下得这么大。")]),
        shot("1-1-2", "pan_right", [("zhao", "narration", "客栈不卖。")]),
    ],
    [shot("1-2-1", "static", seconds=1.5)],
]


@dataclass
class Rendered:
    root: Path
    timeline: Timeline
    with_subs: Path
    plain: Path
    progress: list[float]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("render") / AWKWARD
    timeline = make_project(root, SHOTS, voice_seconds=1.3, ai=True)
    ass = write_subtitles(timeline, root / "out" / "ep001.zh")[0]
    progress: list[float] = []
    with_subs = root / "out" / "ep001.mp4"
    render_episode(timeline, root, ass, with_subs, progress=progress.append)
    plain = root / "out" / "plain.mp4"
    render_episode(timeline.model_copy(update={"ai_generated": False}), root, None, plain)
    return Rendered(root, timeline, with_subs, plain, progress)


def test_the_mp4_is_what_platforms_expect(rendered: Rendered) -> None:
    info = probe(rendered.with_subs)
    video, audio = info.first("video"), info.first("audio")
    assert video is not None and audio is not None
    assert (video.codec, video.pix_fmt, video.width, video.height, video.fps) == ("h264", "yuv420p", 1080, 1920, 30)
    assert (audio.codec, audio.sample_rate, audio.channels) == ("aac", 48000, "stereo")
    assert info.duration is not None and abs(info.duration - rendered.timeline.duration) <= 0.2
    assert count_frames(rendered.with_subs) == round(rendered.timeline.duration * 30)
    boxes = top_level_boxes(rendered.with_subs)
    assert boxes.index("moov") < boxes.index("mdat")  # faststart
    assert "AI-generated" in info.metadata.get("comment", "") and "AI" in info.metadata.get("description", "")
    assert "AI-generated" not in probe(rendered.plain).metadata.get("comment", "")
    assert sorted(p.name for p in (rendered.root / "out").iterdir() if p.name.startswith(".")) == []  # no partials


def test_sound_is_there_and_on_the_loudness_target(rendered: Rendered) -> None:
    measured = loudness(rendered.with_subs)
    assert abs(measured.integrated - (-14.0)) <= 1.5
    assert measured.true_peak <= -0.5
    samples = audio_samples(rendered.with_subs)
    first = rendered.timeline.audio[0]
    speech = samples[int((first.start + 0.2) * 16000) : int((first.start + first.duration - 0.2) * 16000)]
    assert 20 * np.log10(np.sqrt(np.mean(speech**2))) > -30  # not silent where a line is spoken


def test_progress_is_reported_up_to_one(rendered: Rendered) -> None:
    assert rendered.progress[0] == 0.0 and rendered.progress[-1] == 1.0
    assert rendered.progress == sorted(rendered.progress) and len(rendered.progress) >= 2


def test_a_long_episode_renders_in_parts_to_the_same_picture_and_sound(
    rendered: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passes, "MAX_CLIPS_PER_PASS", 1)
    timeline = rendered.timeline
    assert passes.plan_passes(timeline) == [(0, 1), (1, 3)]  # parts start on cuts, never inside a dissolve
    ass = rendered.root / "out" / "ep001.zh.ass"
    out = rendered.root / "out" / "parts.mp4"
    render_episode(timeline, rendered.root, ass, out)
    info = probe(out)
    assert info.duration is not None and abs(info.duration - timeline.duration) <= 0.2
    assert count_frames(out) == round(timeline.duration * 30)
    assert abs(loudness(out).integrated - (-14.0)) <= 1.5
    assert "AI-generated" in info.metadata.get("comment", "")
    for cue in timeline.subtitles:  # subtitles keep their times in later parts
        at = (cue.start + cue.end) / 2
        assert np.abs(grey(frame_at(out, at)) - grey(frame_at(rendered.with_subs, at))).mean() < 2.5


def grey(frame: np.ndarray) -> np.ndarray:
    return np.asarray(frame.astype(np.float32).mean(axis=2), dtype=np.float32)


def test_subtitles_are_burned_in_the_subtitle_band_only(rendered: Rendered) -> None:
    cue = rendered.timeline.subtitles[0]
    at = (cue.start + cue.end) / 2
    subs, plain = grey(frame_at(rendered.with_subs, at)), grey(frame_at(rendered.plain, at))
    band = np.abs(subs[1280:1536] - plain[1280:1536]).mean()  # bottom third, above the UI band
    middle = np.abs(subs[500:1200, 200:900] - plain[500:1200, 200:900]).mean()
    below = np.abs(subs[1600:] - plain[1600:]).mean()
    assert band > 4 * max(middle, 0.5) and band > 3
    assert below < 1.5  # nothing in the platform UI band
    label = np.abs(subs[150:230, 40:260] - plain[150:230, 40:260]).mean()
    assert label > 10  # the AI label, top-left inside the safe area


def test_shots_differ_and_the_camera_moves(rendered: Rendered) -> None:
    clips = {clip.shot: clip for clip in rendered.timeline.clips}
    first, still = clips["1-1-1"], clips["1-2-1"]
    a = grey(frame_at(rendered.plain, first.start + 0.7))
    b = grey(frame_at(rendered.plain, still.start + still.duration - 0.1))
    assert np.abs(a - b).mean() > 20
    # push-in: the later frame is the earlier one scaled up about the centre.
    early_t, late_t = first.start + 0.6, first.start + first.duration - 0.1
    early, late = frame_at(rendered.plain, early_t), frame_at(rendered.plain, late_t)
    frames = round(first.duration * 30)
    expected = (1 + 0.15 * round((late_t - first.start) * 30) / (frames - 1)) / (
        1 + 0.15 * round((early_t - first.start) * 30) / (frames - 1)
    )
    assert abs(best_scale(early, late) - expected) < 0.025
    # pan right: the picture slides left across the overscan.
    pan, after = clips["1-1-2"], clips["1-2-1"]
    left = grey(frame_at(rendered.plain, pan.start + 0.05))
    right = grey(frame_at(rendered.plain, after.start - 0.05))  # before the dissolve begins
    expected_shift = 216 * (after.start - 0.1 - pan.start) / (pan.duration - 1 / 30)
    assert abs(best_shift(left, right) - expected_shift) <= 12


def best_scale(early: np.ndarray, late: np.ndarray) -> float:
    """The zoom that best turns ``early`` into ``late`` (compared in the picture's middle)."""
    box = (240, 560, 840, 1160)  # x0, y0, x1, y1: away from the label and the subtitles
    target = grey(late)[box[1] : box[3], box[0] : box[2]]
    scores = {}
    for scale in np.arange(1.0, 1.21, 0.01):
        w, h = round(1080 * scale), round(1920 * scale)
        big = Image.fromarray(early).resize((w, h), Image.Resampling.BILINEAR)
        x, y = (w - 1080) // 2, (h - 1920) // 2
        crop = grey(np.asarray(big))[y + box[1] : y + box[3], x + box[0] : x + box[2]]
        scores[float(scale)] = float(np.abs(crop - target).mean())
    return min(scores, key=lambda scale: scores[scale])


def best_shift(left: np.ndarray, right: np.ndarray) -> int:
    rows = slice(500, 1100)
    scores = {s: float(np.abs(left[rows, s + 100 : s + 700] - right[rows, 100:700]).mean()) for s in range(0, 260, 2)}
    return min(scores, key=lambda s: scores[s])
