"""The stage a background is drawn on: world coordinates, time-of-day light, shared shapes.

Backgrounds are designed once in world coordinates (the 1x frame seen by a wide shot) and
drawn through a View, so a medium shot or a close-up shows the same place, nearer, and a
place looks the same in every shot of a scene.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from microdrama.visuals.canvas import Point, View, glow, vertical_gradient
from microdrama.visuals.palette import LAMP, RGB, SKY, TIME_LIGHT, Tint, darker, lighter, mix, tint

# World geometry (1x frame pixels at zoom 1).
WIDTH, HEIGHT = 1296, 2304
HORIZON = 1250.0  # exterior horizon
EYE = (620.0, 1010.0)  # interior vanishing point (eye level)
FLOOR = 1330.0  # where an interior's back wall meets the floor


@dataclass
class Stage:
    image: Image.Image
    view: View
    time: str
    back: RGB
    ground: RGB
    accent: RGB
    rand: random.Random
    interior: bool
    draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def light(self) -> Tint:
        if self.interior and self.time == "night":  # lamplight: dim and warm, not moonlit blue
            return (0.76, 0.62, 0.54)
        return TIME_LIGHT.get(self.time, TIME_LIGHT["day"])

    @property
    def night(self) -> bool:
        return self.time == "night"

    @property
    def dark(self) -> bool:
        return self.time in ("night", "dusk")

    def lit(self, colour: RGB) -> RGB:
        return tint(colour, self.light)

    def line_colour(self, fill: RGB) -> RGB:
        return darker(fill, 0.45)

    def w(self, width: float) -> int:
        return max(1, round(self.view.d(width)))

    def poly(self, points: Sequence[Point], fill: RGB, line: float = 3.0) -> None:
        pixels = self.view.poly(points)
        self.draw.polygon(pixels, fill=fill)
        if line > 0:
            self.draw.line(
                [*pixels, pixels[0], pixels[1]], fill=self.line_colour(fill), width=self.w(line), joint="curve"
            )

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, line: float = 3.0) -> None:
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill, line)

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, line: float = 0.0) -> None:
        outline = self.line_colour(fill) if line > 0 else None
        self.draw.ellipse(self.view.box(x0, y0, x1, y1), fill=fill, outline=outline, width=self.w(line) if line else 0)

    def line(self, points: Sequence[Point], colour: RGB, width: float) -> None:
        self.draw.line(self.view.poly(points), fill=colour, width=self.w(width), joint="curve")

    def glow(self, x: float, y: float, radius: float, colour: RGB = LAMP, strength: float = 0.6) -> None:
        glow(self.image, self.view.p(x, y), self.view.d(radius), colour, strength)

    def gradient(self, y0: float, y1: float, stops: Sequence[RGB], x0: float = -4000, x1: float = 6000) -> None:
        """Fill world rows y0..y1 (clipped to the image) with a vertical gradient."""
        width, height = self.image.size
        top, bottom = self.view.y(y0), self.view.y(y1)
        px0, px1 = max(0, round(self.view.x(x0))), min(width, round(self.view.x(x1)))
        a, b = max(0, round(top)), min(height, round(bottom))
        if b <= a or px1 <= px0:
            return
        strip = vertical_gradient((1, round(bottom - top) or 1), stops)
        strip = strip.crop((0, a - round(top), 1, b - round(top)))
        self.image.paste(strip.resize((px1 - px0, b - a), Image.Resampling.NEAREST), (px0, a))

    # Shared set pieces -------------------------------------------------------------

    def sky(self, horizon: float) -> None:
        stops = SKY.get(self.time, SKY["day"])
        self.gradient(-3000, -200, (stops[0], stops[0]))
        self.gradient(-200, horizon + 2, stops)

    def celestial(self, x: float, y: float) -> None:
        """Moon and stars at night, the sun low at dawn and dusk, clouds by day."""
        if self.night:
            for _ in range(70):
                sx, sy = self.rand.uniform(-300, 1600), self.rand.uniform(-200, HORIZON - 200)
                r = self.rand.choice((1.5, 2.0, 2.5, 3.5))
                self.ellipse(
                    sx - r, sy - r, sx + r, sy + r, mix((255, 250, 230), SKY["night"][1], self.rand.random() * 0.5)
                )
            self.glow(x, y, 260, (150, 170, 230), 0.5)
            self.ellipse(x - 70, y - 70, x + 70, y + 70, (250, 246, 222))
            self.ellipse(x - 30, y - 40, x - 5, y - 15, (226, 222, 200))
            self.ellipse(x + 15, y + 10, x + 35, y + 30, (230, 226, 204))
        elif self.time in ("dawn", "dusk"):
            sun = (255, 236, 190) if self.time == "dawn" else (255, 214, 140)
            self.glow(x + 680, HORIZON - 80, 520, (255, 190, 120), 0.55)  # low, off to the side of the faces
            self.ellipse(x + 590, HORIZON - 170, x + 770, HORIZON + 10, sun)
        else:
            for cx, cy, s in ((x - 80, y, 1.0), (x + 620, y + 180, 0.7), (x + 330, y - 160, 0.55)):
                self.cloud(cx, cy, s)

    def cloud(self, x: float, y: float, s: float) -> None:
        colour = (250, 252, 255)
        for dx, dy, r in ((0, 0, 60), (60, -25, 70), (130, 0, 55), (65, 20, 60), (-50, 15, 40), (180, 15, 38)):
            self.ellipse(x + (dx - r) * s, y + (dy - r) * s, x + (dx + r) * s, y + (dy + r) * s, colour)

    def hills(self, base: float, colour: RGB, height: float, count: int, seed_shift: float = 0) -> None:
        points: list[Point] = [(-500, base + 400)]
        for i in range(count + 1):
            x = -500 + i * (2300 / count)
            peak = base - height * (0.55 + 0.45 * self.rand.random())
            points += [(x, base - height * 0.2), (x + 2300 / count / 2 + seed_shift, peak)]
        points.append((1800, base + 400))
        self.poly(points, colour, 0)

    def lamp_post(self, x: float, base: float, scale: float) -> None:
        pole = self.lit((60, 58, 66))
        self.rect(x - 6 * scale, base - 520 * scale, x + 6 * scale, base, pole, 2)
        self.rect(
            x - 30 * scale,
            base - 600 * scale,
            x + 30 * scale,
            base - 520 * scale,
            LAMP if self.dark else self.lit((230, 220, 190)),
            3,
        )
        self.poly(
            [(x - 40 * scale, base - 600 * scale), (x + 40 * scale, base - 600 * scale), (x, base - 640 * scale)],
            pole,
            2,
        )
        if self.dark:
            self.glow(x, base - 560 * scale, 220 * scale, LAMP, 0.55)

    def lantern(self, x: float, y: float, scale: float = 1.0) -> None:
        """A red paper lantern (灯笼), glowing after dark."""
        red = (214, 58, 46) if self.dark else self.lit((206, 56, 44))
        self.line([(x, y - 120 * scale), (x, y - 46 * scale)], self.lit((60, 40, 30)), 3 * scale)
        if self.dark:
            self.glow(x, y, 170 * scale, (255, 150, 90), 0.6)
        self.ellipse(x - 46 * scale, y - 50 * scale, x + 46 * scale, y + 50 * scale, red, 3)
        for dx in (-20, 0, 20):
            self.line(
                [(x + dx * scale, y - 46 * scale), (x + dx * 1.15 * scale, y + 46 * scale)],
                darker(red, 0.25),
                2 * scale,
            )
        gold = (236, 190, 80)
        self.rect(x - 22 * scale, y - 58 * scale, x + 22 * scale, y - 46 * scale, gold, 2)
        self.rect(x - 22 * scale, y + 46 * scale, x + 22 * scale, y + 58 * scale, gold, 2)
        self.line([(x, y + 58 * scale), (x, y + 100 * scale)], gold, 4 * scale)

    def window(self, x0: float, y0: float, x1: float, y1: float, frame: RGB, panes: tuple[int, int] = (2, 2)) -> None:
        """A window onto the time of day (sky, moon) with a wooden frame and a sill."""
        stops = SKY.get(self.time, SKY["day"])
        self.gradient(y0, y1, stops, x0, x1)
        if self.night:
            mx, my = x0 + (x1 - x0) * 0.68, y0 + (y1 - y0) * 0.3
            self.ellipse(mx - 34, my - 34, mx + 34, my + 34, (250, 246, 222))
        else:  # far hills, kept inside the window
            hill = mix(stops[2], (90, 120, 110), 0.35)
            step = (x1 - x0) / 4
            ridge = [(x0 + i * step, y1 - (60 if i % 2 else 110) * (y1 - y0) / 500) for i in range(5)]
            self.poly([(x0, y1), *ridge, (x1, y1)], hill, 0)
        wood = self.lit(frame)
        t = 22
        self.rect(x0 - t, y0 - t, x1 + t, y0, wood)
        self.rect(x0 - t, y1, x1 + t, y1 + t, wood)
        self.rect(x0 - t, y0, x0, y1, wood)
        self.rect(x1, y0, x1 + t, y1, wood)
        for i in range(1, panes[0]):
            x = x0 + (x1 - x0) * i / panes[0]
            self.rect(x - 6, y0, x + 6, y1, wood, 2)
        for i in range(1, panes[1]):
            y = y0 + (y1 - y0) * i / panes[1]
            self.rect(x0, y - 6, x1, y + 6, wood, 2)
        self.rect(x0 - t * 2, y1 + t, x1 + t * 2, y1 + t * 2.2, lighter(wood, 0.1))

    def floor(self, colour: RGB, planks: bool = True) -> None:
        """An interior floor in one-point perspective from the back wall's foot to the camera."""
        far, near = self.lit(darker(colour, 0.12)), self.lit(lighter(colour, 0.08))
        self.gradient(FLOOR, HEIGHT + 1200, (far, near))
        ex, ey = EYE
        seam = self.lit(darker(colour, 0.3))
        if planks:
            for i in range(-14, 15):
                x = ex + i * 110
                dx, dy = x - ex, FLOOR - ey
                self.line([(x, FLOOR), (ex + dx * 4.6, ey + dy * 4.6)], seam, 2.5)
        for i in range(1, 9):
            y = FLOOR + (HEIGHT + 600 - FLOOR) * (i / 9) ** 1.8
            self.line([(-2000, y), (4000, y)], seam, 1.5 if planks else 2.5)
        self.rect(-4000, FLOOR - 26, 6000, FLOOR, self.lit(darker(colour, 0.35)), 0)
