"""Which language a source is written in, from the share of CJK ideographs."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SAMPLE = 100_000
# A Chinese text quoting English words stays far above this; an English novel naming
# a few Chinese places stays far below.
_ZH_SHARE = 0.2


def detect_language(text: str) -> str:
    """``"zh"`` when CJK ideographs make up a fair share of the letters, else ``"en"``."""
    if len(text) > 3 * _SAMPLE:
        middle = len(text) // 2
        text = text[:_SAMPLE] + text[middle : middle + _SAMPLE] + text[-_SAMPLE:]
    cjk = _CJK.subn("", text)[1]
    latin = _LATIN.subn("", text)[1]
    if cjk == 0:
        return "en"
    return "zh" if cjk / (cjk + latin) >= _ZH_SHARE else "en"
