"""Document structure: the title, which headings make chapters, and splitting by length.

The title is the first line when it is a short line standing alone and not a
heading ("药⑴" gives 药), or the story title inside a lone top heading
("ADVENTURE I. A SCANDAL IN BOHEMIA", "# My Story"), else the file stem. Centred
byline lines under it ("鲁迅", "by ...") go with it.

Chapters come from the highest heading rank that holds the text: chapter headings
(第一章, Chapter 1) when there are any, else section numbers ("一", "I."), else
volumes used at least twice. Headings of a lower rank become scene breaks
inside chapters. A text without headings is cut into chapters of about
3,000–6,000 characters, at a scene break when one falls in range.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace

from microdrama.text.document import Chapter, Paragraph
from microdrama.text.headings import CHAPTER, GENERIC, SECTION, VOLUME, Heading, collapse
from microdrama.text.normalize import Line
from microdrama.text.paragraphs import Block, Entry, Layout, ends_sentence

MIN_CHAPTER_CHARS = 3000
TARGET_CHAPTER_CHARS = 4500
MAX_CHAPTER_CHARS = 6000
_TITLE_COLUMNS = 60
_BYLINE = re.compile(r"^(?:by\s|作者\s*[:：]|文\s*[/:：]|[·•].+[·•]$)", re.IGNORECASE)
_BYLINE_INDENT = 8
_OPENING_QUOTES = "“‘「『\"'《(（["
_WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]")


def take_title(lines: list[Line], layout: Layout, hint: str) -> tuple[str, list[Line]]:
    """The document title ("" when none is found) and the lines without it and its byline."""
    skip = 0
    while skip < len(lines) and lines[skip].is_break:
        skip += 1
    body = lines[skip:]
    if not body:
        return hint, body
    first = body[0]
    if hint:
        if collapse(first.text).casefold() == collapse(hint).casefold():
            return hint, _without_byline(body, 1, layout)
        return hint, body
    heading = first.heading
    if heading is not None:
        same_style = sum(1 for line in body if line.heading and line.heading.style == heading.style)
        if same_style == 1 and (heading.style == "adventure" or heading.rank == GENERIC):
            return heading.subtitle or heading.title, _without_byline(body, 1, layout)
        return "", body
    if (
        _columns(first.text) <= _TITLE_COLUMNS
        and not ends_sentence(first.text)
        and first.text[0] not in _OPENING_QUOTES  # “走吧” is a line of dialogue
        and _alone(body, 0, layout)
        and any(line.heading is None and not line.is_break for line in body[1:])  # text must remain
    ):
        return collapse(first.text), _without_byline(body, 1, layout)
    return "", body


def _columns(text: str) -> int:
    return len(text) + len(_WIDE.findall(text))


def _alone(lines: list[Line], index: int, layout: Layout) -> bool:
    """Nothing runs on from this line into the next one."""
    if index + 1 >= len(lines) or layout.mode == "lines":
        return True
    after = lines[index + 1]
    return bool(after.blanks) or after.heading is not None or after.is_break or after.indent > lines[index].indent


def _without_byline(lines: list[Line], index: int, layout: Layout) -> list[Line]:
    while index < len(lines):
        line = lines[index]
        is_byline = (
            line.heading is None
            and not line.is_break
            and _columns(line.text) <= 30
            and (line.indent >= _BYLINE_INDENT or _BYLINE.match(line.text) is not None)
            and _alone(lines, index, layout)
        )
        if not is_byline:
            break
        index += 1
    return lines[index:]


def rank_headings(entries: list[Entry]) -> tuple[list[Entry], int | None]:
    """Give Markdown/HTML headings without a number a rank; pick the rank that makes chapters."""
    headings = [entry for entry in entries if isinstance(entry, Heading)]
    generic = [heading for heading in headings if heading.rank == GENERIC]
    if generic:
        numbered_levels = [h.level for h in headings if h.level and h.rank == CHAPTER]
        counts = Counter(h.level for h in generic)
        repeated = [level for level, count in counts.items() if count >= 2]
        reference = min(numbered_levels or repeated or counts)
        ranked: list[Entry] = []
        for entry in entries:
            if isinstance(entry, Heading) and entry.rank == GENERIC:
                rank = VOLUME if entry.level < reference else CHAPTER if entry.level == reference else SECTION
                entry = replace(entry, rank=rank)
            ranked.append(entry)
        entries = ranked
        headings = [entry for entry in entries if isinstance(entry, Heading)]
    ranks = Counter(heading.rank for heading in headings)
    if ranks[CHAPTER]:
        return entries, CHAPTER
    if ranks[SECTION]:
        return entries, SECTION
    if ranks[VOLUME] >= 2:
        return entries, VOLUME
    return entries, None


def build_chapters(entries: list[Entry]) -> list[Chapter]:
    """Chapters in reading order, numbered from 1; chapters without paragraphs are dropped."""
    entries, chapter_rank = rank_headings(entries)
    chapters: list[Chapter] = [Chapter(0, "")]
    pending_break = False
    seen_text = False
    for entry in entries:
        if isinstance(entry, Block):
            chapters[-1].paragraphs.append(entry.paragraph(pending_break))
            pending_break = False
            seen_text = True
        elif chapter_rank is not None and entry.rank <= chapter_rank:
            # A volume heading starts a chapter too: text right under it is its own part.
            chapters.append(Chapter(0, entry.title))
            pending_break = entry.numbered_section and seen_text
        else:
            pending_break = seen_text
    kept = [chapter for chapter in chapters if chapter.paragraphs]
    if all(not chapter.title for chapter in kept):
        kept = split_by_length([p for chapter in kept for p in chapter.paragraphs])
    for number, chapter in enumerate(kept, start=1):
        chapter.number = number
    return kept


def split_by_length(paragraphs: list[Paragraph]) -> list[Chapter]:
    """Untitled chapters of about 3,000–6,000 characters, cut at scene breaks when possible."""
    prefix = [0]
    for paragraph in paragraphs:
        prefix.append(prefix[-1] + len(paragraph.text))
    total = prefix[-1]
    chapters: list[Chapter] = []
    begin = 0
    while begin < len(paragraphs):
        remaining = total - prefix[begin]
        cut = len(paragraphs) if remaining <= MAX_CHAPTER_CHARS else _cut_point(paragraphs, prefix, begin, remaining)
        chapters.append(Chapter(0, "", paragraphs[begin:cut]))
        begin = cut
    return chapters


def _cut_point(paragraphs: list[Paragraph], prefix: list[int], begin: int, remaining: int) -> int:
    """Where the chapter starting at ``begin`` ends: near an even share of what remains."""
    target = remaining / math.ceil(remaining / TARGET_CHAPTER_CHARS)
    upper = min(MAX_CHAPTER_CHARS, remaining - MIN_CHAPTER_CHARS)
    best: int | None = None
    best_break: int | None = None
    for end in range(begin + 1, len(paragraphs)):
        size = prefix[end] - prefix[begin]
        if size > upper:
            break
        if size < MIN_CHAPTER_CHARS:
            continue
        if best is None or abs(size - target) < abs(prefix[best] - prefix[begin] - target):
            best = end
        if paragraphs[end].scene_break_before and (
            best_break is None or abs(size - target) < abs(prefix[best_break] - prefix[begin] - target)
        ):
            best_break = end
    if best_break is not None:
        return best_break
    if best is not None:
        return best
    # One paragraph spans the whole window: cut right after the paragraph that crosses the minimum.
    end = begin + 1
    while end < len(paragraphs) and prefix[end] - prefix[begin] < MIN_CHAPTER_CHARS:
        end += 1
    return end
