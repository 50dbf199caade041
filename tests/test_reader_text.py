"""Reading text files: rejoining wrapped lines, cleaning, and the offset map back to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.text.document import SourceDocument
from microdrama.text.reader import read_source, source_text

FIXTURES = Path(__file__).parent / "fixtures" / "reader"


def texts(doc: SourceDocument) -> list[list[str]]:
    return [[p.text for p in chapter.paragraphs] for chapter in doc.chapters]


def assert_offsets_exact(doc: SourceDocument, source: str) -> None:
    """Every paragraph character sits at its offset in the decoded file; a joining space at a line break."""
    for paragraph in doc.paragraphs():
        for index, char in enumerate(paragraph.text):
            found = source[paragraph.source_offset(index)]
            folded = chr(ord(found) - 0xFEE0) if "\uff10" <= found <= "\uff5a" and found.isalnum() else found
            assert folded == char or (char == " " and found in "\r\n"), (paragraph.text, index)


def write(tmp_path: Path, name: str, text: str, newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_chinese_hard_wrap_indents_notes_and_markers() -> None:
    path = FIXTURES / "zh_wrapped.md"
    doc = read_source(path)
    assert (doc.title, doc.language, doc.encoding, doc.path) == ("夜航", "zh", "utf-8", "zh_wrapped.md")
    assert [c.title for c in doc.chapters] == ["一", "二"]
    assert texts(doc) == [
        [
            "船离开码头的时候，天已经黑透了。老周站在船尾，看着岸上的灯一盏一盏地暗下去，"
            "心里说不出是什么滋味。他把手伸进衣袋，摸到那封信，还在。",
            "“你还回来么？”船家问他。",
            "“不回来了。”老周说。他听见水声悉悉索索地响，便不再说话，只把那封信又按了一按。",
        ],
        [
            "天亮时船到了镇上。镇口的茶馆已经开了门，几个早起的人坐着喝茶，见他上岸，都抬起头来看。"
            "老周认得其中一个，是从前一起读书的阿Q，如今胖了许多。",
            "阿Q也认出了他，站起来招手，又慢慢坐下了。",
            "一九二四年三月。",
        ],
    ]
    # "二" between the parts is a scene break as well as a chapter start.
    assert doc.chapters[1].paragraphs[0].scene_break_before
    assert not doc.chapters[0].paragraphs[0].scene_break_before
    assert_offsets_exact(doc, source_text(path)[0])


def test_english_gutenberg_wrap_parts_and_notes() -> None:
    path = FIXTURES / "en_gutenberg.txt"
    doc = read_source(path)
    assert (doc.title, doc.language) == ("The Lantern Keeper", "en")
    assert [c.title for c in doc.chapters] == ["I.", "II."]
    assert texts(doc) == [
        [
            "The lantern on the northern pier had burned every night for forty years, and Martha Quill "
            "had lit it on every one of those nights. She did not think of it as a duty, any more than "
            "she thought of breathing as a duty.",
            '"You will ruin your eyes," her brother said, the winter he came back from the city. '
            '"Nobody sails past here any more."',
            '"Somebody might," said Martha.',
        ],
        [
            "The storm came in March. It tore the shutters from the customs house and flung a fishing "
            "boat onto the shingle, and for three nights the lantern was the only light on the coast.",
        ],
    ]
    assert_offsets_exact(doc, source_text(path)[0])


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_read_like_lf(tmp_path: Path, newline: str) -> None:
    text = (FIXTURES / "en_gutenberg.txt").read_text(encoding="utf-8")
    path = write(tmp_path, "story.txt", text, newline)
    doc = read_source(path)
    assert texts(doc) == texts(read_source(FIXTURES / "en_gutenberg.txt"))
    source = source_text(path)[0]
    assert_offsets_exact(doc, source)
    first = doc.chapters[0].paragraphs[0]
    space = first.text.index(" forty")  # the space that replaced the first line break
    assert source[first.source_offset(space) : first.source_offset(space) + len(newline)] == newline
    # Offsets count CRLF as two characters: the paragraph ends where its text ends in the file.
    assert source[first.start : first.end].endswith("as a duty.")


def test_one_paragraph_per_line_chinese_is_not_glued(tmp_path: Path) -> None:
    doc = read_source(FIXTURES / "zh_lines.txt")
    assert doc.title == "星河旅店"
    assert [c.title for c in doc.chapters] == ["第1章 雨夜来客", "第2章 账本"]
    assert texts(doc)[1] == [
        "第二天早上，客人不见了。",
        "桌上留着一本账本，封面写着三个字：",
        "“不要看”",
        "老板娘当然看了。",
        "第一页上只有一行字，是她自己的笔迹。",
    ]
    assert_offsets_exact(doc, source_text(FIXTURES / "zh_lines.txt")[0])


def test_one_paragraph_per_line_english() -> None:
    doc = read_source(FIXTURES / "en_lines.txt")
    assert doc.title == "The Clockmaker's Daughter"
    assert [c.title for c in doc.chapters] == ["Chapter One", "Chapter Two: The Visitor"]
    assert [len(c.paragraphs) for c in doc.chapters] == [4, 3]
    assert doc.chapters[1].paragraphs[1].text == '"We do not sell those," said Ada.'


def test_markdown_headings_fences_and_scene_heading() -> None:
    doc = read_source(FIXTURES / "md_story.md")
    assert doc.title == "The Glass House"
    assert [c.title for c in doc.chapters] == ["The Arrival", "The Storm"]
    assert texts(doc)[0] == [
        "The house stood at the end of the lane, all windows and no walls, and the new tenants "
        "could see straight through it to the sea.",
        "Nobody in the village would go near it after dark.",
        "Mira counted the windows twice and got two different numbers.",
    ]
    assert [p.scene_break_before for p in doc.chapters[0].paragraphs] == [False, False, True]
    assert_offsets_exact(doc, source_text(FIXTURES / "md_story.md")[0])


def test_fullwidth_spaces_and_letters(tmp_path: Path) -> None:
    text = "\u3000\u3000他买了一台ＰＣ和２部手机，花了１２００元。\u3000\u3000\n\n\u3000\u3000第二天，Ｑ先生来了。\n"
    doc = read_source(write(tmp_path, "全角.txt", text))
    assert texts(doc) == [["他买了一台PC和2部手机，花了1200元。", "第二天，Q先生来了。"]]
    assert doc.title == "全角"  # no standalone short line: the file stem
    assert_offsets_exact(doc, text)


def test_latin_wrap_joins_with_one_space_and_keeps_hyphens(tmp_path: Path) -> None:
    text = (
        "She walked along the harbour wall with her well-\n"
        "worn coat buttoned to the chin, past the boats and\n"
        "the nets--and past the old man who mended them.\n"
        "\n"
        "He did not look up from his work as she passed by.\n"
    )
    doc = read_source(write(tmp_path, "walk.txt", text))
    assert texts(doc) == [
        [
            "She walked along the harbour wall with her well-worn coat buttoned to the chin, past the "
            "boats and the nets--and past the old man who mended them.",
            "He did not look up from his work as she passed by.",
        ]
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("他说这件事⑴很难办⑵。", "他说这件事很难办。"),
        ("他说这件事①很难办（⒉）。", "他说这件事很难办。"),
        ("He said it was hard [1] to manage.", "He said it was hard to manage."),
        ("He said it was hard^2 to manage.", "He said it was hard to manage."),
        ("He said it was hard³ to manage.", "He said it was hard to manage."),
    ],
)
def test_footnote_markers_removed(tmp_path: Path, line: str, expected: str) -> None:
    doc = read_source(write(tmp_path, "marks.txt", line + "\n"))
    assert texts(doc) == [[expected]]


@pytest.mark.parametrize("head", ["注释", "注：", "Notes", "Footnotes", "Endnotes"])
def test_trailing_notes_sections_removed(tmp_path: Path, head: str) -> None:
    text = f"他走了⑴。\n\n她也走了。\n\n{head}\n\n⑴走：离开。\n这是注释的第二行。\n\n[2] 另一条。\n"
    doc = read_source(write(tmp_path, "notes.txt", text))
    assert texts(doc) == [["他走了。", "她也走了。"]]


def test_bracket_notes_removed_but_story_brackets_kept(tmp_path: Path) -> None:
    text = (
        "他躲在□【音“壁”，字形上“辟”下“足”】后面，听见\n悉卒【“悉卒”音\n“息苏”】的声响。\n\n"
        "【叮！系统提示：任务完成】\n"
    )
    doc = read_source(write(tmp_path, "notes.txt", text))
    assert texts(doc) == [["他躲在□后面，听见悉卒的声响。", "【叮！系统提示：任务完成】"]]


def test_code_fences_and_right_aligned_date_line(tmp_path: Path) -> None:
    text = "```\n他走了，再也没有回来。\n\n" + " " * 30 + "一九二〇年五月\n。\n```\n"
    doc = read_source(write(tmp_path, "fence.md", text))
    assert texts(doc) == [["他走了，再也没有回来。", "一九二〇年五月。"]]


def test_blank_line_groups_and_markers_are_scene_breaks(tmp_path: Path) -> None:
    text = "One.\n\nTwo.\n\n\n\nThree.\n\n* * *\n\nFour.\n\n◆\n\nFive.\n\n……\n\nSix.\n"
    doc = read_source(write(tmp_path, "breaks.txt", text))
    assert [(p.text, p.scene_break_before) for p in doc.paragraphs()] == [
        ("One.", False),
        ("Two.", False),
        ("Three.", True),
        ("Four.", True),
        ("Five.", True),
        ("Six.", True),
    ]


def test_indented_paragraphs_without_blank_lines_in_wrapped_chinese(tmp_path: Path) -> None:
    body = (
        "\u3000\u3000甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉\n戌亥甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉\n戌亥。\n"
    )
    doc = read_source(write(tmp_path, "wrap.txt", body * 4))
    expected = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。"
    assert texts(doc) == [[expected] * 4]


def test_recorded_path_and_odd_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "我的 小说"
    folder.mkdir()
    path = write(folder, "第一部 草稿", "一个短故事。\n")  # no extension: read as text
    doc = read_source(path, recorded_path="source/story.txt")
    assert doc.path == "source/story.txt"
    assert texts(doc) == [["一个短故事。"]]
    assert read_source(path).path == "第一部 草稿"
