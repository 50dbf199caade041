"""The typed contract between stages: series bible and episode scripts (pydantic v2)."""

from microdrama.model.bible import Bible, Character, Location, Series
from microdrama.model.common import NARRATOR, SourceSpan
from microdrama.model.media import CharacterLook, LocationLook, Voice
from microdrama.model.script import Beat, Episode, Line, Scene, Shot
from microdrama.model.version import SCHEMA_VERSION

__all__ = [
    "NARRATOR",
    "SCHEMA_VERSION",
    "Beat",
    "Bible",
    "Character",
    "CharacterLook",
    "Episode",
    "Line",
    "Location",
    "LocationLook",
    "Scene",
    "Series",
    "Shot",
    "SourceSpan",
    "Voice",
]
