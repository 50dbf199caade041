"""The words an export prints, per series language.

Both script formats print the same model fields (time of day, interior or
exterior, emotion, framing), so the vocabulary lives here once and a format
only decides the layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from microdrama.model.common import (
    AgeGroup,
    CameraMove,
    Emotion,
    Framing,
    Gender,
    Language,
    Role,
    Setting,
    TimeOfDay,
)


@dataclass(frozen=True)
class Words:
    times: dict[TimeOfDay, str]
    settings: dict[Setting, str]
    emotions: dict[Emotion, str]
    framings: dict[Framing, str]
    cameras: dict[CameraMove, str]
    roles: dict[Role, str]
    genders: dict[Gender, str]
    ages: dict[AgeGroup, str]
    narrator: str
    inner: str  # Fountain parenthetical of an inner voice (its cue says V.O.)
    os: str  # 中文剧本 tag of an inner voice: 人物（OS）
    narrating: str  # 中文剧本 tag of a character's voice-over
    off_screen: str
    episode: str  # format string with {number} and {title}
    credit: str  # format string with {count}
    seconds: str  # format string with {seconds}
    hook: str
    cliffhanger: str
    paywall: str
    summary: str
    cold_open: str
    shot: str
    cast: str  # heading of the character list
    present: str  # "who is in this scene" label
    logline: str
    genres: str
    tropes: str
    adapted: str
    aliases: str
    open: str  # brackets and separators differ: 【钩子】 vs [HOOK]
    close: str
    paren_open: str
    paren_close: str
    comma: str
    list_sep: str
    colon: str


ZH = Words(
    times={"day": "日", "night": "夜", "dawn": "晨", "dusk": "昏"},
    settings={"INT": "内", "EXT": "外", "INT/EXT": "内外"},
    emotions={
        "neutral": "平静",
        "happy": "喜",
        "sad": "悲",
        "angry": "怒",
        "afraid": "惧",
        "surprised": "惊",
        "disgusted": "厌",
    },
    framings={
        "wide": "全景",
        "medium": "中景",
        "close_up": "特写",
        "extreme_close_up": "大特写",
        "two_shot": "双人镜头",
        "over_the_shoulder": "过肩",
        "insert": "插入镜头",
    },
    cameras={
        "static": "固定",
        "push_in": "推",
        "pull_out": "拉",
        "pan_left": "左摇",
        "pan_right": "右摇",
        "tilt_up": "上摇",
        "tilt_down": "下摇",
    },
    roles={"protagonist": "主角", "antagonist": "反派", "supporting": "配角", "minor": "群演"},
    genders={"male": "男", "female": "女", "unknown": ""},
    ages={"child": "少年", "young": "青年", "adult": "中年", "elder": "老年", "unknown": ""},
    narrator="旁白",
    inner="内心",
    os="OS",
    narrating="旁白",
    off_screen="画外",
    episode="第{number}集 {title}",
    credit="竖屏微短剧 · 共{count}集",
    seconds="{seconds}秒",
    hook="钩子",
    cliffhanger="卡点",
    paywall="付费卡点",
    summary="梗概",
    cold_open="闪前",
    shot="镜头",
    cast="人物表",
    present="人物",
    logline="一句话",
    genres="类型",
    tropes="元素",
    adapted="改编自",
    aliases="又名",
    open="【",
    close="】",
    paren_open="（",
    paren_close="）",
    comma="，",
    list_sep="、",
    colon="：",
)

EN = Words(
    times={"day": "DAY", "night": "NIGHT", "dawn": "DAWN", "dusk": "DUSK"},
    settings={"INT": "INT.", "EXT": "EXT.", "INT/EXT": "INT./EXT."},
    emotions={
        "neutral": "neutral",
        "happy": "happy",
        "sad": "sad",
        "angry": "angry",
        "afraid": "afraid",
        "surprised": "surprised",
        "disgusted": "disgusted",
    },
    framings={
        "wide": "WIDE",
        "medium": "MEDIUM",
        "close_up": "CLOSE-UP",
        "extreme_close_up": "EXTREME CLOSE-UP",
        "two_shot": "TWO SHOT",
        "over_the_shoulder": "OVER THE SHOULDER",
        "insert": "INSERT",
    },
    cameras={
        "static": "STATIC",
        "push_in": "PUSH IN",
        "pull_out": "PULL OUT",
        "pan_left": "PAN LEFT",
        "pan_right": "PAN RIGHT",
        "tilt_up": "TILT UP",
        "tilt_down": "TILT DOWN",
    },
    roles={
        "protagonist": "protagonist",
        "antagonist": "antagonist",
        "supporting": "supporting",
        "minor": "minor",
    },
    genders={"male": "male", "female": "female", "unknown": ""},
    ages={"child": "child", "young": "young", "adult": "adult", "elder": "elder", "unknown": ""},
    narrator="Narrator",
    inner="inner",
    os="V.O., inner",
    narrating="V.O.",
    off_screen="O.S.",
    episode="Episode {number}: {title}",
    credit="A vertical micro-drama in {count} episodes",
    seconds="{seconds}s",
    hook="HOOK",
    cliffhanger="CLIFFHANGER",
    paywall="PAYWALL",
    summary="SUMMARY",
    cold_open="COLD OPEN",
    shot="SHOT",
    cast="Characters",
    present="Characters",
    logline="LOGLINE",
    genres="GENRES",
    tropes="TROPES",
    adapted="ADAPTED FROM",
    aliases="aka ",
    open="[",
    close="] ",
    paren_open=" (",
    paren_close=")",
    comma=", ",
    list_sep=", ",
    colon=": ",
)


def words(language: Language) -> Words:
    return ZH if language == "zh" else EN


def seconds(value: float, vocabulary: Words) -> str:
    # :g drops a trailing ".0" so notes read "4s", not "4.0s".
    return vocabulary.seconds.format(seconds=f"{value:g}")
