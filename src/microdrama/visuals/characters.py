"""Characters as flat, ink-outlined motion-comic figures drawn from their CharacterLook alone.

The drawing reads nothing but the look, the emotion, whether the figure speaks, where it
turns and the pose, so one look always gives one drawing: the audience recognises a
character by silhouette (hair, build, collar, accessory) and colour in every shot.
"""

from __future__ import annotations

import math

from PIL import ImageDraw

from microdrama.model import CharacterLook
from microdrama.visuals.anatomy import Body, Pose, body_of, feet_below_head, head_outline, mirror
from microdrama.visuals.canvas import Point, bezier, ellipse_points
from microdrama.visuals.faces import draw_face
from microdrama.visuals.hair import back_hair, front_hair, front_locks
from microdrama.visuals.palette import Tint, darker, lighter, mix
from microdrama.visuals.pen import Pen

__all__ = ["Pose", "feet_below_head", "figure_extent", "paint_figure"]


def _collar(pen: Pen, body: Body, neck: float, neckline: list[Point]) -> None:
    outfit = body.outfit
    if body.collar == "lapel":
        pen.poly([(-neck - 0.02, 0.6), (neck + 0.02, 0.6), (0, 1.25)], lighter(body.accent, 0.3), outline=False)
        if body.accessory == "tie":
            pen.poly([(-0.06, 0.64), (0.06, 0.64), (0.09, 1.2), (0, 1.35), (-0.09, 1.2)], darker(body.accent, 0.15))
        for side in (-1, 1):
            lapel = [(neck + 0.02, 0.58), (neck + 0.2, 0.7), (neck + 0.12, 0.86), (0.2, 0.9), (0.02, 1.3)]
            pen.poly([(side * x, y) for x, y in lapel], darker(outfit, 0.12))
    elif body.collar == "mandarin":
        pen.poly([(-neck - 0.03, 0.5), (neck + 0.03, 0.5), (neck + 0.06, 0.66), (-neck - 0.06, 0.66)], body.accent)
        pen.line([(0, 0.68), (0, 2.5)], darker(outfit, 0.35), 0.018)
        for y in (0.85, 1.15, 1.45, 1.75):
            pen.line([(-0.07, y), (0.07, y)], body.accent, 0.035)
    elif body.collar == "wrap":
        pen.poly([(-neck - 0.05, 0.56), (-neck + 0.06, 0.58), (0.5, 1.75), (0.4, 1.85)], body.accent)
        pen.poly([(neck + 0.05, 0.56), (neck - 0.04, 0.6), (-0.05, 0.95), (0.02, 1.0)], darker(body.accent, 0.15))
    else:
        pen.line(neckline, body.accent, 0.045)


def _body(pen: Pen, body: Body, bottom: float, detail: bool = True) -> float:
    """Torso, arms and legs below a head at the origin, cut at ``bottom``; returns the feet's y.

    One body for every framing: a close-up simply shows less of it, so the silhouette
    (shoulders, sleeves, belt, robe or trousers) is the same in a wide shot and a medium.
    """
    k = 0.62 if body.child else 1.0

    def y(v: float) -> float:
        return 0.5 + k * (v - 0.5)

    s = body.shoulder * 0.92
    neck = 0.15 if body.child else 0.18
    outfit = body.outfit
    feet = y(6.4)  # the shoe centres; feet_below_head() is their soles
    if bottom > y(3.3):
        legs = darker(outfit, 0.5) if not body.robe else body.skin
        for side in (-1, 1):
            pen.poly(
                [(side * 0.05, y(3.2)), (side * 0.32, y(3.2)), (side * 0.27, feet - 0.05), (side * 0.09, feet - 0.05)],
                legs,
            )
            pen.oval(side * 0.2, feet, 0.16, 0.07, (50, 40, 44))
    shoulder = bezier([(neck + 0.04, 0.6), (0.4, 0.64), (s - 0.16, y(0.72)), (s, y(1.0))], 10)
    hem = y(5.9) if body.robe else y(3.35)
    flare = 1.05 if body.robe else 0.8
    right = [*shoulder, (s * 0.74, y(2.6)), (s * flare, hem)]
    neckline = bezier([(neck + 0.04, 0.6), (0.1, 0.7), (-0.1, 0.7), (-neck - 0.04, 0.6)], 8)
    pen.poly(mirror(right)[:-1] + neckline[::-1][1:] + right[1:], outfit)
    pen.poly(
        [(s * 0.4, y(1.05)), (s, y(1.0)), (s * 0.74, y(2.6)), (s * flare, hem), (s * 0.42, hem)],
        darker(outfit, 0.2),
        outline=False,
    )
    if body.robe:
        pen.poly(
            [(-s * 1.05, hem), (s * 1.05, hem), (s * 1.04, hem - 0.2), (-s * 1.04, hem - 0.2)],
            body.accent,
            outline=False,
        )
        pen.line([(0, y(2.75)), (0, hem)], darker(outfit, 0.3), 0.02)
    if not detail:  # seen from behind: no collar, belt or hands
        return feet
    _collar(pen, body, neck, neckline)
    pen.poly(
        [(-s * 0.76, y(2.52)), (s * 0.76, y(2.52)), (s * 0.765, y(2.68)), (-s * 0.765, y(2.68))],
        darker(body.accent, 0.1),
    )
    sleeve = darker(outfit, 0.06)
    for side in (-1, 1):
        arm = [
            (s - 0.02, y(0.98)),
            (s + 0.14, y(1.25)),
            (s + 0.2, y(2.2)),
            (s + 0.2, y(2.95)),
            (s - 0.14, y(3.0)),
            (s - 0.16, y(2.2)),
            (s - 0.2, y(1.4)),
        ]
        pen.poly([(side * x, yy) for x, yy in arm], sleeve)
        pen.line([(side * (s - 0.16), y(2.2)), (side * (s + 0.05), y(2.25))], darker(outfit, 0.35), 0.015)
        hand = [
            (s - 0.1, y(2.98)),
            (s + 0.12, y(2.98)),
            (s + 0.13, y(3.2)),
            (s + 0.06, y(3.36)),
            (s - 0.05, y(3.34)),
            (s - 0.1, y(3.18)),
        ]
        pen.poly([(side * x, yy) for x, yy in hand], body.skin)
        pen.poly(
            [
                (side * (s - 0.16), y(2.9)),
                (side * (s + 0.22), y(2.88)),
                (side * (s + 0.2), y(3.0)),
                (side * (s - 0.14), y(3.02)),
            ],
            body.accent,
        )
    return feet


def _neck_and_head(pen: Pen, body: Body, face: bool) -> None:
    neck = 0.15 if body.child else 0.18
    pen.poly(
        [(-neck, 0.2), (neck, 0.2), (neck, 0.72), (-neck, 0.72)], body.skin if face else mix(body.skin, body.hair, 0.6)
    )
    pen.ellipse(0, 0.42, neck + 0.02, 0.12, darker(body.skin, 0.3), outline=False)
    for side in (-1, 1):
        pen.ellipse(side * body.head_rx * 0.98, 0.06, 0.065, 0.1, body.skin)
    head = head_outline(body)
    pen.poly(head, body.skin if face else body.hair)
    if face:  # a tapered crescent of shade down the right cheek
        outer = head[50:] + head[:20]
        n = len(outer) - 1
        inner = [(x - 0.09 * math.sin(math.pi * i / n), y) for i, (x, y) in enumerate(outer)]
        pen.poly(outer + inner[::-1], mix(body.skin, darker(body.skin, 0.3), 0.5), outline=False)
        pen.line([*head, head[0]], pen.ink, pen.ink_width)


def _accessories(pen: Pen, body: Body, turn: int) -> None:
    a = body.accessory
    fx = 0.06 * turn
    if a == "glasses":
        for side in (-1, 1):
            pen.line(ellipse_points(side * 0.165 + fx, 0.04, 0.11, 0.085, n=28), (40, 36, 44), 0.022)
        pen.line([(-0.055 + fx, 0.03), (0.055 + fx, 0.03)], (40, 36, 44), 0.02)
    elif a == "hat":
        crown = darker(body.outfit, 0.3)
        pen.poly([(-0.35, -0.34), (-0.31, -0.8), (0.31, -0.8), (0.35, -0.34)], crown)
        pen.poly([(-0.35, -0.46), (0.35, -0.46), (0.35, -0.36), (-0.35, -0.36)], body.accent, outline=False)
        pen.oval(0, -0.34, 0.62, 0.08, crown)
    elif a == "earrings":
        for side in (-1, 1):
            pen.ellipse(side * 0.41, 0.24, 0.035, 0.035, body.accent)
    elif a == "hairpin":
        pen.line([(0.16, -0.44), (0.46, -0.62)], body.accent, 0.025)
        pen.ellipse(0.46, -0.62, 0.05, 0.05, body.accent)
        pen.ellipse(0.16, -0.44, 0.035, 0.035, lighter(body.accent, 0.4))


def _beard(pen: Pen, body: Body) -> None:
    """Drawn before the face so the mouth shows through the moustache."""
    if body.accessory == "beard":
        beard = bezier(
            [(-0.26, 0.22), (-0.22, 0.5), (-0.1, 0.64), (0, 0.66), (0.1, 0.64), (0.22, 0.5), (0.26, 0.22)], 6
        )
        pen.poly([*beard, (0.12, 0.4), (0.05, 0.36), (-0.05, 0.36), (-0.12, 0.4)], body.hair)
        pen.poly(
            [(-0.15, 0.26), (0, 0.23), (0.15, 0.26), (0.13, 0.3), (0, 0.27), (-0.13, 0.3)], body.hair, outline=False
        )


def _scarf(pen: Pen, body: Body) -> None:
    if body.accessory == "scarf":
        pen.poly(
            [
                *bezier([(-0.3, 0.55), (-0.1, 0.72), (0.1, 0.72), (0.3, 0.55)], 6),
                (0.32, 0.7),
                (0.0, 0.86),
                (-0.32, 0.7),
            ],
            body.accent,
        )
        pen.poly([(0.1, 0.74), (0.28, 0.72), (0.3, 1.45), (0.14, 1.4)], darker(body.accent, 0.15))


def figure_extent(look: CharacterLook, pose: Pose, below: float) -> tuple[float, float, float]:
    """(half width, height above, depth below) of a figure around its head centre, in head units."""
    feet = feet_below_head(look)
    return 1.45, 1.0, (feet + 0.2 if pose == "full" else min(below, feet + 0.2))


def paint_figure(
    draw: ImageDraw.ImageDraw,
    at: Point,
    unit: float,
    look: CharacterLook,
    *,
    emotion: str = "neutral",
    speaking: bool = False,
    turn: int = 0,
    pose: Pose = "bust",
    light: Tint = (1.0, 1.0, 1.0),
    below: float = 8.0,
    mono: bool = False,
) -> None:
    """Draw one figure straight onto ``draw`` with its head centre at ``at``.

    ``unit`` is the head height in pixels, ``turn`` -1/0/1 turns the face towards screen
    left / camera / screen right, ``below`` (head units) is where the body may stop (the
    frame's edge), ``mono`` draws the silhouette only, in 255, for a shadow mask.
    """
    body = body_of(look, light)
    bottom = figure_extent(look, pose, below)[2]
    ink = 0.022 if pose != "full" else 0.035
    pen = Pen(draw, at[0], at[1], unit, ink_width=ink, mono=mono)
    face = pose != "back"
    if face:
        back_hair(pen, body, turn)
    _body(pen, body, bottom, detail=face)
    if face:
        _scarf(pen, body)
    _neck_and_head(pen, body, face)
    if face:
        _beard(pen, body)
        if not mono:
            draw_face(pen, emotion, speaking, body.skin, body.hair, turn, body.child, body.elder)
        front_hair(pen, body, turn)
        _accessories(pen, body, turn)
        if pose != "full":
            front_locks(pen, body)
    elif body.style in ("long", "braids", "ponytail", "bob", "bun"):
        back_hair(pen, body, 0)
        pen.poly(head_outline(body), body.hair)
        if body.style == "long":
            pen.poly([(-0.46, 0.0), (0.46, 0.0), (0.5, 1.6), (-0.5, 1.6)], body.hair)
