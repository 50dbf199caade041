"""The series bible: what the series is, who is in it and where it happens (bible.yaml)."""

from __future__ import annotations

from pydantic import Field, model_validator

from microdrama.model.bounds import (
    MAX_CAST,
    MAX_EPISODES,
    MAX_LIST_ITEMS,
    Name,
    ProjectPath,
    Prose,
    Tag,
    Title,
)
from microdrama.model.common import (
    NARRATOR,
    AgeGroup,
    Gender,
    Identifier,
    Language,
    Role,
    Setting,
    SourceSpan,
    Strict,
    WrittenBy,
)
from microdrama.model.media import CharacterLook, LocationLook, Voice
from microdrama.model.version import SCHEMA_VERSION


class Series(Strict):
    title: Title
    logline: Prose = ""
    genres: list[Tag] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Genre tags, e.g. 悬疑, family drama"
    )
    tropes: list[Tag] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Trope tags, e.g. 复仇, 重生, betrayal"
    )
    language: Language
    minutes_per_episode: float = Field(gt=0, le=30)
    episode_count: int = Field(ge=0, le=MAX_EPISODES)
    paywall_episode: int | None = Field(
        default=None,
        ge=1,
        le=MAX_EPISODES,
        description="Episode whose cliffhanger is the pay point (付费卡点); later ones are paid",
    )
    sources: list[ProjectPath] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Source files, relative to the project"
    )
    written_by: WrittenBy | None = Field(default=None, description="The AI model that wrote it, if one did")


class Character(Strict):
    id: Identifier
    name: Name = Field(description="Display name")
    aliases: list[Tag] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    role: Role = "supporting"
    gender: Gender = "unknown"
    age: AgeGroup = "unknown"
    description: Prose = ""
    first_appearance: SourceSpan | None = None
    first_episode: int | None = Field(default=None, ge=1, le=MAX_EPISODES)
    is_narrator: bool = Field(default=False, description="The first-person narrator of the source")
    look: CharacterLook | None = Field(default=None, description="Filled by build when missing")
    voice: Voice | None = Field(default=None, description="Filled by build when missing")

    @model_validator(mode="after")
    def _not_reserved(self) -> Character:
        if self.id == NARRATOR:
            raise ValueError(f"'{NARRATOR}' is reserved for the voice-over; pick another id")
        return self


class Location(Strict):
    id: Identifier
    name: Name
    setting: Setting = "INT/EXT"
    description: Prose = ""
    first_appearance: SourceSpan | None = None
    look: LocationLook | None = Field(default=None, description="Filled by build when missing")


class Bible(Strict):
    schema_version: int = SCHEMA_VERSION
    series: Series
    characters: list[Character] = Field(default_factory=list, max_length=MAX_CAST)
    locations: list[Location] = Field(default_factory=list, max_length=MAX_CAST)
    narrator_voice: Voice | None = Field(default=None, description="The voice-over; filled by build when missing")

    @model_validator(mode="after")
    def _unique_ids(self) -> Bible:
        for kind, ids in (
            ("character", [c.id for c in self.characters]),
            ("location", [loc.id for loc in self.locations]),
        ):
            seen: set[str] = set()
            for identifier in ids:
                if identifier in seen:
                    raise ValueError(f"{kind} id '{identifier}' is used twice; ids must be unique")
                seen.add(identifier)
        return self

    def character(self, identifier: str) -> Character | None:
        return next((c for c in self.characters if c.id == identifier), None)

    def location(self, identifier: str) -> Location | None:
        return next((loc for loc in self.locations if loc.id == identifier), None)

    def speaker_name(self, speaker: str) -> str:
        if speaker == NARRATOR:
            return "旁白" if self.series.language == "zh" else "NARRATOR"
        character = self.character(speaker)
        return character.name if character else speaker
