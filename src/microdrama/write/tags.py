"""Genre and trope tags from keyword evidence in the source.

A deliberately small, documented lexicon: a tag is given when its keywords occur
often enough per 10,000 spoken units (characters or words) of source. The
evaluation stage owns the full trope taxonomy; this only labels the adaptation.
"""

from __future__ import annotations

from microdrama.text.analysis import spoken_units

GENRES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "悬疑": ("秘密", "真相", "凶手", "线索", "失踪", "死因", "账本"),
        "家庭": ("爹", "娘", "儿子", "女儿", "母亲", "父亲", "孩子"),
        "爱情": ("喜欢", "嫁", "娶", "婚", "心上人", "情人"),
        "乡土": ("村", "镇", "土谷祠", "田", "庄稼", "乡下"),
        "都市": ("公司", "总裁", "手机", "电话", "酒店"),
    },
    "en": {
        "mystery": ("detective", "clue", "case", "crime", "police", "inspector", "secret", "murder"),
        "family": ("father", "mother", "son", "daughter", "brother", "sister"),
        "romance": ("love", "marry", "married", "kiss", "wedding", "bride"),
        "crime": ("thief", "robbery", "bank", "steal", "stolen", "gang"),
    },
}
TROPES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "复仇": ("报仇", "复仇", "血债", "讨回"),
        "背叛": ("背叛", "出卖", "陷害", "骗了"),
        "身世之谜": ("身世", "亲生", "生父", "生母"),
        "逆袭": ("翻身", "逆袭", "扬眉吐气"),
        "重生": ("重生", "前世", "上一世"),
        "豪门": ("豪门", "总裁", "千金", "继承", "家产"),
    },
    "en": {
        "revenge": ("revenge", "avenge", "vengeance"),
        "betrayal": ("betray", "betrayed", "traitor", "deceived"),
        "secret identity": ("disguise", "disguised", "identity", "pretended"),
        "heist": ("vault", "robbery", "tunnel", "gold"),
        "blackmail": ("blackmail", "compromise", "letters", "photograph"),
    },
}
MIN_HITS_PER_10K = 2.0
MAX_TAGS = 3


def tag_text(text: str, language: str, lexicon: dict[str, dict[str, tuple[str, ...]]]) -> list[str]:
    units = max(spoken_units(text, language), 1)
    lowered = text.lower()
    rates = {}
    for tag, words in lexicon.get(language, {}).items():
        hits = sum(lowered.count(word) for word in words)
        rates[tag] = hits * 10_000 / units
    ranked = sorted((tag for tag, rate in rates.items() if rate >= MIN_HITS_PER_10K), key=lambda t: -rates[t])
    return ranked[:MAX_TAGS]
