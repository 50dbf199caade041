"""Text on images: the bundled CJK fonts, line breaking for Chinese and English, fitting.

Chinese breaks between any two characters but never puts a closing mark (，。」) at the
start of a line or an opening one (“《「) at the end (the 避头尾 rule); English breaks at
spaces. One breaker serves both, because script lines mix them (names, numbers, "OK").
"""

from __future__ import annotations

import re
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from microdrama.visuals.fonts import sans_font, serif_font
from microdrama.visuals.palette import RGB

Ink = RGB | tuple[int, int, int, int] | int  # a colour, or a grey level on "L" masks
NO_START = set("，。、；：！？）》」』”’…—,.;:!?)]}%·~～")
NO_END = set("（《「『“‘([{")
TOKEN = re.compile(r"[A-Za-z0-9@#&'’\-_./:%+]+|\s+|.", re.DOTALL)


@cache
def font(size: int, serif: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled Noto Sans/Serif SC at ``size`` px (cached: loading an 8 MB font is not free)."""
    path = serif_font() if serif else sans_font()
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def width(text: str, face: ImageFont.FreeTypeFont) -> float:
    return face.getlength(text)


def _hard_split(token: str, face: ImageFont.FreeTypeFont, limit: float) -> list[str]:
    parts, current = [], ""
    for char in token:
        if current and width(current + char, face) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    return [*parts, current] if current else parts


def wrap(text: str, face: ImageFont.FreeTypeFont, limit: float) -> list[str]:
    """Break ``text`` into lines no wider than ``limit`` pixels (explicit newlines kept)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in TOKEN.findall(paragraph):
            if token.isspace():
                if current:
                    current += " "
                continue
            candidate = current + token
            if width(candidate.rstrip(), face) <= limit or not current.strip():
                if width(token, face) > limit and not current.strip():
                    *full, current = _hard_split(token, face, limit)
                    lines += full
                else:
                    current = candidate
                continue
            if token[0] in NO_START:  # hang the closing mark rather than start a line with it
                current = candidate
                continue
            carry = ""
            while current and current.rstrip()[-1:] in NO_END:
                carry = current.rstrip()[-1] + carry
                current = current.rstrip()[:-1]
            lines.append(current.rstrip())
            current = carry + token
            if width(current, face) > limit:
                *full, current = _hard_split(current, face, limit)
                lines += full
        lines.append(current.rstrip())
    return [line for line in lines if line] or [""]


def fit(text: str, face: ImageFont.FreeTypeFont, limit: float, max_lines: int) -> list[str]:
    """Wrapped lines, cut to ``max_lines`` with an ellipsis on the last one."""
    lines = wrap(text, face, limit)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and width(last + "…", face) > limit:
        last = last[:-1]
    return [*lines[: max_lines - 1], last + "…"]


def line_height(face: ImageFont.FreeTypeFont, spacing: float = 1.35) -> int:
    return round(face.size * spacing)


def draw_lines(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    lines: list[str],
    face: ImageFont.FreeTypeFont,
    fill: Ink,
    *,
    spacing: float = 1.35,
    anchor: str = "la",
    stroke: int = 0,
    stroke_fill: Ink | None = None,
) -> float:
    """Draw lines top-down from ``xy`` (``anchor`` "la" left or "ma" centred); returns the y below them."""
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=face, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=stroke_fill)
        y += line_height(face, spacing)
    return y


def glyph_image(char: str, face: ImageFont.FreeTypeFont) -> bytes:
    """The rendered bitmap of one character in a square cell (to compare glyphs)."""
    size = round(face.size)
    cell = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(cell).text((size // 2, size // 2), char, font=face, fill=255)
    return cell.tobytes()


NOTDEF_PROBE = "\U000f0000"  # a private-use code point no font maps: renders as .notdef (tofu)


def has_glyphs(text: str, face: ImageFont.FreeTypeFont) -> bool:
    """True when every visible character renders as itself, not as the font's .notdef box."""
    tofu = glyph_image(NOTDEF_PROBE, face)
    return all(char.isspace() or glyph_image(char, face) != tofu for char in text)
