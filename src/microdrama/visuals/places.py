"""What kind of place a location is, and its palette: read from the name, seeded by the id.

Keyword lists cover Chinese and English place names; the kind picks the background
(a room, a street, water ...) and the palette variant keeps two inns from looking alike.
"""

from __future__ import annotations

import re
from typing import Literal

from microdrama.model import Location, LocationLook
from microdrama.model.media import LocationKind
from microdrama.visuals.palette import rng


def _words(*groups: str) -> tuple[str, ...]:
    return tuple(word for group in groups for word in group.split())


# Keywords per kind. In Chinese and English place names the head noun usually comes last
# (渡口茶馆 is a teahouse, "the harbour office" an office), so the match ending last wins.
KIND_WORDS: dict[LocationKind, tuple[str, ...]] = {
    "shop": _words(
        "客栈 店 馆 茶馆 铺 酒楼 饭庄 酒肆 当铺 药铺 面馆",
        "café shop store inn tavern cafe restaurant bar pub market bakery teahouse",
    ),
    "room": _words(
        "屋 房 家 室 卧室 厨房 宅 阁 病房 医院 诊所 宿舍 公寓",
        "room bedroom kitchen parlour parlor house home flat apartment cottage cabin",
        "hospital ward clinic study attic cellar hut",
    ),
    "street": _words(
        "街 路 镇 村口 巷 胡同 村 城门 广场 集市 车站 门口 桥",
        "street road lane alley town village square gate station bridge avenue city",
    ),
    "water": _words(
        "河 海 湖 船 江 渡 渡口 码头 港 岸 溪",
        "river sea lake boat ship harbour harbor quay dock pier shore beach ferry wharf port",
    ),
    "nature": _words(
        "山 林 田 野 园 院子 庭院 花园 坟 树 崖",
        "forest wood woods field hill mountain garden park meadow farm grave cliff yard",
    ),
    "temple": _words(
        "庙 祠 寺 观 庵 祠堂 教堂",
        "temple shrine church chapel monastery",
    ),
    "hall": _words(
        "厅 堂 大堂 殿 府 宫 法院 礼堂 宴会",
        "hall palace court mansion ballroom lobby manor",
    ),
    "office": _words(
        "公司 办公 办公室 写字楼 会议室 警局 银行 学校 教室",
        "office company bank school classroom police studio lab laboratory headquarters",
    ),
    "vehicle": _words(
        "车 轿 马车 轿子 车厢 出租车",
        "car taxi carriage train bus truck",
    ),
}

INDOOR_KINDS = frozenset({"room", "shop", "office", "hall", "vehicle", "temple", "generic"})

# (back: wall or far scenery, ground, accent) variants per kind.
PALETTES: dict[LocationKind, tuple[tuple[str, str, str], ...]] = {
    "room": (("#e8d9c0", "#8a6a4c", "#b5523b"), ("#d8e0d4", "#7c6650", "#4f7a8c"), ("#efe2d2", "#9b7b5a", "#6d8f5e")),
    "shop": (("#d9b98c", "#6e4e36", "#c23b2e"), ("#e2c9a0", "#7a5638", "#b8402c"), ("#cdb08a", "#5f4532", "#d0862e")),
    "street": (("#8d8aa0", "#a29a8e", "#c8a060"), ("#9a8f86", "#8c8478", "#b84a3a"), ("#7f8a96", "#9c968c", "#d4b06a")),
    "water": (("#6f8fa0", "#3f7390", "#8a5a3a"), ("#7d9aa6", "#356b86", "#a0683e"), ("#6a8c8a", "#3b6e7a", "#7a4e34")),
    "nature": (("#6f9a6a", "#7fa35a", "#4e7a46"), ("#7a9c78", "#8aa862", "#c9a04a"), ("#6a8f80", "#90a86a", "#3f6a4a")),
    "temple": (("#b8463a", "#8c7a66", "#e0b050"), ("#a84032", "#7e6e5e", "#d8a848"), ("#9a3a34", "#86786a", "#e8c060")),
    "hall": (("#e6d6b8", "#8a3a30", "#b0302a"), ("#d8cbb0", "#6e4634", "#c8a040"), ("#ece2cc", "#7a3c34", "#a83228")),
    "office": (("#dfe4e8", "#8e949c", "#3f6fa0"), ("#e4e2dc", "#7f8790", "#2f7f7a"), ("#d6dde4", "#6f7884", "#5a5fa8")),
    "vehicle": (
        ("#3c3f48", "#2a2c32", "#c0a060"),
        ("#4a3c36", "#2e2622", "#b08a5a"),
        ("#2f3844", "#1f262e", "#8aa0b0"),
    ),
    "generic": (
        ("#cfc6b8", "#8c8274", "#a0503c"),
        ("#c4ccd0", "#7e868a", "#5a7a90"),
        ("#d8cfc0", "#968a78", "#8a6a4a"),
    ),
}


def location_kind(name: str) -> LocationKind:
    """The kind of place a name describes; the keyword ending latest wins, then the longest."""
    text = name.lower()
    for joiner in (" of ", " at ", " in ", " on ", " behind ", " near "):
        text = text.split(joiner)[0]  # "the kitchen of the inn" is a kitchen
    best: tuple[int, int, LocationKind] | None = None
    for kind, words in KIND_WORDS.items():
        for word in words:
            ascii_word = word.isascii()
            pattern = rf"\b{re.escape(word)}s?\b" if ascii_word else re.escape(word)
            for match in re.finditer(pattern, text):
                candidate = (match.end(), len(word), kind)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return best[2] if best else "generic"


def assign_location_look(location: Location) -> LocationLook:
    """A kind (from the name, then the description) and a palette variant seeded by the id."""
    kind = location_kind(location.name)
    if kind == "generic" and location.description:
        kind = location_kind(location.description)
    variants = PALETTES[kind]
    palette = variants[rng("location-look", location.id).randrange(len(variants))]
    return LocationLook(kind=kind, palette=list(palette))


def resolve_setting(setting: str, kind: str) -> Literal["INT", "EXT"]:
    """INT or EXT: a scene marked INT/EXT is drawn where that kind of place usually is."""
    if setting == "INT":
        return "INT"
    if setting == "EXT":
        return "EXT"
    return "INT" if kind in INDOOR_KINDS else "EXT"
