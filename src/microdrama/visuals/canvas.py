"""Drawing helpers: views, curves, gradients, glows, shadows and the atomic PNG write.

Pillow draws polygons without anti-aliasing, so shapes are drawn at SUPERSAMPLE times
the output size and reduced with a box filter: cheap (a C loop) and smooth enough for
flat-colour art. Blurred layers are made at a fraction of the size, which is both
faster and indistinguishable after the blur.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from microdrama.project.atomic import write_bytes_atomic
from microdrama.visuals.palette import RGB

SUPERSAMPLE = 2
Point = tuple[float, float]


@dataclass(frozen=True)
class View:
    """Maps world coordinates (pixels of the 1x frame at zoom 1) onto an image being drawn.

    ``zoom`` > 1 moves the camera closer around ``focus``; ``scale`` is the pixel density
    of the target image (SUPERSAMPLE for sharp layers, a fraction for blurred ones).
    """

    width: int
    height: int
    zoom: float = 1.0
    focus: Point = (648.0, 1152.0)
    scale: float = 1.0

    def x(self, wx: float) -> float:
        return (self.focus[0] + (wx - self.focus[0]) * self.zoom) * self.scale

    def y(self, wy: float) -> float:
        return (self.focus[1] + (wy - self.focus[1]) * self.zoom) * self.scale

    def p(self, wx: float, wy: float) -> Point:
        return self.x(wx), self.y(wy)

    def d(self, length: float) -> float:
        """A world length in target pixels."""
        return length * self.zoom * self.scale

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return self.x(x0), self.y(y0), self.x(x1), self.y(y1)

    def poly(self, points: Sequence[Point]) -> list[Point]:
        return [self.p(x, y) for x, y in points]

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)


def bezier(points: Sequence[Point], steps: int = 12) -> list[Point]:
    """Sample a cubic Bezier chain (p0 c1 c2 p1 c1 c2 p2 ...) into a polyline."""
    out: list[Point] = [points[0]]
    for i in range(0, len(points) - 3, 3):
        p0, c1, c2, p1 = points[i : i + 4]
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            out.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * p1[0],
                    u**3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * p1[1],
                )
            )
    return out


def ellipse_points(
    cx: float, cy: float, rx: float, ry: float, start: float = 0, end: float = 360, n: int = 40
) -> list[Point]:
    """Points along an ellipse arc (degrees, clockwise from 3 o'clock, like Pillow)."""
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / n)),
            cy + ry * math.sin(math.radians(start + (end - start) * i / n)),
        )
        for i in range(n + 1)
    ]


def vertical_gradient(size: tuple[int, int], stops: Sequence[RGB]) -> Image.Image:
    """An image whose colour runs evenly through ``stops`` from top to bottom."""
    width, height = size
    rows = max(2, min(height, 256))  # a short column, stretched smoothly: gradients need no more
    column = bytearray()
    for row in range(rows):
        t = row / (rows - 1) * (len(stops) - 1)
        i = min(int(t), len(stops) - 2) if len(stops) > 1 else 0
        f = t - i
        a, b = stops[i], stops[min(i + 1, len(stops) - 1)]
        column += bytes(round(a[c] + (b[c] - a[c]) * f) for c in range(3))
    strip = Image.frombytes("RGB", (1, rows), bytes(column))
    return strip.resize((width, height), Image.Resampling.BILINEAR)


@cache
def _radial(size: int) -> Image.Image:
    """0 at the centre, 255 from the inscribed circle outwards (Pillow's reaches 255 only in the corners)."""
    disc = Image.radial_gradient("L").point(lambda v: min(255, round(v * 255 / 181)))
    return disc.resize((size, size), Image.Resampling.BILINEAR)


def glow(image: Image.Image, centre: Point, radius: float, colour: RGB, strength: float = 0.6) -> None:
    """Add a soft round light (lamp, moon halo) to ``image`` in place."""
    size = max(2, round(radius * 2))
    if size > 4000:
        return
    mask = _radial(size).point(lambda v: round(max(0, 255 - v) ** 2 / 255 * strength))
    x0, y0 = round(centre[0] - size / 2), round(centre[1] - size / 2)
    image.paste(colour, (x0, y0, x0 + size, y0 + size), mask)


def blurred(image: Image.Image, radius: float, size: tuple[int, int]) -> Image.Image:
    """Gaussian blur then resize to ``size``: the depth of field of close shots."""
    return image.filter(ImageFilter.GaussianBlur(radius)).resize(size, Image.Resampling.BILINEAR)


@cache
def _vignette(size: tuple[int, int], strength: float) -> Image.Image:
    small = Image.radial_gradient("L").resize((size[0] // 8, size[1] // 8), Image.Resampling.BILINEAR)
    lut = [round(255 - strength * 255 * max(0.0, (v / 255 - 0.45) / 0.55) ** 1.6) for v in range(256)]
    mask = small.point(lut).filter(ImageFilter.GaussianBlur(4)).resize(size, Image.Resampling.BILINEAR)
    return Image.merge("RGB", (mask, mask, mask))


def vignette(image: Image.Image, strength: float = 0.45) -> Image.Image:
    """Darken the corners so the eye goes to the middle of a busy phone screen."""
    return ImageChops.multiply(image, _vignette(image.size, strength))


def save_png(image: Image.Image, out: Path) -> None:
    """Encode, then write atomically (temp file + rename): a crash never leaves half a PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    write_bytes_atomic(out, buffer.getvalue())
