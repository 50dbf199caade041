"""Insert shots: one object on a table, large and inked like the characters.

The object is picked from the shot's description (a letter, a candle, coins ...) so an
insert shows the detail the script points at; otherwise something fitting the place.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

from microdrama.visuals.canvas import bezier, ellipse_points
from microdrama.visuals.palette import RGB, WHITE, Tint, darker, lighter, mix, tint
from microdrama.visuals.pen import Pen

PropKind = Literal["cup", "letter", "candle", "coins", "phone", "key", "knife"]
PROP_WORDS: dict[PropKind, tuple[str, ...]] = {
    "letter": (
        "信",
        "纸",
        "字条",
        "合同",
        "契",
        "账本",
        "书",
        "照片",
        "letter",
        "note",
        "paper",
        "contract",
        "book",
        "photo",
    ),
    "candle": ("蜡烛", "烛", "灯", "火", "candle", "lamp", "fire", "flame"),
    "coins": ("钱", "大洋", "银", "铜板", "金", "债", "money", "coin", "silver", "gold", "debt", "cash"),
    "phone": ("手机", "电话", "短信", "phone", "call", "message", "text"),
    "key": ("钥匙", "锁", "key", "lock"),
    "knife": ("刀", "剑", "匕首", "knife", "dagger", "sword", "blade"),
    "cup": ("茶", "杯", "酒", "碗", "tea", "cup", "wine", "drink", "bowl"),
}
KIND_PROPS: dict[str, PropKind] = {
    "office": "phone",
    "temple": "candle",
    "room": "letter",
    "hall": "cup",
    "shop": "cup",
}


def choose_prop(description: str, kind: str) -> PropKind:
    """The first object the description names, else the place's typical object."""
    text = description.lower()
    best: tuple[int, PropKind] | None = None
    for prop, words in PROP_WORDS.items():
        for word in words:
            at = text.find(word)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, prop)
    if best:
        return best[1]
    return KIND_PROPS.get(kind, "cup")


def draw_prop(pen: Pen, prop: str, accent: RGB, light: Tint) -> None:
    """Draw ``prop`` centred on the pen's origin, one unit wide, resting on y = 0.3."""
    a = tint(accent, light)
    if prop in ("knife", "key"):  # flat things lie on the table, by their shadow
        pen = dataclasses.replace(pen, oy=pen.oy + 0.36 * pen.unit)
    if prop == "letter":
        paper = tint((246, 238, 220), light)
        pen.poly([(-0.62, 0.32), (0.5, 0.22), (0.6, 0.42), (-0.5, 0.54)], darker(paper, 0.08))
        pen.poly([(-0.55, -0.3), (0.45, -0.38), (0.55, 0.3), (-0.45, 0.38)], paper)
        for i in range(6):
            y = -0.2 + i * 0.09
            pen.line([(-0.38, y + 0.01), (0.35 - (0.25 if i == 5 else 0), y - 0.02)], tint((70, 60, 70), light), 0.018)
        pen.ellipse(0.3, 0.22, 0.08, 0.08, tint((190, 40, 40), light))
    elif prop == "candle":
        wax = tint((244, 236, 220), light)
        pen.oval(0, 0.32, 0.3, 0.07, tint((150, 120, 80), light))
        pen.poly([(-0.12, -0.35), (0.12, -0.35), (0.12, 0.3), (-0.12, 0.3)], wax)
        pen.poly([(0.05, -0.35), (0.12, -0.35), (0.12, 0.3), (0.05, 0.3)], darker(wax, 0.1), outline=False)
        pen.poly(
            [*bezier([(-0.12, -0.35), (-0.13, -0.25), (-0.1, -0.2), (-0.09, -0.12)], 6), (-0.05, -0.2), (-0.04, -0.35)],
            lighter(wax, 0.3),
            outline=False,
        )
        pen.line([(0, -0.35), (0, -0.42)], (40, 30, 30), 0.015)
        flame = bezier(
            [(0, -0.68), (0.08, -0.55), (0.08, -0.42), (0, -0.42), (-0.08, -0.42), (-0.08, -0.55), (0, -0.68)], 8
        )
        pen.poly(flame, (255, 196, 80))
        pen.poly([(x * 0.5, -0.45 + (y + 0.45) * 0.5) for x, y in flame], (255, 246, 200), outline=False)
    elif prop == "coins":
        silver = tint((214, 214, 220), light)
        for i, (x, y) in enumerate(((-0.3, 0.2), (0.05, 0.24), (0.32, 0.18), (-0.1, 0.05), (0.18, 0.0), (0.0, -0.15))):
            pen.oval(x, y + 0.04, 0.2, 0.08, darker(silver, 0.25))
            pen.oval(x, y, 0.2, 0.08, lighter(silver, 0.1) if i % 2 else silver)
            pen.line(ellipse_points(x, y, 0.12, 0.045, n=20), darker(silver, 0.2), 0.012)
    elif prop == "phone":
        pen.poly([(-0.3, -0.55), (0.3, -0.55), (0.3, 0.35), (-0.3, 0.35)], (34, 34, 40))
        pen.poly(
            [(-0.25, -0.48), (0.25, -0.48), (0.25, 0.28), (-0.25, 0.28)],
            tint((120, 180, 230), (1, 1, 1)),
            outline=False,
        )
        for i in range(4):  # a chat: bubbles from the other side on the left, ours on the right
            y = -0.4 + i * 0.16
            x0, x1 = (-0.02, 0.21) if i % 2 else (-0.21, 0.06)
            pen.poly(
                [(x0, y), (x1, y), (x1, y + 0.1), (x0, y + 0.1)], mix(a, WHITE, 0.3) if i % 2 else WHITE, outline=False
            )
    elif prop == "key":
        brass = tint((220, 176, 80), light)
        pen.line([(-0.1, 0.0), (0.55, 0.0)], brass, 0.08)
        for x in (0.35, 0.47):
            pen.poly([(x, 0.0), (x + 0.06, 0.0), (x + 0.06, 0.14), (x, 0.14)], brass)
        pen.ellipse(-0.3, 0.0, 0.22, 0.22, brass)
        pen.ellipse(-0.3, 0.0, 0.09, 0.09, tint((120, 90, 60), light))
    elif prop == "knife":
        steel = tint((206, 212, 222), light)
        pen.poly([(-0.05, -0.08), (0.62, -0.04), (0.5, 0.1), (-0.05, 0.08)], steel)
        pen.line([(0.0, -0.02), (0.52, 0.0)], lighter(steel, 0.4), 0.02)
        pen.poly([(-0.1, -0.16), (-0.03, -0.16), (-0.03, 0.16), (-0.1, 0.16)], a)
        pen.poly([(-0.52, -0.06), (-0.1, -0.06), (-0.1, 0.08), (-0.52, 0.08)], tint((90, 56, 40), light))
    else:  # a cup of tea, steaming
        porcelain = tint((240, 238, 232), light)
        pen.oval(0, 0.32, 0.42, 0.09, darker(porcelain, 0.12))
        body = bezier([(-0.32, -0.2), (-0.32, 0.12), (-0.2, 0.3), (0, 0.3), (0.2, 0.3), (0.32, 0.12), (0.32, -0.2)], 10)
        pen.poly(body, porcelain)
        pen.oval(0, -0.2, 0.3, 0.07, tint((150, 120, 60), light))
        pen.line(bezier([(-0.3, -0.02), (-0.15, 0.05), (0.15, 0.05), (0.3, -0.02)], 8), a, 0.03)
        for dx in (-0.1, 0.08):
            steam = [(dx + 0.04 * math.sin(i * 1.3), -0.32 - i * 0.07) for i in range(6)]
            pen.line(steam, mix(porcelain, (255, 255, 255), 0.5), 0.02)
