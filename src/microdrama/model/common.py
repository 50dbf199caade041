"""Types shared by the bible and the scripts."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from microdrama.model.bounds import Name, ProjectPath, Title

# Ids are what a person types in YAML: lowercase ASCII, digits, _ and -.
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
NARRATOR = "narrator"

Language = Literal["zh", "en"]
Role = Literal["protagonist", "antagonist", "supporting", "minor"]
Gender = Literal["male", "female", "unknown"]
AgeGroup = Literal["child", "young", "adult", "elder", "unknown"]
Emotion = Literal["neutral", "happy", "sad", "angry", "afraid", "surprised", "disgusted"]
LineKind = Literal["dialogue", "narration", "inner"]
TimeOfDay = Literal["day", "night", "dawn", "dusk"]
Setting = Literal["INT", "EXT", "INT/EXT"]
Framing = Literal["wide", "medium", "close_up", "extreme_close_up", "two_shot", "over_the_shoulder", "insert"]
# Short labels for a framing, as on a shot list.
FRAMING_LABELS: dict[str, str] = {
    "wide": "WIDE",
    "medium": "MED",
    "close_up": "CU",
    "extreme_close_up": "ECU",
    "two_shot": "2-SHOT",
    "over_the_shoulder": "OTS",
    "insert": "INSERT",
}
CameraMove = Literal["static", "push_in", "pull_out", "pan_left", "pan_right", "tilt_up", "tilt_down"]
BeatCue = Literal["conflict", "threat", "reveal", "reversal", "question"]


# Dataclass field metadata for inputs of cache keys: a field added later is left out of the
# key while it holds its default, so artifacts cached before it existed keep their keys.
OMIT_DEFAULT = "key_omits_default"


class Strict(BaseModel):
    """Base of every project model: unknown keys are errors, so a typo in YAML is caught."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SourceSpan(Strict):
    """Where something came from: code-point offsets into the decoded source file."""

    file: ProjectPath = Field(description="Path of the source file inside the project, e.g. source/story.txt")
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> SourceSpan:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self

    def cover(self, other: SourceSpan) -> SourceSpan:
        """The smallest span containing both (same file)."""
        return SourceSpan(file=self.file, start=min(self.start, other.start), end=max(self.end, other.end))


def slugify(text: str, fallback: str) -> str:
    """An identifier from a name: ASCII words joined by "_" (callers romanise CJK first)."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:48] or fallback


class WrittenBy(Strict):
    """Set when an AI model wrote the text: the build then labels the episode as AI-generated."""

    provider: Name = Field(description="Provider name from microdrama.toml, e.g. local")
    model: Title
    prompt: str = Field(default="", max_length=1_000, description="Prompt templates and versions, e.g. script@1")
