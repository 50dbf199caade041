"""Script + voices -> timeline: when each shot is on screen and when each line is heard and read.

Timing comes from the voices, not from the script's estimates: a shot lasts as long
as its lines take to say (in order, with short gaps) plus a breath after the last
one, and never less than MIN_SHOT_SECONDS so a shot is seen before it is gone.
Shots without lines keep the seconds the script gives them. Everything is counted
in whole frames, so the renderer, the OTIO export and the subtitles agree exactly.

Transitions: the episode fades in, scenes dissolve into each other (the incoming
clip starts while the outgoing one is still on screen, so the overlap is part of
both), and shots within a scene cut. A line's voice starts once its shot is fully
on screen.
"""

from __future__ import annotations

import logging
import math

from microdrama.errors import MicrodramaError
from microdrama.model.bible import Bible
from microdrama.model.common import CameraMove
from microdrama.model.script import Episode, Line, Shot
from microdrama.project.config import RenderSettings
from microdrama.render.subtitles import LineSpan, build_cues
from microdrama.timeline.model import FPS, AudioEvent, Clip, Timeline, Transition

logger = logging.getLogger(__name__)

TITLE_CARD_SECONDS = 2.5
TITLE_CARD_SHOT = "title"
FADE_IN_SECONDS = 0.5
LINE_GAP_SECONDS = 0.25
BREATH_SECONDS = 0.4
MIN_SHOT_SECONDS = 1.5
MAX_TRANSITION_SHARE = 0.4  # a transition never takes more than this share of either clip
LONG_EPISODE_SECONDS = 30 * 60
# Reading speed for a line that has no voice (its subtitle still needs time on screen).
SILENT_CHARS_PER_SECOND = {"zh": 4.5, "en": 14.0}


def build_timeline(
    episode: Episode,
    bible: Bible,
    frames: dict[str, str],
    voiced: dict[tuple[str, int], tuple[str, float]],
    settings: RenderSettings,
    *,
    title_card: str | None,
    ai_generated: bool,
    music: str | None,
) -> Timeline:
    """One episode's timeline.

    ``frames`` maps shot ids to frame images and ``voiced`` maps (shot id, line index)
    to (WAV, seconds); paths are relative to the project. A line with no voice is
    still subtitled, for as long as it takes to read. ``ai_generated`` marks the episode
    as made with AI (the renderer shows a visible label and writes it into the MP4's metadata).
    """
    language = bible.series.language
    builder = _Builder(language, settings.crossfade_seconds)
    if title_card is not None and episode.number == 1:
        builder.add_clip(TITLE_CARD_SHOT, title_card, TITLE_CARD_SECONDS, "static", new_scene=True, action=True)
    for scene in episode.scenes:
        for index, shot in enumerate(scene.shots):
            image = frames.get(shot.id)
            if image is None:
                raise MicrodramaError(f"episode {episode.number}: shot {shot.id} has no frame; build its frames first")
            builder.add_shot(shot, image, voiced, bible, new_scene=index == 0)
    duration = builder.cursor / FPS
    timeline = Timeline(
        episode=episode.number,
        language=language,
        duration=duration,
        clips=builder.clips,
        audio=builder.audio,
        subtitles=build_cues(builder.spans, FPS, duration),
        music=music,
        title=bible.series.title,
        licence=settings.licence,
        ai_generated=ai_generated,
    )
    for warning in timeline_warnings(timeline):
        logger.warning(warning)
    return timeline


def timeline_warnings(timeline: Timeline) -> list[str]:
    """Things worth telling the user that do not stop the render."""
    warnings = []
    if timeline.duration > LONG_EPISODE_SECONDS:
        warnings.append(
            f"episode {timeline.episode} runs {timeline.duration / 60:.0f} minutes; micro-drama episodes "
            "are 1-2 minutes (rendering it anyway)"
        )
    return warnings


class _Builder:
    """Lays clips end to end in whole frames; ``cursor`` is where the last clip ends."""

    def __init__(self, language: str, crossfade: float) -> None:
        self.language, self.crossfade = language, crossfade
        self.clips: list[Clip] = []
        self.audio: list[AudioEvent] = []
        self.spans: list[LineSpan] = []
        self.cursor = 0
        self.last_frames = 0

    def _transition(self, new_scene: bool, length: float | None) -> tuple[Transition, int]:
        """How the next clip enters, and the overlap in frames (capped by both clips' lengths)."""
        if not self.clips:
            kind: Transition = "fade_in"
            seconds = FADE_IN_SECONDS
        elif new_scene and self.crossfade > 0:
            kind, seconds = "dissolve", self.crossfade
        else:
            return "cut", 0
        overlap = round(seconds * FPS)
        if self.clips:
            overlap = min(overlap, math.floor(self.last_frames * MAX_TRANSITION_SHARE))
        if length is not None:
            overlap = min(overlap, math.floor(length * FPS * MAX_TRANSITION_SHARE))
        return (kind, overlap) if overlap > 0 else ("cut", 0)

    def add_clip(
        self, shot: str, image: str, seconds: float, camera: CameraMove, *, new_scene: bool, action: bool
    ) -> None:
        kind, overlap = self._transition(new_scene, seconds if action else None)
        self._place(shot, image, round(seconds * FPS), camera, kind, overlap)

    def _place(self, shot: str, image: str, length: int, camera: CameraMove, kind: Transition, overlap: int) -> int:
        start = self.cursor - overlap if kind == "dissolve" else self.cursor
        length = max(length, 1)
        self.clips.append(
            Clip(
                shot=shot,
                image=image,
                start=start / FPS,
                duration=length / FPS,
                camera=camera,
                transition=kind,
                transition_seconds=overlap / FPS,
            )
        )
        self.cursor, self.last_frames = start + length, length
        return start

    def add_shot(
        self,
        shot: Shot,
        image: str,
        voiced: dict[tuple[str, int], tuple[str, float]],
        bible: Bible,
        *,
        new_scene: bool,
    ) -> None:
        if not shot.lines:
            kind, overlap = self._transition(new_scene, shot.seconds)
            self._place(shot.id, image, round(shot.seconds * FPS), shot.camera, kind, overlap)
            return
        seconds = [self._line_seconds(shot, index, line, voiced) for index, line in enumerate(shot.lines)]
        kind, overlap = self._transition(new_scene, None)
        lead = overlap / FPS
        speech = sum(seconds) + LINE_GAP_SECONDS * (len(seconds) - 1)
        length = max(MIN_SHOT_SECONDS, lead + speech + BREATH_SECONDS, lead / MAX_TRANSITION_SHARE)
        start = self._place(shot.id, image, math.ceil(length * FPS - 1e-6), shot.camera, kind, overlap)
        at = start / FPS + lead
        for index, (line, length_s) in enumerate(zip(shot.lines, seconds, strict=True)):
            voice = voiced.get((shot.id, index))
            if voice is not None and voice[1] > 0:
                self.audio.append(
                    AudioEvent(path=voice[0], start=at, duration=length_s, shot=shot.id, line=index, kind=line.kind)
                )
            self.spans.append(
                LineSpan(line.text, at, at + length_s, bible.speaker_name(line.speaker), line.kind, shot.id, index)
            )
            at += length_s + LINE_GAP_SECONDS

    def _line_seconds(
        self, shot: Shot, index: int, line: Line, voiced: dict[tuple[str, int], tuple[str, float]]
    ) -> float:
        voice = voiced.get((shot.id, index))
        if voice is not None and voice[1] > 0:
            return voice[1]
        rate = SILENT_CHARS_PER_SECOND.get(self.language, SILENT_CHARS_PER_SECOND["en"])
        return max(1.0, len(line.text.strip()) / rate)
