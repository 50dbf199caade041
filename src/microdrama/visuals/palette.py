"""Colour arithmetic and stable seeds: the small maths every drawing module shares.

Everything here is pure and platform-independent (sha256 seeds, integer RGB), so the
same inputs give the same pixels on every machine and in every worker process.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import math
import random

RGB = tuple[int, int, int]
Tint = tuple[float, float, float]

INK: RGB = (30, 24, 36)  # the outline colour of every figure and prop
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


def stable_int(*parts: str) -> int:
    """A 64-bit seed from strings; unlike hash(), the same in every process and on every run."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def rng(*parts: str) -> random.Random:
    """A private random generator seeded from ``parts`` (never the global one)."""
    return random.Random(stable_int(*parts))


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def clamp(value: float) -> int:
    return max(0, min(255, round(value)))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend: t=0 gives a, t=1 gives b."""
    return clamp(a[0] + (b[0] - a[0]) * t), clamp(a[1] + (b[1] - a[1]) * t), clamp(a[2] + (b[2] - a[2]) * t)


def scale(colour: RGB, factor: float) -> RGB:
    return clamp(colour[0] * factor), clamp(colour[1] * factor), clamp(colour[2] * factor)


def tint(colour: RGB, by: Tint) -> RGB:
    """Multiply by a light colour (time-of-day lighting)."""
    return clamp(colour[0] * by[0]), clamp(colour[1] * by[1]), clamp(colour[2] * by[2])


def darker(colour: RGB, amount: float = 0.25) -> RGB:
    """Shade: darken and shift slightly towards blue-violet, as cel shading does."""
    return mix(colour, (40, 30, 70), amount)


def lighter(colour: RGB, amount: float = 0.25) -> RGB:
    return mix(colour, (255, 248, 235), amount)


def hsl(hue: float, saturation: float, lightness: float) -> RGB:
    """From hue in degrees, saturation and lightness in 0..1."""
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return clamp(r * 255), clamp(g * 255), clamp(b * 255)


def luminance(colour: RGB) -> float:
    return (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255


@functools.lru_cache(maxsize=4096)  # casting compares every candidate look with every look taken
def lab(colour: RGB) -> tuple[float, float, float]:
    """CIE L*a*b* (D65): distances in it track what the eye sees as different."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: RGB, b: RGB) -> float:
    """Perceptual colour difference (CIE76 delta E): about 10 is clearly different, 25 is a new colour."""
    return math.dist(lab(a), lab(b))


# How each time of day lights surfaces (multiplied in); emissive things (lamps, moon) skip it.
TIME_LIGHT: dict[str, Tint] = {
    "day": (1.0, 1.0, 1.0),
    "dawn": (0.96, 0.84, 0.86),
    "dusk": (0.98, 0.78, 0.6),
    "night": (0.34, 0.4, 0.64),
}

# Sky gradients from the top of the frame down to the horizon.
SKY: dict[str, tuple[RGB, ...]] = {
    "day": ((104, 164, 226), (160, 204, 238), (222, 236, 244)),
    "dawn": ((64, 72, 140), (196, 128, 160), (255, 196, 160)),
    "dusk": ((54, 44, 102), (190, 92, 96), (255, 178, 94)),
    "night": ((8, 12, 38), (20, 30, 72), (44, 60, 112)),
}

# Warm light from lamps and lit windows.
LAMP: RGB = (255, 206, 120)
