"""Chinese text as numbered pinyin, the input espeak-ng's `cmn-latn-pinyin` voice speaks well.

espeak-ng's own Chinese front end is weak; pypinyin's phrase dictionary picks the right
reading of heteronyms (银行 yin2 hang2, 行走 xing2 zou3) and handles the neutral tone. The
tone changes a speaker makes (你好 ni2 hao3, 不是 bu2 shi4) are applied here because
espeak-ng speaks each tone digit as written. Punctuation becomes ASCII punctuation, which
espeak-ng turns into pauses; numbers are read out (zh_numbers); Latin words are kept and
espeak-ng reads them as English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from microdrama.audio.zh_numbers import spell_numbers

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<latin>[A-Za-z]+(?:['-][A-Za-z]+)*)|(?P<mark>\S)")
_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")

# Punctuation after NFKC (which already maps ，！？；：… to ASCII). Strongest pause first.
_PAUSES = {
    "?": "?",
    "!": "!",
    "…": "...",
    "。": ".",
    ".": ".",
    ";": ";",
    ":": ":",
    ",": ",",
    "、": ",",
    "—": ",",
    "–": ",",
    "-": ",",
    "~": ",",
    "(": ",",
    ")": ",",
    "/": ",",
    "|": ",",
}
_STRENGTH = ["?", "!", "...", ".", ";", ":", ","]
_NUMERALS = set("第零一二三四五六七八九十百千万亿两")


@dataclass
class _Syllable:
    pinyin: str
    han: str

    @property
    def tone(self) -> int:
        return int(self.pinyin[-1])

    def with_tone(self, tone: int) -> None:
        self.pinyin = self.pinyin[:-1] + str(tone)


@dataclass
class _Word:
    text: str


@dataclass
class _Pause:
    mark: str


_Item = _Syllable | _Word | _Pause


def _han_to_syllables(run: str) -> list[_Item]:
    from pypinyin import Style, lazy_pinyin  # imported on first use: its dictionaries take a moment

    readings = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True)
    if len(readings) != len(run):  # pypinyin keeps characters it cannot read as one string
        readings = [lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0] for c in run]
    items: list[_Item] = []
    for han, reading in zip(run, readings, strict=True):
        reading = reading.replace("ü", "v")
        if _SYLLABLE.match(reading):
            items.append(_Syllable(reading, han))
    return items


def _yi_changes(run: list[_Syllable], index: int) -> bool:
    """一 keeps its first tone in numbers, ordinals, dates and A一A (看一看)."""
    before = run[index - 1].han if index else ""
    after = run[index + 1].han
    if before in _NUMERALS or before == "月" or after in _NUMERALS or after in "月号":
        return False
    return before != after


def _tone_sandhi(items: list[_Item]) -> None:
    """Tone changes across word boundaries, which pypinyin applies only inside a word.

    Third tone before third tone becomes second (我很好 wo2 hen2 hao3 in quick speech, the
    way a speaker running the phrase together says it); 不 before a fourth tone becomes
    second (不去 bu2 qu4); 一 becomes fourth, or second before a fourth tone (一本书 yi4 ben3,
    一样 yi2 yang4), except in numbers, ordinals and dates (十一本, 第一本, 一月).
    """
    run: list[_Syllable] = []
    for item in [*items, _Pause(",")]:
        if isinstance(item, _Syllable):
            run.append(item)
            continue
        tones = [s.tone for s in run]
        for index in range(len(run) - 1):
            third_tones = tones[index] == 3 and tones[index + 1] == 3
            bu_before_fourth = run[index].han == "不" and tones[index] == 4 and tones[index + 1] == 4
            if third_tones or bu_before_fourth:
                run[index].with_tone(2)
            elif run[index].han == "一" and tones[index] == 1 and _yi_changes(run, index):
                run[index].with_tone(2 if tones[index + 1] == 4 else 4)
        run = []


def _tokens(text: str) -> list[_Item]:
    items: list[_Item] = []
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "han":
            items.extend(_han_to_syllables(match.group()))
        elif match.lastgroup == "latin":
            items.append(_Word(match.group()))
        else:
            mark = _PAUSES.get(match.group())
            if mark is not None:
                items.append(_Pause(mark))
            # quotes, brackets for titles and other symbols separate words without a pause
    return items


def to_pinyin(text: str) -> str:
    """Numbered pinyin (TONE3, neutral tone 5) with ASCII pauses: 你好，世界。 -> "ni2 hao3, shi4 jie4."."""
    normal = unicodedata.normalize("NFKC", text).replace("...", "…")
    items = _tokens(spell_numbers(normal))
    _tone_sandhi(items)
    out: list[str] = []
    pending: str | None = None
    for item in items:
        if isinstance(item, _Pause):
            if out and (pending is None or _STRENGTH.index(item.mark) < _STRENGTH.index(pending)):
                pending = item.mark
            continue
        if pending is not None:
            out[-1] += pending
            pending = None
        out.append(item.pinyin if isinstance(item, _Syllable) else item.text)
    if pending is not None:
        out[-1] += pending
    return " ".join(out)
