"""Chapters, titles, splitting by length and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.errors import UsageError
from microdrama.text.language import detect_language
from microdrama.text.reader import read_source


def read(tmp_path: Path, text: str, name: str = "story.txt", **options: str) -> list[tuple[str, list[str]]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_source(path, **options)
    return [(chapter.title, [p.text for p in chapter.paragraphs]) for chapter in doc.chapters]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("第一章　开端", "第二章　风起"),
        ("第1章 开端", "第2章 风起"),
        ("第一回 开端", "第二回 风起"),
        ("第十一节", "第十二节"),
        ("第一卷 开端", "第二卷 风起"),
        ("一", "二"),
        ("一、开端", "二、风起"),
        ("（一）", "（二）"),
        ("Chapter 1", "Chapter 2"),
        ("CHAPTER IV", "CHAPTER V"),
        ("Chapter One", "Chapter Two"),
        ("Chapter Twenty-One. The Return", "Chapter Twenty-Two. The Fall"),
        ("I.", "II."),
        ("# Arrival", "# Departure"),
        ("楔子", "尾声"),
        ("Prologue", "Epilogue"),
    ],
)
def test_heading_styles(tmp_path: Path, first: str, second: str) -> None:
    text = f"{first}\n\n他推开门。\n\n{second}\n\n她关上窗。\n"
    chapters = read(tmp_path, text, "story.md")
    expected_first = first.replace("\u3000", " ").lstrip("# ")
    expected_second = second.replace("\u3000", " ").lstrip("# ")
    assert chapters == [(expected_first, ["他推开门。"]), (expected_second, ["她关上窗。"])]


def test_adventure_line_is_the_title_and_parts_are_chapters(tmp_path: Path) -> None:
    text = "ADVENTURE I. THE GLASS KEY\n\nI.\n\nIt began badly.\n\nII.\n\nIt ended well.\n"
    path = tmp_path / "adventure.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert doc.title == "THE GLASS KEY"
    assert [(c.number, c.title) for c in doc.chapters] == [(1, "I."), (2, "II.")]


def test_volumes_hold_chapters_and_sections_become_scene_breaks(tmp_path: Path) -> None:
    text = (
        "第一卷 少年\n\n第一章 出门\n\n他出了门。\n\n第一节\n\n走了很远。\n\n第二卷 中年\n\n第二章 回家\n\n他回了家。\n"
    )
    path = tmp_path / "novel.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert [(c.number, c.title) for c in doc.chapters] == [(1, "第一章 出门"), (2, "第二章 回家")]
    assert [(p.text, p.scene_break_before) for p in doc.chapters[0].paragraphs] == [
        ("他出了门。", False),
        ("走了很远。", True),
    ]


def test_numbered_section_inside_chapter_is_a_scene_break(tmp_path: Path) -> None:
    text = "第一章 夜\n\n他睡了。\n\n二\n\n天亮了。\n"
    path = tmp_path / "s.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert [(p.text, p.scene_break_before) for p in doc.paragraphs()] == [("他睡了。", False), ("天亮了。", True)]


def test_empty_chapters_are_dropped_and_renumbered(tmp_path: Path) -> None:
    text = "目录\n第一章 甲\n第二章 乙\n\n第一章 甲\n\n甲的故事。\n\n第二章 乙\n\n乙的故事。\n"
    path = tmp_path / "toc.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert [(c.number, c.title) for c in doc.chapters] == [(1, "第一章 甲"), (2, "第二章 乙")]


def test_chapter_title_on_the_line_under_the_number(tmp_path: Path) -> None:
    text = "CHAPTER I.\nDown the Well\n\nShe fell for a long time.\n\nCHAPTER II.\nThe Door\n\nIt was locked.\n"
    assert [title for title, _ in read(tmp_path, text)] == ["CHAPTER I. Down the Well", "CHAPTER II. The Door"]


def test_sentence_starting_like_a_heading_is_text(tmp_path: Path) -> None:
    text = "第一回合他就输了，输得很惨。\n\nChapter and verse, he said, were all he knew.\n"
    assert read(tmp_path, text) == [
        ("", ["第一回合他就输了，输得很惨。", "Chapter and verse, he said, were all he knew."])
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("\u3000\u3000药⑴\n\n\n\u3000\u3000一\n\n秋天的夜。\n", "药"),
        ("                 孔乙己⑴\n\n                  鲁迅\n\n酒店的格局。\n", "孔乙己"),
        ("The Red Door\n\nby Someone Else\n\nShe knocked twice.\n", "The Red Door"),
        ("He knocked twice.\n\nNobody came.\n", "title-stem"),
        ("第一章 开端\n\n他来了。\n", "title-stem"),
        ("# 镜中人\n\n他照了照镜子。\n", "镜中人"),
    ],
)
def test_title(tmp_path: Path, text: str, title: str) -> None:
    path = tmp_path / "title-stem.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert doc.title == title
    # The title and byline are not paragraphs.
    assert all(p.text not in (title, "鲁迅", "by Someone Else") for p in doc.paragraphs())


def _long_story(paragraphs: int, break_at: int | None) -> tuple[str, list[str]]:
    paras = [f"第{n}段。" + "风" * 490 + "。" for n in range(paragraphs)]
    lines: list[str] = []
    for index, para in enumerate(paras):
        if index == break_at:
            lines.append("* * *")
        lines.append(para)
    return "\n\n".join(lines) + "\n", paras


def test_no_headings_split_by_length_at_scene_break(tmp_path: Path) -> None:
    # 16 x ~496 characters: an even cut would fall before paragraph 8; the scene break before 9 wins.
    text, paras = _long_story(16, break_at=9)
    chapters = read(tmp_path, text)
    assert [title for title, _ in chapters] == ["", ""]
    assert chapters[0][1] == paras[:9]
    assert chapters[1][1] == paras[9:]


def test_no_headings_split_by_length_evenly(tmp_path: Path) -> None:
    text, paras = _long_story(30, break_at=None)  # ~14,900 characters: four chapters of about 3,700
    chapters = read(tmp_path, text)
    assert [len(body) for _, body in chapters] == [8, 7, 7, 8]
    assert [p for _, body in chapters for p in body] == paras
    assert all(3000 <= sum(map(len, body)) <= 6000 for _, body in chapters)


def test_short_story_is_one_chapter(tmp_path: Path) -> None:
    assert read(tmp_path, "He left.\n\nShe stayed.\n") == [("", ["He left.", "She stayed."])]


def test_language_detection_and_override(tmp_path: Path) -> None:
    assert detect_language("他说：“我用iPhone打电话。”") == "zh"
    assert detect_language("Holmes went to 北京 on Tuesday with Watson and the inspector.") == "en"
    assert detect_language("1234 !!") == "en"
    path = tmp_path / "mixed.txt"
    path.write_text("他来了。\n", encoding="utf-8")
    assert read_source(path).language == "zh"
    assert read_source(path, language="en").language == "en"
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        read_source(path, language="fr")


@pytest.mark.parametrize(
    "text",
    ["“走吧”\n\n他们走了。\n", "A Lonely Line\n"],
)
def test_no_title_from_dialogue_or_from_the_only_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "stem.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    assert doc.title == "stem"
    assert doc.paragraphs()[0].text == text.splitlines()[0]
