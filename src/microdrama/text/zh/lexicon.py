"""Word lists the Chinese name finder and speaker attribution rely on.

Hand-written for fiction: jieba's own person tags (``nr``) miss most nicknames
and tag single surnames as names, so names are found by position and shape
(see ``names.py``) and these lists supply the shapes and the exclusions.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string, for compactness."""
    return frozenset(text.split())


# Full-width letters and digits fold to ASCII (阿Ｑ -> 阿Q). A 1:1 code point map,
# so every offset into the folded text is an offset into the original.
FOLD = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
)

# Common single-character surnames, without those that are everyday function or
# content words (时, 和, 向, 高, 白, 明 ...): a surname here may be glued onto a
# known short name (华 + 老栓), so a false one would invent full names.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范夏韦付邹孟熊秦邱尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤温康施"
    "牛樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿焦俞柳祝阮纪梅凌裴霍涂苗翁冉骆蓝辛靳柴蒙鲍华喻祁蒲"
    "滕屈饶牟艾尤穆农卓缪芦褚娄窦戚岑党卜晏柏瞿桂佟臧闵苟邬卞姬仇栾隋刁荣巫寇桑甄仲虞敖巩佘邝"
)

# Prefixes of nicknames and familiar forms (阿Q, 老栓, 小栓).
NAME_PREFIXES = frozenset("阿老小")

# Title and kinship endings that make a string name-shaped (赵太爷, 华大妈, 杨二嫂).
TITLE_SUFFIXES = (
    "太爷",
    "老爷",
    "少爷",
    "爷",
    "奶奶",
    "太太",
    "夫人",
    "小姐",
    "姑娘",
    "先生",
    "大妈",
    "大娘",
    "大婶",
    "大嫂",
    "大叔",
    "大伯",
    "大爷",
    "嫂子",
    "嫂",
    "婶",
    "妈",
    "娘",
    "叔",
    "伯",
    "哥",
    "姐",
    "婆",
    "公",
    "老太",
    "儿",
)

# Nouns for people that become characters when they speak or act as subjects
# (孔乙己's 掌柜, 故乡's 母亲); jieba tags them plain ``n``.
ROLE_NOUNS = words(
    "掌柜 母亲 父亲 老头子 伙计 和尚 尼姑 小尼姑 地保 秀才 举人 老爷 太太 少爷 小姐 先生 姑娘 老太太 奶奶 "
    "爷爷 哥哥 姐姐 弟弟 妹妹 丈夫 妻子 老板 老板娘 师父 师傅 大夫 医生 警察 队长 老者 店主 店家 小二 管家 "
    "丫鬟 侍卫 皇上 皇帝 公主 王爷 将军 大人 婆婆 公公 娘子 相公 夫人 外婆 外公 祖父 祖母 爸爸 妈妈 爹 娘 "
    "老头 老太婆 司机 秘书 经理 总裁 董事长 律师 村长 镇长 县长 主任 校长 老师 船夫 船家 渔夫 道士 郎中 "
    "掌柜的 老板娘 账房 保长 里长 捕头 知县 县令 太爷 女主人 主人"
)

# Strings that look like names by position but never are characters.
STOP_NAMES = words(
    "我们 你们 他们 她们 它们 咱们 大家 众人 人们 别人 自己 有人 那人 这人 那个 这个 谁 什么 人家 孩子 孩子们 "
    "女人 男人 老人 小孩 客人 主顾 看客 闲人 一面 一边 一个 两个 几个 许多 所有 这些 那些 这样 那样 这里 那里 "
    "这时 那时 此时 现在 后来 然而 因为 所以 如果 虽然 但是 可是 不过 只是 还是 就是 也是 都是 真是 不是 没有 "
    "知道 觉得 看见 听得 似乎 仿佛 大约 或者 而且 并且 于是 忽然 突然 已经 正在 还有 时候 其实 老实 小心 "
    "老远 小子 老子 阿呀 阿哟 哎呀 阿阿 啊呀 老爷子 小东西 老东西 老头子们 大人们 小伙子 小姐们 少年 青年 "
    "老家 小时 小时候 老大 老二 老三 小的 老的 小声 老是 小人 大家伙 娘娘 爷们 姐妹 兄弟 弟兄 夫妻 父子 母子 "
    "老女人 老头 老太婆 老人家 小孩子 小伙子 小姑娘 老婆子 老家伙 小家伙 老汉 老妇人 老者 小鬼 小丫头 老爷们 "
    "阿弥陀佛 老天 老天爷 天哪 妈呀 妈的 娘的 老板们 长衫 短衣 哥儿 姐儿 孩儿 女儿 儿子 老婆 媳妇"
)

# Characters that cannot start a name (function words, pronouns, numerals as
# words); 阿/老/小 are name prefixes and stay allowed.
NON_INITIAL = frozenset(
    "的了着过也便就都又却还才只但而且所因如若则这那不没有是在给把被从向对和与跟同他她它我你您咱谁啥怎什么哪"
    "每各某些其此该很太更最再已曾将要会能可得地之以于为并或及即乃竟仍亦虽总倘否凡各呢吗么吧啊呀哦唉嗯哈嘿哼"
    "一二两几上下中里外前后左右东西南北今昨明刚正当当等让叫请令使向往朝沿随替比像似到去来回出进起开"
)

# Characters that cannot end a name (particles, locatives, verbs' complements).
NON_FINAL = frozenset(
    "的了着过也便就都又却还才只但而是在给把被从向对和与跟同说道问答叫看听想里上中内边旁面个们么呢吗吧啊呀一罢哩咧啦哪呵哇嘛物"
)

# Leading adverbs/conjunctions stripped before reading a clause's subject.
LEADING = (
    "于是",
    "但是",
    "可是",
    "然而",
    "只见",
    "这时",
    "这时候",
    "那时",
    "接着",
    "随即",
    "然后",
    "后来",
    "原来",
    "忽然",
    "突然",
    "当下",
    "此时",
    "不料",
    "谁知",
    "果然",
    "因此",
    "所以",
    "便是",
    "正是",
    "只有",
    "而且",
    "却",
    "但",
    "便",
    "又",
    "也",
    "就",
    "而",
    "只",
    "倒",
    "才",
    "还",
    "幸而",
    "幸亏",
    "好在",
    "偏偏",
    "恰好",
    "正好",
    "刚好",
    "终于",
    "只好",
    "不禁",
    "顿时",
    "立刻",
    "马上",
    "随后",
    "渐渐",
    "连忙",
    "赶紧",
    "急忙",
    "竟然",
    "居然",
    "当时",
    "此刻",
    "不过",
    "只是",
    "其实",
    "本来",
    "依然",
    "仍然",
    "仍旧",
    "也许",
    "大约",
    "似乎",
    "仿佛",
    "好像",
    "同时",
    "一面",
    "一边",
    "那",
    "这",
)

# Words that mark the next name as an object, not the speaker (对老栓嚷道).
OBJECT_MARKERS = frozenset("对向朝跟同和与给叫问答嚷喊谢求望看把被让替为见候拉推打骂劝拍瞥扶抱追找请告")

# Kinship words of a relational designation: 小栓的爹, 宝儿的娘.
KIN = (
    "父亲",
    "母亲",
    "爹",
    "娘",
    "妈",
    "爸",
    "哥哥",
    "姐姐",
    "哥",
    "姐",
    "嫂子",
    "嫂",
    "婶",
    "叔",
    "伯",
    "媳妇",
    "老婆",
    "男人",
    "女人",
    "丈夫",
    "妻子",
    "儿子",
    "女儿",
    "爷爷",
    "奶奶",
)

FEMALE_MARKERS = (
    "嫂子",
    "婶子",
    "娘子",
    "婆子",
    "姑娘",
    "寡妇",
    "西施",
    "老太",
    "娘",
    "妈",
    "嫂",
    "婆",
    "姑",
    "女",
    "夫人",
    "太太",
    "小姐",
    "奶奶",
    "姐",
    "妹",
    "婶",
    "妻",
    "媳妇",
    "老婆",
    "尼姑",
    "母亲",
    "姨",
    "妃",
    "后",
)
MALE_MARKERS = (
    "爷",
    "爹",
    "叔",
    "伯",
    "哥",
    "先生",
    "老爷",
    "少爷",
    "父亲",
    "丈夫",
    "男人",
    "公子",
    "和尚",
    "弟",
    "兄",
    "爸",
    "秀才",
    "举人",
    "王爷",
    "皇帝",
    "相公",
    "老头",
)
ELDER_MARKERS = ("太爷", "婆婆", "老太", "老头", "奶奶", "爷爷", "老爷", "老者", "老太太", "大爷")
YOUNG_MARKERS = ("少爷", "小姐", "姑娘", "公子", "少年")
