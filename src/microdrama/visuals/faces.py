"""Faces: eyes, brows and mouth shaped by the line's emotion, readable at phone size.

Expressions are exaggerated the way motion comics do it (brow angle, eye shape, mouth
shape, a tear or a sweat drop), because a subtle change disappears on a 6-inch screen.
Coordinates are in head units around the head centre (see characters.Pen).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microdrama.visuals.canvas import Point, bezier
from microdrama.visuals.palette import INK, RGB, WHITE, darker, mix
from microdrama.visuals.pen import Pen

EYE_Y = 0.04
EYE_X = 0.165
MOUTH_Y = 0.31
MOUTH_DARK: RGB = (110, 34, 44)
TONGUE: RGB = (226, 110, 116)
TEAR: RGB = (150, 210, 250)


@dataclass(frozen=True)
class Expression:
    brow_inner: float  # + lowers the inner end (anger), - raises it (worry)
    brow_outer: float
    brow_arch: float
    eye_open: float  # 1 normal; >1 wide; <1 narrowed
    eye_slant: float  # degrees; + tilts the inner corner down (glare)
    smile_eyes: bool = False  # happy crescents
    whites: bool = False  # show the whites around a small pupil (fear, shock)


EXPRESSIONS: dict[str, Expression] = {
    "neutral": Expression(0.0, 0.0, 0.02, 1.0, 0.0),
    "happy": Expression(-0.03, -0.01, 0.05, 1.0, 0.0, smile_eyes=True),
    "sad": Expression(-0.07, 0.04, 0.0, 0.75, -12.0),
    "angry": Expression(0.075, -0.04, -0.01, 0.8, 16.0),
    "afraid": Expression(-0.08, -0.01, 0.02, 1.25, -6.0, whites=True),
    "surprised": Expression(-0.09, -0.08, 0.06, 1.35, 0.0, whites=True),
    "disgusted": Expression(0.05, -0.02, 0.0, 0.7, 8.0),
}


def _rotate(points: list[Point], cx: float, cy: float, degrees: float) -> list[Point]:
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in points]


def _eye(pen: Pen, side: int, fx: float, expression: Expression, child: bool, narrow: float) -> None:
    """One eye; ``side`` -1 is the figure's right (screen left), +1 its left."""
    cx = side * EYE_X + fx
    cy = EYE_Y
    w = (0.085 if child else 0.075) * narrow
    h = (0.075 if child else 0.06) * expression.eye_open
    slant = -side * expression.eye_slant  # inner corner is the one near the nose
    if expression.smile_eyes:
        arc = bezier(
            [(cx - w, cy + 0.01), (cx - w * 0.5, cy - h * 1.1), (cx + w * 0.5, cy - h * 1.1), (cx + w, cy + 0.01)]
        )
        pen.line(arc, INK, 0.03)
        return
    top = bezier([(cx - w, cy), (cx - w * 0.6, cy - h * 1.25), (cx + w * 0.6, cy - h * 1.25), (cx + w, cy)])
    bottom = bezier([(cx + w, cy), (cx + w * 0.5, cy + h * 0.9), (cx - w * 0.5, cy + h * 0.9), (cx - w, cy)])
    almond = _rotate(top + bottom, cx, cy, slant)
    pen.poly(almond, WHITE, outline=False)
    iris_r = w * (0.42 if expression.whites else 0.62)
    iris_h = min(iris_r * 1.15, h * 1.0 + 0.004)
    ix = cx + side * 0.006 + fx * 0.3
    pen.ellipse(ix, cy - h * 0.1, iris_r, iris_h, (44, 30, 32), outline=False)
    pen.ellipse(ix - iris_r * 0.35, cy - h * 0.1 - iris_h * 0.4, iris_r * 0.32, iris_r * 0.32, WHITE, outline=False)
    lash = _rotate(
        bezier(
            [
                (cx - w * 1.1, cy + 0.004),
                (cx - w * 0.6, cy - h * 1.3),
                (cx + w * 0.6, cy - h * 1.3),
                (cx + w * 1.1, cy + 0.004),
            ]
        ),
        cx,
        cy,
        slant,
    )
    pen.line(lash, INK, 0.03)
    if expression.whites:
        pen.line(_rotate(bottom, cx, cy, slant), INK, 0.012)


def _brow(pen: Pen, side: int, fx: float, expression: Expression, colour: RGB, extra: float) -> None:
    inner_x, outer_x = side * 0.07 + fx, side * 0.27 + fx
    base = EYE_Y - 0.145
    inner = (inner_x, base + expression.brow_inner + extra)
    outer = (outer_x, base + expression.brow_outer + extra * 0.5)
    mid = ((inner[0] + outer[0]) / 2, (inner[1] + outer[1]) / 2 - expression.brow_arch - 0.015)
    pen.line(bezier([inner, mid, mid, outer], 8), colour, 0.04)


def _mouth(pen: Pen, fx: float, emotion: str, speaking: bool, skin: RGB) -> None:
    x, y = fx * 1.1, MOUTH_Y
    lip = darker(skin, 0.45)
    if emotion == "surprised" or (emotion == "afraid" and speaking):
        pen.ellipse(x, y + 0.01, 0.06, 0.08 if emotion == "surprised" else 0.06, MOUTH_DARK)
        pen.ellipse(x, y + 0.055, 0.035, 0.018, TONGUE, outline=False)
        return
    if emotion == "happy":
        if speaking:
            shape = bezier([(x - 0.12, y - 0.02), (x - 0.08, y + 0.13), (x + 0.08, y + 0.13), (x + 0.12, y - 0.02)])
            pen.poly(shape, MOUTH_DARK)
            pen.poly(
                [(x - 0.1, y - 0.012), (x + 0.1, y - 0.012), (x + 0.085, y + 0.02), (x - 0.085, y + 0.02)],
                WHITE,
                outline=False,
            )
            pen.ellipse(x, y + 0.075, 0.05, 0.025, TONGUE, outline=False)
            pen.line([*shape, shape[0]], INK, 0.018)
        else:
            pen.line(
                bezier([(x - 0.11, y - 0.02), (x - 0.05, y + 0.06), (x + 0.05, y + 0.06), (x + 0.11, y - 0.02)]),
                lip,
                0.026,
            )
        return
    if emotion == "angry":
        if speaking:
            shape = [(x - 0.12, y - 0.01), (x + 0.12, y - 0.01), (x + 0.09, y + 0.09), (x - 0.09, y + 0.09)]
            pen.poly(shape, MOUTH_DARK)
            pen.poly(
                [(x - 0.11, y - 0.004), (x + 0.11, y - 0.004), (x + 0.105, y + 0.02), (x - 0.105, y + 0.02)],
                WHITE,
                outline=False,
            )
            pen.poly(
                [(x - 0.09, y + 0.068), (x + 0.09, y + 0.068), (x + 0.085, y + 0.085), (x - 0.085, y + 0.085)],
                WHITE,
                outline=False,
            )
            pen.line([*shape, shape[0]], INK, 0.018)
        else:
            pen.line(
                [(x - 0.1, y + 0.03), (x - 0.05, y + 0.005), (x + 0.05, y + 0.005), (x + 0.1, y + 0.03)], lip, 0.028
            )
        return
    if emotion == "disgusted":
        pts = [(x - 0.1, y + 0.025), (x - 0.03, y - 0.01), (x + 0.04, y + 0.02), (x + 0.1, y - 0.03)]
        if speaking:
            pen.poly([*pts, (x + 0.06, y + 0.04), (x - 0.06, y + 0.05)], MOUTH_DARK)
        else:
            pen.line(pts, lip, 0.026)
        return
    if emotion == "sad":
        if speaking:
            pen.poly(
                bezier([(x - 0.08, y + 0.05), (x - 0.05, y - 0.03), (x + 0.05, y - 0.03), (x + 0.08, y + 0.05)]),
                MOUTH_DARK,
            )
        else:
            pen.line(
                bezier([(x - 0.09, y + 0.04), (x - 0.04, y - 0.015), (x + 0.04, y - 0.015), (x + 0.09, y + 0.04)]),
                lip,
                0.026,
            )
        return
    if emotion == "afraid":
        pen.line(
            [(x - 0.09, y + 0.01), (x - 0.045, y - 0.01), (x, y + 0.01), (x + 0.045, y - 0.01), (x + 0.09, y + 0.01)],
            lip,
            0.022,
        )
        return
    if speaking:
        pen.ellipse(x, y + 0.02, 0.065, 0.04, MOUTH_DARK)
        pen.ellipse(x, y + 0.04, 0.035, 0.014, TONGUE, outline=False)
    else:
        pen.line(
            bezier([(x - 0.07, y + 0.01), (x - 0.03, y + 0.02), (x + 0.03, y + 0.02), (x + 0.07, y + 0.01)]), lip, 0.024
        )


def draw_face(
    pen: Pen, emotion: str, speaking: bool, skin: RGB, hair: RGB, turn: int, child: bool, elder: bool
) -> None:
    """Eyes, brows, nose, mouth and emotion marks on a head already drawn at the pen's origin."""
    expression = EXPRESSIONS.get(emotion, EXPRESSIONS["neutral"])
    fx = 0.06 * turn
    shade = darker(skin, 0.3)
    if emotion in ("angry",) or (emotion == "happy" and not elder) or child:
        blush = mix(skin, (240, 110, 110), 0.3 if emotion != "angry" else 0.4)
        for side in (-1, 1):
            pen.ellipse(side * 0.22 + fx, 0.19, 0.07, 0.035, blush, outline=False)
    for side in (-1, 1):
        narrow = 0.85 if turn and side == turn * -1 else 1.0  # the far eye looks narrower
        _eye(pen, side, fx, expression, child, narrow)
        extra = 0.0
        if emotion == "disgusted":
            extra = 0.03 if side == 1 else -0.02
        _brow(pen, side, fx, expression, darker(hair, 0.35), extra)
    nose_x = fx * 1.4
    pen.line([(nose_x - 0.005, 0.12), (nose_x + 0.025 * (turn or 1), 0.2), (nose_x - 0.02, 0.205)], shade, 0.018)
    if elder:
        for side in (-1, 1):
            pen.line([(side * 0.27 + fx, 0.05), (side * 0.31 + fx, 0.075)], shade, 0.012)
            pen.line(
                bezier(
                    [
                        (side * 0.13 + fx, 0.2),
                        (side * 0.17 + fx, 0.25),
                        (side * 0.16 + fx, 0.3),
                        (side * 0.15 + fx, 0.35),
                    ],
                    6,
                ),
                shade,
                0.012,
            )
    _mouth(pen, fx, emotion, speaking, skin)
    if emotion == "sad":
        side = -1 if turn >= 0 else 1
        tx = side * EYE_X + fx
        pen.poly(
            bezier(
                [
                    (tx, 0.1),
                    (tx + 0.035, 0.16),
                    (tx + 0.03, 0.21),
                    (tx, 0.21),
                    (tx - 0.03, 0.21),
                    (tx - 0.035, 0.16),
                    (tx, 0.1),
                ],
                6,
            ),
            TEAR,
        )
    if emotion in ("afraid", "surprised"):
        sx = 0.34 if turn <= 0 else -0.34
        pen.poly(
            bezier(
                [
                    (sx, -0.3),
                    (sx + 0.045, -0.22),
                    (sx + 0.04, -0.16),
                    (sx, -0.16),
                    (sx - 0.04, -0.16),
                    (sx - 0.045, -0.22),
                    (sx, -0.3),
                ],
                6,
            ),
            TEAR,
        )
    if emotion == "angry":
        vx, vy = (0.27 if turn <= 0 else -0.27) + fx, -0.33
        for a in (0, 90, 180, 270):
            r = math.radians(a + 45)
            pen.line(
                [
                    (vx + 0.02 * math.cos(r), vy + 0.02 * math.sin(r)),
                    (vx + 0.05 * math.cos(r), vy + 0.05 * math.sin(r)),
                ],
                (200, 40, 50),
                0.02,
            )
