"""Chinese text to the numbered pinyin the cmn-latn-pinyin voice speaks."""

from __future__ import annotations

import pytest

from microdrama.audio import to_pinyin
from microdrama.audio.zh_numbers import cardinal, spell_numbers


def test_greeting_with_tone_sandhi_and_pauses() -> None:
    # 你好 is said ni2 hao3 (third tone before third tone); ，and 。become pauses espeak-ng knows.
    assert to_pinyin("你好，世界。") == "ni2 hao3, shi4 jie4."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("银行", "yin2 hang2"),
        ("行走", "xing2 zou3"),
        ("我在银行门口行走。", "wo3 zai4 yin2 hang2 men2 kou3 xing2 zou3."),
        ("重庆的重要", "chong2 qing4 de5 zhong4 yao4"),
        ("快乐的音乐", "kuai4 le4 de5 yin1 yue4"),
        ("长大了", "zhang3 da4 le5"),
    ],
)
def test_heteronyms_read_by_phrase(text: str, expected: str) -> None:
    assert to_pinyin(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我很好", "wo2 hen2 hao3"),  # third-tone chains across words
        ("我不去！", "wo3 bu2 qu4!"),  # 不 before a fourth tone
        ("一本书", "yi4 ben3 shu1"),  # 一 before a third tone
        ("一样", "yi2 yang4"),  # 一 before a fourth tone
        ("第一本", "di4 yi1 ben3"),  # ordinals keep yi1
        ("看一看", "kan4 yi1 kan4"),
        ("孩子们", "hai2 zi5 men5"),  # neutral tone is 5
        ("女儿和绿色", "nv3 er2 he2 lv4 se4"),  # ü as v, which espeak-ng reads as ü
    ],
)
def test_tones(text: str, expected: str) -> None:
    assert to_pinyin(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月5日", "er4 ling2 er4 si4 nian2 san1 yue4 wu3 ri4"),
        ("他花了120元", "ta1 hua1 le5 yi4 bai3 er4 shi2 yuan2"),
        ("3.5公里", "san1 dian2 wu3 gong1 li3"),
        ("打了50%的折扣", "da3 le5 bai3 fen1 zhi1 wu3 shi2 de5 zhe2 kou4"),
        ("他有2个孩子", "ta1 you2 liang3 ge4 hai2 zi5"),
        ("电话13800138000", "dian4 hua4 yi1 san1 ba1 ling2 ling2 yi1 san1 ba1 ling2 ling2 ling2"),
        ("１０点", "shi2 dian3"),  # full-width digits
    ],
)
def test_numbers_are_read_out(text: str, expected: str) -> None:
    assert to_pinyin(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (105, "一百零五"),
        (1010, "一千零一十"),
        (20030, "两万零三十"),
        (100010000, "一亿零一万"),
    ],
)
def test_cardinals(value: int, expected: str) -> None:
    assert cardinal(value) == expected


def test_number_forms() -> None:
    assert spell_numbers("10:05出发") == "十点零五分出发"
    assert spell_numbers("气温-5度，3-5天") == "气温负五度，三到五天"
    assert spell_numbers("1,000,000元") == "一百万元"


def test_latin_words_are_kept_for_espeak_to_read_as_english() -> None:
    assert to_pinyin("AI生成，Hello World!") == "AI sheng1 cheng2, Hello World!"


def test_punctuation_becomes_one_pause_and_quotes_vanish() -> None:
    assert to_pinyin("“我不去！”他说——可是……") == "wo3 bu2 qu4! ta1 shuo1, ke3 shi4..."
    assert to_pinyin("真的吗?!") == "zhen1 de5 ma5?"
    assert to_pinyin("《红楼梦》") == "hong2 lou2 meng4"


def test_nothing_to_say() -> None:
    assert to_pinyin("……") == ""
    assert to_pinyin("  ") == ""
