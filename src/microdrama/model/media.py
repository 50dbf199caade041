"""How characters and places look and sound: stored in bible.yaml so a person can change them.

Build fills in what is missing (deterministically, from id, gender, age and role) and
never changes what is there, so a look or voice a person chose stays in every episode.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from microdrama.model.bounds import Name
from microdrama.model.common import Strict

HexColor = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")]
HairStyle = Literal["short", "crop", "bob", "long", "ponytail", "bun", "bald", "braids"]
Build = Literal["slim", "average", "broad", "small"]
Accessory = Literal["none", "glasses", "hat", "scarf", "earrings", "beard", "hairpin", "tie"]
LocationKind = Literal["room", "shop", "street", "nature", "water", "temple", "office", "hall", "vehicle", "generic"]
VoiceEngine = Literal["espeak-ng", "piper", "kokoro"]


class CharacterLook(Strict):
    """A character's visual identity; the same in every shot of every episode."""

    skin: HexColor
    hair: HexColor
    outfit: HexColor
    accent: HexColor
    hair_style: HairStyle
    build: Build
    accessory: Accessory = "none"


class LocationLook(Strict):
    kind: LocationKind
    palette: list[HexColor] = Field(min_length=3, max_length=3, description="back (wall/sky), ground, accent")


class Voice(Strict):
    """A character's (or the narrator's) voice, engine-independent where possible."""

    engine: VoiceEngine
    voice: Name = Field(description="espeak-ng voice (cmn-latn-pinyin, en-us+m3), Piper model or Kokoro voice")
    pitch: int = Field(default=50, ge=0, le=99, description="espeak-ng pitch; Piper ignores it")
    rate: float = Field(default=1.0, ge=0.5, le=2.0, description="Speaking speed relative to normal")
