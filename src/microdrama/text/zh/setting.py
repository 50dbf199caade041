"""Where and when a Chinese paragraph happens: places, time of day, time jumps.

Only narration is read: “到城里去！” is talk, not a change of scene. A place is
preferably the goal of a movement (走到街上, 回到家, 进了茶馆), else a place word
opening the paragraph (店里坐着许多人).
"""

from __future__ import annotations

import re
from bisect import bisect_right

import jieba.posseg

from microdrama.text.analysis import TimeOfDay
from microdrama.text.zh.lexicon import words

# Head characters of place nouns, split by whether a scene there is indoors.
_INTERIOR_HEADS = "屋房店馆厅堂室宫府楼庙祠舱铺牢狱灶局寓厦吧厂校寺殿阁栈"
_EXTERIOR_HEADS = "街路河山桥村镇城庄园场田坟亭巷江湖海岸港站门滩坡岭林野"
_HEADS = _INTERIOR_HEADS + _EXTERIOR_HEADS + "家院船"
_PLACE_WORDS = words(
    "茶馆 酒店 码头 医院 公司 学校 车站 机场 监狱 法院 警局 派出所 办公室 会议室 病房 别墅 公寓 小区 大厦 酒吧 "
    "咖啡厅 餐厅 客栈 祠堂 衙门 牢房 厨房 书房 卧室 客厅 院子 门口 村口 镇口 渡口 野外 荒野 树林 林子 后院 "
    "前院 天井 船舱 船头 城门 城里 乡下 田里 坟地 刑场 灶下 河边 岸边 江边 海边 沙地 山上 山下 屋子 房子 "
    "铺子 院子 庙里 土场 地牢 柴房 后门 前门 大门 巷口 街口 街角 桥头 渡船 马车 轿子 戏台 戏园 赌场 当铺 "
    "工地 仓库 天台 楼顶 地下室 停车场 电梯 走廊 阳台 屋里 家里 家中"
)
_NOT_PLACES = words(
    "大家 人家 国家 作家 专家 东家 亲家 冤家 管家 老人家 行家 买家 卖家 庄家 皇家 立场 下场 当场 收场 场合 场面 "
    "一场 现场 官场 结局 格局 布局 局势 骗局 赌局 局面 门生 专门 部门 出路 一路 思路 套路 来路 去路 后路 活路 "
    "死路 走路 心房 房东 山水 大门口 名堂 满堂 课堂 天堂 厅长 局长 馆长 店员 店主 院长 村民 镇长 城府 府上 "
    "娘家 婆家 回家 成家 搬家 分家 家人 家里人 全家 一家 两家 自家 家伙 家具 家产 家当 家业 家事 家乡 "
    "太阳 月亮 天下 世界 人间 东西 南北 门外 门内 进门 出门 关门 开门 一门 入门 上门 热门 柜台 舞台 后台 站住 车站长"
)
_DIRECTIONS = "里上中内外边前后下头旁"
# Moving somewhere changes the scene; being somewhere (坐在, 站在) usually names a
# spot inside the current one, so it counts only for larger places.
_MOVES = words(
    "到 进 回 走进 来到 回到 走到 进了 到了 赶到 跑到 进入 去 往 奔 入 抵达 冲进 闯进 赶往 踱进 蹩进 逃到 搬到 "
    "跑进 回去 来 走向 直奔 上了 登上 进去 进来 跑回 赶回 走回 踱到"
)
_POSTURES = words("在 住在 坐在 站在 躲在 蹲在 靠在 躺在 守在 等在 留在 停在")
_SUBPLACES = words(
    "门 门口 门外 门边 门槛 门前 窗 窗前 窗口 窗下 屋里 屋子 屋 房里 里屋 灶 灶下 灶间 灶台 床 床上 桌 桌前 "
    "桌边 柜台 墙 墙角 墙根 身边 身旁 一旁 角落 屋角 檐下"
)
_FUNCTION = frozenset("的了着过也便就都又却还才只但而是在给把被从向对和与跟同他她它我你这那一个些不没")
_NOT_NAME_TAGS = frozenset({"v", "a", "p", "c", "u", "r", "m", "q", "f", "vn", "ad", "y", "e", "o"})
_STOPS = frozenset('，。；：！？、“”「」"…—,.;:!? ')

_TIME_OF_DAY: list[tuple[str, TimeOfDay]] = [
    ("半夜|深夜|夜里|夜晚|晚上|今晚|昨晚|当晚|夜深|黑夜|入夜|三更|二更|一更|月光|月亮|后半夜|夜色|星光|夜", "night"),
    ("清晨|天亮|早上|早晨|黎明|拂晓|天明|一早|清早|大清早|晨光|破晓|朝阳|日出", "dawn"),
    ("傍晚|黄昏|日落|夕阳|落日|晚霞|天黑|暮色|晚饭", "dusk"),
    ("中午|白天|午后|下午|晌午|正午|上午|白日|日中|烈日|大太阳|午饭", "day"),
]
_TIME_WORD = re.compile("|".join(f"(?P<{kind}>{words})" for words, kind in _TIME_OF_DAY))
_TIME_SHIFT = re.compile(
    r"第[二三四五六七八九十两几]+(?:天|日|年|夜)|次日|翌日|隔天|隔日|过了(?:[一二两三四五六七八九十几数半许多好]+)?"
    r"(?:个)?(?:天|日|月|年|夜|星期|礼拜|时辰)|(?:[一二两三四五六七八九十几数半许多好]+)(?:个)?(?:天|日|年|月|星期)(?:以|之)?后"
    r"|那天晚上|当天晚上|当晚|那天夜里|那一夜|这一年|那一年|转眼|一转眼|不多几天|多年以后|多年后|许多年后|几年前|[一二两三四五六七八九十]+年前|"
    r"多年前|第二年|来年|次年"
)
# A time jump opens its paragraph; deeper in, 第二天 is usually talk about it.
_SHIFT_WINDOW = 24


_tags: dict[str, str] = jieba.posseg.dt.word_tag_tab


def is_place(token: str, tag: str | None) -> bool:
    if token in _NOT_PLACES or len(token) > 5:
        return False
    if token in _PLACE_WORDS or (tag == "ns" and len(token) >= 2):
        return True
    if token[-1] == "家" and len(token) >= 3:
        return False  # 小说家: a profession
    if len(token) >= 2 and token[-1] == "子" and token[-2] in _HEADS:
        return True
    if token[-1] not in _HEADS or tag not in (None, "n", "s", "ns", "nz", "f"):
        return False
    # 关上门, 临河: a verb phrase ending in a place noun, not a place.
    return len(token) == 1 or _tags.get(token[0]) != "v"


def normalise_place(place: str) -> str:
    """Drop a trailing direction (街上 -> 街, 屋子里 -> 屋子) but keep 门口, 村口."""
    if place in _PLACE_WORDS:
        return place
    while len(place) > 1 and place[-1] in _DIRECTIONS:
        place = place[:-1]
    return place


def find_place(tokens: list[str], offsets: list[int], tags: dict[str, str], spans: list[tuple[int, int]]) -> str | None:
    """The setting a paragraph names in its narration spans, or None."""

    starts = [begin for begin, _ in spans]

    def narrated(offset: int) -> bool:
        i = bisect_right(starts, offset) - 1
        return i >= 0 and offset < spans[i][1]

    goal: str | None = None
    opening: str | None = None
    position: str | None = None
    for i, token in enumerate(tokens):
        opens = i == 0 or tokens[i - 1] in _STOPS  # 店里坐着许多人 / 那天夜里，茶馆早早关了门
        if opening is None and opens and i < 8 and narrated(offsets[i]) and is_place(token, tags.get(token)):
            opening = None if normalise_place(token) in _SUBPLACES else _phrase(tokens, tags, i)
        moving = token in _MOVES
        if (moving or token in _POSTURES) and narrated(offsets[i]):
            place = _goal(tokens, tags, i + 1, skip_subplaces=not moving)
            if place and moving:
                goal = place
            elif place:
                position = position or place
    return goal or position or opening


def _goal(tokens: list[str], tags: dict[str, str], start: int, skip_subplaces: bool) -> str | None:
    """The head place of the phrase after a verb: 县城的衙门 -> 衙门; 停在客栈门口 -> 客栈 when spots are skipped."""
    found: str | None = None
    for j in range(start, min(start + 6, len(tokens))):
        if tokens[j] in _STOPS:
            break
        if is_place(tokens[j], tags.get(tokens[j])):
            place = _phrase(tokens, tags, j)
            if not (skip_subplaces and place in _SUBPLACES):
                found = place
    return found


def _phrase(tokens: list[str], tags: dict[str, str], head: int) -> str:
    """The place token with the single-character name before it (鲁/镇 -> 鲁镇, 咸/亨/酒店)."""
    start = head
    while start > 0 and head - start < 3 and _name_char(tokens[start - 1], tags):
        start -= 1
    return normalise_place("".join(tokens[start : head + 1]))


def _name_char(token: str, tags: dict[str, str]) -> bool:
    """A single character that may be part of a proper place name (not 坐 or 新 of 坐在新坟前)."""
    return (
        len(token) == 1
        and "\u4e00" <= token <= "\u9fff"
        and token not in _FUNCTION
        and token not in _MOVES
        and token not in _POSTURES
        and tags.get(token) not in _NOT_NAME_TAGS
    )


def interior(place: str) -> bool | None:
    """Indoors (True), outdoors (False) or unknown, from the place's head noun."""
    if place in ("门口", "村口", "镇口", "院子", "天井", "渡口", "巷口", "街口", "后院", "前院", "船头"):
        return False
    if place in ("衙门", "公馆", "书房", "厢房", "牢房"):
        return True
    core = place[:-1] if len(place) > 1 and place[-1] == "子" else place
    while len(core) > 1 and core[-1] in _DIRECTIONS:  # 河边, 海边, 城外
        core = core[:-1]
    head = core[-1] if core else ""
    if head == "家" or head in _INTERIOR_HEADS:
        return True
    if head in _EXTERIOR_HEADS or head == "船":
        return False
    return None


def time_of_day(text: str, spans: list[tuple[int, int]]) -> TimeOfDay | None:
    """The first time-of-day word in the narration."""
    for begin, end in spans:
        match = _TIME_WORD.search(text, begin, end)
        if match and match.lastgroup:
            kind: TimeOfDay = match.lastgroup  # type: ignore[assignment]
            return kind
    return None


def time_shift(text: str, spans: list[tuple[int, int]]) -> bool:
    """A time jump in the paragraph's opening narration (第二天, 三年后, 那天晚上)."""
    if not spans or spans[0][0] > 2:
        return False
    begin, end = spans[0]
    return _TIME_SHIFT.search(text, begin, min(end, begin + _SHIFT_WINDOW)) is not None
