"""Splitting a paragraph into quotes and sentences, keeping exact offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from microdrama.text.en.lexicon import word_set

# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = word_set(
    "mr mrs ms dr st jr sr prof rev capt col gen lt sgt messrs mme mlle no vs etc mt ft co inc esq"
)
# A run of sentence-final punctuation, its closing quotes/brackets, then a likely sentence start.
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]*[A-Z0-9])")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z]+)\.$")
_DOUBLE = re.compile(r"[\"“”]")
_SINGLE = re.compile(r"‘|’(?![A-Za-z])")
_LETTER = re.compile(r"[A-Za-z0-9]")
_EDGE = " \t,;:"


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the first character inside the quote marks
    end: int  # offset of the closing mark (or len(text) when left open)
    closed: bool


def quote_style(sample: str) -> str:
    """ "double" unless the text clearly quotes speech with curly single quotes (British style)."""
    doubles = len(_DOUBLE.findall(sample))
    singles = sample.count("‘")
    return "single" if singles > 4 * max(doubles, 1) else "double"


def find_quotes(text: str, style: str = "double") -> list[Quote]:
    """Top-level quotes of a paragraph; nested single quotes stay inside their quote.

    Straight quotes toggle; curly ones say which side they are. A quote still open at
    the end of the paragraph is the convention for a speech that goes on in the next.
    """
    quotes: list[Quote] = []
    opened: int | None = None
    pattern = _SINGLE if style == "single" else _DOUBLE
    for match in pattern.finditer(text):
        mark = match.group()
        pos = match.start()
        if mark in "“‘" or (mark == '"' and opened is None):
            if opened is not None:  # an unclosed quote followed by a new opener: close it here
                quotes.append(Quote(opened, pos, False))
            opened = pos + 1
        elif opened is not None:
            quotes.append(Quote(opened, pos, True))
            opened = None
    if opened is not None:
        quotes.append(Quote(opened, len(text), False))
    return quotes


def trim(text: str, start: int, end: int, edge: str = _EDGE) -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace and stray separators at both edges."""
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    return start, end


def _not_an_end(word: str) -> bool:
    # An abbreviation, or an initial ("J. Clay"), but "said I." does end a sentence.
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper() and word not in "IA")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed spans; "Mr. Holmes" and "J. Clay" stay whole."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, stop):
        cut = match.end()
        if text[match.start()] == "." and match.end() == match.start() + 1:
            before = _WORD_BEFORE_DOT.search(text, max(begin, cut - 12), cut)
            if before and _not_an_end(before.group(1)):
                continue
        span = trim(text, begin, cut)
        if _LETTER.search(text, span[0], span[1]):
            spans.append(span)
        begin = cut
    span = trim(text, begin, stop)
    if _LETTER.search(text, span[0], span[1]):
        spans.append(span)
    return spans


def sentence_around(text: str, index: int) -> tuple[int, int]:
    """The sentence of ``text`` that contains ``index``."""
    for span in sentence_spans(text):
        if span[0] <= index < span[1]:
            return span
    return trim(text, 0, len(text))


def quote_gaps(text: str, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Narration between quotes: len(quotes) + 1 ranges, quote marks excluded."""
    gaps: list[tuple[int, int]] = []
    cursor = 0
    for quote in quotes:
        gaps.append((cursor, max(cursor, quote.start - 1)))
        cursor = min(len(text), quote.end + 1) if quote.closed else len(text)
    gaps.append((cursor, len(text)))
    return gaps


def narration_spans(text: str, gaps: list[tuple[int, int]], skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of the gaps outside the ``skip`` ranges (dialogue tags are attribution, not narration)."""
    spans: list[tuple[int, int]] = []
    for a, b in gaps:
        pieces = [(a, b)]
        for start, end in skip:
            pieces = [p for piece in pieces for p in _cut(piece, start, end)]
        for start, end in pieces:
            spans.extend(sentence_spans(text, start, end))
    return spans


def _cut(piece: tuple[int, int], start: int, end: int) -> list[tuple[int, int]]:
    a, b = piece
    if end <= a or start >= b:
        return [piece]
    return [p for p in ((a, start), (end, b)) if p[1] > p[0]]
