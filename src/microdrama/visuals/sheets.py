"""Storyboard sheets (one per episode) and the series contact sheet.

A storyboard is what an editor or a producer reviews before funding a series: every
shot's frame beside its framing, camera, timing, action and lines, with the episode's
hook, cliffhanger and paywall on top. Cells keep a fixed size and the sheet grows
downwards, so an 80-shot episode is as readable as an 8-shot one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from microdrama.model import Bible, Episode, Shot
from microdrama.model.common import FRAMING_LABELS
from microdrama.visuals.canvas import save_png
from microdrama.visuals.palette import RGB
from microdrama.visuals.request import FRAME_SIZE, VISIBLE_BOX
from microdrama.visuals.text import draw_lines, fit, font, line_height

PAPER: RGB = (246, 244, 240)
CELL: RGB = (255, 255, 255)
INK: RGB = (34, 30, 40)
MUTED: RGB = (118, 112, 124)
HOOK: RGB = (38, 120, 200)
CLIFF: RGB = (222, 120, 30)
PAYWALL: RGB = (206, 40, 56)
LABELS = {
    "zh": {
        "episode": "第{n}集",
        "hook": "钩子",
        "cliff": "卡点",
        "paywall": "付费卡点",
        "shots": "{n}个镜头",
        "action": "△ ",
        "colon": "：",
    },
    "en": {
        "episode": "Episode {n}",
        "hook": "Hook",
        "cliff": "Cliffhanger",
        "paywall": "PAYWALL",
        "shots": "{n} shots",
        "action": "△ ",
        "colon": ": ",
    },
}
EMOTION_ZH = {"happy": "喜", "sad": "悲", "angry": "怒", "afraid": "惧", "surprised": "惊", "disgusted": "厌"}
SETTING_ZH = {"INT": "内", "EXT": "外", "INT/EXT": "内/外"}
TIME_ZH = {"day": "日", "night": "夜", "dawn": "晨", "dusk": "昏"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Grid:
    columns: int
    thumb: tuple[int, int]
    text_width: int
    font_size: int
    max_text_lines: int

    @property
    def cell_width(self) -> int:
        return self.thumb[0] + 24 + self.text_width + 24

    @property
    def cell_height(self) -> int:
        return self.thumb[1] + 24


def _grid(count: int) -> Grid:
    """Bigger cells for short episodes; more, smaller columns as the shot count grows."""
    if count <= 12:
        return Grid(3, (243, 432), 420, 24, 15)
    if count <= 40:
        return Grid(4, (198, 352), 330, 21, 14)
    return Grid(5, (162, 288), 280, 19, 12)


def thumbnail(path: Path | None, size: tuple[int, int]) -> Image.Image:
    """The visible 9:16 window of a frame, shrunk; a grey card when the frame is missing."""
    if path is not None and path.is_file():
        with Image.open(path) as source:
            image: Image.Image = source.convert("RGB")
        if image.size == FRAME_SIZE:
            image = image.crop(VISIBLE_BOX)
        return image.resize(size, Image.Resampling.BILINEAR)
    empty = Image.new("RGB", size, (214, 210, 206))
    ImageDraw.Draw(empty).text((size[0] // 2, size[1] // 2), "—", font=font(40), fill=MUTED, anchor="mm")
    return empty


def _clock(seconds: float) -> str:
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def _shot_text(
    shot: Shot, bible: Bible, timing: tuple[float, float] | None, location: str, labels: dict[str, str]
) -> list[tuple[str, RGB, bool]]:
    """(paragraph, colour, bold) items of a cell, in reading order."""
    items: list[tuple[str, RGB, bool]] = [
        (f"{shot.id}  {FRAMING_LABELS.get(shot.framing, shot.framing)} · {shot.camera}", INK, True)
    ]
    when = (
        f"{_clock(timing[0])}–{_clock(timing[1])}  ({timing[1] - timing[0]:.1f}s)"
        if timing
        else f"~{shot.seconds:.1f}s"
    )
    items.append((f"{when}  {location}", MUTED, False))
    if shot.description:
        items.append((labels["action"] + shot.description, MUTED, False))
    for line in shot.lines:
        prefix = bible.speaker_name(line.speaker)
        zh = bool(CJK.search(line.text))
        mark = "" if line.emotion == "neutral" else f"（{EMOTION_ZH[line.emotion]}）" if zh else f" ({line.emotion})"
        items.append((f"{prefix}{mark}：{line.text}" if zh else f"{prefix}{mark}: {line.text}", INK, False))
    return items


def _draw_cell(
    sheet: Image.Image,
    x: int,
    y: int,
    grid: Grid,
    thumb: Image.Image,
    items: list[tuple[str, RGB, bool]],
    tag: tuple[str, RGB] | None,
) -> None:
    draw = ImageDraw.Draw(sheet)
    border = tag[1] if tag else (222, 218, 212)
    draw.rectangle(
        (x, y, x + grid.cell_width - 1, y + grid.cell_height - 1), fill=CELL, outline=border, width=3 if tag else 1
    )
    sheet.paste(thumb, (x + 12, y + 12))
    face = font(grid.font_size)
    bold = font(grid.font_size + 1)
    tx, ty = x + 12 + grid.thumb[0] + 16, y + 14
    left = grid.max_text_lines
    if tag:
        label_w = round(face.getlength(tag[0])) + 20
        draw.rounded_rectangle((tx, ty, tx + label_w, ty + grid.font_size + 12), radius=6, fill=tag[1])
        draw.text((tx + 10, ty + 5), tag[0], font=face, fill=(255, 255, 255))
        ty += grid.font_size + 20
        left -= 1
    for text, colour, strong in items:
        if left <= 0:
            break
        lines = fit(text, bold if strong else face, grid.text_width, left)
        stroke = 1 if strong else 0
        ty = (
            round(
                draw_lines(
                    draw,
                    (tx, ty),
                    lines,
                    bold if strong else face,
                    colour,
                    spacing=1.3,
                    stroke=stroke,
                    stroke_fill=colour,
                )
            )
            + 4
        )
        left -= len(lines)


def _header(sheet: Image.Image, episode: Episode, labels: dict[str, str], margin: int, text_width: int) -> None:
    draw = ImageDraw.Draw(sheet)
    title = f"{labels['episode'].format(n=episode.number)}  {episode.title}"
    y = margin
    draw.text((margin, y), title, font=font(54, serif=True), fill=INK)
    meta = f"{labels['shots'].format(n=len(episode.shots()))} · {episode.seconds:.0f}s"
    if episode.is_paywall:
        face = font(30)
        badge = labels["paywall"]
        bw = round(face.getlength(badge)) + 32
        bx = margin + text_width - bw
        draw.rounded_rectangle((bx, y + 8, bx + bw, y + 58), radius=10, fill=PAYWALL)
        draw.text((bx + 16, y + 16), badge, font=face, fill=(255, 255, 255))
    y += 80
    draw.text((margin, y), meta, font=font(26), fill=MUTED)
    y += 48
    face = font(26)
    for key, beat, colour in (("hook", episode.hook, HOOK), ("cliff", episode.cliffhanger, CLIFF)):
        text = f"{labels[key]} ({beat.shot}){labels['colon']}{beat.text}"
        lines = fit(text, face, text_width, 2)
        y = round(draw_lines(draw, (margin, y), lines, face, colour, spacing=1.3)) + 6


def storyboard_sheet(
    episode: Episode, bible: Bible, frames: dict[str, Path], timings: dict[str, tuple[float, float]], out: Path
) -> None:
    """One PNG: a header (episode, title, hook, cliffhanger, paywall) and a cell per shot."""
    labels = LABELS["zh" if bible.series.language == "zh" else "en"]
    located = [(scene, shot) for scene in episode.scenes for shot in scene.shots]
    grid = _grid(len(located))
    margin, gap = 40, 20
    width = 2 * margin + grid.columns * grid.cell_width + (grid.columns - 1) * gap
    header = 300
    rows = (len(located) + grid.columns - 1) // grid.columns
    height = header + rows * (grid.cell_height + gap) + margin
    sheet = Image.new("RGB", (width, height), PAPER)
    _header(sheet, episode, labels, margin, width - 2 * margin)
    for index, (scene, shot) in enumerate(located):
        row, column = divmod(index, grid.columns)
        x = margin + column * (grid.cell_width + gap)
        y = header + row * (grid.cell_height + gap)
        place = bible.location(scene.location)
        name = place.name if place else scene.location
        if labels is LABELS["zh"]:
            where = f"{TIME_ZH[scene.time]} {SETTING_ZH[scene.setting]} {name}"
        else:
            where = f"{scene.setting} {name} — {scene.time.upper()}"
        tag = None
        if shot.id == episode.hook.shot:
            tag = (labels["hook"], HOOK)
        if shot.id == episode.cliffhanger.shot:
            tag = (
                labels["paywall"] if episode.is_paywall else labels["cliff"],
                PAYWALL if episode.is_paywall else CLIFF,
            )
        items = _shot_text(shot, bible, timings.get(shot.id), where, labels)
        _draw_cell(sheet, x, y, grid, thumbnail(frames.get(shot.id), grid.thumb), items, tag)
    save_png(sheet, out)


def contact_sheet(entries: list[tuple[int, str, Path]], title: str, out: Path) -> None:
    """The series at a glance: one thumbnail per episode with its number and title."""
    zh = bool(CJK.search(title) or any(CJK.search(t) for _, t, _ in entries))
    columns = 4 if len(entries) <= 8 else 6
    thumb = (216, 384)
    margin, gap, caption = 40, 24, 96
    cell_w = thumb[0]
    width = 2 * margin + columns * cell_w + (columns - 1) * gap
    rows = max(1, (len(entries) + columns - 1) // columns)
    header = 130
    height = header + rows * (thumb[1] + caption + gap) + margin
    sheet = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(sheet)
    heading = fit(title, font(56, serif=True), width - 2 * margin, 1)
    draw.text((margin, margin), heading[0], font=font(56, serif=True), fill=INK)
    face = font(22)
    for index, (number, name, path) in enumerate(sorted(entries)):
        row, column = divmod(index, columns)
        x = margin + column * (cell_w + gap)
        y = header + row * (thumb[1] + caption + gap)
        sheet.paste(thumbnail(path, thumb), (x, y))
        draw.rectangle((x, y, x + thumb[0] - 1, y + thumb[1] - 1), outline=(200, 196, 190))
        label = f"第{number}集" if zh else f"Episode {number}"
        draw.text((x, y + thumb[1] + 8), label, font=font(24), fill=INK, stroke_width=1, stroke_fill=INK)
        draw_lines(
            draw,
            (x, y + thumb[1] + 8 + line_height(font(24), 1.3)),
            fit(name, face, cell_w, 2),
            face,
            MUTED,
            spacing=1.25,
        )
    save_png(sheet, out)
