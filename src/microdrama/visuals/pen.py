"""A pen that draws in head units: figures are designed once and drawn at any size.

Every coordinate is relative to the head centre and measured in head heights, so the
same character comes out identical in a wide shot and a close-up, only larger.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import ImageDraw

from microdrama.visuals.canvas import Point, ellipse_points
from microdrama.visuals.palette import INK, RGB


@dataclass
class Pen:
    draw: ImageDraw.ImageDraw
    ox: float  # head centre in layer pixels
    oy: float
    unit: float  # one head height in layer pixels
    ink: RGB = INK
    ink_width: float = 0.022  # outline width in head units
    soft_from: float = 800.0  # head size (pixels) above which outlines grow with its square root
    mono: bool = False  # draw a silhouette (every colour becomes 255) on an "L" image, for shadows

    def c(self, colour: RGB) -> RGB | int:
        return 255 if self.mono else colour

    def p(self, x: float, y: float) -> Point:
        return self.ox + x * self.unit, self.oy + y * self.unit

    def _width(self, units: float) -> int:
        return max(1, round(units * self.unit))

    def _ink(self) -> int:
        """Outlines thicken with size, more slowly past ``soft_from`` (as an inker's brush would)."""
        unit = self.unit if self.unit <= self.soft_from else math.sqrt(self.unit * self.soft_from)
        return max(1, round(self.ink_width * unit))

    def poly(self, points: Sequence[Point], fill: RGB, outline: bool = True) -> None:
        pixels = [self.p(x, y) for x, y in points]
        self.draw.polygon(pixels, fill=self.c(fill))
        if outline:
            self.draw.line([*pixels, pixels[0], pixels[1]], fill=self.c(self.ink), width=self._ink(), joint="curve")

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: RGB, outline: bool = True) -> None:
        box = (*self.p(cx - rx, cy - ry), *self.p(cx + rx, cy + ry))
        width = self._ink() if outline else 0
        self.draw.ellipse(box, fill=self.c(fill), outline=self.c(self.ink) if outline else None, width=width)

    def oval(self, cx: float, cy: float, rx: float, ry: float, fill: RGB, outline: bool = True) -> None:
        """An ellipse as a polygon (so it can be mixed with polygon outlines seamlessly)."""
        self.poly(ellipse_points(cx, cy, rx, ry, n=48), fill, outline)

    def line(self, points: Sequence[Point], colour: RGB, width: float) -> None:
        pixels = [self.p(x, y) for x, y in points]
        w = self._width(width)
        self.draw.line(pixels, fill=self.c(colour), width=w, joint="curve")
        r = w / 2
        if r >= 1.5:  # round caps
            for x, y in (pixels[0], pixels[-1]):
                self.draw.ellipse((x - r + 0.5, y - r + 0.5, x + r - 0.5, y + r - 0.5), fill=self.c(colour))
