"""Rejoining cleaned lines into paragraphs.

Files come in three layouts, told apart once per file from the lines that are
followed directly (no blank line) by another line:

- *wrapped*: hard-wrapped at a fixed width; most such lines end mid-sentence and
  are nearly as wide as the widest. Lines join until a blank line, a line indented
  deeper than the one before (the "　　" of Chinese paragraphs), or a short line
  ending a sentence.
- *lines*: one paragraph per line, nearly every line ending a sentence.
- *local*: too little evidence either way; a line joins the next only when it
  stops mid-sentence.

CJK lines join with no space; Latin lines join with one space, which maps to the
source offset of the line break it replaces.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Literal

from microdrama.text.document import Paragraph
from microdrama.text.headings import GENERIC, Heading
from microdrama.text.normalize import Line

Mode = Literal["wrapped", "lines", "local"]

_CLOSERS = "”’」』）)]\"'》〉»›*_"
_SENTENCE_END = "。！？!?.…：:~～"
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003fffd]")
_MIN_EVIDENCE = 8
_TITLE_CHARS = 40


@dataclass(frozen=True)
class Layout:
    mode: Mode
    wrap_width: int  # columns of a full line (wrapped) or of a long line (local); 0 when unknown

    def full(self, line: Line) -> bool:
        """Nearly as wide as a wrapped line: it was cut by the wrapper, not by the author."""
        return self.wrap_width > 0 and line.width >= self.wrap_width - max(4, self.wrap_width // 5)

    def short(self, line: Line) -> bool:
        return self.wrap_width > 0 and line.width < self.wrap_width * 0.6


@dataclass
class Block:
    """A paragraph being built; becomes a ``Paragraph`` once its chapter is known."""

    parts: list[str]
    runs: list[tuple[int, int]]
    length: int
    blanks: int  # blank lines before its first line
    scene_break: bool = False
    last: Line | None = field(default=None, repr=False)

    def add(self, line: Line, space_at: int | None) -> None:
        if space_at is not None:
            self._run(self.length, space_at)
            self.parts.append(" ")
            self.length += 1
        for offset, source in line.runs:
            self._run(self.length + offset, source)
        self.parts.append(line.text)
        self.length += len(line.text)
        self.last = line

    def _run(self, offset: int, source: int) -> None:
        if self.runs:
            last_offset, last_source = self.runs[-1]
            if offset - last_offset == source - last_source:
                return  # continues the previous run
        self.runs.append((offset, source))

    def paragraph(self, scene_break: bool) -> Paragraph:
        return Paragraph("".join(self.parts), tuple(self.runs), scene_break or self.scene_break)


Entry = Block | Heading


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def detect_layout(lines: list[Line], structured: bool) -> Layout:
    """How the file breaks its paragraphs; see the module doc."""
    if structured:
        return Layout("lines", 0)
    followed = [
        line for line, after in itertools.pairwise(lines) if after.blanks == 0 and _is_text(line) and _is_text(after)
    ]
    widths = sorted(line.width for line in followed)
    wrap_width = widths[int(0.95 * (len(widths) - 1))] if widths else 0
    open_ended = [line for line in followed if not ends_sentence(line.text)]
    # In "local" mode a line that is short for this file is not a wrapped one either.
    text_widths = sorted(line.width for line in lines if _is_text(line))
    local = Layout("local", text_widths[int(0.95 * (len(text_widths) - 1))] if text_widths else 0)
    if len(followed) < _MIN_EVIDENCE:
        # Few runs of lines to judge by; if blank lines separate paragraphs, runs are wrapped ones.
        blank_separated = sum(1 for line in lines[1:] if line.blanks)
        if followed and blank_separated >= max(2, len(followed) // 3) and len(open_ended) * 2 >= len(followed):
            return Layout("wrapped", wrap_width)
        return local
    share = len(open_ended) / len(followed)
    probe = Layout("wrapped", wrap_width)
    regular = sum(1 for line in open_ended if probe.full(line)) / max(len(open_ended), 1)
    if share >= 0.4 and regular >= 0.5:
        return probe
    if share < 0.2:
        return Layout("lines", 0)
    return local


def demote_wrapped_headings(lines: list[Line], layout: Layout) -> None:
    """In wrapped text, "第三章" or "二" at the start of a continuation line is not a heading."""
    if layout.mode != "wrapped":
        return
    for before, line in itertools.pairwise(lines):
        heading = line.heading
        if heading is None or heading.level or line.blanks:
            continue
        continues = (
            _is_text(before) and layout.full(before) and not ends_sentence(before.text) and line.indent <= before.indent
        )
        if continues or layout.full(line):
            line.heading = None


def merge_heading_titles(lines: list[Line]) -> list[Line]:
    """Join a bare "CHAPTER I." and a title on the line right under it into one heading."""
    merged: list[Line] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        merged.append(line)
        heading = line.heading
        if heading is None or heading.subtitle or heading.rank == GENERIC or index + 1 >= len(lines):
            continue
        title = lines[index + 1]
        after = lines[index + 2] if index + 2 < len(lines) else None
        if (
            _is_text(title)
            and not title.blanks
            and len(title.text) <= _TITLE_CHARS
            and not ends_sentence(title.text)
            and (after is None or after.blanks or not _is_text(after))
        ):
            line.heading = replace(heading, title=f"{heading.title} {title.text}", subtitle=title.text)
            skip = True
    return merged


def assemble(lines: list[Line], layout: Layout, language: str) -> list[Entry]:
    """Headings and paragraph blocks in reading order; blank-line groups become scene breaks."""
    entries: list[Entry] = []
    block: Block | None = None
    pending_break = False
    for line in lines:
        if line.heading is not None or line.is_break:
            block = None
            if line.heading is not None:
                entries.append(line.heading)
            else:
                pending_break = True
            continue
        last = block.last if block is not None else None
        if block is not None and last is not None and not line.blanks and _continues(last, line, layout):
            block.add(line, last.eol if _needs_space(last, line, language) else None)
            continue
        block = Block([], [], 0, line.blanks, scene_break=pending_break)
        pending_break = False
        block.add(line, None)
        entries.append(block)
    _mark_blank_groups(entries)
    return entries


def _is_text(line: Line) -> bool:
    return line.heading is None and not line.is_break


def _continues(last: Line, line: Line, layout: Layout) -> bool:
    if layout.mode == "lines":
        return False
    if layout.mode == "local":
        return not ends_sentence(last.text) and line.indent <= last.indent and not layout.short(last)
    if line.indent > last.indent:
        return False
    return not (layout.short(last) and ends_sentence(last.text))


def _needs_space(last: Line, line: Line, language: str) -> bool:
    before, after = last.text[-1], line.text[0]
    if _CJK.match(before) or _CJK.match(after):
        return False
    if language == "zh":
        # Chinese wrappers cut anywhere; only a space the author typed separates words.
        return last.spaced and before.isascii() and after.isascii() and before.isalnum() and after.isalnum()
    if before in "-—/":
        return last.text[-2:-1] == " "  # "well-" + "known", but "then -" + "at last"
    return True


def _mark_blank_groups(entries: list[Entry]) -> None:
    """More blank lines than the file usually puts between paragraphs mark a scene break."""
    blocks = [entry for entry in entries if isinstance(entry, Block)]
    if len(blocks) < 2:
        return
    usual = median(block.blanks for block in blocks[1:])
    for block in blocks[1:]:
        if block.blanks > usual:
            block.scene_break = True
