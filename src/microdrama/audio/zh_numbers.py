"""Arabic numerals in Chinese text, written out as they are read aloud.

pypinyin leaves digits alone and espeak-ng would then read "123" digit by digit, so
numbers become characters first (123 -> 一百二十三, 2024年 -> 二零二四年, 50% -> 百分之五十)
and get their tones, and the 一/不 tone changes, from the same pinyin pass as the text.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
# Measure words after which 2 is read 两 (两个人, not 二个人).
_CLASSIFIERS = set("个位只本次件张条把名岁点种块辆台天周年岁层首句双对位间份封座门头匹支")

_GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])")
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_PERCENT = re.compile(r"(-?)(\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")

_LONGEST_CARDINAL = 10  # longer digit strings (phone numbers, ids) are read digit by digit


def digits(text: str) -> str:
    """Digit by digit, as years and phone numbers are read: 2024 -> 二零二四."""
    return "".join(_DIGITS[int(d)] for d in text)


def _below_10000(value: int) -> str:
    out: list[str] = []
    zero = False
    for power in range(3, -1, -1):
        digit = value // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[power])
    return "".join(out)


def cardinal(value: int) -> str:
    """An integer as a Chinese cardinal: 10 -> 十, 105 -> 一百零五, 20030 -> 两万零三十."""
    if value == 0:
        return "零"
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    out: list[str] = []
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out.append("零")
        out.append(_below_10000(group) + _BIG_UNITS[index])
        need_zero = False
    text = "".join(out)
    if text.startswith("一十"):
        text = text[1:]  # 十五, not 一十五
    elif text[:2] in ("二千", "二万", "二亿"):
        text = "两" + text[1:]  # 两千, 两万: how a leading 2 is said before a large unit
    return text


def _integer(text: str, following: str) -> str:
    if len(text) > _LONGEST_CARDINAL or (len(text) > 1 and text.startswith("0")):
        return digits(text)
    if len(text) == 4 and following.startswith("年"):
        return digits(text)
    value = int(text)
    if value == 2 and following[:1] in _CLASSIFIERS:
        return "两"
    return cardinal(value)


def _decimal(whole: str, fraction: str | None, following: str) -> str:
    spoken = _integer(whole, "" if fraction else following)
    if fraction:
        spoken += "点" + digits(fraction)
    return spoken


def spell_numbers(text: str) -> str:
    """Every run of digits in `text` replaced by its Chinese reading."""
    text = _GROUPED.sub(lambda m: m.group(0).replace(",", ""), text)

    def time(match: re.Match[str]) -> str:
        hours, minutes = match.group(1), match.group(2)
        spoken = cardinal(int(hours)) + "点"
        if minutes != "00":
            spoken += ("零" if minutes.startswith("0") else "") + cardinal(int(minutes)) + "分"
        return spoken

    text = _TIME.sub(time, text)

    def percent(match: re.Match[str]) -> str:
        whole, _, fraction = match.group(2).partition(".")
        sign = "负" if match.group(1) else ""
        return sign + "百分之" + _decimal(whole, fraction or None, "")

    text = _PERCENT.sub(percent, text)

    def number(match: re.Match[str]) -> str:
        following = text[match.end() : match.end() + 1]
        before = text[match.start() - 1] if match.start() else ""
        sign = ""
        if match.group(1):  # a hyphen: a range (3-5), a joiner (B-2) or a minus sign
            sign = "到" if before.isdigit() else "" if before.isascii() and before.isalpha() else "负"
        return sign + _decimal(match.group(2), match.group(3), following)

    return _NUMBER.sub(number, text)
