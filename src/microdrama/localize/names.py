"""Proposed target forms for Chinese names, by each market's usual policy.

- Latin-script markets: Hanyu Pinyin as in passports, surname first and apart, the
  given name as one word (苏清妍 -> Su Qingyan), ü written "yu" (吕 -> Lyu); a familiar
  form is one word (阿秀 -> Axiu, 小满 -> Xiaoman).
- Korean: the Sino-Korean reading in Hangul (林晚 -> 임만), from the hanja dictionary.
- Japanese: the characters themselves (read in Japanese; a reviewer may add kana).
- Traditional Chinese: the same name in traditional characters (OpenCC).
Thai subtitles often write Chinese names in Thai script; the proposal is pinyin and the
reviewer decides (the glossary file is the place).
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import Style, lazy_pinyin

from microdrama.localize.languages import Language

_COMPOUND = "欧阳 司马 上官 诸葛 慕容 东方 南宫 令狐 皇甫 独孤 公孙 夏侯 尉迟 长孙 宇文 端木 轩辕 百里 司徒 西门 北堂"
COMPOUND_SURNAMES = frozenset(_COMPOUND.split())
# Surnames whose reading differs from the character's everyday one.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "覃": "qin", "翟": "zhai", "盖": "ge", "缪": "miao", "尉迟": "yuchi", "长孙": "zhangsun", "万俟": "moqi",
}  # fmt: skip
# 阿秀, 小满, 老陈: a familiar form, written as one word.
FAMILIAR_PREFIXES = frozenset("阿小老")
_HAN = re.compile(r"[\u3400-\u9fff]")


def is_chinese(text: str) -> bool:
    return bool(_HAN.search(text))


def _syllables(text: str) -> list[str]:
    return [syllable.replace("v", "yu") for syllable in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False)]


def pinyin_name(name: str, personal: bool = True) -> str:
    """A person's name in pinyin (surname apart), or a place's/term's syllables joined."""
    name = name.strip()
    if personal and len(name) == 2 and name[0] in FAMILIAR_PREFIXES:
        return "".join(_syllables(name)).capitalize()  # 阿秀 -> Axiu, 小满 -> Xiaoman: one name, not a surname
    if not personal or len(name) < 2:
        return " ".join(word.capitalize() for word in _syllables(name)) if personal else "".join(_syllables(name))
    surname_length = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    surname, given = name[:surname_length], name[surname_length:]
    surname_text = SURNAME_READINGS.get(surname) or "".join(_syllables(surname))
    return f"{surname_text.capitalize()} {''.join(_syllables(given)).capitalize()}".strip()


@cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str) -> str:
    converter = _converter("s2twp")  # Taiwan standard, with its usual phrases
    return str(converter.convert(text))  # type: ignore[attr-defined]


def korean_reading(text: str) -> str:
    import hanja

    return str(hanja.translate(text, "substitution"))


def propose_name(name: str, target: Language, personal: bool = True) -> str:
    """The proposed target form of a Chinese name (non-Chinese names are kept as written)."""
    if not is_chinese(name):
        return name
    if target.code == "zh-Hant":
        return traditional(name)
    if target.code == "zh-Hans" or target.code == "ja":
        return name
    if target.code == "ko":
        return korean_reading(name)
    return pinyin_name(name, personal)
