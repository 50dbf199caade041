"""Recognising heading lines by their shape: 第三章, Chapter IV, "二", "I.", "# Title".

A heading has a *rank*: a volume (第一卷, Part One, ADVENTURE I.) holds chapters
(第一章, 第一回, Chapter 1, 楔子), which hold sections (第一节, 一, 一、, I.). Which rank
becomes the document's chapters is decided later from what the whole file uses
(see ``chapters.choose_chapter_rank``); this module only looks at one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOLUME, CHAPTER, SECTION = 1, 2, 3
GENERIC = 0  # a Markdown/HTML heading whose text has no recognisable number

_MAX_CHARS = 60
_ZH_NUM = "零〇○一二三四五六七八九十百千万两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟廿卅"
_NUM = rf"(?:[{_ZH_NUM}]+|\d+)"
_SEP = r"[\s:：、.．·—\-]*"
_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_WORDS = (
    rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:{_UNITS}))?"
    rf"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS})"
)
_EN_NUM = rf"(?:\d+|{_ROMAN}|{_WORDS})"

_ZH_UNIT = re.compile(rf"^第\s?{_NUM}\s?(?P<unit>[章回节節卷部集篇幕])(?P<sep>{_SEP})(?P<title>.*)$")
_ZH_JUAN = re.compile(rf"^卷\s?{_NUM}(?:{_SEP}(?P<title>.*))?$")
_ZH_SPECIAL = re.compile(r"^(?:序章|序幕|楔子|引子|尾声|尾聲|终章|終章|后记|後記|番外)(?:[\s:：·—\-].{0,30}|\d{0,3})$")
_EN_SPECIAL = re.compile(r"^(?:prologue|epilogue|afterword|foreword|preface)\b.{0,40}$", re.IGNORECASE)
_EN_CHAPTER = re.compile(rf"^(?:chapter|chap\.)\s+{_EN_NUM}\b(?P<title>.*)$", re.IGNORECASE)
_EN_VOLUME = re.compile(rf"^(?:book|part|volume|vol\.)\s+{_EN_NUM}\b(?P<title>.*)$", re.IGNORECASE)
_ADVENTURE = re.compile(rf"^adventure\s+(?:{_ROMAN}|\d+)\b\.?\s*(?P<title>.*)$", re.IGNORECASE)
_ROMAN_LINE = re.compile(rf"^(?:{_ROMAN}\.(?:\s+(?P<title>[A-Z\"'“].{{0,50}}))?|(?=..){_ROMAN})$")
_ZH_NUMERAL = re.compile(rf"^(?:[{_ZH_NUM}]{{1,6}}|[（(][{_ZH_NUM}]{{1,6}}[)）])$")
_ZH_LISTED = re.compile(rf"^[{_ZH_NUM}]{{1,6}}[、．.]\s*(?P<title>[^，。,；;]{{1,20}})$")
_ARABIC_LINE = re.compile(r"^\d{1,3}\.?$")
_SENTENCE_END = "。！？!?"
# Every pattern below starts with one of these; most story lines are rejected on this alone.
_MAY_BE_HEADING = re.compile(rf"[第卷序楔引尾终終后後番（(\dA-Za-z{_ZH_NUM}]")


@dataclass(frozen=True, slots=True)
class Heading:
    rank: int  # VOLUME, CHAPTER, SECTION or GENERIC
    style: str  # which pattern matched, e.g. "zh-chapter", "roman", "md2"
    title: str  # the heading as shown: whitespace collapsed ("第一章 序", "I.")
    subtitle: str = ""  # the words after the number, for a story title ("A SCANDAL IN BOHEMIA")
    level: int = 0  # Markdown/HTML level (1 for "#"/<h1>), 0 for a plain-text line
    numbered_section: bool = False  # "二", "（三）": a part number, so also a scene break


_WHITESPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Internal whitespace (including U+3000) to single ASCII spaces; ends trimmed."""
    return _WHITESPACE.sub(" ", text).strip()


def classify(text: str, level: int = 0) -> Heading | None:
    """The heading ``text`` is, or None. ``level`` > 0 when markup already says it is a heading."""
    title = collapse(text)
    if not title or len(title) > _MAX_CHARS:
        return Heading(GENERIC, f"h{level}", title, title, level) if level and title else None
    found = _by_pattern(title) if _MAY_BE_HEADING.match(title) else None
    if found is not None:
        return Heading(found.rank, found.style, title, found.subtitle, level, found.numbered_section)
    if level:
        return Heading(GENERIC, f"h{level}", title, title, level)
    return None


def _by_pattern(title: str) -> Heading | None:
    match = _ZH_UNIT.match(title)
    if match:
        unit, sep, rest = match["unit"], match["sep"], match["title"]
        # "第一回合他就输了。" is a sentence, not 第一回: without a separator the rest must not read on.
        if not sep and rest and (any(ch in rest for ch in "，。,") or rest[-1] in _SENTENCE_END):
            return None
        rank = VOLUME if unit in "卷部集篇" else SECTION if unit in "节節幕" else CHAPTER
        return Heading(rank, f"zh-{unit}", title, rest)
    match = _ZH_JUAN.match(title)
    if match:
        return Heading(VOLUME, "zh-卷", title, match["title"] or "")
    if _ZH_SPECIAL.match(title) or _EN_SPECIAL.match(title):
        return Heading(CHAPTER, "special", title)
    match = _EN_CHAPTER.match(title)
    if match and _short_title(match["title"]):
        return Heading(CHAPTER, "en-chapter", title, match["title"].strip(" .:—-"))
    match = _EN_VOLUME.match(title)
    if match and _short_title(match["title"]):
        return Heading(VOLUME, "en-part", title, match["title"].strip(" .:—-"))
    match = _ADVENTURE.match(title)
    if match:
        return Heading(VOLUME, "adventure", title, match["title"].strip())
    match = _ROMAN_LINE.match(title)
    # "I. A Scandal in Bohemia" is a part; "I. M. Pei drew it." is a sentence.
    if match and (not match["title"] or (match["title"][-1] not in ".!?," and len(match["title"].split()) <= 8)):
        return Heading(SECTION, "roman", title, (match["title"] or "").strip(), numbered_section=True)
    if _ZH_NUMERAL.match(title) or _ARABIC_LINE.match(title):
        return Heading(SECTION, "number", title, "", numbered_section=True)
    match = _ZH_LISTED.match(title)
    if match and title[-1] not in _SENTENCE_END:
        return Heading(SECTION, "zh-listed", title, match["title"], numbered_section=True)
    return None


def _short_title(rest: str) -> bool:
    """After "Chapter 4" only a title may follow, not the rest of a sentence."""
    rest = rest.strip()
    if not rest:
        return True
    if rest[0] not in ".:—-–" and not rest[0].isupper() and not rest[0].isdigit():
        return False
    return len(rest) <= 50 and rest[-1] not in ",;"
