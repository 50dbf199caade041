"""Episode 1's title card and the "AI生成" label overlay.

Chinese rules want the 备案号 (licence number) shown in the opening credits, and since
2025 AI-made content must carry a visible label; both are drawn inside the 9:16 safe
area so no platform UI hides them.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from microdrama.visuals.canvas import glow, save_png, vertical_gradient, vignette
from microdrama.visuals.palette import RGB, rng
from microdrama.visuals.request import OUTPUT_SIZE
from microdrama.visuals.text import draw_lines, fit, font, line_height, width

W, H = OUTPUT_SIZE
# The safe area of the 1080x1920 output: top 8%, bottom 20%, right 12% are platform UI.
SAFE = (54, 154, 950, 1536)
SAFE_CX = (SAFE[0] + SAFE[2]) // 2
LICENCE_BOTTOM = SAFE[3] - 40  # the licence line sits just above the caption/button band

# Top-left corner of the AI label in 1080x1920 output pixels: inside the safe area, just
# under the status-bar strip, where no platform puts buttons and subtitles never go.
AI_LABEL_POSITION = (SAFE[0], SAFE[1] + 16)
AI_LABEL_TEXT = {"zh": "AI生成", "en": "AI-generated"}
LATIN_WORD = re.compile(r"[A-Za-z0-9'’\-]+")
GOLD_TOP: RGB = (255, 240, 196)
GOLD_BOTTOM: RGB = (226, 162, 72)


def _title_lines(title: str, limit: int) -> tuple[list[str], int]:
    """The largest size (160 px down) at which the title fits in three lines, words unbroken."""
    size = 160
    while size > 48:
        face = font(size, serif=True)
        lines = fit(title, face, limit, 3)
        whole_words = all(width(word, face) <= limit for word in LATIN_WORD.findall(title))
        if whole_words and not lines[-1].endswith("…"):
            return lines, size
        size -= 8
    return fit(title, font(size, serif=True), limit, 3), size


def _gold_text(card: Image.Image, lines: list[str], size: int, top: int) -> int:
    """Title in a gold gradient with a dark outline and a warm glow behind it; returns its bottom."""
    face = font(size, serif=True)
    mask = Image.new("L", card.size, 0)
    bottom = draw_lines(ImageDraw.Draw(mask), (SAFE_CX, top), lines, face, 255, spacing=1.2, anchor="ma")
    halo = (
        mask.resize((W // 4, H // 4)).filter(ImageFilter.GaussianBlur(10)).resize(card.size, Image.Resampling.BILINEAR)
    )
    card.paste((255, 120, 60), (0, 0, W, H), halo.point(lambda v: min(255, v * 2)))
    outline = Image.new("L", card.size, 0)
    stroke = max(3, size // 22)
    draw_lines(
        ImageDraw.Draw(outline),
        (SAFE_CX, top),
        lines,
        face,
        255,
        spacing=1.2,
        anchor="ma",
        stroke=stroke,
        stroke_fill=255,
    )
    card.paste((46, 14, 20), (0, 0, W, H), outline)
    gold = vertical_gradient((W, round(bottom - top) + 2), (GOLD_TOP, GOLD_BOTTOM, GOLD_TOP))
    card.paste(gold, (0, top), mask.crop((0, top, W, top + gold.height)))
    return round(bottom)


def _ornament(draw: ImageDraw.ImageDraw, y: int, half: int, colour: RGB) -> None:
    draw.line([(SAFE_CX - half, y), (SAFE_CX - 24, y)], fill=colour, width=3)
    draw.line([(SAFE_CX + 24, y), (SAFE_CX + half, y)], fill=colour, width=3)
    draw.polygon([(SAFE_CX, y - 14), (SAFE_CX + 14, y), (SAFE_CX, y + 14), (SAFE_CX - 14, y)], fill=colour)


def draw_title_card(title: str, licence: str, language: str, out: Path) -> None:
    """Episode 1's opening card (1080x1920 PNG): the series title large, the licence line small
    but legible (34 px) at the foot of the safe area, and "第1集"/"Episode 1"."""
    card = vertical_gradient((W, H), ((16, 10, 34), (58, 20, 46), (24, 10, 30), (8, 6, 16)))
    seed = rng("title-card")  # the same embers for every series: only the words change
    glow(card, (SAFE_CX, 760), 900, (200, 70, 60), 0.45)
    draw = ImageDraw.Draw(card)
    for _ in range(90):  # drifting embers, kept off the licence line
        x, y = seed.uniform(0, W), seed.uniform(0, H)
        if LICENCE_BOTTOM - 160 < y < LICENCE_BOTTOM + 30:
            continue
        r = seed.choice((1.5, 2.0, 3.0, 4.0))
        tone = seed.uniform(0.4, 1.0)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(round(255 * tone), round(190 * tone), round(120 * tone)))
    card = vignette(card, 0.55)
    lines, size = _title_lines(title.strip() or "—", SAFE[2] - SAFE[0] - 60)
    block = len(lines) * round(size * 1.2)
    top = 800 - block // 2
    draw = ImageDraw.Draw(card)
    _ornament(draw, top - 70, 300, (214, 170, 90))
    bottom = _gold_text(card, lines, size, top)
    draw = ImageDraw.Draw(card)
    _ornament(draw, bottom + 40, 300, (214, 170, 90))
    episode = "第1集" if language == "zh" else "EPISODE 1"
    draw.text((SAFE_CX, bottom + 90), episode, font=font(44), fill=(240, 226, 200), anchor="ma")
    if licence.strip():
        face = font(34)
        licence_lines = fit(licence.strip(), face, SAFE[2] - SAFE[0] - 40, 2)
        y = LICENCE_BOTTOM - len(licence_lines) * line_height(face, 1.3)
        draw.line([(SAFE_CX - 200, y - 28), (SAFE_CX + 200, y - 28)], fill=(150, 120, 110), width=2)
        draw_lines(
            draw,
            (SAFE_CX, y),
            licence_lines,
            face,
            (236, 230, 236),
            spacing=1.3,
            anchor="ma",
            stroke=2,
            stroke_fill=(10, 6, 14),
        )
    save_png(card, out)


def draw_ai_label(language: str, out: Path) -> None:
    """A small label on a transparent background, placed at AI_LABEL_POSITION for the whole episode.

    Drawn at 2x and reduced so its rounded corners and text edges blend over any frame.
    """
    text = AI_LABEL_TEXT.get(language, AI_LABEL_TEXT["en"])
    s = 2
    face = font(34 * s)
    pad_x, pad_y = 22 * s, 10 * s
    w = round(width(text, face)) + 2 * pad_x
    h = 34 * s + 2 * pad_y + 8 * s
    label = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(label)
    draw.rounded_rectangle(
        (0, 0, w - 1, h - 1), radius=h // 2, fill=(0, 0, 0, 150), outline=(255, 255, 255, 200), width=2 * s
    )
    draw.text((w // 2, h // 2), text, font=face, fill=(255, 255, 255, 255), anchor="mm")
    save_png(label.reduce(s), out)
