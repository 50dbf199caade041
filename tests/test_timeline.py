"""Script + voices -> timeline (durations, transitions, title card, subtitles) and its OTIO export."""

from __future__ import annotations

import logging
import math

import opentimelineio as otio
import pytest

from microdrama.errors import MicrodramaError
from microdrama.model import Shot
from microdrama.project.config import RenderSettings
from microdrama.timeline.build import (
    BREATH_SECONDS,
    LINE_GAP_SECONDS,
    MIN_SHOT_SECONDS,
    TITLE_CARD_SECONDS,
    build_timeline,
    timeline_warnings,
)
from microdrama.timeline.model import Timeline
from microdrama.timeline.otio import to_otio
from tests.test_render_support import bible, episode, shot

FPS = 30
TWO_SCENES = [
    [
        shot("1-1-1", "push_in", [("shen", "dialogue", "这么晚了，谁在外面敲门？"), ("zhao", "dialogue", "是我。")]),
        shot("1-1-2", "static", seconds=2.2),
        shot("1-1-3", "pan_left", [("narrator", "narration", "那一夜的雨，下得很大。")]),
    ],
    [
        shot("1-2-1", "tilt_up", [("shen", "inner", "他怎么会来？")]),
        shot("1-2-2", "pull_out", [("zhao", "dialogue", "好。")]),
    ],
]


def voiced_for(shots: list[list[Shot]], seconds: float = 1.6) -> dict[tuple[str, int], tuple[str, float]]:
    the_episode = episode(shots)
    return {
        (item.id, index): (f"voices/{item.id}-{index}.wav", seconds + 0.1 * index)
        for item in the_episode.shots()
        for index, _ in enumerate(item.lines)
    }


def build(
    settings: RenderSettings | None = None,
    *,
    number: int = 1,
    title_card: str | None = None,
    voiced: dict[tuple[str, int], tuple[str, float]] | None = None,
    music: str | None = None,
    ai_generated: bool = False,
) -> Timeline:
    the_episode = episode(TWO_SCENES, number)
    frames = {item.id: f"frames/{item.id}.png" for item in the_episode.shots()}
    return build_timeline(
        the_episode,
        bible(),
        frames,
        voiced_for(TWO_SCENES) if voiced is None else voiced,
        settings or RenderSettings(),
        title_card=title_card,
        ai_generated=ai_generated,
        music=music,
    )


def on_frames(value: float) -> bool:
    return abs(value * FPS - round(value * FPS)) < 1e-6


def test_shot_durations_come_from_the_voices() -> None:
    timeline = build()
    clips = {clip.shot: clip for clip in timeline.clips}
    # Two lines (1.6 s and 1.7 s) after the 0.5 s fade-in, a gap between them, breath after.
    expected = 0.5 + 1.6 + LINE_GAP_SECONDS + 1.7 + BREATH_SECONDS
    assert clips["1-1-1"].duration == pytest.approx(math.ceil(expected * FPS) / FPS)
    assert clips["1-1-2"].duration == pytest.approx(2.2)  # action only: the script's seconds
    assert clips["1-2-2"].duration >= MIN_SHOT_SECONDS
    assert [clip.camera for clip in timeline.clips] == ["push_in", "static", "pan_left", "tilt_up", "pull_out"]
    for clip in timeline.clips:
        assert on_frames(clip.start) and on_frames(clip.duration)
    for event in timeline.audio:
        clip = clips[event.shot]
        lead = clip.transition_seconds
        assert clip.start + lead - 1e-9 <= event.start
        assert event.start + event.duration + BREATH_SECONDS <= clip.start + clip.duration + 1e-6


def test_transitions_fade_in_dissolve_between_scenes_cut_within() -> None:
    timeline = build(RenderSettings(crossfade_seconds=0.4))
    kinds = [(clip.transition, round(clip.transition_seconds, 3)) for clip in timeline.clips]
    assert kinds == [("fade_in", 0.5), ("cut", 0), ("cut", 0), ("dissolve", 0.4), ("cut", 0)]
    for before, after in zip(timeline.clips, timeline.clips[1:], strict=False):
        overlap = after.transition_seconds if after.transition == "dissolve" else 0.0
        assert after.start == pytest.approx(before.start + before.duration - overlap)
    last = timeline.clips[-1]
    assert timeline.duration == pytest.approx(last.start + last.duration)
    total = sum(c.duration for c in timeline.clips) - sum(
        c.transition_seconds for c in timeline.clips if c.transition == "dissolve"
    )
    assert timeline.duration == pytest.approx(total)
    cuts = build(RenderSettings(crossfade_seconds=0))
    assert [clip.transition for clip in cuts.clips] == ["fade_in", "cut", "cut", "cut", "cut"]


def test_episode_one_opens_on_the_title_card() -> None:
    first = build(number=1, title_card="cache/card.png")
    assert first.clips[0].shot == "title" and first.clips[0].image == "cache/card.png"
    assert first.clips[0].duration == pytest.approx(TITLE_CARD_SECONDS) and first.clips[0].transition == "fade_in"
    assert first.clips[1].transition == "dissolve"
    assert first.title == "雨夜来客"
    later = build(number=2, title_card="cache/card.png")
    assert all(clip.shot != "title" for clip in later.clips)
    assert first.duration > later.duration


def test_subtitles_follow_lines_and_unvoiced_lines_still_get_one() -> None:
    voiced = voiced_for(TWO_SCENES)
    del voiced[("1-2-1", 0)]
    timeline = build(voiced=voiced, music="source/music.mp3", ai_generated=True)
    assert len(timeline.audio) == 4
    assert {(event.shot, event.line) for event in timeline.subtitles} >= {("1-2-1", 0), ("1-1-1", 1)}
    narration = next(event for event in timeline.subtitles if event.shot == "1-1-3")
    assert narration.kind == "narration" and narration.speaker == "旁白"
    assert timeline.subtitles[0].speaker == "沈清禾"
    assert timeline.music == "source/music.mp3" and timeline.ai_generated
    assert not build().ai_generated
    for before, after in zip(timeline.subtitles, timeline.subtitles[1:], strict=False):
        assert after.start >= before.end


def test_missing_frame_is_a_clear_error() -> None:
    the_episode = episode(TWO_SCENES)
    with pytest.raises(MicrodramaError, match="shot 1-1-2 has no frame"):
        build_timeline(
            the_episode,
            bible(),
            {"1-1-1": "a.png"},
            {},
            RenderSettings(),
            title_card=None,
            ai_generated=False,
            music=None,
        )


def test_a_thirty_minute_episode_warns_but_builds(caplog: pytest.LogCaptureFixture) -> None:
    voiced = {key: (path, 480.0) for key, (path, _) in voiced_for(TWO_SCENES).items()}
    with caplog.at_level(logging.WARNING, logger="microdrama.timeline.build"):
        timeline = build(voiced=voiced)
    assert timeline.duration > 30 * 60
    assert timeline_warnings(timeline) and "minutes" in timeline_warnings(timeline)[0]
    assert any("minutes" in record.getMessage() for record in caplog.records)
    assert timeline_warnings(build()) == []


def test_otio_round_trip() -> None:
    timeline = build(number=1, title_card="cache/card.png", music="source/music.mp3", ai_generated=True)
    text = to_otio(timeline)
    result = otio.adapters.read_from_string(text, "otio_json")
    assert result.metadata["microdrama"]["episode"] == 1 and result.metadata["microdrama"]["ai_generated"]
    video = [track for track in result.tracks if track.kind == otio.schema.TrackKind.Video]
    assert len(video) == 1
    clips = [item for item in video[0] if isinstance(item, otio.schema.Clip)]
    transitions = [item for item in video[0] if isinstance(item, otio.schema.Transition)]
    assert [clip.name for clip in clips] == [clip.shot for clip in timeline.clips]
    assert [clip.media_reference.target_url for clip in clips] == [clip.image for clip in timeline.clips]
    assert len(transitions) == sum(clip.transition == "dissolve" for clip in timeline.clips)
    assert [clip.metadata["microdrama"]["camera"] for clip in clips] == [clip.camera for clip in timeline.clips]
    assert clips[0].metadata["microdrama"]["fade_in_frames"] == 15
    total_frames = round(timeline.duration * FPS)
    assert video[0].duration() == otio.opentime.RationalTime(total_frames, FPS)
    # Each clip starts, on the NLE's track, where its own frames start being seen alone or in a dissolve.
    for clip, source in zip(clips, timeline.clips, strict=True):
        position = video[0].range_of_child(clip).start_time.to_frames()
        head = clip.source_range.start_time.to_frames()
        assert position - head == round(source.start * FPS)
    voices = [t for t in result.tracks if t.kind == otio.schema.TrackKind.Audio and t.name.startswith("Voices")]
    placed = [
        (track.range_of_child(item).start_time.to_frames(), item.media_reference.target_url)
        for track in voices
        for item in track
        if isinstance(item, otio.schema.Clip)
    ]
    assert sorted(placed) == sorted((round(e.start * FPS), e.path) for e in timeline.audio)
    assert any(t.name == "Music" for t in result.tracks)
    markers = list(result.tracks.markers)
    assert [m.metadata["microdrama"]["subtitle"] for m in markers] == [s.text for s in timeline.subtitles]
    assert markers[0].marked_range.start_time.to_frames() == round(timeline.subtitles[0].start * FPS)
    assert otio.adapters.write_to_string(result, "otio_json") == text  # stable through a round trip
