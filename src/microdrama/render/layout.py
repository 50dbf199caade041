"""Subtitle text layout for vertical video: measure, break into lines, split long lines into cues.

A phone held upright has room for about 16 Chinese characters or 42 Latin characters
across, and two lines before subtitles cover the picture. So a line of dialogue is
cut into tokens that must never be split (a CJK character with its punctuation, a
Latin word), and then:

- into at most two balanced lines per cue, preferring breaks after punctuation;
- when two lines are not enough, into several cues shown one after another (the
  caller shares the line's audio time between them by ``weight``), again preferring
  to cut after punctuation, and keeping the cues about the same size.

Widths: in a CJK text a full-width character counts 1 and anything else (Latin
letters, digits, spaces) counts half, against 16 per line; a text with no CJK counts
characters against 42 per line. Translated subtitles bring their own ``Measure`` (each
language's line length and way of counting, words it should not end a line with, word
segmentation for Thai, names that must stay on one line).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

CJK_LINE, LATIN_LINE, MAX_LINES = 16, 42, 2
SENTENCE_END = frozenset("。！？!?….．")
CLAUSE_END = frozenset("，、；：,;:—–")
# Kept with the token before them: a line never starts with these.
CLOSING = frozenset("，。、；：！？…）》」』】〕〉〗”’,.;:!?)]}%·—–～~")
# Kept with the token after them: a line never ends with these.
OPENING = frozenset("（《「『【〔〈〖“‘([{")


@dataclass(frozen=True)
class Token:
    text: str
    space_before: bool


@dataclass(frozen=True)
class Cue:
    """One subtitle of a split line: its lines, and its share of the line's time."""

    lines: tuple[str, ...]
    weight: float


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def is_cjk(text: str) -> bool:
    return any(is_wide(char) for char in text)


Counting = Literal["plain", "thai", "wide"]
NO_BREAK = "\u00a0"  # joins the words of a name so a line never breaks inside it


@dataclass(frozen=True)
class Measure:
    """How wide text is and how wide a line may be, for one script or language.

    ``counting``: "wide" counts a full-width character 1 and anything else half (Chinese,
    Japanese, Korean); "plain" counts every character 1; "thai" skips combining vowel and
    tone marks, which take no width. ``glue`` holds words a line should not end with
    (articles, prepositions); ``segment`` finds word boundaries in text without spaces.
    """

    limit: float
    counting: Counting
    glue: frozenset[str] = frozenset()
    segment: Callable[[str], list[str]] | None = None
    single_lines: bool = False  # prefer more cues of one line to fewer cues of two (9:16 video)

    @property
    def space(self) -> float:
        return 0.5 if self.counting == "wide" else 1.0

    def width(self, text: str) -> float:
        if self.counting == "plain":
            return float(len(text))
        if self.counting == "thai":
            return float(sum(1 for char in text if unicodedata.category(char) not in ("Mn", "Me")))
        # East Asian "ambiguous" characters (“ ” … —) are drawn full width by CJK fonts.
        return sum(1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.5 for char in text)


CJK_MEASURE = Measure(CJK_LINE, "wide")
LATIN_MEASURE = Measure(LATIN_LINE, "plain")


def measure_for(text: str) -> Measure:
    return CJK_MEASURE if is_cjk(text) else LATIN_MEASURE


def tokenize(text: str) -> list[Token]:
    """Unbreakable pieces: each CJK character, each run of other non-space characters;
    closing punctuation joins the piece before it and opening punctuation the piece after."""
    raw: list[Token] = []
    for match in re.finditer(r"([^\S\u00a0]*)([\S\u00a0])", text):
        space, char = bool(match.group(1)), match.group(2)
        previous = raw[-1] if raw else None
        if (
            previous is not None
            and not space
            and not is_wide(char)
            and not is_wide(previous.text[-1])
            and (char not in OPENING or all(c in OPENING for c in previous.text))
        ):
            raw[-1] = Token(previous.text + char, previous.space_before)
        else:
            raw.append(Token(char, space))
    tokens: list[Token] = []
    pending: Token | None = None  # opening punctuation waiting for its word
    for token in raw:
        if pending is not None:
            joiner = " " if token.space_before else ""
            token = Token(pending.text + joiner + token.text, pending.space_before)
            pending = None
        lead = len(token.text) - len(token.text.lstrip("".join(CLOSING)))
        if tokens and lead and (not token.space_before or lead == len(token.text)):
            joiner = " " if token.space_before else ""
            tokens[-1] = Token(tokens[-1].text + joiner + token.text[:lead], tokens[-1].space_before)
            token = Token(token.text[lead:], False)
        if not token.text:
            continue
        if all(char in OPENING for char in token.text):
            pending = token
        else:
            tokens.append(token)
    if pending is not None:
        tokens.append(pending)
    return tokens


def _hard_split(tokens: list[Token], measure: Measure) -> list[Token]:
    """A token wider than a line (a very long word or URL) is cut: the only way it can be shown."""
    out: list[Token] = []
    for token in tokens:
        if measure.width(token.text) <= measure.limit:
            out.append(token)
            continue
        piece, space = "", token.space_before
        for char in token.text:
            if piece and measure.width(piece + char) > measure.limit:
                out.append(Token(piece, space))
                piece, space = "", False
            piece += char
        out.append(Token(piece, space))
    return out


def join(tokens: list[Token]) -> str:
    text = "".join((" " if token.space_before and index else "") + token.text for index, token in enumerate(tokens))
    return text.replace(NO_BREAK, " ")


def segmented_tokens(text: str, segment: Callable[[str], list[str]]) -> list[Token]:
    """Tokens of a script written without spaces between words, from a word segmenter."""
    tokens: list[Token] = []
    space = False
    for word in segment(text):
        if not word.strip():
            space = True
            continue
        if tokens and not space and all(char in CLOSING for char in word):
            tokens[-1] = Token(tokens[-1].text + word, tokens[-1].space_before)
        else:
            tokens.append(Token(word, space))
        space = False
    return tokens


def _break_cost(token: Token, glue: frozenset[str] = frozenset()) -> float:
    """How bad it is to end a line or a cue after this token: best after a sentence end,
    worst after an article or preposition (it belongs with the word that follows)."""
    last = token.text.rstrip("”’」』)）》\"'")[-1:] or token.text[-1]
    if last in SENTENCE_END:
        return 0.0
    if last in CLAUSE_END:
        return 0.35
    if glue and token.text.lower() in glue:
        return 2.5
    return 1.0


class _Widths:
    """Prefix sums over tokens, so the width of any run of tokens is O(1)."""

    def __init__(self, tokens: list[Token], measure: Measure) -> None:
        self.tokens, self.measure = tokens, measure
        self.spaces = [measure.space if token.space_before and index else 0.0 for index, token in enumerate(tokens)]
        self.sums = [0.0]
        for token, space in zip(tokens, self.spaces, strict=True):
            self.sums.append(self.sums[-1] + space + measure.width(token.text))

    def width(self, start: int, end: int) -> float:
        return self.sums[end] - self.sums[start] - self.spaces[start]

    def greedy_end(self, start: int) -> int:
        """The furthest end such that tokens[start:end] fit on one line (at least start + 1)."""
        budget = self.measure.limit + self.sums[start] + self.spaces[start] + 1e-9
        return max(start + 1, bisect.bisect_right(self.sums, budget) - 1)

    def fits(self, start: int, end: int) -> bool:
        """Whether tokens[start:end] fit in at most two lines (fill the first line, check the second)."""
        if self.width(start, end) <= self.measure.limit + 1e-9:
            return True
        middle = self.greedy_end(start)
        return middle < end and self.width(middle, end) <= self.measure.limit + 1e-9

    def lines(self, start: int, end: int) -> tuple[str, ...]:
        """One line if it fits, else the most balanced two-line break (punctuation preferred)."""
        limit = self.measure.limit + 1e-9
        if self.width(start, end) <= limit:
            return (join(self.tokens[start:end]),)
        best: tuple[float, int] | None = None
        for middle in range(start + 1, end):
            first, second = self.width(start, middle), self.width(middle, end)
            if first > limit:
                break
            if second > limit:
                continue
            balance = abs(first - second) / self.measure.limit
            cost = balance + 0.8 * _break_cost(self.tokens[middle - 1], self.measure.glue)
            if best is None or cost < best[0]:
                best = (cost, middle)
        assert best is not None, "lines() called on a run that does not fit in two lines"
        middle = best[1]
        return (join(self.tokens[start:middle]), join(self.tokens[middle:end]))


def split_cues(text: str, measure: Measure | None = None) -> list[Cue]:
    """Cut one spoken line into cues of at most two lines each, in reading order.

    Dynamic programming over token boundaries: each cue costs 1, a cue that ends
    without punctuation costs more, and uneven cue sizes cost a little, so a long
    line becomes the fewest, most natural, evenly sized cues. ``measure`` defaults to
    the one for the text's script (16 CJK or 42 Latin characters a line).
    """
    text = " ".join(text.split())
    if not text:
        return []
    measure = measure or measure_for(text)
    raw = segmented_tokens(text, measure.segment) if measure.segment else tokenize(text)
    tokens = _hard_split(raw, measure)
    widths = _Widths(tokens, measure)
    capacity = MAX_LINES * measure.limit
    count = len(tokens)
    best: list[float] = [0.0] + [float("inf")] * count
    back = [0] * (count + 1)
    for end in range(1, count + 1):
        ending = 0.0 if end == count else 1.5 * _break_cost(tokens[end - 1], measure.glue)
        start = end - 1
        while start >= 0 and widths.width(start, end) <= capacity + measure.space + 1e-9:
            if best[start] < float("inf") and widths.fits(start, end):
                fill = widths.width(start, end) / capacity
                stacked = measure.single_lines and widths.width(start, end) > measure.limit + 1e-9
                cost = best[start] + 1.0 + ending + 0.5 * fill * fill + (3.0 if stacked else 0.0)
                if cost < best[end]:
                    best[end], back[end] = cost, start
            start -= 1
    bounds: list[tuple[int, int]] = []
    end = count
    while end > 0:
        bounds.append((back[end], end))
        end = back[end]
    bounds.reverse()
    return [Cue(widths.lines(start, end), max(widths.width(start, end), 0.5)) for start, end in bounds]
