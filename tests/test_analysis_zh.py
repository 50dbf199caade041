"""The Chinese analyser on an original fixture story (tests/fixtures/stories/zh-story.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.text.analysis import Analysis, ParagraphAnalysis, Utterance, analyze
from microdrama.text.document import document_from_clean_text
from microdrama.text.zh import analyze_zh

STORY = Path(__file__).parent / "fixtures" / "stories" / "zh-story.txt"


@pytest.fixture(scope="module")
def story() -> Analysis:
    document = document_from_clean_text(STORY.read_text(encoding="utf-8"), "source/zh-story.txt", "zh")
    return analyze_zh(document)


def line(analysis: Analysis, words: str) -> Utterance:
    """The one utterance whose text starts with ``words``."""
    found = [u for p in analysis.paragraphs for u in p.utterances if u.text.startswith(words)]
    assert len(found) == 1, f"{words!r}: {[u.text for u in found]}"
    return found[0]


def paragraph_with(analysis: Analysis, words: str) -> ParagraphAnalysis:
    document_paragraphs = document_from_clean_text(STORY.read_text(encoding="utf-8"), "x", "zh").paragraphs()
    index = next(i for i, p in enumerate(document_paragraphs) if words in p.text)
    return analysis.paragraphs[index]


def test_characters_are_found_with_their_aliases(story: Analysis) -> None:
    assert {c.key for c in story.characters} == {"陈德福", "阿秀", "桂英", "赵四", "小满"}
    chen = story.character("陈德福")
    assert chen is not None
    assert "老陈" in chen.aliases  # the familiar form of the full name
    assert (chen.gender, chen.age) == ("male", "elder")  # 他, 六十岁
    assert chen.description.startswith("陈德福今年六十岁了")
    guiying = story.character("桂英")
    assert guiying is not None
    assert "阿秀的娘" in guiying.aliases  # the vocative she answers to
    assert guiying.gender == "female"
    axiu = story.character("阿秀")
    assert axiu is not None and axiu.gender == "female"
    xiaoman = story.character("小满")
    assert xiaoman is not None and (xiaoman.gender, xiaoman.age) == ("male", "child")
    assert not any(c.is_narrator for c in story.characters)
    assert story.characters[0].key == "陈德福"  # ranked by mentions and lines


def test_speakers_in_every_attribution_style(story: Analysis) -> None:
    assert line(story, "先点蜡烛").speaker == "陈德福"  # 老陈说：“……”
    assert line(story, "阿秀的娘，蜡烛").speaker == "陈德福"  # 他…喊：“……” (pronoun)
    assert line(story, "在柜子第二格").speaker == "桂英"  # “……”桂英…道，“……”
    assert line(story, "赵四今天又来过了").speaker == "桂英"
    assert line(story, "他说什么").speaker == "陈德福"  # untagged turns alternate
    assert line(story, "他说月底").speaker == "桂英"
    assert line(story, "我根本没借过").speaker == "陈德福"
    assert line(story, "去了，爹咳得厉害").speaker == "小满"  # answers the vocative “小满，……”
    assert line(story, "我没欠你钱").speaker == "陈德福"  # “……”他说 — the one just addressed
    assert line(story, "这张借据是假的").speaker == "小满"  # 他一面…，一面…说，“……”
    assert "一面拍掉手上的灰" in line(story, "这张借据是假的").attribution
    assert line(story, "小兔崽子").speaker == "赵四"  # “……”赵四吼道
    assert line(story, "我知道").speaker == "陈德福"  # “……”老陈闷声道，“……”
    assert line(story, "爹，我就说那是假的").speaker == "阿秀"  # 她说: skips the nearer man
    assert line(story, "回去给小满买双新鞋").speaker == "陈德福"
    assert line(story, "再给他买一包芝麻糖").speaker == "阿秀"
    assert line(story, "过河喽").speaker == "小满"
    assert line(story, "不用等了").speaker is None  # 有人接话: someone unnamed


def test_inner_voice_quoted_and_unquoted(story: Analysis) -> None:
    quoted = line(story, "他一定是从哪里听见了什么风声")
    assert (quoted.kind, quoted.speaker) == ("inner", "阿秀")
    unquoted = line(story, "爹从来不说谎")
    assert (unquoted.kind, unquoted.speaker) == ("inner", "阿秀")


def test_cues_emotions_and_tension(story: Analysis) -> None:
    threat = line(story, "白纸黑字")
    assert "threat" in threat.cues and threat.emotion == "angry"
    reveal = line(story, "去年腊月，陈叔带我")
    assert {"reveal", "reversal"} <= reveal.cues
    assert line(story, "小兔崽子").emotion == "angry"
    assert line(story, "对！那半个月").emotion == "surprised"
    assert "question" in line(story, "他说什么").cues
    assert "conflict" in line(story, "两个伙计抡起棍子").cues
    assert "reversal" in line(story, "没想到").cues
    calm = line(story, "先点蜡烛")
    assert not calm.cues and calm.emotion == "neutral"
    assert threat.tension > calm.tension
    assert paragraph_with(story, "白纸黑字").tension >= threat.tension


def test_utterance_offsets_are_exact(story: Analysis) -> None:
    document = document_from_clean_text(STORY.read_text(encoding="utf-8"), "x", "zh")
    for paragraph, analysed in zip(document.paragraphs(), story.paragraphs, strict=True):
        for utterance in analysed.utterances:
            assert paragraph.text[utterance.start : utterance.end] == utterance.text
    # Narration is split into sentences and keeps the actions around quotes.
    opening = story.paragraphs[0].utterances
    assert [u.kind for u in opening] == ["narration", "narration", "narration"]
    assert opening[0].text == "傍晚，河上起了雾。"


def test_mentions_places_time_and_scenes(story: Analysis) -> None:
    first = story.paragraphs[0]
    assert first.mentions == ("陈德福",) and first.place == "茶馆" and first.time_of_day == "dusk"
    river = paragraph_with(story, "阿秀追出门去")
    assert river.place == "河边"
    morning = paragraph_with(story, "第二天清晨")
    assert morning.time_shift and morning.time_of_day == "dawn" and morning.place == "衙门"
    assert set(morning.mentions) == {"陈德福", "阿秀"}
    starts = {scene.first: scene for scene in story.scenes}
    assert story.scenes[0].location == "茶馆" and story.scenes[0].interior is True
    assert starts[river.index].location == "河边" and starts[river.index].interior is False
    assert starts[paragraph_with(story, "那天夜里").index].time_of_day == "night"
    assert starts[morning.index].location == "衙门"
    assert paragraph_with(story, "三天后").index in starts
    assert story.cooccurrence[("阿秀", "陈德福")] >= 3


def test_quoted_terms_are_not_dialogue() -> None:
    text = "他在墙上写了一个“福”字，又把门关上了。"
    analysis = analyze_zh(document_from_clean_text(text, "x", "zh"))
    assert [u.kind for u in analysis.paragraphs[0].utterances] == ["narration"]


def test_first_person_narrator_and_full_width_names() -> None:
    text = "\n".join(
        [
            "我回到鲁镇的时候，天已经黑了。我站在门口，看见阿Ｑ蹲在墙根下。",
            "阿Ｑ抬起头，说：“你回来了？”",
            "“回来了。”我说。",
            "阿Ｑ笑道：“我早知道你要回来。”",
            "我没有回答，只把行李放下。我想起小时候的事，我们常在河边捉鱼。",
            "阿Ｑ又说：“明天我带你去看戏。”",
            "“好。”",
        ]
    )
    analysis = analyze_zh(document_from_clean_text(text, "x", "zh"))
    narrator = analysis.character("我")
    assert narrator is not None and narrator.is_narrator and narrator.lines == 2
    ah_q = analysis.character("阿Q")  # the full-width Ｑ is folded
    assert ah_q is not None and ah_q.lines == 3
    assert [u.speaker for p in analysis.paragraphs for u in p.utterances if u.kind == "dialogue"] == [
        "阿Q",
        "我",
        "阿Q",
        "阿Q",
        "我",
    ]


def test_analyze_dispatches_and_is_deterministic() -> None:
    document = document_from_clean_text(STORY.read_text(encoding="utf-8"), "x", "zh")
    first, second = analyze(document), analyze(document)
    assert first == second
    assert first.language == "zh"


def test_empty_document() -> None:
    analysis = analyze_zh(document_from_clean_text("", "x", "zh"))
    assert (analysis.characters, analysis.paragraphs, analysis.scenes) == ([], [], [])
