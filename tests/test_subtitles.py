"""Subtitle rules for vertical video, checked over many generated lines, and the three file formats."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest

from microdrama.render.layout import CJK_LINE, CJK_MEASURE, CLOSING, LATIN_LINE, OPENING, measure_for, split_cues
from microdrama.render.subtitles import (
    GAP_FRAMES,
    MIN_CUE_SECONDS,
    LineSpan,
    build_cues,
    fit_cues,
    to_ass,
    to_srt,
    to_vtt,
    write_subtitles,
)
from microdrama.timeline.model import Clip, SubtitleEvent, Timeline

FPS = 30
HANZI = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对"
    "小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动"
)
PUNCT_ZH = "，。！？、；：…"
WORDS = (  # noqa: SIM905 - a sentence is easier to read than a list of words
    "the a of and to in is you that it he was for on are as with his they I at be this have from or one had by "
    "word but not what all were we when your can said there use an each which she do how their if will up other "
    "about out many then them these so some her would make like him into time has look two more write go see "
    "extraordinarily unbelievable responsibilities Wednesday, rain. door! why? 3.5 mother's"
).split()


def random_zh(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 7)):
        piece = "".join(rng.choice(HANZI) for _ in range(rng.randint(1, 14)))
        if rng.random() < 0.15:
            piece += rng.choice(["iPhone", "OK", "2025年", " AI ", "Wi-Fi"])
        if rng.random() < 0.1:
            piece = "“" + piece + "”"
        parts.append(piece + rng.choice(PUNCT_ZH))
    return "".join(parts)


def random_en(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 45)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_cue_obeys_the_limits_over_many_lines(language: str) -> None:
    rng = random.Random(7)
    for _ in range(600):
        text = random_zh(rng) if language == "zh" else random_en(rng)
        cues = split_cues(text)
        measure = measure_for(text)
        assert cues, text
        for cue in cues:
            assert 1 <= len(cue.lines) <= 2, (text, cue)
            for line in cue.lines:
                assert measure.width(line) <= measure.limit, (text, line)
                assert line == line.strip() and line
                assert line[0] not in CLOSING or (line is cue.lines[0] and cue is cues[0]), (text, line)
                assert line[-1] not in OPENING, (text, line)
        # Nothing lost, nothing added, order kept.
        assert squeeze("".join("".join(cue.lines) for cue in cues)) == squeeze(text)
        if measure.width(text) > 2 * measure.limit:
            assert len(cues) > 1  # split across time, never stacked beyond two lines


def test_latin_lines_break_at_spaces_only_and_balanced() -> None:
    rng = random.Random(11)
    for _ in range(400):
        text = random_en(rng)
        words = text.split()
        cue_words = [word for cue in split_cues(text) for line in cue.lines for word in line.split()]
        assert cue_words == words  # never inside a word
    cue = split_cues("He looked at the old man for a long time and then he turned away")[0]
    assert len(cue.lines) == 2
    first, second = (len(line) for line in cue.lines)
    assert abs(first - second) <= 8
    assert max(first, second) <= LATIN_LINE


def test_short_lines_stay_on_one_line() -> None:
    assert [cue.lines for cue in split_cues("客栈不卖。")] == [("客栈不卖。",)]
    assert [cue.lines for cue in split_cues("Not for sale.")] == [("Not for sale.",)]


def test_cjk_breaks_prefer_punctuation_and_long_lines_go_across_time() -> None:
    text = "小姑娘，这镇上的事，还没有我赵德海办不成的。你爸当年也是这么跟我说话的，后来怎么样了？"
    cues = split_cues(text)
    assert len(cues) == 2
    assert cues[0].lines[-1].endswith("。")  # the cut between cues falls on the sentence end
    assert all(len(cue.lines) <= 2 for cue in cues)
    assert cues[0].lines[0].endswith("，")
    # Latin inside a CJK line counts half a character.
    mixed = "我用iPhone拍了一张照片给你们大家看看"  # 15 CJK + 6 Latin letters at half = 18: two lines
    assert CJK_MEASURE.width(mixed) == 18
    assert len(split_cues(mixed)[0].lines) == 2
    assert all(CJK_MEASURE.width(line) <= CJK_LINE for cue in split_cues(mixed) for line in cue.lines)


def test_a_word_longer_than_a_line_is_the_only_thing_ever_cut() -> None:
    word = "x" * 60
    cues = split_cues(f"see {word} here")
    assert squeeze("".join("".join(cue.lines) for cue in cues)) == f"see{word}here"
    assert all(len(line) <= LATIN_LINE for cue in cues for line in cue.lines)


def random_spans(rng: random.Random, language: str) -> tuple[list[LineSpan], float]:
    spans, at = [], rng.uniform(0, 1)
    for index in range(rng.randint(1, 25)):
        text = random_zh(rng) if language == "zh" else random_en(rng)
        length = rng.uniform(0.2, 1.0) * (len(text) / (5 if language == "zh" else 15) + 0.3)
        spans.append(
            LineSpan(text, at, at + length, "沈清禾", rng.choice(["dialogue", "narration", "inner"]), "1-1-1", index)
        )
        at += length + rng.choice([0.0, 0.05, 0.25, 0.6])
    return spans, at + rng.uniform(0, 0.6)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_cue_timing_no_overlap_gap_and_minimum_duration(language: str) -> None:
    rng = random.Random(3)
    for _ in range(120):
        spans, duration = random_spans(rng, language)
        events = build_cues(spans, FPS, duration)
        assert events
        for event in events:
            assert 0 <= event.start < event.end <= duration + 1e-9
            for value in (event.start, event.end):
                assert abs(value * FPS - round(value * FPS)) < 1e-6  # whole frames
        for before, after in itertools.pairwise(events):
            assert round((after.start - before.end) * FPS) >= GAP_FRAMES
        # The minimum holds wherever the episode has room for it (all but overfull ends).
        short = [e for e in events if e.end - e.start < MIN_CUE_SECONDS - 1e-6]
        total_needed = len(events) * (MIN_CUE_SECONDS + GAP_FRAMES / FPS)
        assert not short or total_needed > duration


def test_cues_follow_the_voice_and_split_lines_share_its_time() -> None:
    text = "小姑娘，这镇上的事，还没有我赵德海办不成的。你爸当年也是这么跟我说话的，后来怎么样了？"
    events = build_cues([LineSpan(text, 2.0, 10.0, "赵德海")], FPS, 12.0)
    assert len(events) == 2
    assert events[0].start == pytest.approx(2.0)
    assert events[0].end == pytest.approx(events[1].start - GAP_FRAMES / FPS)
    assert 5.5 < events[1].start < 6.5  # about half the time each: the cues are about the same width
    assert events[1].end == pytest.approx(10.3)  # lingers a little after the voice


def test_fit_cues_squeezes_into_the_end_of_the_episode() -> None:
    events = [SubtitleEvent(start=4.5, end=4.6, text="好"), SubtitleEvent(start=4.7, end=4.8, text="走")]
    fitted = fit_cues(events, FPS, 5.0)
    assert fitted[-1].end <= 5.0
    assert fitted[0].end - fitted[0].start >= MIN_CUE_SECONDS - 1e-9
    assert fitted[1].start - fitted[0].end >= GAP_FRAMES / FPS - 1e-9


def timeline_with(events: list[SubtitleEvent], language: str = "zh") -> Timeline:
    return Timeline(
        episode=1,
        language=language,
        duration=20,
        clips=[Clip(shot="1-1-1", image="a.png", start=0, duration=20)],
        subtitles=events,
    )


EVENTS = [
    SubtitleEvent(start=1.0, end=2.5, text="沈小姐，久仰。", speaker="赵德海", shot="1-1-1"),
    SubtitleEvent(start=2.6, end=4.0, text="那一夜的雨，\n下得很大。", speaker="旁白", kind="narration"),
    SubtitleEvent(start=4.2, end=5.0, text="{\\b1}<b>A & B</b> --> ok", speaker="Zhao, Jr.", kind="inner"),
    SubtitleEvent(start=3601.25, end=3602.0, text="一小时后", speaker=""),
]


def test_ass_is_styled_for_vertical_video() -> None:
    text = to_ass(timeline_with(EVENTS))
    assert "PlayResX: 1080" in text and "PlayResY: 1920" in text
    styles = {}
    header = [f.strip() for f in re.search(r"^Format: (Name.*)$", text, re.M).group(1).split(",")]  # type: ignore[union-attr]
    for line in re.findall(r"^Style: (.*)$", text, re.M):
        values = dict(zip(header, line.split(","), strict=True))
        styles[values["Name"]] = values
    assert set(styles) == {"Dialogue", "Narration", "Inner"}
    for style in styles.values():
        assert style["Fontname"] == "Noto Sans SC"
        assert style["Alignment"] == "2"  # bottom centre
        assert float(style["Outline"]) >= 3 and float(style["Shadow"]) >= 1
        assert style["OutlineColour"].upper().endswith("101010") and style["BorderStyle"] == "1"
        margin_v, margin_r = int(style["MarginV"]), int(style["MarginR"])
        assert 1920 * 0.2 <= margin_v <= 1920 / 3 - 2 * int(style["Fontsize"])  # above the UI band, in the bottom third
        assert margin_r >= 1080 * 0.12
    assert styles["Dialogue"]["PrimaryColour"] == "&H00FFFFFF" and styles["Dialogue"]["Italic"] == "0"
    assert styles["Narration"]["Italic"] == "-1" and styles["Narration"]["PrimaryColour"] != "&H00FFFFFF"
    dialogue = re.findall(r"^Dialogue: (.*)$", text, re.M)
    assert len(dialogue) == 4
    assert dialogue[0].startswith("0,0:00:01.00,0:00:02.50,Dialogue,赵德海,")
    assert dialogue[1].endswith(r"那一夜的雨，\N下得很大。") and ",Narration," in dialogue[1]
    assert "{" not in dialogue[2].split(",,", 1)[1] and "\\b1" not in dialogue[2]  # no override codes from text
    assert ",Zhao  Jr.," in dialogue[2] or ",Zhao Jr.," in dialogue[2]  # a comma in a name cannot split fields
    assert dialogue[3].startswith("0,1:00:01.25,1:00:02.00,")


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        assert lines[0].isdigit()
        match = re.fullmatch(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)", lines[1])
        assert match, lines[1]
        v = [int(x) for x in match.groups()]
        start = v[0] * 3600 + v[1] * 60 + v[2] + v[3] / 1000
        end = v[4] * 3600 + v[5] * 60 + v[6] + v[7] / 1000
        cues.append((start, end, re.sub(r"</?i>", "", "\n".join(lines[2:]))))
    return cues


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        match = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)( .*)?$", lines[0])
        assert match, lines[0]
        v = [int(x) for x in match.groups()[:8]]
        body = re.sub(r"<v [^>]*>|</?i>", "", "\n".join(lines[1:]))
        body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append((v[0] * 3600 + v[1] * 60 + v[2] + v[3] / 1000, v[4] * 3600 + v[5] * 60 + v[6] + v[7] / 1000, body))
    return cues


def test_srt_and_vtt_parse_back() -> None:
    for parsed in (parse_srt(to_srt(EVENTS)), parse_vtt(to_vtt(EVENTS))):
        assert len(parsed) == len(EVENTS)
        for (start, end, text), event in zip(parsed, EVENTS, strict=True):
            assert start == pytest.approx(event.start, abs=1e-3) and end == pytest.approx(event.end, abs=1e-3)
            assert text == event.text
    vtt = to_vtt(EVENTS)
    assert "<v 赵德海>沈小姐，久仰。" in vtt and "&lt;b&gt;A &amp; B&lt;/b&gt; --&gt; ok" in vtt
    assert "<i>" in to_srt(EVENTS).split("\n\n")[1]  # narration in italics


def test_write_subtitles_writes_three_files(tmp_path: Path) -> None:
    out = tmp_path / "out dir 输出"
    paths = write_subtitles(timeline_with(EVENTS), out / "ep001.zh")
    assert [p.name for p in paths] == ["ep001.zh.ass", "ep001.zh.srt", "ep001.zh.vtt"]
    assert all(p.is_file() and p.stat().st_size for p in paths)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temp files left
    assert len(parse_srt(paths[1].read_text(encoding="utf-8"))) == len(EVENTS)
