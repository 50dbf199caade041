"""Plain text out of .epub and .docx files.

Both formats are flattened into one *extracted text*: one block (paragraph or
heading) per line, blocks separated by a blank line, documents of an EPUB spine
by three blank lines (a scene break when the book has no headings), ``<hr>`` as
a "* * *" line. Spans of paragraphs read from these formats are offsets into
this extracted text, which ``extract_epub``/``extract_docx`` rebuild exactly
from the same file. Markup-declared headings (``<h1>``–``<h6>``, Word "Heading
N" styles) are returned by line start offset with their level.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from microdrama.errors import SourceError

_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "blockquote",
        "pre",
        "tr",
        "td",
        "th",
        "dd",
        "dt",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "table",
        "ul",
        "ol",
    ]
)
_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "aside", "nav"})
# epub:type/role/class words of elements that hold notes, note references or page numbers.
_NOT_STORY = frozenset(
    f"{prefix}{word}"
    for prefix in ("", "doc-")
    for word in (
        "footnote",
        "footnotes",
        "endnote",
        "endnotes",
        "rearnote",
        "rearnotes",
        "note",
        "noteref",
        "pagebreak",
    )
)
_HEADING_STYLE = re.compile(r"(?:heading|标题|標題)\s*(\d)", re.IGNORECASE)
_TITLE_STYLES = frozenset({"Title", "标题", "標題"})
_MARKER_SUP = re.compile(r"^\W*(?:\d{1,3}|[*†‡a-z])\W*$")


@dataclass
class Extracted:
    text: str
    headings: dict[int, int] = field(default_factory=dict)  # line start -> heading level
    title: str = ""  # from the file's metadata


class _Writer:
    """Appends blocks to the extracted text, remembering where headings start."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.headings: dict[int, int] = {}
        self.gap = ""

    def block(self, text: str, level: int = 0) -> None:
        text = text.strip(" ")
        if not text:
            return
        if self.parts:
            self._put(self.gap or "\n\n")
        if level:
            self.headings[self.length] = level
        self._put(text)
        self.gap = ""

    def document_break(self) -> None:
        if self.parts:
            self.gap = "\n\n\n\n"

    def _put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def result(self, title: str) -> Extracted:
        return Extracted("".join(self.parts) + ("\n" if self.parts else ""), self.headings, title)


class _BlockParser(HTMLParser):
    """Collects the text of block elements of an XHTML document, in order."""

    def __init__(self, writer: _Writer) -> None:
        super().__init__(convert_charrefs=True)
        self.writer = writer
        self.buffer: list[str] = []
        self.level = 0  # heading level of the block being read
        self.skip: list[str] = []  # open elements whose text is not story (scripts, footnotes)
        self.sup: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.append(tag)
            return
        kinds = {
            word for name, value in attrs if name in ("epub:type", "role", "class") for word in (value or "").split()
        }
        if tag in _SKIP_TAGS or not kinds.isdisjoint(_NOT_STORY):
            if tag not in ("br", "hr", "img"):
                self.skip.append(tag)
            return
        if tag == "br":
            self.flush()
        elif tag == "hr":
            self.flush()
            self.writer.block("* * *")
        elif tag == "sup":
            self.sup = []
        elif tag in _HEADING_TAGS:
            self.flush()
            self.level = _HEADING_TAGS[tag]
        elif tag in _BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag == "sup" and self.sup is not None:
            text = "".join(self.sup)
            self.sup = None
            if not _MARKER_SUP.match(text):  # a footnote reference number is dropped
                self.buffer.append(text)
        elif tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        (self.sup if self.sup is not None else self.buffer).append(data)

    def flush(self) -> None:
        text = _collapse("".join(self.buffer))
        self.buffer = []
        self.writer.block(text, self.level)
        self.level = 0


def _collapse(text: str) -> str:
    """Whitespace runs to one space, as a browser shows them; a line break between CJK characters to nothing."""

    def space(match: re.Match[str]) -> str:
        between_cjk = (
            "\n" in match[0]
            and match.start() > 0
            and match.end() < len(text)
            and _CJK_EDGE.match(text[match.start() - 1]) is not None
            and _CJK_EDGE.match(text[match.end()]) is not None
        )
        return "" if between_cjk else " "

    return _SPACES.sub(space, text)


def extract_epub(data: bytes, name: str) -> Extracted:
    """The extracted text of an EPUB, spine document after spine document."""
    import ebooklib
    from ebooklib import epub

    try:
        book: Any = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
        titles = book.get_metadata("DC", "title")
        writer = _Writer()
        for idref, *_ in book.spine:
            item = book.get_item_with_id(idref)
            if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
                continue
            writer.document_break()
            parser = _BlockParser(writer)
            parser.feed(_xml_text(item.get_content()))
            parser.close()
            parser.flush()
    except SourceError:
        raise
    except Exception as error:  # ebooklib/zipfile/lxml fail in many ways on a broken file
        raise SourceError(
            f"{name} is not a readable EPUB ({type(error).__name__}): "
            "re-export it from your e-book tool, or save the story as .txt"
        ) from None
    title = _SPACES.sub(" ", str(titles[0][0])).strip() if titles else ""
    return writer.result(title)


def _xml_text(content: bytes) -> str:
    for codec in ("utf-8-sig", "utf-16"):
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    raise SourceError("an EPUB chapter is not UTF-8 or UTF-16: re-export the book, or save it as .txt")


def extract_docx(data: bytes, name: str) -> Extracted:
    """The extracted text of a Word document's body paragraphs (tables are skipped)."""
    import docx

    try:
        document: Any = docx.Document(io.BytesIO(data))
        title = (document.core_properties.title or "").strip()
        writer = _Writer()
        for paragraph in document.paragraphs:
            style = paragraph.style.name if paragraph.style is not None else ""
            text = paragraph.text
            if style in _TITLE_STYLES:
                title = title or _SPACES.sub(" ", text).strip()
                continue
            level = _heading_level(style)
            if level:
                writer.block(_SPACES.sub(" ", text), level)
                continue
            for line in text.split("\n"):  # a manual line break ends a paragraph as well
                writer.block(line.replace("\t", " "))
    except Exception as error:  # python-docx/lxml/zipfile fail in many ways on a broken file
        raise SourceError(
            f"{name} is not a readable Word document ({type(error).__name__}): "
            "open it in Word or LibreOffice and save it again as .docx, or as .txt"
        ) from None
    return writer.result(title)


def _heading_level(style: str) -> int:
    """Word's "Heading 2"; WPS and localised Word may name it "标题 2"."""
    match = _HEADING_STYLE.fullmatch(style)
    return int(match[1]) if match else 0


def zip_kind(data: bytes) -> str | None:
    """``"epub"`` or ``"docx"`` for a ZIP that is one, else None (not a ZIP, or another ZIP)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").startswith(b"application/epub+zip"):
                return "epub"
            if "META-INF/container.xml" in names:
                return "epub"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None
