"""Near-duplicates, template variants, paraphrases and translations, on scripts written for these tests.

The texts are original two-episode micro-drama openings. Each "source" has variants:
a template fill (same beats, new names and places), a paraphrase (same story, new
wording), an English translation, and a near-copy (a few words changed). The catalog
also holds unrelated scripts of the same genre, which is the hard case: any two Chinese
micro-dramas look alike to a raw embedding cosine.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from microdrama.errors import ValidationError
from microdrama.evaluate.similarity import (
    CHUNK_BUDGET,
    INDEX_JSON,
    LSH_THRESHOLD,
    NAME_MARK,
    CatalogIndex,
    Fingerprint,
    Neighbour,
    chunk_weight,
    default_embedder,
    find_names,
    fingerprint,
    mask_names,
    nearest,
    normalise,
    sample_evenly,
    sample_text,
    shingles,
    split_chunks,
)
from microdrama.evaluate.tropes import combination_rarity

ZH_REBIRTH = (
    "第一集。雨夜，林晚从噩梦中惊醒，发现自己回到了十八岁那年。前世，她被继母王秀兰和妹妹林雪联手陷害，"
    "家产被夺，最后死在江城的一间出租屋里。\n"
    "林晚攥紧拳头：“这一世，我绝不会再任人宰割。”\n"
    "第二天是林家的订婚宴。未婚夫顾辰当众宣布退婚，要娶林雪。前世的她哭着求他，这一次她只是笑了笑，把一"
    "份转账记录甩在大屏幕上：林雪挪用了公司三百万。全场哗然。\n"
    "第二集。王秀兰在书房里逼林晚签下股权转让书。林晚早有准备，录音笔一直开着。她把录音交给父亲，父亲终"
    "于看清了枕边人的真面目。\n"
    "林雪不甘心，雇人在江边堵她。危急关头，一个穿黑色风衣的男人出手相救，他是江城首富陆景深。陆景深看着"
    "她说：“我找了你三年。”\n"
    "原来，三年前在江边救过他性命的女孩，正是林晚。"
)

ZH_TEMPLATE = (
    "第一集。雨夜，苏瑶从噩梦中惊醒，发现自己回到了十八岁那年。前世，她被继母赵美芳和妹妹苏婉联手陷害，"
    "家产被夺，最后死在海城的一间出租屋里。\n"
    "苏瑶攥紧拳头：“这一世，我绝不会再任人宰割。”\n"
    "第二天是苏家的订婚宴。未婚夫周明当众宣布退婚，要娶苏婉。前世的她哭着求他，这一次她只是笑了笑，把一"
    "份转账记录甩在大屏幕上：苏婉挪用了公司五百万。全场哗然。\n"
    "第二集。赵美芳在书房里逼苏瑶签下股权转让书。苏瑶早有准备，录音笔一直开着。她把录音交给父亲，父亲终"
    "于看清了枕边人的真面目。\n"
    "苏婉不甘心，雇人在海边堵她。危急关头，一个穿黑色风衣的男人出手相救，他是海城首富沈司寒。沈司寒看着"
    "她说：“我找了你三年。”\n"
    "原来，三年前在海边救过他性命的女孩，正是苏瑶。"
)

ZH_PARAPHRASE = (
    "第一集。那晚下着大雨，林晚猛地睁开眼，惊觉时间倒流，自己又是十八岁的少女。上辈子，继母王秀兰和妹妹"
    "林雪合谋害她，夺走了全部家产，她孤零零地死在江城一间破旧的租房里。\n"
    "她暗暗发誓：重来一次，再也不做任人欺负的傻子。\n"
    "隔日林家办订婚酒席，顾辰在众人面前说要解除婚约，改娶林雪。上一世林晚跪地哀求，如今她却神色平静，把"
    "林雪偷转公司三百万的证据投到了屏幕上，宾客们一片惊呼。\n"
    "第二集。王秀兰把林晚叫进书房，逼她在股份转让协议上签字。林晚暗中录了音，随后交给了父亲，父亲这才认"
    "清妻子的嘴脸。\n"
    "林雪咽不下这口气，找来混混在江堤拦截林晚。千钧一发之际，一位黑衣男子救下了她，竟是江城最有钱的陆景"
    "深。他低声道：“这三年，我一直在找你。”\n"
    "真相是，当年在江堤救了他一命的那个女孩，就是林晚。"
)

EN_TRANSLATION = (
    "Episode one. On a rainy night, Lin Wan jolts awake from a nightmare and finds she has gone back "
    "to the year she was eighteen. In her past life, her stepmother Wang Xiulan and her sister Lin Xue "
    "framed her together, stole the family fortune, and she died alone in a rented room in Jiangcheng.\n"
    'Lin Wan clenches her fists: "In this life, I will never let anyone trample on me again."\n'
    "The next day is the Lin family's engagement banquet. Her fiancé Gu Chen announces in front of "
    "everyone that he is breaking off the engagement to marry Lin Xue. In her past life she begged him "
    "in tears; this time she only smiles and throws a bank transfer record onto the big screen: Lin "
    "Xue embezzled three million from the company. The guests are in uproar.\n"
    "Episode two. In the study, Wang Xiulan forces Lin Wan to sign a share transfer agreement. Lin Wan "
    "came prepared; her voice recorder has been running the whole time. She gives the recording to her "
    "father, who finally sees his wife's true face.\n"
    "Lin Xue refuses to accept defeat and hires thugs to corner her by the river. At the critical "
    "moment, a man in a black trench coat rescues her: Lu Jingshen, the richest man in Jiangcheng. He "
    'looks at her and says, "I have been looking for you for three years."\n'
    "It turns out that the girl who saved his life by the river three years ago was Lin Wan."
)

ZH_WAR_GOD = (
    "第一集。三年前，叶凡入赘秦家，成了人人看不起的上门女婿。岳母每天让他洗衣做饭，连保姆都敢对他呼来喝"
    "去。\n"
    "秦家老太太八十大寿，亲戚们纷纷送上名贵礼物，叶凡只拿出一块旧玉佩，引来满堂嘲笑。大伯的儿子秦浩当众"
    "把玉佩摔在地上：“废物就是废物。”\n"
    "就在这时，门外停满了军车。一位白发将军快步走进大厅，对着叶凡单膝跪下：“北境十万将士，恭迎战神回归"
    "！”\n"
    "第二集。秦浩吓得脸色发白。原来叶凡五年前隐姓埋名，只为报答秦家小姐秦雨薇当年的救命之恩。如今敌国来"
    "犯，他必须重新披上战甲。\n"
    "秦雨薇看着眼前这个陌生又熟悉的丈夫，眼眶通红：“你到底还瞒了我多少事？”\n"
    "叶凡握住她的手：“等我回来，我会把欠你的婚礼补上。”"
)

ZH_PALACE = (
    "第一集。大周永安三年，沈知意奉旨入宫选秀，被封为常在，住进了偏僻的碎玉轩。\n"
    "皇后表面温和，暗中却在她的胭脂里下了麝香。贴身宫女翠儿发现异样，偷偷换掉了胭脂盒。\n"
    "中秋宫宴上，华妃故意让沈知意献舞，想看她出丑。沈知意一曲惊鸿舞技惊四座，皇上龙颜大悦，当晚便翻了她"
    "的牌子。\n"
    "第二集。华妃嫉妒成狂，诬陷沈知意与侍卫私通。慎刑司的嬷嬷连夜审问翠儿，翠儿咬紧牙关，一个字也不肯说"
    "。\n"
    "沈知意跪在养心殿外三个时辰，终于等到太医作证：那枚香囊是华妃宫中之物。皇上下旨，华妃禁足一月。\n"
    "夜深了，沈知意望着宫墙外的月亮，轻声说：“要在这深宫活下去，就不能再心软。”"
)

EN_CONTRACT = (
    "Episode one. Chloe Bennett has forty-eight hours to pay her mother's hospital bill when a "
    "stranger in a grey suit offers her a deal in the lobby of Harbor General. Ethan Cole, CEO of Cole "
    "Dynamics, needs a wife for one year to secure his grandfather's inheritance. No love, no "
    "questions, separate bedrooms.\n"
    'Chloe signs the contract on the hood of his black Maybach. "One year," she says. "Then I never '
    'see you again."\n'
    "At the family dinner in the Cole mansion, his stepmother Vivian pours red wine over Chloe's dress "
    "and calls her a gold digger. Ethan stands, takes off his jacket, and drapes it over Chloe's "
    'shoulders. "Apologize to my wife," he tells Vivian.\n'
    "Episode two. Ethan's ex-girlfriend Madison returns from Paris and announces at a charity gala "
    "that she is carrying his child. Reporters swarm the stage. Chloe walks up, takes the microphone, "
    "and plays a voice message: Madison paying a clinic to fake the test.\n"
    "Back home, Ethan finds Chloe crying over the contract. He tears it in half. \"I don't want a "
    'one-year wife," he says. "I want you."'
)

EN_TEMPLATE = (
    "Episode one. Grace Miller has forty-eight hours to pay her father's hospital bill when a stranger "
    "in a navy suit offers her a deal in the lobby of St. Mary's in Brookfield. Ryan Sterling, CEO of "
    "Sterling Capital, needs a wife for one year to secure his grandmother's inheritance. No love, no "
    "questions, separate bedrooms.\n"
    'Grace signs the contract on the hood of his white Rolls-Royce. "One year," she says. "Then I '
    'never see you again."\n'
    "At the family dinner in the Sterling estate, his aunt Margaret pours red wine over Grace's dress "
    "and calls her a gold digger. Ryan stands, takes off his jacket, and drapes it over Grace's "
    'shoulders. "Apologize to my wife," he tells Margaret.\n'
    "Episode two. Ryan's ex-girlfriend Brittany returns from Milan and announces at a charity gala "
    "that she is carrying his child. Reporters swarm the stage. Grace walks up, takes the microphone, "
    "and plays a voice message: Brittany paying a clinic to fake the test.\n"
    "Back home, Ryan finds Grace crying over the contract. He tears it in half. \"I don't want a "
    'one-year wife," he says. "I want you."'
)

EN_PARAPHRASE = (
    "Episode one. With only two days left to cover her mom's medical bills, Chloe Bennett is "
    "approached at Harbor General by a man she has never met. He is Ethan Cole, the head of Cole "
    "Dynamics, and he must be married for twelve months or lose what his grandfather left him. He "
    "promises no romance and no prying, and they would sleep in different rooms.\n"
    'She puts her signature on the agreement, leaning on his car. "Twelve months, and after that '
    "we're strangers,\" she tells him.\n"
    "During dinner at the Cole house, Vivian, his stepmother, dumps a glass of wine on Chloe and "
    "sneers that she only wants money. Ethan gets up, wraps his coat around Chloe, and demands that "
    "Vivian say sorry to his wife.\n"
    "Episode two. Madison, Ethan's former girlfriend, flies back from Paris and claims at a fundraiser "
    "that she is pregnant with his baby. Journalists crowd around. Chloe calmly steps forward and "
    "plays a recording proving Madison bribed a clinic to forge the result.\n"
    "That night Ethan sees Chloe in tears, holding the agreement. He rips it apart and tells her he "
    "doesn't want a temporary wife; he wants her."
)

EN_WAR_GOD = (
    "Episode one. For three years, Jack Turner has been the live-in son-in-law of the wealthy Hayes "
    "family, mocked by everyone from his mother-in-law to the maid. At Grandma Hayes's eightieth "
    "birthday party, the cousins bring diamond watches while Jack brings a plain wooden box. His "
    "cousin-in-law Kyle smashes it on the floor and laughs.\n"
    "Then the doors open. Twenty soldiers march in, and a silver-haired general drops to one knee "
    'before Jack. "Commander, the Northern Army awaits your return."\n'
    "Episode two. The Hayes family freezes. Jack's wife Emily stares at him as if seeing a stranger. "
    "Years ago, Jack hid his identity to repay the Hayes family for saving his life. Now an enemy "
    "threatens the border, and he must leave.\n"
    '"How much have you been hiding from me?" Emily whispers.\n'
    '"When I come back," Jack says, "I will give you the wedding you deserved."'
)

EN_DOCTOR = (
    "Episode one. Dr. Nora Quinn is fired from Westbrook Hospital after refusing to cover up a "
    "surgeon's fatal mistake. Broke and blacklisted, she takes a night job at a small clinic in "
    "Chinatown, where an old herbalist teaches her remedies the big hospitals have forgotten.\n"
    "One night a boy is carried in with a poison no lab can identify. Nora saves him with a formula "
    "from the herbalist's notebook. The boy's father turns out to be the governor.\n"
    "Episode two. Westbrook's board invites Nora back, desperate after the governor's praise. She "
    "refuses until they agree to reopen the investigation. The guilty surgeon threatens her in the "
    "parking lot; Nora hands the police a flash drive with the hospital's deleted records.\n"
    'At the press conference, Nora smiles at the cameras. "Medicine is about the patient," she says, '
    '"not the reputation of the people in white coats."'
)

ZH_BABY = (
    "第一集。五年前，许念被人下药，和一个陌生男人度过了一夜。第二天她被赶出许家，独自去了国外。\n"
    "五年后，许念带着一对龙凤胎回国。机场里，儿子小宝拉着她的衣角：“妈咪，那个叔叔和我长得好像！”\n"
    "不远处，傅氏集团总裁傅寒川正在接受采访。小宝偷偷黑进了傅氏的电脑，在大屏幕上打出一行字：“爹地，你"
    "欠我妈咪五年的抚养费。”\n"
    "第二集。傅寒川派人查遍全城，终于找到许念租住的小区。女儿甜甜打开门，奶声奶气地说：“叔叔，你是来求"
    "婚的吗？”"
)

ZH_SYSTEM = (
    "第一集。外卖小哥陈默在暴雨中送餐，被一辆豪车撞倒。醒来时，他脑中响起一个冰冷的声音：“叮！神豪系统"
    "绑定成功，宿主每花出一笔钱，返还十倍。”\n"
    "陈默半信半疑，走进最贵的商场，用仅剩的两百块买了一杯咖啡。下一秒，手机到账两千元。\n"
    "曾经甩了他的前女友挽着富二代走过，冷笑道：“穷鬼也配来这种地方？”\n"
    "第二集。系统发布新任务：一天之内花光一百万。陈默当场买下整层楼的店铺，店长点头哈腰地把钥匙递给他。"
    "前女友的脸一阵青一阵白。"
)

ZH_ERA = (
    "第一集。一九七五年，知青苏小麦下乡到红旗生产队。队长家的傻儿子看上了她，全村人都劝她嫁过去换工分。\n"
    "苏小麦偏不信命。她白天下地挣工分，晚上点着煤油灯复习功课，把攒下的粮票都换成了课本。\n"
    "生产队来了个新会计顾明远，话不多，却总在她的篮子里偷偷放两个鸡蛋。\n"
    "第二集。恢复高考的消息传到村里。队长媳妇撕了苏小麦的准考证，苏小麦连夜走了三十里山路去公社补办，天"
    "亮时终于赶上了去县城的拖拉机。"
)

EN_HEIRESS = (
    "Episode one. On her eighteenth birthday, farm girl Lily Carter learns from a DNA test that she "
    "was switched at birth. Her real parents are the Whitmores, the richest family in Boston. When she "
    "arrives at their mansion, the fake heiress Sophia, who grew up in her place, hugs her in front of "
    'the cameras and then whispers, "You will never belong here."\n'
    "Episode two. Sophia hides her own necklace in Lily's bag and screams that it was stolen. The "
    "Whitmores look at Lily with suspicion. Lily calmly asks the butler to play the security footage "
    "from the hallway, and the whole family watches Sophia slipping the necklace into the bag."
)

EN_SYSTEM = (
    "Episode one. Delivery driver Max Reed is hit by a sports car in the rain. When he wakes in the "
    'hospital, a cold voice sounds in his head: "Ding! The Tycoon System is now bound to the host. '
    'Every dollar you spend comes back tenfold."\n'
    "He tests it with his last twenty dollars on a coffee. A second later his phone buzzes with a "
    "two-hundred-dollar deposit. His ex-girlfriend walks past on a rich boy's arm and sneers that a "
    "loser like him does not belong in the mall.\n"
    "Episode two. The system issues a new quest: spend one million dollars in a day. Max buys the "
    "entire floor of shops, and the manager bows as he hands over the keys."
)

EN_FIELD_HOSPITAL = (
    "Episode one. In 1944, nurse Helen Brooks is sent to a field hospital near the French border. The "
    "surgeon in charge, Major Tom Harris, has not slept in three days and refuses to let a woman "
    "assist in the operating tent.\n"
    "During a night bombing raid the generator fails. Helen holds a flashlight steady for four hours "
    "while Harris operates on a wounded boy from Ohio.\n"
    "Episode two. Supplies run out. Helen drives a truck alone through the forest to the next village "
    "and trades her mother's ring for morphine. When she returns at dawn, Harris is waiting at the "
    "gate. He says nothing, but he gives her his coat."
)

# A copy with a few words changed and a sentence dropped: what MinHash is for.
ZH_NEAR_COPY = ZH_REBIRTH.replace("雨夜", "暴雨的夜里").replace("三百万", "三百五十万").replace("全场哗然。", "")
EN_NEAR_COPY = (
    EN_CONTRACT.replace("forty-eight hours", "two days")
    .replace("grey suit", "dark suit")
    .replace(" Reporters swarm the stage.", "")
)

CATALOG = {
    "zh-rebirth": ZH_REBIRTH,
    "zh-war-god": ZH_WAR_GOD,
    "zh-palace": ZH_PALACE,
    "zh-baby": ZH_BABY,
    "zh-system": ZH_SYSTEM,
    "zh-era": ZH_ERA,
    "en-contract": EN_CONTRACT,
    "en-war-god": EN_WAR_GOD,
    "en-doctor": EN_DOCTOR,
    "en-heiress": EN_HEIRESS,
    "en-system": EN_SYSTEM,
    "en-field-hospital": EN_FIELD_HOSPITAL,
}
QUERIES = {
    "zh-template": ZH_TEMPLATE,
    "zh-paraphrase": ZH_PARAPHRASE,
    "zh-near-copy": ZH_NEAR_COPY,
    "en-translation": EN_TRANSLATION,
    "en-template": EN_TEMPLATE,
    "en-paraphrase": EN_PARAPHRASE,
    "en-near-copy": EN_NEAR_COPY,
}
SOURCE = {
    "zh-template": "zh-rebirth",
    "zh-paraphrase": "zh-rebirth",
    "zh-near-copy": "zh-rebirth",
    "en-translation": "zh-rebirth",
    "en-template": "en-contract",
    "en-paraphrase": "en-contract",
    "en-near-copy": "en-contract",
}


@pytest.fixture(scope="module")
def prints() -> dict[str, Fingerprint]:
    # One OpenMP thread: its threads spin-wait, and on a shared machine a second one costs
    # more than it gains. The variable is read when the engine loads, so load it here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OMP_NUM_THREADS", "1")
        default_embedder().embed(["warm-up"])
    return {work_id: fingerprint(text, work_id, title=work_id) for work_id, text in {**CATALOG, **QUERIES}.items()}


@pytest.fixture(scope="module")
def index(prints: dict[str, Fingerprint]) -> CatalogIndex:
    return CatalogIndex.build(prints[work_id] for work_id in CATALOG)


def everything(work: Fingerprint, index: CatalogIndex) -> dict[str, Neighbour]:
    return {n.work_id: n for n in nearest(work, index, k=len(index), passages=1)}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_every_variant_finds_its_source_first(query: str, prints: dict[str, Fingerprint], index: CatalogIndex) -> None:
    found = nearest(prints[query], index, k=3)
    assert found[0].work_id == SOURCE[query]
    assert found[0].percentile == 1.0
    assert [n.score for n in found] == sorted((n.score for n in found), reverse=True)


@pytest.mark.parametrize("query", ["zh-template", "zh-paraphrase", "en-template", "en-paraphrase"])
def test_template_fills_and_paraphrases_are_nearer_than_unrelated_scripts(
    query: str, prints: dict[str, Fingerprint], index: CatalogIndex
) -> None:
    scores = everything(prints[query], index)
    source = scores.pop(SOURCE[query])
    language = source.language
    same_language = [n for n in scores.values() if n.language == language]
    # Raw cosines order the works, in a narrow band; the centred score opens the gap.
    assert source.cosine > max(n.cosine for n in same_language)
    assert source.centred > max(n.centred for n in scores.values()) + 0.2
    assert max(n.centred for n in scores.values()) < 0.2


def test_minhash_catches_near_copies_and_template_fills_not_paraphrases(
    prints: dict[str, Fingerprint], index: CatalogIndex
) -> None:
    for query in ("zh-near-copy", "en-near-copy", "zh-template", "en-template"):
        position = list(CATALOG).index(SOURCE[query])
        assert position in index.near_copy_candidates(prints[query].minhash), query
        assert everything(prints[query], index)[SOURCE[query]].minhash_jaccard >= LSH_THRESHOLD, query
    for query in ("zh-near-copy", "en-near-copy"):
        assert everything(prints[query], index)[SOURCE[query]].minhash_jaccard >= 0.7
    for query in ("zh-paraphrase", "en-paraphrase", "en-translation"):
        scores = everything(prints[query], index)
        assert max(n.minhash_jaccard for n in scores.values()) < 0.1, query
        assert index.near_copy_candidates(prints[query].minhash) == []


def test_masking_names_is_what_lets_a_template_fill_match() -> None:
    assert mask_names("林晚重生了，林晚晴没有。", ["林晚", "林晚晴"]) == f"{NAME_MARK}重生了，{NAME_MARK}没有。"
    assert {"林晚", "林雪", "江城"} <= set(find_names(ZH_REBIRTH, "zh"))
    english = find_names(EN_CONTRACT, "en")
    assert {"Chloe", "Ethan", "Vivian", "Madison"} <= set(english)
    assert "Episode" not in english and "No" not in english

    def exact_jaccard(left: str, right: str, language: str, masked: bool) -> float:
        def cut(text: str) -> set[str]:
            names = find_names(text, language) if masked else []
            return shingles(mask_names(normalise(text), names), language)

        a, b = cut(left), cut(right)
        return len(a & b) / len(a | b)

    for original, variant, language in ((ZH_REBIRTH, ZH_TEMPLATE, "zh"), (EN_CONTRACT, EN_TEMPLATE, "en")):
        assert (
            exact_jaccard(original, variant, language, masked=True)
            > exact_jaccard(original, variant, language, masked=False) + 0.2
        )


def test_names_given_are_masked_and_kept(prints: dict[str, Fingerprint]) -> None:
    assert "周明" not in prints["zh-template"].names  # named once: not a recurring name
    given = fingerprint(ZH_TEMPLATE, "zh-template", names=["周明", " "])
    assert "周明" in given.names
    assert given.chunks == prints["zh-template"].chunks
    assert np.array_equal(given.chunk_vectors, prints["zh-template"].chunk_vectors)


def test_a_translation_is_nearer_than_unrelated_scripts_in_either_language(
    prints: dict[str, Fingerprint], index: CatalogIndex
) -> None:
    scores = everything(prints["en-translation"], index)
    source = scores.pop("zh-rebirth")
    assert source.centred > max(n.centred for n in scores.values()) + 0.05
    # Raw cosines only compare within one pair of languages: any English script is "closer"
    # to an English text than its own Chinese original is. That is why ranking is centred.
    assert source.cosine > max(n.cosine for n in scores.values() if n.language == "zh")
    assert source.name_overlap == 0.0  # pinyin names are not the Chinese ones
    chinese_passage = source.passages[0]
    assert chinese_passage.catalog_chunk == 0 and "林晚" in chinese_passage.catalog_text
    assert "Lin Wan" in chinese_passage.work_text


def test_passages_pair_the_scenes_that_match(prints: dict[str, Fingerprint], index: CatalogIndex) -> None:
    template = prints["en-template"]
    assert len(template.chunks) == 2
    source = nearest(template, index, k=1, passages=5)[0]
    assert len(source.passages) == len(template.chunks)  # each of the work's passages once
    assert [(p.work_chunk, p.catalog_chunk) for p in sorted(source.passages, key=lambda p: p.work_chunk)] == [
        (0, 0),
        (1, 1),
    ]
    assert [p.centred for p in source.passages] == sorted((p.centred for p in source.passages), reverse=True)
    for passage in source.passages:
        assert passage.work_text == template.chunks[passage.work_chunk]
        assert passage.cosine > 0.85  # the names differ, and they weigh in an English embedding
    assert nearest(template, index, k=1, passages=0)[0].passages == ()


def test_names_in_common_tell_a_paraphrase_from_a_template_fill(
    prints: dict[str, Fingerprint], index: CatalogIndex
) -> None:
    for language in ("zh", "en"):
        paraphrase = everything(prints[f"{language}-paraphrase"], index)[SOURCE[f"{language}-paraphrase"]]
        template = everything(prints[f"{language}-template"], index)[SOURCE[f"{language}-template"]]
        assert paraphrase.name_overlap >= 0.5
        assert template.name_overlap == 0.0


def test_tropes_travel_with_the_fingerprint(prints: dict[str, Fingerprint], index: CatalogIndex) -> None:
    template = prints["zh-template"]
    source = nearest(template, index, k=1)[0]
    assert {"rebirth", "broken_engagement"} <= set(source.shared_tropes)
    assert "palace_intrigue" in prints["zh-palace"].tropes
    # Only the source has all of the template's tropes: (1 + 1) / (12 + 2).
    assert combination_rarity(template.tropes, index.trope_sets()) == pytest.approx(np.log2(14 / 2))


def test_a_saved_index_answers_exactly_as_the_built_one(
    tmp_path: Path, prints: dict[str, Fingerprint], index: CatalogIndex
) -> None:
    index.save(tmp_path / "catalog")
    loaded = CatalogIndex.load(tmp_path / "catalog")
    assert len(loaded) == len(index)
    assert loaded.model_id == index.model_id
    for query in QUERIES:
        assert nearest(prints[query], loaded, k=4, passages=2) == nearest(prints[query], index, k=4, passages=2)
    header = json.loads((tmp_path / "catalog" / INDEX_JSON).read_text(encoding="utf-8"))
    assert [work["work_id"] for work in header["works"]] == list(CATALOG)


def test_an_empty_catalog_or_one_holding_only_the_work_itself(prints: dict[str, Fingerprint]) -> None:
    with pytest.raises(ValidationError, match="no works"):
        CatalogIndex.build([])
    alone = CatalogIndex.build([prints["zh-rebirth"]])
    assert nearest(prints["zh-rebirth"], alone, k=3) == []  # the work itself is never its own neighbour
    assert [n.work_id for n in nearest(prints["zh-template"], alone, k=3)] == ["zh-rebirth"]
    with pytest.raises(ValidationError, match="k must be at least 1"):
        nearest(prints["zh-template"], alone, k=0)


def test_catalog_mistakes_are_validation_errors(tmp_path: Path, prints: dict[str, Fingerprint]) -> None:
    with pytest.raises(ValidationError, match="more than once: zh-rebirth"):
        CatalogIndex.build([prints["zh-rebirth"], prints["zh-rebirth"]])
    stranger = replace(prints["zh-template"], work_id="stranger", model="another-model")
    with pytest.raises(ValidationError, match="different embedding models"):
        CatalogIndex.build([prints["zh-rebirth"], stranger])
    with pytest.raises(ValidationError, match="rebuild the catalog"):
        nearest(stranger, CatalogIndex.build([prints["zh-rebirth"]]), k=1)
    with pytest.raises(ValidationError, match="no text to compare"):
        fingerprint(" \n ", "blank")
    with pytest.raises(ValidationError, match="no catalog index here"):
        CatalogIndex.load(tmp_path / "nothing")

    folder = tmp_path / "stale"
    CatalogIndex.build([prints["zh-rebirth"]]).save(folder)
    header = json.loads((folder / INDEX_JSON).read_text(encoding="utf-8"))
    header["settings"]["num_perm"] = 64
    (folder / INDEX_JSON).write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ValidationError, match="another version; rebuild it"):
        CatalogIndex.load(folder)

    short = tmp_path / "short"
    CatalogIndex.build([prints["zh-rebirth"], prints["en-contract"]]).save(short)
    header = json.loads((short / INDEX_JSON).read_text(encoding="utf-8"))
    header["works"].pop()
    (short / INDEX_JSON).write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ValidationError, match="disagree in length"):
        CatalogIndex.load(short)

    broken = tmp_path / "broken"
    CatalogIndex.build([prints["zh-rebirth"]]).save(broken)
    (broken / "catalog.npz").write_bytes(b"not an archive")  # as a crash between the two writes leaves it
    with pytest.raises(ValidationError, match="two files do not belong together"):
        CatalogIndex.load(broken)
    (broken / INDEX_JSON).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="damaged"):
        CatalogIndex.load(broken)


def test_names_of_a_long_work_are_read_from_windows_spread_over_it() -> None:
    assert sample_text("短文本", 100) == "短文本"
    text = "".join(f"{n:06d}" for n in range(100_000))  # 600,000 characters
    sample = sample_text(text, 60_000, pieces=10)
    assert len(sample) <= 60_000 + 9 and sample.startswith("000000") and sample.endswith("099999")


def test_chunks_keep_to_the_budget_and_cover_the_text() -> None:
    text = (ZH_REBIRTH + ZH_PARAPHRASE) * 3 + "没有标点的长句" * 120 + EN_CONTRACT
    chunks = split_chunks(text)
    assert all(chunk_weight(chunk) <= CHUNK_BUDGET for chunk in chunks)
    assert "".join(chunks).replace(" ", "") == "".join(text.split())
    # An English chunk holds about three times the characters of a Chinese one (tokens alike).
    english = split_chunks(EN_CONTRACT * 3)
    assert 700 < max(len(chunk) for chunk in english) <= CHUNK_BUDGET / 0.3
    assert split_chunks("") == []
    assert sample_evenly(list("abcdefghij"), 4) == ["a", "d", "g", "j"]
    assert sample_evenly(list("abc"), 4) == ["a", "b", "c"]


def test_a_thousand_work_catalog_compares_in_well_under_a_second(tmp_path: Path) -> None:
    # Synthetic vectors: this measures the index, not the model (a work's embedding costs
    # ~0.1-0.4 s per 300-character chunk; MAX_CHUNKS caps a work at 64 of them).
    import time

    rng = np.random.default_rng(7)
    model = default_embedder().model_id

    def random_print(number: int) -> Fingerprint:
        vectors = rng.normal(size=(20, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        mean = vectors.mean(axis=0)
        return Fingerprint(
            work_id=f"w{number}",
            title="",
            language="zh" if number % 3 else "en",
            names=(),
            tropes=(),
            minhash=rng.integers(0, 2**32, size=128, dtype=np.uint32),
            embedding=(mean / np.linalg.norm(mean)).astype(np.float32),
            chunks=tuple(f"passage {i}" for i in range(20)),
            chunk_vectors=vectors,
            model=model,
        )

    catalog = CatalogIndex.build(random_print(number) for number in range(1000))
    catalog.save(tmp_path / "big")
    started = time.perf_counter()
    loaded = CatalogIndex.load(tmp_path / "big")
    query = random_print(5000)
    found = nearest(query, loaded, k=10, passages=3)
    elapsed = time.perf_counter() - started
    assert len(found) == 10 and all(len(n.passages) == 3 for n in found)
    assert elapsed < 5.0
