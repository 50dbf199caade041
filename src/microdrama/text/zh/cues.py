"""Tension cues and emotions of Chinese utterances, from word lexicons.

Matching is by jieba token, not substring, so 打 in 打开 or 死 in 死劲 does not
count as violence; the few cue phrases jieba splits (没想到, 不然的话) are
matched as text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from typing import cast

from microdrama.text.analysis import Emotion

_CUE_WORDS: dict[str, str] = {
    "conflict": (
        "打 骂 吵 争 抢 斗 揍 踢 推搡 推倒 揪住 撕 殴 拳 砸 砸翻 砸烂 抡 耳光 巴掌 打架 吵架 争吵 争执 冲突 对峙 "
        "翻脸 反抗 逼 逼问 质问 "
        "厮打 动手 挑衅 仇人 背叛 出卖 陷害 算账 滚 混账 混蛋 放屁 王八蛋 畜生 训斥 指责 吵闹 打骂 扭打 决裂 "
        "对质 闹事 揭发 告官 撕破 报复 打死 打人"
    ),
    "threat": (
        "杀 死 血 刀 枪 威胁 小心 不然 否则 要命 性命 毒 砍 斩 杀头 报仇 找死 警告 别怪 后果 灭口 绑 劫 害 杀人 "
        "死刑 杀掉 弄死 处死 凶手 危险 尸 尸体 鲜血 血迹 刀子 匕首 枪口 谋杀 毒药 下毒 绑架 勒索 敲诈 斩首 坐牢 "
        "抄斩 死路 不客气 后悔 饶 送命 丧命 人头 烧死 淹死 杀害 追杀 报应"
    ),
    "reveal": (
        "原来 真相 秘密 其实 竟是 发现 坦白 承认 隐瞒 瞒 揭穿 揭露 暴露 身份 实话 证据 底细 内情 密信 账本 亲生 "
        "告密 真面目 冒充 假冒 伪造 私吞 骗局"
    ),
    "reversal": "却 然而 不料 谁知 没想到 反而 偏偏 竟然 居然 岂料 哪知 谁料 想不到 竟 反倒 不想 孰料 殊不知",
}
_CUE_PHRASES: dict[str, str] = {
    "threat": "不然的话 你敢 给你好看 走着瞧 别怪我 要你的命 满门抄斩 饶不了",
    "reveal": "竟然是 根本不是 才知道 真的是 说实话",
    "reversal": "没想到 万万没想到 出乎意料 谁知道 哪里知道",
}
_EMOTION_WORDS: dict[str, str] = {
    "angry": (
        "怒 大怒 愤怒 恼怒 发怒 怒道 气愤 生气 恼 骂 骂道 吼 吼道 喝道 咆哮 瞪 狠狠 咬牙 咬牙切齿 混账 混蛋 "
        "该死 放屁 滚 嚷 嚷道 恶狠狠 凶狠 怒吼 发火 恨 恨恨 愤愤 暴怒 恼火 铁青 拍案 拍桌子 横眉 气破"
    ),
    "sad": (
        "哭 哭道 泪 眼泪 流泪 落泪 泪水 叹 叹气 叹息 叹道 伤心 悲 悲哀 悲凉 悲伤 可怜 难过 哽咽 呜咽 凄凉 痛苦 "
        "心酸 哀 哀求 惨 凄惨 绝望 失望 无精打采 寂寞 悲痛 哭泣 哭声 抽泣 啜泣 冤枉 流下"
    ),
    "afraid": (
        "怕 害怕 抖 发抖 抖抖 慌 慌忙 惊慌 恐惧 吓 惊恐 战战兢兢 哆嗦 颤 颤抖 胆怯 不敢 心虚 惶恐 悚然 "
        "毛骨悚然 提心吊胆 慌张 畏缩 惊惧 踌躇 发冷 打了个寒噤 寒噤"
    ),
    "happy": (
        "笑 笑道 笑嘻嘻 笑着 高兴 喜 欢喜 快活 得意 开心 欢 乐 哈哈 大笑 微笑 笑容 满意 兴奋 欣喜 喜欢 愉快 "
        "幸福 爽快 欢天喜地 眉开眼笑 感激"
    ),
    "surprised": (
        "惊 吃惊 一惊 诧异 竟 竟然 居然 忽然 突然 愣 愣住 怔 发怔 呆 呆住 大吃一惊 惊讶 震惊 愕然 出惊 意外 "
        "难道 惊道 怔住 目瞪口呆"
    ),
    "disgusted": "呸 恶心 厌恶 鄙夷 嫌 讨厌 不屑 嗤 唾 嫌弃 鄙视 轻蔑 瞧不起 下贱 贱 冷笑 贱骨头 看不上",
}
_EMOTION_PHRASES: dict[str, str] = {
    "surprised": "吃了一惊 大吃一惊 怎么会",
    "disgusted": "看他不上 瞧不起",
    "angry": "气破肚皮",
}
# When two emotions tie, the one that drives drama wins.
_PRIORITY = ("angry", "afraid", "sad", "surprised", "disgusted", "happy")


def _table(*sources: dict[str, str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for source in sources:
        for label, words in source.items():
            for word in words.split():
                table.setdefault(word, []).append(label)
    return {word: tuple(dict.fromkeys(labels)) for word, labels in table.items()}


TOKEN_LABELS = _table(_CUE_WORDS, _EMOTION_WORDS)
_PHRASE_LABELS = _table(_CUE_PHRASES, _EMOTION_PHRASES)
_PHRASE = re.compile("|".join(sorted(map(re.escape, _PHRASE_LABELS), key=len, reverse=True)))
_QUESTION_END = re.compile(r"(?<![什怎这那多要])(?:吗|么|呢|吧)[。…！!—]*$")
_EMOTIONS = frozenset(_EMOTION_WORDS)
_CUE_LABELS = frozenset(_CUE_WORDS)


def label_hits(text: str, tokens: list[str]) -> list[tuple[int, str]]:
    """(offset, label) for every cue or emotion word of a paragraph, in text order."""
    hits: list[tuple[int, str]] = []
    offset = 0
    for token in tokens:
        labels = TOKEN_LABELS.get(token)
        if labels:
            hits.extend((offset, label) for label in labels)
        offset += len(token)
    for match in _PHRASE.finditer(text):
        hits.extend((match.start(), label) for label in _PHRASE_LABELS[match.group()])
    hits.sort()
    return hits


def in_span(hits: list[tuple[int, str]], begin: int, end: int) -> list[str]:
    """Labels of the (offset-sorted) hits inside ``[begin, end)``."""
    low = bisect_left(hits, (begin, ""))
    high = bisect_left(hits, (end, ""))
    return [label for _, label in hits[low:high]]


def cues_of(text: str, labels: list[str], tag_labels: list[str]) -> frozenset[str]:
    """Cue categories of one utterance; a tag (骂道, 打了一掌) adds conflict only."""
    found = {label for label in labels if label in _CUE_LABELS}
    if "conflict" in tag_labels:
        found.add("conflict")
    stripped = text.rstrip()
    if "？" in stripped or "?" in stripped or _QUESTION_END.search(stripped):
        found.add("question")
    return frozenset(found)


def emotion_of(labels: list[str], tag_labels: list[str]) -> Emotion:
    """The strongest emotion: the tag's delivery (冷笑着说, 哭道) counts double."""
    counts: Counter[str] = Counter(label for label in labels if label in _EMOTIONS)
    for label in tag_labels:
        if label in _EMOTIONS:
            counts[label] += 2
    if not counts:
        return "neutral"
    best = max(counts.values())
    winner = next(label for label in _PRIORITY if counts.get(label) == best)
    return cast(Emotion, winner)


def punctuation(text: str) -> tuple[int, int]:
    """(exclamations, questions) of an utterance."""
    return text.count("！") + text.count("!"), text.count("？") + text.count("?")
