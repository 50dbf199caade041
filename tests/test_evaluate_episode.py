"""Episode metrics on scripts written to be strong and weak (original lines, written for these tests)."""

from __future__ import annotations

from typing import Any

import pytest

from microdrama.evaluate.episode import cliffhanger_strength, episode_metrics
from microdrama.model.script import Episode


def episode(lines: list[tuple[str, str, str]], cliffhanger: str, number: int = 1, action: int = 0) -> Episode:
    """One scene of one shot per line; (speaker, emotion, text). ``action`` silent shots come first."""
    shots: list[dict[str, Any]] = [
        {"id": f"{number}-1-{index + 1}", "seconds": 3, "description": "雨夜，门被推开。"} for index in range(action)
    ]
    for speaker, emotion, text in lines:
        shot_id = f"{number}-1-{len(shots) + 1}"
        shots.append({"id": shot_id, "seconds": 3, "lines": [{"speaker": speaker, "emotion": emotion, "text": text}]})
    last = shots[-1]["id"]
    return Episode.model_validate(
        {
            "number": number,
            "title": "第一集",
            "hook": {"shot": shots[0]["id"], "text": lines[0][2]},
            "cliffhanger": {"shot": last, "text": cliffhanger},
            "seconds": 60,
            "scenes": [{"id": f"{number}-1", "location": "hall", "shots": shots}],
        }
    )


STRONG = episode(
    [
        ("lin", "angry", "你敢再说一遍？这婚，我今天就退了！"),
        ("zhou", "surprised", "沈晚，你疯了吗？"),
        ("lin", "angry", "疯的是你。你背叛我、陷害我的事，我全都知道。"),
        ("zhou", "afraid", "你……你有什么证据？"),
        ("lin", "neutral", "证据就在你的手机里。"),
    ],
    "门外走进一个男人，他竟然是陆氏集团的总裁？",
)
WEAK = episode(
    [
        ("lin", "neutral", "今天天气很好。"),
        ("zhou", "happy", "是啊，我们去公园散步吧。"),
        ("lin", "happy", "好的，顺便买点水果。"),
        ("zhou", "neutral", "公园里人很多。"),
        ("lin", "neutral", "那你要小心，别走丢了。"),
    ],
    "两人终于和好，从此幸福地生活在一起。",
)


def test_a_strong_episode_hooks_sooner_and_ends_more_open_than_a_weak_one() -> None:
    strong, weak = episode_metrics(STRONG, "zh"), episode_metrics(WEAK, "zh")
    assert strong.hook_latency_seconds == 0.0 and strong.hook is not None
    assert strong.hook.where == "1-1-1" and "退了" in strong.hook.text
    assert weak.hook_latency_seconds is not None and weak.hook_latency_seconds > 5.0  # only the last line warns
    assert strong.cliffhanger_strength > weak.cliffhanger_strength + 0.3
    assert strong.conflicts_per_minute > weak.conflicts_per_minute
    assert strong.reversals_per_minute > weak.reversals_per_minute
    assert strong.emotional_swing > weak.emotional_swing


def test_runtime_counts_250_characters_a_minute_plus_silent_action() -> None:
    text = "你" * 250  # one minute of speech
    metrics = episode_metrics(episode([("lin", "neutral", text)], "结束了吗？", action=2), "zh")
    assert metrics.spoken_seconds == pytest.approx(60.0)
    assert metrics.runtime_seconds == pytest.approx(66.0)  # two silent shots of 3 s
    assert (metrics.lines, metrics.speakers, metrics.scenes, metrics.locations) == (1, 1, 1, 1)


def test_dialogue_share_counts_spoken_time_of_dialogue_only() -> None:
    mixed = episode([("lin", "neutral", "我回来了。"), ("narrator", "neutral", "三年前的那个雨夜。")], "他是谁？")
    mixed.scenes[0].shots[1].lines[0].kind = "narration"
    assert episode_metrics(mixed, "zh").dialogue_share == pytest.approx(4 / 12, abs=0.01)


def test_english_cliffhangers_are_scored_by_the_english_lexicon() -> None:
    open_end = cliffhanger_strength("The door opens. It's him, the man who killed her father?", "en")
    closed = cliffhanger_strength("They finally forgave each other and lived happily ever after.", "en")
    assert open_end > 0.5 > 0.2 > closed


def test_a_question_hooks_when_it_challenges_not_when_it_is_small_talk() -> None:
    small_talk = episode(
        [("lin", "happy", "今天幼儿园好玩吗？"), ("zhou", "neutral", "下班啦？"), ("lin", "neutral", "你什么意思？")],
        "她关上了门。",
    )
    metrics = episode_metrics(small_talk, "zh")
    assert metrics.hook is not None and metrics.hook.text == "你什么意思？"
    charged = episode([("lin", "neutral", "好的。"), ("zhou", "angry", "我说过多少次了。")], "她关上了门。")
    assert episode_metrics(charged, "zh").hook is not None
    assert episode_metrics(charged, "zh").hook.text == "我说过多少次了。"  # played angry: a hook
    english = episode([("ava", "neutral", "Did you already eat dinner?"), ("max", "neutral", "Who sent you?")], "x")
    hook = episode_metrics(english, "en").hook
    assert hook is not None and hook.text == "Who sent you?"


def test_cliffhanger_devices_and_a_charged_last_line_raise_the_score_closure_lowers_it() -> None:
    plain = cliffhanger_strength("他走了过去。", "zh")
    assert cliffhanger_strength("电梯门打开，走出来的女人竟和她一模一样。", "zh") > plain + 0.2
    assert cliffhanger_strength("他走了过去。", "zh", "afraid") > plain
    assert cliffhanger_strength("他们吃完饭，回家睡觉了。", "zh") < plain
    assert cliffhanger_strength("Just then the door opened, and her dead husband walked in.", "en") > 0.3
    assert cliffhanger_strength("Everyone shook hands and went home.", "en") == 0.0
