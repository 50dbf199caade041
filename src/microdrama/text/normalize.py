"""Line-level cleaning of decoded text, keeping every kept character's source offset.

``scan_lines`` walks the text once, line by line, and returns the lines that carry
content, each cleaned of what is not story text: indentation and padding (ASCII,
U+3000 and other spaces), footnote markers (⑴ ① ㈠ ⒈ [1] ^1 ¹), editor's notes in
【…】 (which may span lines), Markdown heading marks and code fences, trailing
notes sections ("□注释", "Notes", ... then numbered notes) and a Project
Gutenberg header/footer. Full-width letters and digits become ASCII one-for-one
before anything else, so offsets are unaffected. Joining lines into paragraphs is
``paragraphs.py``'s work; this module only removes characters, never moves them,
so each line's offset map is a short list of runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from microdrama.text.headings import CHAPTER, VOLUME, Heading, classify

# Ｑ -> Q, ９ -> 9; punctuation (，。！) and full-width symbols stay as they are.
_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_WS = " \t\f\v\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_INDENT_CELLS = {"\t": 4, "\u3000": 2, "\u2003": 2}
_EOL = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w+.-]*\s*$")
_MARKDOWN = re.compile(r"(#{1,6})[ \t]+(?=\S)")
_MARKDOWN_CLOSE = re.compile(r"[ \t]+#+$")
_CIRCLED = "\u2460-\u249b\u3220-\u3229\u3251-\u325f\u32b1-\u32bf\u2776-\u2793"
_MARKERS = re.compile(
    rf"[（(][{_CIRCLED}][)）]|[{_CIRCLED}]"
    r"|[ \t]?(?:\[\d{1,3}\]|\^\d{1,3})|［\d{1,3}］|〔\d{1,3}〕|[¹²³⁰⁴⁵⁶⁷⁸⁹]+|```"
)
# An editor's note in 【】 says how a character sounds or looks; 【系统提示】 in a web novel is story.
_BRACKET_NOTE = re.compile(r"【([^【】]{1,400})】")
_NOTE_WORDS = re.compile(r"[音上下同通即]\s*[“\"「]|读作|讀作|读若|字形|^注|编者|編者|编注|译注|譯注|原注|作者注|校注")
_NOTES_HEAD = re.compile(
    r"^[□■◆◇*#\s]*(?:注释|注釋|注解|附注|注|notes?|footnotes?|endnotes?)\s*[:：]?\s*$", re.IGNORECASE
)
_NOTE_START = re.compile(
    rf"^[ \t]*(?:[（(]?[{_CIRCLED}]|[\[［〔(（]\d{{1,3}}[\]］〕)）]|\^\d|[¹²³⁴⁵⁶⁷⁸⁹]|\d{{1,3}}[.．、:：)）\s])"
)
_CONTENTS = re.compile(r"^(?:(?:table of )?contents|目录|目錄)$", re.IGNORECASE)
# Line starts are matched by hand: MULTILINE's ^ does not see a lone CR as a line end.
_LINE_START = r"(?:^|(?<=[\r\n]))"
_GUTENBERG_START = re.compile(_LINE_START + r"\*{3}\s*START OF (?:THE |THIS )?PROJECT GUTENBERG[^\r\n]*", re.IGNORECASE)
_GUTENBERG_END = re.compile(_LINE_START + r"\*{3}\s*END OF (?:THE |THIS )?PROJECT GUTENBERG", re.IGNORECASE)
_GUTENBERG_TITLE = re.compile(_LINE_START + r"Title:[ \t]*(\S[^\r\n]*?)[ \t]*(?=[\r\n]|$)")
_BREAK = re.compile(
    r"^(?:(?:[*＊✱]\s*){3,}|(?:[-—─_=~～·•]\s*){3,}|…+|\.{3,}|。{3,}"
    r"|[◆◇※●○■☆★◎❖✽✻§#](?:\s*[◆◇※●○■☆★◎❖✽✻§#])*)$"
)
# East Asian wide characters take two columns; wrapping width is measured in columns.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\u2018\u2019\u201c\u201d\u2026\u2014\U00020000-\U0003fffd]"
)


@dataclass(slots=True)
class Line:
    """A line with content, cleaned; ``runs`` maps ``text`` back to the source like ``Paragraph.runs``."""

    start: int  # source offset of the raw line
    eol: int  # source offset of its line break (a joining space maps here)
    text: str
    runs: list[tuple[int, int]]
    indent: int  # columns of leading whitespace
    width: int  # columns of the raw line without trailing whitespace
    blanks: int  # blank lines between this line and the previous line kept
    heading: Heading | None = None
    is_break: bool = False  # "* * *", "◆", "……": a scene break marker
    spaced: bool = False  # the raw line had whitespace at its end (a word boundary when rejoining)


@dataclass
class Scan:
    lines: list[Line]
    title_hint: str  # from a Project Gutenberg header, else ""


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII letters and digits to ASCII, one code point for one."""
    return text.translate(_FULLWIDTH_ALNUM)


def scan_lines(text: str, forced_headings: Mapping[int, int] | None = None) -> Scan:
    """The content lines of ``text`` (already ``fold_fullwidth``-ed), cleaned; see the module doc.

    ``forced_headings`` maps a line's start offset to a heading level, for formats
    whose markup says which lines are headings (EPUB <h2>, DOCX "Heading 2").
    """
    structured = forced_headings is not None
    forced = forced_headings or {}
    low, high, title_hint = _gutenberg_bounds(text)
    bounds = _raw_lines(text, low, high)
    dropped = _notes_sections(text, bounds)
    notes = _bracket_notes(text, low, high)
    lines: list[Line] = []
    blanks = 0
    note_index = 0
    for index, (start, end) in enumerate(bounds):
        if index in dropped:
            continue
        raw = text[start:end]
        right = len(raw.rstrip(_WS))
        left = len(raw) - len(raw.lstrip(_WS))
        if left >= right:
            blanks += 1
            continue
        if _FENCE.match(raw):
            continue
        cuts: list[tuple[int, int]] = []
        level = forced.get(start, 0)
        markdown = _MARKDOWN.match(raw, left)
        if markdown and not structured:
            level = len(markdown[1])
            cuts.append((left, markdown.end()))
            close = _MARKDOWN_CLOSE.search(raw, markdown.end(), right)
            if close:
                cuts.append((close.start(), right))
        for match in _MARKERS.finditer(raw, left, right):
            cuts.append(match.span())
        while note_index < len(notes) and notes[note_index][1] <= start:
            note_index += 1
        probe = note_index
        while probe < len(notes) and notes[probe][0] < start + right:
            cuts.append((max(notes[probe][0] - start, 0), min(notes[probe][1] - start, right)))
            probe += 1
        line = _clean(raw, start, end, left, right, cuts, blanks)
        if line is None:
            continue  # only markers or a note: the line vanishes without breaking a paragraph
        if _CONTENTS.match(line.text):
            continue  # a table of contents' heading; its entries become empty chapters, dropped later
        # "**第一章**": emphasis around a whole line does not stop it being a heading.
        plain = line.text.strip("*_ ") if line.text[0] in "*_" else line.text
        line.heading = classify(plain, level) if plain else None
        line.is_break = line.heading is None and bool(_BREAK.match(line.text))
        lines.append(line)
        blanks = 0
    return Scan(lines, title_hint)


def _clean(
    raw: str, start: int, end: int, left: int, right: int, cuts: list[tuple[int, int]], blanks: int
) -> Line | None:
    indent = sum(_INDENT_CELLS.get(ch, 1) for ch in raw[:left])
    width = right + len(_WIDE.findall(raw, 0, right))
    spaced = right < len(raw)
    if not cuts:
        return Line(start, end, raw[left:right], [(0, start + left)], indent, width, blanks, spaced=spaced)
    cuts.sort()
    pieces: list[str] = []
    runs: list[tuple[int, int]] = []
    length = 0
    cursor = left
    for cut_start, cut_end in [*cuts, (right, right)]:
        if cut_start > cursor:
            piece = raw[cursor:cut_start]
            runs.append((length, start + cursor))
            pieces.append(piece)
            length += len(piece)
        cursor = max(cursor, cut_end)
    text = "".join(pieces)
    # A cut may leave whitespace at either end ("【注】 text"): trim it, shifting the map.
    lead = len(text) - len(text.lstrip(_WS))
    text = text.rstrip(_WS)
    if lead >= len(text):
        return None
    if lead:
        text = text[lead:]
        runs = _shift(runs, lead)
    return Line(start, end, text, runs, indent, width, blanks, spaced=spaced)


def _shift(runs: list[tuple[int, int]], lead: int) -> list[tuple[int, int]]:
    """The runs of ``text[lead:]``."""
    shifted: list[tuple[int, int]] = []
    for index, (offset, source) in enumerate(runs):
        next_offset = runs[index + 1][0] if index + 1 < len(runs) else None
        if next_offset is not None and next_offset <= lead:
            continue
        if offset < lead:
            shifted.append((0, source + lead - offset))
        else:
            shifted.append((offset - lead, source))
    return shifted


def _gutenberg_bounds(text: str) -> tuple[int, int, str]:
    """The story between Project Gutenberg's START and END lines, and the header's title."""
    low, high, title = 0, len(text), ""
    start = _GUTENBERG_START.search(text)
    if start:
        low = start.end()
        found = _GUTENBERG_TITLE.search(text, 0, start.start())
        title = found[1] if found else ""
    end = _GUTENBERG_END.search(text, low)
    if end:
        high = end.start()
    return low, high, title


def _raw_lines(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """(start, end) of every line in ``text[low:high]``, without its line break."""
    bounds: list[tuple[int, int]] = []
    position = low
    for match in _EOL.finditer(text, low, high):
        bounds.append((position, match.start()))
        position = match.end()
    if position < high:
        bounds.append((position, high))
    return bounds


def _bracket_notes(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """Source spans of editor's notes in 【】: inline after a character, about sound or shape."""
    spans: list[tuple[int, int]] = []
    for match in _BRACKET_NOTE.finditer(text, low, high):
        # Inline means right after a character, possibly the last one of the line before
        # (the wrapper broke the line there), but not after a blank line.
        cursor = match.start() - 1
        if text.startswith("\r\n", cursor - 1):
            cursor -= 2
        elif text.startswith(("\n", "\r"), cursor):
            cursor -= 1
        before = text[cursor] if cursor >= low else "\n"
        if before in "\r\n" or before in _WS:
            continue
        if before == "□" or _NOTE_WORDS.search(match[1]):
            spans.append(match.span())
    return spans


def _notes_sections(text: str, bounds: list[tuple[int, int]]) -> set[int]:
    """Indexes of lines in notes sections: a notes heading, numbered notes, up to a new story part."""
    dropped: set[int] = set()
    index = 0
    while index < len(bounds):
        start, end = bounds[index]
        if end - start > 20 or not _NOTES_HEAD.match(text[start:end]):
            index += 1
            continue
        following = index + 1
        while following < len(bounds) and not text[slice(*bounds[following])].strip():
            following += 1
        if following >= len(bounds) or not _NOTE_START.match(text[slice(*bounds[following])]):
            index += 1
            continue
        stop = following
        while stop < len(bounds) and not _ends_notes(text[slice(*bounds[stop])]):
            stop += 1
        dropped.update(range(index, stop))
        index = stop
    return dropped


def _ends_notes(raw: str) -> bool:
    """A line after which the notes are over: a fence, a chapter heading, an indented paragraph."""
    if _FENCE.match(raw):
        return True
    stripped = raw.strip(_WS)
    if raw.startswith("\u3000") and stripped and not _NOTE_START.match(stripped):
        return True
    heading = classify(stripped) if len(stripped) <= 60 else None
    return heading is not None and heading.rank in (VOLUME, CHAPTER)
