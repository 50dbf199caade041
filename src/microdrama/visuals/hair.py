"""Hair by style: what falls behind the head, the fringe in front, and locks over the shoulders.

Hair is the strongest silhouette cue after the outfit colour, so each style has a shape
that reads even in a wide shot (a bob's blunt line, a ponytail's sweep, braids).
"""

from __future__ import annotations

from microdrama.visuals.anatomy import Body, cap, mirror
from microdrama.visuals.canvas import bezier
from microdrama.visuals.palette import darker, lighter
from microdrama.visuals.pen import Pen


def back_hair(pen: Pen, body: Body, turn: int) -> None:
    h = body.hair
    if body.style == "long":
        right = [(0.46, 0.0), (0.55, 0.5), (0.6, 1.2), (0.5, 1.5), (0.25, 1.55)]
        pen.poly(cap(body, 0.07, 0.07) + right + mirror(right), h)
    elif body.style == "bob":
        right = [(0.5, 0.0), (0.53, 0.3), (0.52, 0.5), (0.3, 0.52)]
        pen.poly(cap(body, 0.08, 0.08) + right + mirror(right), h)
    elif body.style == "ponytail":
        side = -1 if turn > 0 else 1
        tail = bezier(
            [(0.2, -0.45), (0.75, -0.45), (0.75, 0.4), (0.52, 1.05), (0.5, 0.5), (0.48, 0.0), (0.3, -0.3)], 10
        )
        pen.poly([(side * x, y) for x, y in tail], h)
    elif body.style == "bun":
        pen.ellipse(0, -0.56, 0.21, 0.18, h)


def front_hair(pen: Pen, body: Body, turn: int) -> None:
    h = body.hair
    s = 0.05 * turn  # the parting moves with the turn of the head
    shadow = darker(body.skin, 0.28)
    style = body.style
    if style == "bald":
        for side in (-1, 1):
            pen.ellipse(side * 0.37, -0.14, 0.055, 0.11, h)
        pen.line([(-0.12, -0.38), (-0.02, -0.42)], lighter(body.skin, 0.5), 0.03)
        return
    if style in ("short", "crop"):
        pad = (0.04, 0.06) if style == "short" else (0.025, 0.035)
        if style == "short":
            fringe = [
                (0.42, 0.1),
                (0.37, 0.12),
                (0.36, -0.1),
                (0.28 + s, -0.22),
                (0.2 + s, -0.13),
                (0.1 + s, -0.27),
                (0.0 + s, -0.17),
                (-0.1 + s, -0.31),
                (-0.2 + s, -0.2),
                (-0.3, -0.29),
                (-0.36, -0.12),
                (-0.37, 0.12),
                (-0.42, 0.1),
            ]
        else:
            fringe = [
                (0.41, -0.02),
                (0.37, -0.02),
                (0.36, -0.24),
                (0.2 + s, -0.3),
                (0.1 + s, -0.27),
                (0.0 + s, -0.31),
                (-0.1 + s, -0.27),
                (-0.2 + s, -0.31),
                (-0.36, -0.24),
                (-0.37, -0.02),
                (-0.41, -0.02),
            ]
        pen.poly(
            [(x, y + 0.035) for x, y in fringe[2:-2]] + [(fringe[-3][0], -0.3), (fringe[2][0], -0.3)],
            shadow,
            outline=False,
        )
        pen.poly(cap(body, *pad) + fringe, h)
        return
    if style == "bob":
        lock = [(0.52, 0.0), (0.53, 0.44), (0.4, 0.46), (0.37, 0.1), (0.37, -0.13)]
        bangs = [(0.25, -0.1), (0.12, -0.14), (0.0, -0.11), (-0.12, -0.14), (-0.25, -0.1)]
        pen.poly([(x, y + 0.035) for x, y in bangs], shadow, outline=False)
        pen.poly(cap(body, 0.08, 0.08) + lock + [(x + s, y) for x, y in bangs] + mirror(lock), h)
        return
    # Centre-parted styles: long, ponytail, bun, braids.
    down = 0.42 if style in ("long", "braids") else 0.12
    outer = [(0.47, 0.0), (0.47, down), (0.4, down + 0.03)]
    inner = [(0.35, 0.1), *bezier([(0.3, -0.12), (0.22, -0.26), (0.12, -0.32), (0.03, -0.34)], 6)]
    right = outer + [(x + s * (1 - y), y) if y < 0 else (x, y) for x, y in inner]
    left = [(-x + 2 * s * (1 - y), y) if y < 0 else (-x, y) for x, y in inner[::-1]] + mirror(outer)
    pen.poly(cap(body, 0.06, 0.07) + right + [(s, -0.3)] + left, h)
    pen.line(bezier([(s, -0.31), (s - 0.02, -0.4), (s - 0.03, -0.47), (s - 0.05, -0.53)], 6), darker(h, 0.3), 0.012)


def front_locks(pen: Pen, body: Body) -> None:
    """Hair that falls in front of the shoulders (drawn after the body)."""
    if body.style == "long":
        for side in (-1, 1):
            lock = [(0.38, 0.3), (0.5, 0.35), (0.6, 0.9), (0.58, 1.5), (0.5, 1.0), (0.4, 0.6)]
            pen.poly([(side * x, y) for x, y in lock], body.hair)
    elif body.style == "braids":
        for side in (-1, 1):
            for i in range(6):
                pen.oval(side * (0.44 + i * 0.015), 0.38 + i * 0.17, 0.075, 0.1, body.hair)
            pen.ellipse(side * 0.52, 1.4, 0.05, 0.035, body.accent)
