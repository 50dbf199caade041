"""Localization without a model: languages, subtitle layout and timing rules, glossary, QC."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.errors import UsageError, ValidationError
from microdrama.localize.cues import Slot, keep_names_whole, line_cues, localized_events, slots
from microdrama.localize.glossary import adherence_problems, extract, load_glossary, merge, save_glossary
from microdrama.localize.languages import GAP_FRAMES, MAX_EVENT_SECONDS, MIN_EVENT_SECONDS, language, languages
from microdrama.localize.model import EpisodeTranslation, Glossary, GlossaryEntry, TranslatedLine, text_hash
from microdrama.localize.names import pinyin_name, propose_name
from microdrama.localize.qc import check_events, check_lines
from microdrama.model.bible import Bible
from microdrama.render.layout import split_cues
from microdrama.timeline.model import Clip, SubtitleEvent, Timeline

FPS = 30


def test_language_codes_are_checked_and_listed() -> None:
    assert [lang.code for lang in languages("en, es,pt-br,id,th,ja,ko,en")] == [
        "en",
        "es",
        "pt-BR",
        "id",
        "th",
        "ja",
        "ko",
    ]
    assert language("zh-tw").code == "zh-Hant"
    with pytest.raises(UsageError, match=r"unsupported language 'xx'.*en \(English\)"):
        language("xx")
    with pytest.raises(UsageError, match=r"Arabic .* right to left"):
        language("ar-EG")
    with pytest.raises(UsageError, match="at least one"):
        languages(" , ")


def test_each_language_counts_characters_its_own_way() -> None:
    assert language("en").width("Hello there") == 11
    assert language("ko").width("안녕 OK") == 2 + 0.5 * 3  # Hangul 1, Latin and space half
    assert language("ja").width("はい、ｶﾀｶﾅ") == 3 + 4 * 0.5  # half-width katakana counts half
    assert language("th").width("ที่นี่") == 2  # vowel and tone marks above the consonants take no width


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("en", "I never thought the man who ruined my family would come back to this city as my new boss."),
        ("es", "Nunca pensé que el hombre que arruinó a mi familia volvería a esta ciudad como mi nuevo jefe."),
        ("ja", "私の家族を破滅させた男が、新しい上司としてこの街に戻ってくるとは思わなかった。"),
        ("ko", "우리 가족을 망친 그 남자가 새 상사로 이 도시에 돌아올 줄은 몰랐어요."),
        ("th", "ฉันไม่เคยคิดเลยว่าผู้ชายที่ทำลายครอบครัวของฉันจะกลับมาเมืองนี้ในฐานะเจ้านายคนใหม่"),
    ],
)
def test_every_cue_line_fits_the_language_limit(code: str, text: str) -> None:
    target = language(code)
    cues = split_cues(text, target.measure())
    assert cues
    assert all(target.width(line) <= target.chars_per_line for cue in cues for line in cue.lines)
    rebuilt = "".join("".join(cue.lines) for cue in cues).replace(" ", "")
    assert rebuilt == text.replace(" ", ""), "nothing lost or reordered"


def test_thai_breaks_between_words_never_inside_one() -> None:
    target = language("th")
    text = "ฉันไม่เคยคิดเลยว่าผู้ชายที่ทำลายครอบครัวของฉันจะกลับมาเมืองนี้ในฐานะเจ้านายคนใหม่"
    from pythainlp.tokenize import word_tokenize

    boundaries = set()
    at = 0
    for word in word_tokenize(text, engine="newmm"):
        at += len(word)
        boundaries.add(at)
    at = 0
    for cue in split_cues(text, target.measure()):
        for line in cue.lines:
            at += len(line.replace(" ", ""))
            assert at in boundaries, f"a break inside a word after {line!r}"


def test_lines_do_not_end_on_an_article_or_a_preposition() -> None:
    target = language("en")
    text = "She walked slowly into the old house at the end of the street and waited for him there"
    for cue in split_cues(text, target.measure()):
        for line in cue.lines:
            assert line.split()[-1].lower() not in {"the", "of", "at", "into", "for", "and", "a"}, cue.lines


def test_a_name_is_never_split_between_first_and_last_name() -> None:
    target = language("en")
    text = keep_names_whole("Tell me the truth right now, or I will tell Su Qingyan everything", ["Su Qingyan"])
    lines = [line for cue in split_cues(text, target.measure()) for line in cue.lines]
    assert any("Su Qingyan" in line for line in lines), lines


def test_long_lines_split_across_time_rather_than_stacked_when_there_is_time() -> None:
    target = language("en")
    text = "I never thought the man who ruined my family would come back to this city as my new boss."
    frames = line_cues(text, Slot(0.0, 4.0, 9.0), target, target.measure(), FPS)
    assert len(frames) >= 2 and all(len(lines) == 1 for _, _, lines in frames)
    tight = line_cues(text, Slot(0.0, 1.5, 2.0), target, target.measure(), FPS)
    assert len(tight) < len(frames), "with little time, two-line cues instead of more cues"


def _timeline(events: list[SubtitleEvent], duration: float = 20.0) -> Timeline:
    return Timeline(
        episode=1,
        language="zh",
        duration=duration,
        clips=[Clip(shot="1-1-1", image="x.png", start=0, duration=duration)],
        subtitles=events,
    )


def test_translated_cues_follow_the_original_slots_and_pass_every_rule() -> None:
    original = [
        SubtitleEvent(start=0.5, end=2.0, text="你来了。", shot="1-1-1", line=0),
        SubtitleEvent(start=2.5, end=4.0, text="我等你很久了，", shot="1-1-1", line=1),
        SubtitleEvent(start=4.1, end=5.5, text="这次你别想走。", shot="1-1-1", line=1),
        SubtitleEvent(start=9.0, end=10.0, text="滚。", shot="1-1-2", line=0),
    ]
    timeline = _timeline(original)
    where = slots(timeline)
    assert where["1-1-1.1"] == Slot(2.5, 5.5, 9.0 - GAP_FRAMES / FPS)
    translation = EpisodeTranslation(
        episode=1,
        language="en",
        lines=[
            TranslatedLine(id="1-1-1.0", source="你来了。", text="You came."),
            TranslatedLine(
                id="1-1-1.1",
                source="我等你很久了，这次你别想走。",
                text="I've waited a long time. This time you're not leaving.",
            ),
            TranslatedLine(id="1-1-2.0", source="滚。", text="Get out."),
        ],
    )
    target = language("en")
    events = localized_events(translation, timeline, target)
    assert [e.text for e in events if e.shot == "1-1-2"] == ["Get out."]
    assert check_events(1, events, target, FPS) == []
    assert all(MIN_EVENT_SECONDS - 0.02 <= e.end - e.start <= MAX_EVENT_SECONDS for e in events)


def test_qc_names_each_broken_rule_with_its_cue() -> None:
    target = language("en")
    crowded = [
        SubtitleEvent(
            start=0.0, end=0.5, text="This line is far too long to read in half a second", shot="1-1-1", line=0
        ),
        SubtitleEvent(start=0.51, end=8.0, text="a\nb\nc", shot="1-1-1", line=1),
    ]
    rules = {(v.cue, v.rule) for v in check_events(1, crowded, target, FPS)}
    assert ("1-1-1.0#1", "line-length") in rules
    assert ("1-1-1.0#1", "reading-speed") in rules
    assert ("1-1-1.0#1", "min-duration") in rules
    assert ("1-1-1.1#1", "gap") in rules
    assert ("1-1-1.1#1", "lines") in rules
    assert ("1-1-1.1#1", "max-duration") in rules


def test_qc_finds_lost_extra_stale_empty_and_off_glossary_lines() -> None:
    target = language("en")
    glossary = Glossary(
        language="en", entries=[GlossaryEntry(source="林晚", kind="name", target="Lin Wan", avoid=["Lin Wanr"])]
    )
    source = {"1-1-1.0": "林晚，你回来了。", "1-1-1.1": "走吧。", "1-1-1.2": "好。"}
    translation = EpisodeTranslation(
        episode=1,
        language="en",
        lines=[
            TranslatedLine(id="1-1-1.0", source="林晚，你回来了。", text="Lin Wanr, you're back."),
            TranslatedLine(id="1-1-1.1", source="快走吧。", text="Go."),
            TranslatedLine(id="1-1-1.3", source="嗯。", text=" "),
            TranslatedLine(id="1-1-1.4", source="他是老板。", text="He is the 老板."),
        ],
    )
    source["1-1-1.4"] = "他是老板。"
    found = {(v.cue, v.rule) for v in check_lines(translation, source, glossary, target)}
    assert found == {
        ("1-1-1.0", "glossary"),
        ("1-1-1.1", "stale"),
        ("1-1-1.2", "cue-count"),
        ("1-1-1.3", "cue-count"),
        ("1-1-1.4", "script"),
    }


def test_each_language_says_which_characters_are_not_its_own() -> None:
    assert language("en").foreign_characters("“Wait…” — Lin Wan, ¿sí? café\n") == ""
    assert language("es").foreign_characters("Señor 林晚, 林") == "林晚"
    assert language("th").foreign_characters("สวัสดี Lin Wan") == ""
    assert language("th").foreign_characters("สวัสดี 林晚") == "林晚"
    assert language("ja").foreign_characters("林晚さん") == ""  # wide scripts take any character


def test_names_follow_each_markets_policy() -> None:
    assert pinyin_name("苏清妍") == "Su Qingyan"
    assert pinyin_name("欧阳雪") == "Ouyang Xue"
    assert pinyin_name("吕布") == "Lyu Bu"
    assert pinyin_name("曾国") == "Zeng Guo", "a surname's own reading"
    assert pinyin_name("阿秀") == "Axiu" and pinyin_name("小满") == "Xiaoman", "familiar forms are one word"
    assert propose_name("林晚", language("ko")) == "임만"
    assert propose_name("陆景深", language("zh-Hant")) == "陸景深"
    assert propose_name("林晚", language("ja")) == "林晚"
    assert propose_name("Ada", language("es")) == "Ada"


def _bible() -> Bible:
    return Bible.model_validate(
        {
            "series": {"title": "测试", "language": "zh", "minutes_per_episode": 1, "episode_count": 1},
            "characters": [
                {"id": "lin", "name": "林晚", "aliases": ["晚晚"], "role": "protagonist"},
                {"id": "lu", "name": "陆景深", "role": "antagonist"},
            ],
            "locations": [{"id": "hall", "name": "陆家大厅"}],
        }
    )


def test_the_glossary_is_extracted_reviewed_and_never_overwritten(tmp_path: Path) -> None:
    target = language("en")
    proposed = extract(_bible(), [], target)
    forms = {entry.source: (entry.kind, entry.target) for entry in proposed.entries}
    assert forms["林晚"] == ("name", "Lin Wan") and forms["晚晚"] == ("alias", "Wan Wan")
    assert forms["陆景深"] == ("name", "Lu Jingshen")
    assert forms["陆家大厅"][0] == "place"
    save_glossary(tmp_path, proposed, target)
    path = tmp_path / "localize" / "glossary.en.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Lu Jingshen", "Jingshen Lu"), encoding="utf-8")
    reviewed = load_glossary(tmp_path, target)
    assert reviewed is not None
    again, added = merge(reviewed, extract(_bible(), [], target))
    assert added == 0 and {e.source: e.target for e in again.entries}["陆景深"] == "Jingshen Lu"


def test_a_glossary_with_a_conflicting_duplicate_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "localize"
    folder.mkdir()
    (folder / "glossary.en.yaml").write_text(
        "language: en\nentries:\n  - source: 林晚\n    target: Lin Wan\n  - source: 林晚\n    target: Wan Lin\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"glossary\.en\.yaml.*'林晚' is already in the glossary as 'Lin Wan'"):
        load_glossary(tmp_path, language("en"))


def test_adherence_wants_the_target_form_and_no_variant() -> None:
    target = language("en")
    glossary = Glossary(
        language="en",
        entries=[
            GlossaryEntry(source="大小姐", kind="address", target="Miss"),
            GlossaryEntry(source="小姐", kind="address", target="Lady"),
            GlossaryEntry(source="林晚", kind="name", target="Lin Wan", avoid=["Wan Lin"]),
        ],
    )
    assert adherence_problems("大小姐回来了", "Miss is back", glossary, target) == [], "the longer form hides 小姐"
    assert adherence_problems("林晚呢？", "Where is lin wan?", glossary, target) == [], "case does not matter"
    assert adherence_problems("走吧", "Go, Wan Lin", glossary, target) == [
        "'Wan Lin' is a variant to avoid; the glossary writes 'Lin Wan'"
    ]


def test_a_persons_edit_is_recognised() -> None:
    line = TranslatedLine(id="1-1-1.0", source="走", text="Go.", written=text_hash("Go."))
    assert not line.edited_by_person()
    assert line.model_copy(update={"text": "Leave."}).edited_by_person()
