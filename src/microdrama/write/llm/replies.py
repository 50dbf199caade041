"""What the model answers: small, flat reply models, and the checks run on them.

The embedded model is small, so the replies stay shallow and every field is a plain
string, a short list or an enum. Limits that depend on the request (the cast ids a
speaker may be, the number of episodes in an outline chunk) go into the JSON schema
only: ``for_request`` makes a subclass whose schema carries them. The embedded model
is grammar-constrained by that schema, so it cannot leave the cast; a remote model
that does gets a readable problem from the check ("speaker 'bob' is not in the cast;
use one of: …") and repairs its reply. Validation itself stays lenient (plain ``str``)
so such replies reach the check instead of failing with a bare pydantic message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from microdrama.model.common import NARRATOR, AgeGroup, Emotion, Framing, Gender, Role, Setting, TimeOfDay
from microdrama.text.analysis import UNITS_PER_MINUTE, spoken_seconds

# A line is at most ~12 s of speech: longer ones do not fit one subtitle or one shot.
MAX_LINE_SECONDS = 12.0
# What a drafted line is capped at (and the prompt asks for), as a share of that limit.
LINE_SHARE = 0.6
# Schema-only caps that stop a small model from running on; the checks are stricter.
TEXT_CAP = 240
MAX_SCENES = 4
MAX_SHOTS = 8
MAX_LINES = 5
MAX_BEATS = 5
MAX_TAGS = 4
MAX_CAST = 8
MAX_PLACES = 6
# An episode's spoken lines may run at most this many times its length before the check objects;
# the schema's caps allow CAP_LENGTH_FACTOR times, so a reply that fills them all still passes.
MAX_LENGTH_FACTOR = 2.0
CAP_LENGTH_FACTOR = 1.5

# Text caps (characters) by language: Chinese packs a sentence into far fewer characters.
CAPS: dict[str, dict[str, int]] = {
    "zh": {
        "name": 10,
        "person": 60,
        "place": 12,
        "place_text": 40,
        "title": 16,
        "logline": 60,
        "tag": 6,
        "summary": 80,
        "moment": 50,
        "beat": 30,
    },
    "en": {
        "name": 30,
        "person": 160,
        "place": 30,
        "place_text": 100,
        "title": 40,
        "logline": 200,
        "tag": 16,
        "summary": 200,
        "moment": 120,
        "beat": 100,
    },
}
Patches = dict[str, dict[str, dict[str, Any]]]  # model name ("" = the reply itself) -> field -> schema keys
D = TypeVar("D", bound="Draft")


class Draft(BaseModel):
    """Base of the reply models: unknown keys are ignored, schema limits are added per request."""

    model_config = ConfigDict(extra="ignore")
    schema_patches: ClassVar[Patches] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        definitions = schema.get("$defs", {})
        for model, fields in cls.schema_patches.items():
            target = schema if model == "" else definitions.get(model)
            if target is None:
                continue
            for name, extra in fields.items():
                target["properties"][name].update(extra)
        return schema

    @classmethod
    def for_request(cls: type[D], patches: Patches) -> type[D]:
        """A subclass with the same fields whose JSON schema carries ``patches``."""
        merged: Patches = {model: dict(fields) for model, fields in cls.schema_patches.items()}
        for model, fields in patches.items():
            merged.setdefault(model, {}).update(fields)
        subclass: type[D] = type(cls.__name__, (cls,), {"schema_patches": merged, "__module__": cls.__module__})
        return subclass


def _cap(length: int) -> Any:
    return {"maxLength": length}


def _items(least: int, most: int) -> Any:
    return {"minItems": least, "maxItems": most}


# -- series -------------------------------------------------------------------------------------


class PersonDraft(Draft):
    name: str = Field(description="Full name as the audience hears it", json_schema_extra=_cap(24))
    gender: Gender
    age: AgeGroup
    description: str = Field(description="One sentence: who they are and what they want", json_schema_extra=_cap(160))


class SupportingDraft(PersonDraft):
    role: Literal["supporting", "minor"]


class LocationDraft(Draft):
    name: str = Field(description="A place, e.g. a mansion's hall", json_schema_extra=_cap(30))
    description: str = Field(json_schema_extra=_cap(120))
    setting: Setting


class SeriesDraft(Draft):
    """The bible. The leads have their own fields, not roles in a list: a small model then writes
    two different people, where from a list it tends to write one person twice."""

    title: str = Field(json_schema_extra=_cap(40))
    logline: str = Field(description="One sentence: hero, goal, obstacle", json_schema_extra=_cap(200))
    genres: list[str] = Field(json_schema_extra=_items(1, MAX_TAGS))
    tropes: list[str] = Field(json_schema_extra=_items(1, MAX_TAGS))
    protagonist: PersonDraft
    antagonist: PersonDraft
    supporting: list[SupportingDraft] = Field(json_schema_extra=_items(0, MAX_CAST - 2))
    locations: list[LocationDraft] = Field(json_schema_extra=_items(1, MAX_PLACES))

    schema_patches: ClassVar[Patches] = {
        "": {
            "genres": {"items": {"type": "string", "maxLength": 16}},
            "tropes": {"items": {"type": "string", "maxLength": 16}},
        }
    }

    def characters(self) -> list[tuple[Role, PersonDraft]]:
        """Everyone, leads first, with their roles."""
        people: list[tuple[Role, PersonDraft]] = [("protagonist", self.protagonist), ("antagonist", self.antagonist)]
        return people + [(person.role, person) for person in self.supporting]


def series_reply_type(max_characters: int, max_locations: int, language: str = "en") -> type[SeriesDraft]:
    caps = CAPS["zh" if language == "zh" else "en"]
    person = {"name": _cap(caps["name"]), "description": _cap(caps["person"])}
    tags = {"items": {"type": "string", "maxLength": caps["tag"]}}
    return SeriesDraft.for_request(
        {
            "": {
                "title": _cap(caps["title"]),
                "logline": _cap(caps["logline"]),
                "genres": tags,
                "tropes": tags,
                "supporting": _items(0, max(max_characters - 2, 0)),
                "locations": _items(1, max_locations),
            },
            "PersonDraft": person,
            "SupportingDraft": person,
            "LocationDraft": {"name": _cap(caps["place"]), "description": _cap(caps["place_text"])},
        }
    )


def check_series(draft: SeriesDraft) -> list[str]:
    """Only what mapping cannot mend: a repeated person or place is dropped there, not sent back."""
    problems: list[str] = []
    for where, person in (("protagonist", draft.protagonist), ("antagonist", draft.antagonist)):
        if not person.name.strip():
            problems.append(f"{where}: the name is empty")
        elif person.name.strip().lower() in (NARRATOR, "旁白"):
            problems.append(f"{where}: '{person.name.strip()}' is reserved for the voice-over; name a person")
    if draft.protagonist.name.strip() and draft.protagonist.name.strip() == draft.antagonist.name.strip():
        problems.append("antagonist: the antagonist must be a different person from the protagonist, with another name")
    if not any(place.name.strip() for place in draft.locations):
        problems.append("locations: give at least one location with a name")
    return problems


# -- outline ------------------------------------------------------------------------------------


class OutlineEpisodeDraft(Draft):
    title: str = Field(json_schema_extra=_cap(30))
    summary: str = Field(description="What happens, in one or two sentences", json_schema_extra=_cap(200))
    hook: str = Field(description="The shocking moment shown in the first seconds", json_schema_extra=_cap(120))
    beats: list[str] = Field(description="The key moments in order", json_schema_extra=_items(2, MAX_BEATS))
    cliffhanger: str = Field(description="The unresolved moment the episode ends on", json_schema_extra=_cap(120))

    schema_patches: ClassVar[Patches] = {"": {"beats": {"items": {"type": "string", "maxLength": 100}}}}


class OutlineDraft(Draft):
    episodes: list[OutlineEpisodeDraft]


def outline_reply_type(count: int, language: str = "en") -> type[OutlineDraft]:
    caps = CAPS["zh" if language == "zh" else "en"]
    return OutlineDraft.for_request(
        {
            "": {"episodes": _items(count, count)},
            "OutlineEpisodeDraft": {
                "title": _cap(caps["title"]),
                "summary": _cap(caps["summary"]),
                "hook": _cap(caps["moment"]),
                "beats": {"items": {"type": "string", "maxLength": caps["beat"]}},
                "cliffhanger": _cap(caps["moment"]),
            },
        }
    )


def outline_check(count: int, first: int) -> Callable[[OutlineDraft], list[str]]:
    def check(draft: OutlineDraft) -> list[str]:
        problems: list[str] = []
        if len(draft.episodes) != count:
            problems.append(
                f"episodes: there must be exactly {count} episodes (episodes {first}-{first + count - 1}), "
                f"not {len(draft.episodes)}"
            )
        for offset, episode in enumerate(draft.episodes):
            number = first + offset
            for name in ("title", "summary", "hook", "cliffhanger"):
                if not str(getattr(episode, name)).strip():
                    problems.append(f"episode {number}: {name} is empty")
            if not [beat for beat in episode.beats if beat.strip()]:
                problems.append(f"episode {number}: beats is empty; list the key moments")
        return problems

    return check


# -- script -------------------------------------------------------------------------------------


class LineDraft(Draft):
    speaker: str = Field(description=f"A cast id, or '{NARRATOR}' for voice-over")
    emotion: Emotion
    text: str = Field(json_schema_extra=_cap(TEXT_CAP))


class ShotDraft(Draft):
    framing: Framing
    description: str = Field(description="What we see, one short sentence", json_schema_extra=_cap(120))
    lines: list[LineDraft] = Field(json_schema_extra=_items(0, MAX_LINES))


class SceneDraft(Draft):
    location: str = Field(description="A location id")
    time: TimeOfDay
    characters: list[str] = Field(description="Cast ids of who is present")
    shots: list[ShotDraft] = Field(json_schema_extra=_items(1, MAX_SHOTS))


class ScriptDraft(Draft):
    scenes: list[SceneDraft] = Field(json_schema_extra=_items(1, MAX_SCENES))


class RewriteDraft(Draft):
    title: str = Field(json_schema_extra=_cap(30))
    hook: str = Field(description="The gripping moment in the first seconds", json_schema_extra=_cap(120))
    cliffhanger: str = Field(description="The unresolved moment the episode ends on", json_schema_extra=_cap(120))
    scenes: list[SceneDraft]


@dataclass(frozen=True)
class Shape:
    """How big a script reply may get: grammar caps that end a small model's loops early.

    The caps are set so that even a reply that fills every one of them stays within the
    length check (CAP_LENGTH_FACTOR < MAX_LENGTH_FACTOR times the episode): a small model
    cannot repair an overlong episode, it just writes it again. A line is capped at LINE_SHARE of the
    12-second limit; the episode's lines at what the check allows, spread over its scenes
    (for a rewrite, exactly the scenes of the script) at two lines a shot.
    ``max_tokens`` leaves room for a reply that fills them all.
    """

    scenes: int  # at most, or exactly for a rewrite
    shots: int  # per scene, at most
    lines: int  # per shot, at most
    line_units: int  # a line's length the prompt asks for: characters (zh) or words (en)
    line_chars: int  # the schema's cap on a line
    description_chars: int

    @classmethod
    def for_episode(cls, seconds: float, language: str, scene_count: int | None = None) -> Shape:
        zh = language == "zh"
        line_seconds = MAX_LINE_SECONDS * LINE_SHARE
        line_units = round(line_seconds * UNITS_PER_MINUTE["zh" if zh else "en"] / 60.0)
        scenes = scene_count or max(1, min(MAX_SCENES, round(seconds / 30.0)))
        total_lines = max(scenes, int(CAP_LENGTH_FACTOR * seconds / line_seconds))
        lines = 2 if total_lines >= 2 * scenes else 1
        shots = max(1, min(MAX_SHOTS, total_lines // (scenes * lines)))
        line_chars = line_units if zh else line_units * 5  # a word and its space: five or six characters
        return cls(scenes, shots, lines, line_units, line_chars, 40 if zh else 120)

    def max_tokens(self, language: str) -> int:
        per_char = 0.8 if language == "zh" else 0.25
        line = 18 + self.line_chars * per_char
        shot = 25 + self.description_chars * per_char + self.lines * line
        scene = 60 + self.shots * shot
        return int(min(4096, 1.3 * (200 + self.scenes * scene)))

    def line_limit(self, language: str) -> str:
        units = self.line_units
        return f"{units} Chinese characters ({units}字)" if language == "zh" else f"{units} words"


def _cast_patches(character_ids: Sequence[str], location_ids: Sequence[str], shape: Shape) -> Patches:
    return {
        "LineDraft": {"speaker": {"enum": [*character_ids, NARRATOR]}, "text": _cap(shape.line_chars)},
        "ShotDraft": {"lines": _items(0, shape.lines), "description": _cap(shape.description_chars)},
        "SceneDraft": {
            "location": {"enum": list(location_ids)},
            "characters": {"items": {"type": "string", "enum": list(character_ids)}, "maxItems": MAX_CAST},
            "shots": _items(1, shape.shots),
        },
    }


def script_reply_type(character_ids: Sequence[str], location_ids: Sequence[str], shape: Shape) -> type[ScriptDraft]:
    patches = _cast_patches(character_ids, location_ids, shape)
    patches[""] = {"scenes": _items(1, shape.scenes)}
    return ScriptDraft.for_request(patches)


def rewrite_reply_type(
    character_ids: Sequence[str], location_ids: Sequence[str], shape: Shape, language: str = "en"
) -> type[RewriteDraft]:
    caps = CAPS["zh" if language == "zh" else "en"]
    patches = _cast_patches(character_ids, location_ids, shape)
    patches[""] = {
        "scenes": _items(shape.scenes, shape.scenes),
        "title": _cap(caps["title"]),
        "hook": _cap(caps["moment"]),
        "cliffhanger": _cap(caps["moment"]),
    }
    return RewriteDraft.for_request(patches)


def _listing(ids: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (", …" if len(ids) > limit else "")


def scene_problems(
    scenes: Sequence[SceneDraft],
    character_ids: Sequence[str],
    location_ids: Sequence[str],
    language: str,
    seconds: float,
) -> list[str]:
    """Problems of drafted scenes against the cast, the places and the episode's length."""
    problems: list[str] = []
    speakers = [*character_ids, NARRATOR]
    if not scenes:
        return ["scenes is empty; write at least one scene"]
    spoken = 0.0
    lines = 0
    for s, scene in enumerate(scenes, start=1):
        if scene.location not in location_ids:
            problems.append(
                f"scene {s}: location '{scene.location}' is not a location of the series; "
                f"use one of: {_listing(location_ids)}"
            )
        for character in scene.characters:
            if character not in character_ids:
                problems.append(
                    f"scene {s}: character '{character}' is not in the cast; use one of: {_listing(character_ids)}"
                )
        if not scene.shots:
            problems.append(f"scene {s} has no shots; give it at least one shot or remove it")
        for h, shot in enumerate(scene.shots, start=1):
            if not shot.description.strip() and not any(line.text.strip() for line in shot.lines):
                problems.append(f"scene {s}, shot {h} is empty; give it a description or a line")
            for n, line in enumerate(shot.lines, start=1):
                where = f"scene {s}, shot {h}, line {n}"
                if line.speaker not in speakers:
                    problems.append(
                        f"{where}: speaker '{line.speaker}' is not in the cast; use one of: {_listing(speakers)}"
                    )
                if not line.text.strip():
                    problems.append(f"{where}: the text is empty; write the line or remove it")
                    continue
                length = spoken_seconds(line.text, language)
                if length > MAX_LINE_SECONDS:
                    problems.append(
                        f"{where} is too long ({length:.0f} s spoken); split it into lines of at most "
                        f"{MAX_LINE_SECONDS:.0f} s"
                    )
                spoken += length
                lines += 1
    if lines == 0:
        problems.append("the episode has no lines; give the characters dialogue")
    elif spoken > seconds * MAX_LENGTH_FACTOR:
        problems.append(
            f"the lines run {spoken:.0f} s, far over the episode's {seconds:.0f} s; cut lines or shorten them"
        )
    return problems


def script_check(
    character_ids: Sequence[str], location_ids: Sequence[str], language: str, seconds: float
) -> Callable[[ScriptDraft], list[str]]:
    def check(draft: ScriptDraft) -> list[str]:
        return scene_problems(draft.scenes, character_ids, location_ids, language, seconds)

    return check


def rewrite_check(
    character_ids: Sequence[str], location_ids: Sequence[str], language: str, seconds: float, scene_count: int
) -> Callable[[RewriteDraft], list[str]]:
    def check(draft: RewriteDraft) -> list[str]:
        problems: list[str] = []
        if len(draft.scenes) != scene_count:
            problems.append(
                f"scenes: rewrite scene by scene: exactly {scene_count} scenes, one for each scene of the "
                f"current script, not {len(draft.scenes)}"
            )
        if not draft.title.strip():
            problems.append("title is empty")
        problems += scene_problems(draft.scenes, character_ids, location_ids, language, seconds)
        return problems

    return check
