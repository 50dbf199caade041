"""Episode scripts: episode -> scenes -> shots -> lines (episodes/NNN.yaml)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from microdrama.model.bounds import (
    MAX_EPISODES,
    MAX_LINES_PER_SHOT,
    MAX_LIST_ITEMS,
    MAX_SCENES_PER_EPISODE,
    MAX_SHOTS_PER_SCENE,
    Prose,
    SpokenText,
    Title,
)
from microdrama.model.common import (
    NARRATOR,
    BeatCue,
    CameraMove,
    Emotion,
    Framing,
    Identifier,
    LineKind,
    Setting,
    SourceSpan,
    Strict,
    TimeOfDay,
    WrittenBy,
)
from microdrama.model.version import SCHEMA_VERSION

# Ids name a shot or scene everywhere (frames, voices, takes, the studio); 32 characters is far past
# "500-200-500", and short enough that no digit run trips int()'s 4300-digit guard.
ShotId = Annotated[str, Field(pattern=r"^\d+-\d+-\d+$", max_length=32)]
TAKE_DESCRIPTION = "Which take of its frame (a shot) or voice (a line) the build uses; a new take is a variation"
LOCKED_DESCRIPTION = "Approved: the build uses the copy kept in locks/ and never remakes it"


class _HasTakes(Strict):
    """Shots and lines: `take` and `locked` are written only when set, so files (and cache keys)
    made before takes existed stay the same, and a file lists only what people chose."""

    @model_serializer(mode="wrap")
    def _defaults_left_out(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("take") == 1:
            del data["take"]
        if data.get("locked") is False:
            del data["locked"]
        return data


class Line(_HasTakes):
    speaker: str = Field(min_length=1, max_length=64, description=f"A character id, or '{NARRATOR}' for voice-over")
    kind: LineKind = "dialogue"
    emotion: Emotion = "neutral"
    text: SpokenText
    source: SourceSpan | None = None
    take: int = Field(default=1, ge=1, le=999, description=TAKE_DESCRIPTION)
    locked: bool = Field(default=False, description=LOCKED_DESCRIPTION)

    @model_validator(mode="after")
    def _text_not_blank(self) -> Line:
        if not self.text.strip():
            raise ValueError("a line's text cannot be blank; delete the line instead")
        return self


class Shot(_HasTakes):
    id: ShotId = Field(description="episode-scene-shot, e.g. 3-2-1")
    framing: Framing = "medium"
    camera: CameraMove = "static"
    description: Prose = Field(default="", description="What we see (action line, △)")
    characters: list[Identifier] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    lines: list[Line] = Field(default_factory=list, max_length=MAX_LINES_PER_SHOT)
    seconds: float = Field(gt=0, le=600, description="Estimated duration")
    source: SourceSpan | None = None
    take: int = Field(default=1, ge=1, le=999, description=TAKE_DESCRIPTION)
    locked: bool = Field(default=False, description=LOCKED_DESCRIPTION)


class Scene(Strict):
    id: str = Field(pattern=r"^\d+-\d+$", max_length=32, description="episode-scene, e.g. 3-2 (场次)")
    location: Identifier
    time: TimeOfDay = "day"
    setting: Setting = "INT/EXT"
    characters: list[Identifier] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    cold_open: bool = Field(default=False, description="A flash-forward placed first as the hook")
    shots: list[Shot] = Field(min_length=1, max_length=MAX_SHOTS_PER_SCENE)


class Beat(Strict):
    """The hook or cliffhanger: which shot carries it and what happens."""

    shot: ShotId
    text: SpokenText
    cues: list[BeatCue] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class Episode(Strict):
    schema_version: int = SCHEMA_VERSION
    number: int = Field(ge=1, le=MAX_EPISODES)
    title: Title
    summary: Prose = ""
    hook: Beat
    cliffhanger: Beat
    is_paywall: bool = False
    seconds: float = Field(ge=0, description="Estimated duration: spoken time plus action")
    source: SourceSpan | None = None
    written_by: WrittenBy | None = Field(default=None, description="The AI model that wrote it, if one did")
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SCENES_PER_EPISODE)

    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]

    def lines(self) -> list[Line]:
        return [line for shot in self.shots() for line in shot.lines]

    @model_validator(mode="after")
    def _ids_unique(self) -> Episode:
        """Two shots with one id would share a frame, a voice and the studio's edits; two scenes, a heading."""
        problems: list[InitErrorDetails] = []
        scenes: dict[str, int] = {}
        shots: dict[str, tuple[int, int]] = {}
        for s, scene in enumerate(self.scenes):
            if scene.id in scenes:
                problems.append(_used_twice("scene", scene.id, ("scenes", s, "id"), f"scenes[{scenes[scene.id]}]"))
            scenes.setdefault(scene.id, s)
            for h, shot in enumerate(scene.shots):
                if shot.id in shots:
                    first = "scenes[{}].shots[{}]".format(*shots[shot.id])
                    problems.append(_used_twice("shot", shot.id, ("scenes", s, "shots", h, "id"), first))
                shots.setdefault(shot.id, (s, h))
        if problems:
            # A ValidationError raised here keeps each problem's own location (and so its file line).
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self

    @model_validator(mode="after")
    def _beats_point_at_shots(self) -> Episode:
        shot_ids = {shot.id for shot in self.shots()}
        for name, beat in (("hook", self.hook), ("cliffhanger", self.cliffhanger)):
            if beat.shot not in shot_ids:
                raise ValueError(f"{name}.shot '{beat.shot}' is not a shot of this episode")
        return self


def _used_twice(kind: str, identifier: str, where: tuple[str | int, ...], first: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(
            "duplicate_id",
            "{kind} id '{id}' is used twice (first by {first}); give each {kind} its own id",
            {"kind": kind, "id": identifier, "first": first},
        ),
        loc=where,
        input=identifier,
    )
