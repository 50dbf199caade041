"""A figure's proportions and colours, derived from its CharacterLook alone.

Every shape choice (collar, robe or trousers, child or adult proportions, grey hair) is
a pure function of the look, so a character is drawn the same way in every shot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from microdrama.model import CharacterLook
from microdrama.visuals.canvas import Point, ellipse_points
from microdrama.visuals.palette import RGB, Tint, hex_rgb, luminance, stable_int, tint

Pose = Literal["bust", "full", "back"]
Collar = Literal["lapel", "mandarin", "wrap", "round"]
SHOULDERS = {"small": 0.8, "slim": 0.98, "average": 1.12, "broad": 1.34}
FEMININE_HAIR = ("long", "ponytail", "bun", "braids", "bob")


@dataclass(frozen=True)
class Body:
    """Colours (already lit) and shape choices derived from a look."""

    skin: RGB
    hair: RGB
    outfit: RGB
    accent: RGB
    style: str
    build: str
    accessory: str
    collar: Collar
    robe: bool
    child: bool
    elder: bool

    @property
    def shoulder(self) -> float:
        return SHOULDERS.get(self.build, 1.1)

    @property
    def head_rx(self) -> float:
        return 0.43 if self.child else 0.4


def body_of(look: CharacterLook, light: Tint = (1.0, 1.0, 1.0)) -> Body:
    """Shape choices are a pure function of the look, so they never change between shots."""
    seed = stable_int("figure", look.model_dump_json())
    collar: Collar = "lapel" if look.accessory == "tie" else ("lapel", "mandarin", "wrap", "round")[seed % 4]
    hair = hex_rgb(look.hair)
    grey = max(hair) - min(hair) < 24 and luminance(hair) > 0.42
    robe = collar in ("mandarin", "wrap") or (look.hair_style in FEMININE_HAIR and (seed >> 8) % 2 == 0)
    return Body(
        skin=tint(hex_rgb(look.skin), light),
        hair=tint(hair, light),
        outfit=tint(hex_rgb(look.outfit), light),
        accent=tint(hex_rgb(look.accent), light),
        style=look.hair_style,
        build=look.build,
        accessory=look.accessory,
        collar=collar,
        robe=robe,
        child=look.build == "small",
        elder=grey,
    )


def feet_below_head(look: CharacterLook) -> float:
    """How far below the head centre the feet are, in head units (children are shorter)."""
    return 0.5 + (0.62 if look.build == "small" else 1.0) * 5.9


def mirror(points: list[Point]) -> list[Point]:
    return [(-x, y) for x, y in reversed(points)]


def cap(body: Body, pad_x: float, pad_y: float) -> list[Point]:
    """The top of the head, left to right, slightly larger than the skull."""
    return ellipse_points(0, 0, body.head_rx + pad_x, 0.5 + pad_y, 180, 360, 24)


def head_outline(body: Body) -> list[Point]:
    taper = 0.16 if body.child else 0.3
    points = []
    for x, y in ellipse_points(0, 0, body.head_rx, 0.5, 0, 360, 64)[:-1]:
        if y > 0:
            x *= 1 - taper * (y / 0.5) ** 2
        points.append((x, y))
    return points
