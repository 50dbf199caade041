"""Title card, AI label, storyboard and contact sheets, and CJK text that is not tofu."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from microdrama.visuals import (
    AI_LABEL_POSITION,
    OUTPUT_SIZE,
    contact_sheet,
    draw_ai_label,
    draw_frame,
    draw_title_card,
    frame_request,
    storyboard_sheet,
)
from microdrama.visuals.cards import SAFE
from microdrama.visuals.text import NO_START, NOTDEF_PROBE, font, glyph_image, has_glyphs, wrap
from tests.visuals_fixtures import episode, small_bible


def _changed_box(a: Path, b: Path) -> tuple[int, int, int, int]:
    with Image.open(a) as first, Image.open(b) as second:
        delta = np.abs(np.asarray(first, dtype=np.int16) - np.asarray(second, dtype=np.int16)).sum(axis=2) > 30
    ys, xs = np.nonzero(delta)
    assert len(xs) > 500  # a legible line of text, not a speck
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_title_card_shows_the_licence_line_inside_the_safe_area(tmp_path: Path) -> None:
    with_licence, without = tmp_path / "with.png", tmp_path / "without.png"
    draw_title_card("雨夜来客", "网络微短剧备案号：（2025）第0123号", "zh", with_licence)
    draw_title_card("雨夜来客", "", "zh", without)
    with Image.open(with_licence) as card:
        assert card.size == OUTPUT_SIZE
    x0, y0, x1, y1 = _changed_box(with_licence, without)
    assert SAFE[0] <= x0 and x1 <= SAFE[2], "licence runs under the side UI"
    assert SAFE[3] - 220 <= y0 and y1 <= SAFE[3], "licence must sit just above the bottom UI band"
    assert y1 - y0 >= 30  # tall enough to read on a phone


def test_title_card_title_is_inside_the_safe_area(tmp_path: Path) -> None:
    draw_title_card("重生之我在渡口开茶馆：雨夜来客与八十万大洋", "", "zh", tmp_path / "a.png")
    draw_title_card("The Ferryman's Debt", "", "zh", tmp_path / "b.png")
    x0, y0, x1, y1 = _changed_box(tmp_path / "a.png", tmp_path / "b.png")
    assert SAFE[0] <= x0 and x1 <= SAFE[2]
    assert SAFE[1] <= y0 and y1 <= SAFE[3] - 200


def test_ai_label_is_a_small_transparent_overlay_in_the_safe_corner(tmp_path: Path) -> None:
    draw_ai_label("zh", tmp_path / "zh.png")
    draw_ai_label("en", tmp_path / "en.png")
    for name in ("zh", "en"):
        with Image.open(tmp_path / f"{name}.png") as label:
            assert label.mode == "RGBA"
            alpha = np.asarray(label.getchannel("A"))
            assert alpha[0, 0] == 0 and alpha[-1, -1] == 0  # transparent corners
            assert (alpha > 100).mean() > 0.5  # a solid plate behind the text
            x, y = AI_LABEL_POSITION
            assert SAFE[0] <= x and SAFE[1] <= y
            assert x + label.width <= SAFE[2] // 2 and y + label.height <= SAFE[1] + 120
    assert (tmp_path / "zh.png").read_bytes() != (tmp_path / "en.png").read_bytes()


def test_cjk_renders_with_real_glyphs_not_tofu() -> None:
    face = font(32)
    tofu = glyph_image(NOTDEF_PROBE, face)
    for char in "沈清禾客栈不卖。！A":
        assert glyph_image(char, face) != tofu, char
    assert has_glyphs("沈清禾：客栈不卖。Hello", face)
    assert not has_glyphs("\U000f0001", face)  # the check itself can fail


def test_wrapping_respects_width_and_chinese_punctuation() -> None:
    face = font(24)
    text = "明远都跟你说了吧？这客栈我出八十万，够你还清所有的债，还能剩下一笔嫁妆。“你说什么？”"
    lines = wrap(text, face, 200)
    assert "".join(lines) == text
    assert all(face.getlength(line) <= 200 + face.size for line in lines)  # a hanging mark may overhang
    assert not any(line[0] in NO_START for line in lines[1:])
    english = wrap("He said the ferry would not run tonight, not for any money.", face, 200)
    assert all(" " not in line[:1] for line in english) and "ferry" in " ".join(english).split()


def _frames_for(tmp_path: Path, count: int) -> tuple[dict[str, Path], dict[str, tuple[float, float]]]:
    """Real frames for the first two shots; the rest missing (drawn as placeholders)."""
    bible = small_bible()
    ep = episode(count)
    frames, timings = {}, {}
    for index, one in enumerate(ep.shots()):
        if index < 2:
            path = tmp_path / f"{one.id}.png"
            draw_frame(frame_request(one, ep.scenes[0], bible), path)
            frames[one.id] = path
        timings[one.id] = (index * 2.0, index * 2.0 + 2.0)
    return frames, timings


def test_storyboard_grows_with_the_number_of_shots(tmp_path: Path) -> None:
    bible = small_bible()
    frames, timings = _frames_for(tmp_path, 60)
    sizes = {}
    for count in (3, 30, 60):
        out = tmp_path / f"board-{count}.png"
        storyboard_sheet(episode(count, paywall=count == 60), bible, frames, timings, out)
        with Image.open(out) as sheet:
            sizes[count] = sheet.size
            pixels = np.asarray(sheet.convert("L"))
        assert pixels[40:120, 40:600].min() < 100  # the header is written
    assert sizes[3][1] < sizes[30][1] < sizes[60][1]
    assert max(width for width, _ in sizes.values()) <= 3000  # grows down, not sideways


def test_contact_sheet_has_one_cell_per_episode(tmp_path: Path) -> None:
    frames, _ = _frames_for(tmp_path, 2)
    first = next(iter(frames.values()))
    small, big = tmp_path / "small.png", tmp_path / "big.png"
    contact_sheet([(1, "雨夜来客", first), (2, "不卖", first)], "灯下茶馆", small)
    contact_sheet([(n, f"第{n}集的标题", first) for n in range(1, 13)], "灯下茶馆", big)
    with Image.open(small) as a, Image.open(big) as b:
        assert b.height > a.height
        assert np.asarray(a.convert("L"))[40:110, 40:300].min() < 100  # the series title is written
