"""The normalised source document: chapters of paragraphs, each mapped back to the file.

Offsets everywhere in microdrama (``SourceSpan`` in the model) are character
(code point) offsets into the *decoded original file*, not into the normalised
text, so a span stays meaningful to a person who opens the file in an editor.
Normalisation (rejoining hard-wrapped lines, dropping footnote markers, ...)
shifts characters, so each paragraph keeps a compact offset map: a list of runs
``(paragraph_offset, source_offset)`` inside which the mapping is linear.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One normalised paragraph (no newlines inside)."""

    text: str
    # Runs of the offset map, sorted by paragraph offset; the first run starts at 0.
    runs: tuple[tuple[int, int], ...]
    # True when a scene break (blank-line group, "* * *", a section number) precedes it.
    scene_break_before: bool = False

    def source_offset(self, index: int) -> int:
        """Offset in the decoded source file of ``self.text[index]`` (index may equal len)."""
        if not self.runs:
            return 0
        keys = [run[0] for run in self.runs]
        run_index = max(bisect_right(keys, index) - 1, 0)
        para_start, source_start = self.runs[run_index]
        return source_start + (index - para_start)

    @property
    def start(self) -> int:
        return self.source_offset(0)

    @property
    def end(self) -> int:
        """Source offset just past the paragraph's last character."""
        if not self.text:
            return self.start
        return self.source_offset(len(self.text) - 1) + 1

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Source offsets of the paragraph slice ``text[begin:end]``."""
        if end <= begin:
            point = self.source_offset(begin)
            return point, point
        return self.source_offset(begin), self.source_offset(end - 1) + 1


@dataclass
class Chapter:
    number: int  # 1-based, in reading order
    title: str  # as found ("第三章 续优胜记略", "Chapter II") or "" when split by length
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class SourceDocument:
    path: str  # as recorded in the project, e.g. "source/story.txt"
    encoding: str  # the detected encoding ("utf-8", "gb18030", ...)
    language: str  # "zh" or "en"
    title: str  # detected title, or the file stem
    chapters: list[Chapter]

    def paragraphs(self) -> list[Paragraph]:
        return [p for chapter in self.chapters for p in chapter.paragraphs]

    @property
    def char_count(self) -> int:
        return sum(len(p.text) for p in self.paragraphs())


def paragraph_at(text: str, source_start: int, scene_break_before: bool = False) -> Paragraph:
    """A paragraph whose text sits unchanged at ``source_start`` in the source."""
    return Paragraph(text=text, runs=((0, source_start),), scene_break_before=scene_break_before)


def document_from_clean_text(text: str, path: str, language: str, title: str = "") -> SourceDocument:
    """A one-chapter document from already clean text: one paragraph per non-empty line.

    For text that needs no normalisation (an idea typed by a user, test fixtures
    of analysis code). Files a user gives go through ``text.reader.read_source``.
    A blank line marks a scene break before the next paragraph.
    """
    paragraphs: list[Paragraph] = []
    offset = 0
    pending_break = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            pending_break = bool(paragraphs)
        else:
            lead = len(line) - len(line.lstrip())
            paragraphs.append(paragraph_at(stripped, offset + lead, pending_break))
            pending_break = False
        offset += len(line)
    return SourceDocument(
        path=path,
        encoding="utf-8",
        language=language,
        title=title,
        chapters=[Chapter(number=1, title="", paragraphs=paragraphs)],
    )
