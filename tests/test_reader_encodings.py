"""Encodings, and every kind of file that is not a story."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from microdrama.errors import SourceError
from microdrama.text.reader import MAX_SOURCE_BYTES, read_source, source_text

SIMPLIFIED = "　　第一章　归来\n\n　　他回到了这个小镇，街上的人都说他变了。\n\n　　“你还认得我吗？”她问道。\n"
TRADITIONAL = "　　第一章　歸來\n\n　　他回到了這個小鎮，街上的人們都說他變了。\n\n　　「你還認得我嗎？」她問道。\n"
ENGLISH = "Chapter 1\n\n“Café au lait,” said Renée — naïvely — to the waiter.\n\nHe brought tea.\n"


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in read_source(path).paragraphs()]


@pytest.mark.parametrize(
    ("text", "data_encoding", "recorded"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
        (SIMPLIFIED, "utf-16", "utf-16"),  # with a BOM
        (SIMPLIFIED, "utf-16-le", "utf-16-le"),  # no BOM: told by where the NUL bytes are
        (SIMPLIFIED, "utf-16-be", "utf-16-be"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (TRADITIONAL, "utf-16", "utf-16"),
        (ENGLISH, "cp1252", "cp1252"),
        (ENGLISH, "utf-8", "utf-8"),
    ],
)
def test_encodings(tmp_path: Path, text: str, data_encoding: str, recorded: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(data_encoding))
    doc = read_source(path)
    assert doc.encoding == recorded
    assert [p.text for p in doc.paragraphs()] == [line.strip("\u3000") for line in text.splitlines()[2::2]]
    decoded, encoding = source_text(path)
    assert path.read_bytes().decode(encoding) == decoded
    first = doc.paragraphs()[0]
    assert decoded[first.start : first.end] == first.text


def test_big5_is_not_mistaken_for_gbk(tmp_path: Path) -> None:
    # Big5 bytes also decode as GBK without error; plausibility must pick Big5.
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")
    path = tmp_path / "舊小說.txt"
    path.write_bytes(data)
    assert read_source(path).encoding == "big5"
    assert "這個小鎮" in paragraphs(path)[0]


def test_english_title_with_cp1252_quotes(tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(ENGLISH.encode("cp1252"))
    assert paragraphs(path)[0] == "“Café au lait,” said Renée — naïvely — to the waiter."
    assert read_source(path).language == "en"


def test_german_cp1252_with_adjacent_accents(tmp_path: Path) -> None:
    path = tmp_path / "strasse.txt"
    path.write_bytes("Die Füße taten ihm weh, aber er lief über die Straße.\n".encode("cp1252"))
    assert read_source(path).encoding == "cp1252"
    assert paragraphs(path) == ["Die Füße taten ihm weh, aber er lief über die Straße."]


def test_utf8_with_a_broken_byte_is_not_guessed_as_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes("他回到了小镇。".encode() * 20 + b"\xff" + "她问道。".encode())
    with pytest.raises(SourceError, match=r"UTF-8 with 1 broken byte sequence.*at byte 420"):
        read_source(path)


def _zip_bytes(tmp_path: Path) -> bytes:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("notes.txt", "hello")
    return archive.read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", " \n\t\r\n\u3000\n".encode(), "is empty"),
        ("bom.txt", b"\xef\xbb\xbf", "is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        ("photo.txt", b"\xff\xd8\xff\xe0" + bytes(64), "JPEG image"),
        ("anim.txt", b"GIF89a" + bytes(64), "GIF image"),
        ("paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        ("program.txt", b"\x7fELF\x02\x01\x01" + bytes(64), "ELF"),
        ("data.txt", bytes(range(256)) * 4, "binary"),
        ("nul.txt", b"story text\x00\x00\x01\x02 more\x00", "binary"),
        ("garbage.txt", bytes([0xFF, 0xFE, 0x00, 0xD8, 0x41]) + b"x", "UTF-16"),
        ("mojibake.txt", ("中文" * 30).encode("utf-8")[:-1] + b"\x81\x8d\x8f\x90\x9d" * 20, "not readable text"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=message) as caught:
        read_source(path)
    assert ": " in str(caught.value) and "\n" not in str(caught.value)  # what is wrong: what to do


def test_zip_that_is_not_a_book(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(_zip_bytes(tmp_path))
    with pytest.raises(SourceError, match="ZIP archive"):
        read_source(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        read_source(tmp_path / "没有这个文件.txt")
    with pytest.raises(SourceError, match="is a folder"):
        read_source(tmp_path)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge novel.txt"
    with path.open("wb") as handle:  # sparse: the size is there, the bytes are not
        handle.truncate(MAX_SOURCE_BYTES + 1)
    with pytest.raises(SourceError, match=r"is 67 MB, over the limit of 64 MiB"):
        read_source(path)


def test_only_notes_is_no_story(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("```\n□注释\n\n⑴注一。\n```\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no story text"):
        read_source(path)
