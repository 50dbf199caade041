"""Reading a user's story file into a normalised ``SourceDocument``.

Accepts .txt, .md (and any other name, read as text), .epub and .docx. For text
files, every span is a code-point offset into the file *as decoded* with
``SourceDocument.encoding`` (``data.decode(encoding)``: a BOM is not counted, a
CRLF counts as two). For .epub and .docx (``encoding`` "epub"/"docx"), spans are
offsets into the plain text extracted from the file (see ``text.formats``);
``source_text`` returns whichever text a document's offsets refer to.

The pipeline is linear in the file size: decode, fold full-width letters and
digits, clean line by line (``normalize``), rejoin wrapped lines (``paragraphs``),
then find the title and chapters (``chapters``).
"""

from __future__ import annotations

import stat
from pathlib import Path

from microdrama.errors import SourceError, UsageError
from microdrama.text import formats
from microdrama.text.chapters import build_chapters, take_title
from microdrama.text.decode import decode_text
from microdrama.text.document import SourceDocument
from microdrama.text.language import detect_language
from microdrama.text.normalize import fold_fullwidth, scan_lines
from microdrama.text.paragraphs import assemble, demote_wrapped_headings, detect_layout, merge_heading_titles

# A 2-million-character novel is about 6 MB in UTF-8; ten times that is not a story file.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
LANGUAGES = ("zh", "en")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def read_source(path: Path, *, language: str | None = None, recorded_path: str | None = None) -> SourceDocument:
    """Read, decode and normalise the story at ``path``.

    ``language`` ("zh" or "en") overrides detection; ``recorded_path`` is stored as
    ``SourceDocument.path`` (default: the file name). Every problem with the
    file is a ``SourceError`` whose message says what to do.
    """
    if language is not None and language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    path = Path(path)
    text, encoding, headings, hint = _load(path)
    folded = fold_fullwidth(text)
    lang = language or detect_language(folded)
    scan = scan_lines(folded, headings)
    structured = headings is not None
    layout = detect_layout(scan.lines, structured)
    demote_wrapped_headings(scan.lines, layout)
    title, lines = take_title(merge_heading_titles(scan.lines), layout, hint or scan.title_hint)
    chapters = build_chapters(assemble(lines, layout, lang))
    if not chapters:
        raise SourceError(
            f"{path.name} has no story text (only headings, notes or markup): give a file with the story in it"
        )
    return SourceDocument(
        path=recorded_path if recorded_path is not None else path.name,
        encoding=encoding,
        language=lang,
        title=title or path.stem,
        chapters=chapters,
    )


def source_text(path: Path) -> tuple[str, str]:
    """``(text, encoding)``: the text that a document read from ``path`` has its offsets in."""
    text, encoding, _, _ = _load(Path(path))
    return text, encoding


def _load(path: Path) -> tuple[str, str, dict[int, int] | None, str]:
    """Decoded (or extracted) text, encoding, markup headings (None for text files), title hint."""
    data = _read_bytes(path)
    name = path.name
    suffix = path.suffix.lower()
    is_zip = data.startswith(_ZIP_MAGIC)
    kind = formats.zip_kind(data) if is_zip else None
    if suffix in (".epub", ".docx") and kind is None:
        what = "EPUB" if suffix == ".epub" else "Word document"
        raise SourceError(
            f"{name} is not a readable {what} (corrupt, or not really a {suffix} file): "
            f"re-save it as {suffix}, or save the story as .txt"
        )
    if is_zip and kind is None:
        raise SourceError(
            f"{name} is a ZIP archive, not a story: unzip it and give the .txt, .md, .epub or .docx inside"
        )
    if kind == "epub":
        extracted = formats.extract_epub(data, name)
    elif kind == "docx":
        extracted = formats.extract_docx(data, name)
    else:
        text, encoding = decode_text(data, name)
        if not text.strip():
            raise SourceError(f"{name} is empty (only whitespace): give a text file with the story in it")
        return text, encoding, None, ""
    if not extracted.text.strip():
        raise SourceError(f"{name} has no text in it: give a file with the story in it")
    assert kind is not None
    return extracted.text, kind, extracted.headings, extracted.title


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking by ``stat`` that it is a regular file of sensible size."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist: check the path and the file name") from None
    except OSError as error:
        raise SourceError(f"cannot open {path} ({error.strerror}): check the path and its permissions") from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path} is a folder, not a file: give the story file inside it (.txt, .md, .epub, .docx)")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path} is not a regular file: give a .txt, .md, .epub or .docx file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"{name} is {info.st_size / 1e6:.0f} MB, over the limit of {MAX_SOURCE_BYTES // 2**20} MiB "
            f"({MAX_SOURCE_BYTES / 1e6:.0f} MB): split it into smaller files, one per part of the story"
        )
    if info.st_size == 0:
        raise SourceError(f"{name} is empty: give a text file with the story in it")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise SourceError(f"cannot read {path} ({error.strerror}): check its permissions") from None
    if len(data) > MAX_SOURCE_BYTES:  # it grew after stat
        raise SourceError(f"{name} is over the {MAX_SOURCE_BYTES // 2**20} MiB limit: split it into smaller files")
    return data


__all__ = ["LANGUAGES", "MAX_SOURCE_BYTES", "read_source", "source_text"]
