"""The timeline IR: everything the renderer needs for one episode, and nothing else.

Times are seconds from the start of the episode. Paths are relative to the project
folder (media live in build/cache/), so a timeline is a plain, portable JSON file
that the renderer, the OTIO exporter and the subtitle writers all read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microdrama.model.common import CameraMove, LineKind, Strict

Transition = Literal["cut", "dissolve", "fade_in"]
WIDTH, HEIGHT, FPS = 1080, 1920, 30


class Clip(Strict):
    """One shot on screen: a still frame animated by a camera move."""

    shot: str  # Shot.id
    image: str  # frame PNG, relative to the project
    start: float = Field(ge=0)
    duration: float = Field(gt=0)
    camera: CameraMove = "static"
    transition: Transition = "cut"  # how this clip enters (from the previous one)
    transition_seconds: float = Field(default=0.0, ge=0)


class AudioEvent(Strict):
    """One voiced line placed on the timeline."""

    path: str  # WAV, relative to the project
    start: float = Field(ge=0)
    duration: float = Field(gt=0)
    shot: str
    line: int = Field(ge=0)  # index of the line in its shot
    kind: LineKind = "dialogue"
    gain_db: float = 0.0


class SubtitleEvent(Strict):
    start: float = Field(ge=0)
    end: float = Field(gt=0)
    text: str = Field(min_length=1)  # one cue, already split to the line-length rules
    speaker: str = ""  # display name, for styling and for translators
    kind: LineKind = "dialogue"
    shot: str = ""
    line: int = 0


class Timeline(Strict):
    episode: int = Field(ge=1)
    language: str
    width: int = WIDTH
    height: int = HEIGHT
    fps: int = FPS
    duration: float = Field(gt=0)
    clips: list[Clip] = Field(min_length=1)
    audio: list[AudioEvent] = Field(default_factory=list)
    subtitles: list[SubtitleEvent] = Field(default_factory=list)
    music: str | None = None  # optional music bed, ducked under dialogue
    title: str = ""  # series title, drawn on episode 1's title card
    licence: str = ""  # 备案号 / licence line for the opening credits
    ai_generated: bool = False  # an AI provider made some of it: visible label + metadata
