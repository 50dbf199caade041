"""EPUB and DOCX sources, built here with the same libraries users' tools use."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from ebooklib import epub

from microdrama.errors import SourceError
from microdrama.text.reader import read_source, source_text


def make_epub(path: Path, chapters: list[tuple[str, str]], title: str = "灯下集") -> Path:
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title(title)
    book.set_language("zh")
    items = []
    for number, (file_name, body) in enumerate(chapters, start=1):
        item = epub.EpubHtml(title=f"c{number}", file_name=file_name, lang="zh")
        item.content = f"<html><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


def test_epub_chapters_paragraphs_and_offsets(tmp_path: Path) -> None:
    path = make_epub(
        tmp_path / "灯下 集.epub",
        [
            (
                "c1.xhtml",
                "<h2>第一章　灯</h2><p>　　他点亮了灯<sup><a href='#n1'>1</a></sup>，\n屋里一下子亮了。</p>"
                "<p>“谁？”门外有人问。</p><aside epub:type='footnote' id='n1'>注：煤油灯。</aside>",
            ),
            (
                "c2.xhtml",
                "<h2>第二章　门</h2><p>门开了<a epub:type='noteref' href='#n2'>2</a>。</p><hr/><p>风进来了。</p>",
            ),
        ],
    )
    doc = read_source(path)
    assert (doc.title, doc.encoding, doc.language) == ("灯下集", "epub", "zh")
    assert [c.title for c in doc.chapters] == ["第一章 灯", "第二章 门"]
    assert [[p.text for p in c.paragraphs] for c in doc.chapters] == [
        ["他点亮了灯，屋里一下子亮了。", "“谁？”门外有人问。"],
        ["门开了。", "风进来了。"],
    ]
    assert doc.chapters[1].paragraphs[1].scene_break_before
    extracted, kind = source_text(path)
    assert kind == "epub"
    for paragraph in doc.paragraphs():
        assert extracted[paragraph.start : paragraph.end] == paragraph.text


def test_epub_without_headings_splits_at_documents(tmp_path: Path) -> None:
    body = "".join(f"<p>{'雨' * 400}。</p>" for _ in range(9))
    path = make_epub(tmp_path / "rain.epub", [("a.xhtml", body), ("b.xhtml", body)])
    doc = read_source(path)
    assert [len(c.paragraphs) for c in doc.chapters] == [9, 9]


def test_docx_headings_title_and_line_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("The Night Ferry", style="Title")
    document.add_heading("Chapter 1", level=1)
    document.add_paragraph("The ferry left at midnight.")
    broken = document.add_paragraph("Nobody was on deck.")
    broken.add_run().add_break()
    broken.add_run("Except the captain.")
    document.add_heading("Chapter 2", level=1)
    document.add_paragraph("By morning the fog had lifted.")
    path = tmp_path / "ferry.docx"
    document.save(str(path))
    doc = read_source(path)
    assert (doc.title, doc.encoding, doc.language) == ("The Night Ferry", "docx", "en")
    assert [(c.title, [p.text for p in c.paragraphs]) for c in doc.chapters] == [
        ("Chapter 1", ["The ferry left at midnight.", "Nobody was on deck.", "Except the captain."]),
        ("Chapter 2", ["By morning the fog had lifted."]),
    ]
    extracted, _ = source_text(path)
    for paragraph in doc.paragraphs():
        assert extracted[paragraph.start : paragraph.end] == paragraph.text


def test_docx_with_wrong_extension_is_still_read(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("第一章 雾")
    document.add_paragraph("雾散了。")
    path = tmp_path / "story.txt"
    document.save(str(path))
    doc = read_source(path)
    assert doc.encoding == "docx"
    assert [(c.title, [p.text for p in c.paragraphs]) for c in doc.chapters] == [("第一章 雾", ["雾散了。"])]


@pytest.mark.parametrize("suffix", [".epub", ".docx"])
def test_corrupt_books(tmp_path: Path, suffix: str) -> None:
    not_zip = tmp_path / f"plain{suffix}"
    not_zip.write_text("just text", encoding="utf-8")
    with pytest.raises(SourceError, match=f"not a readable .*{suffix}"):
        read_source(not_zip)
    truncated = tmp_path / f"cut{suffix}"
    if suffix == ".epub":
        make_epub(truncated, [("a.xhtml", "<p>text</p>")])
    else:
        document = docx.Document()
        document.add_paragraph("text")
        document.save(str(truncated))
    truncated.write_bytes(truncated.read_bytes()[:300])
    with pytest.raises(SourceError, match="not a readable"):
        read_source(truncated)


def test_epub_with_broken_inside(tmp_path: Path) -> None:
    path = tmp_path / "broken.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", "<container><rootfiles>")
    with pytest.raises(SourceError, match=r"broken\.epub is not a readable EPUB"):
        read_source(path)
