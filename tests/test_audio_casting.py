"""Voice casting: distinct, fitting, deterministic voices; the narrator apart from everyone."""

from __future__ import annotations

import pytest

from microdrama.audio import cast_voice, narrator_voice, same_voice
from microdrama.errors import MicrodramaError
from microdrama.model.bible import Character
from microdrama.model.media import Voice


def _cast(characters: list[Character], language: str) -> list[Voice]:
    """Cast as the build does: the narrator first, then each character against all taken so far."""
    taken = [narrator_voice(language)]
    voices = []
    for character in characters:
        voice = cast_voice(character, language, taken)
        taken.append(voice)
        voices.append(voice)
    return voices


SMALL_BIBLE = [
    Character(id="hero", name="沈清禾", gender="female", age="young", role="protagonist"),
    Character(id="lead", name="陆景川", gender="male", age="young", role="protagonist"),
    Character(id="villain", name="赵德海", gender="male", age="adult", role="antagonist"),
    Character(id="father", name="沈父", gender="male", age="elder", role="supporting"),
    Character(id="child", name="小宝", gender="male", age="child", role="minor"),
    Character(id="maid", name="阿秀", gender="female", age="adult", role="minor"),
    Character(id="stranger", name="来客", role="minor"),
]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_character_and_the_narrator_sound_different(language: str) -> None:
    voices = [narrator_voice(language), *_cast(SMALL_BIBLE, language)]
    for i, a in enumerate(voices):
        for b in voices[i + 1 :]:
            assert not same_voice(a, b), (a, b)
    # Distinct here means a different voice or variant, not only a small pitch change.
    assert len({v.voice for v in voices}) == len(voices)


def test_chinese_uses_the_pinyin_voice_never_cmn() -> None:
    for voice in [narrator_voice("zh"), *_cast(SMALL_BIBLE, "zh")]:
        assert voice.engine == "espeak-ng"
        assert voice.voice.split("+")[0] == "cmn-latn-pinyin"


def test_english_narration_is_piper_and_characters_are_espeak() -> None:
    assert narrator_voice("en").engine == "piper"
    assert narrator_voice("en").voice == "en_US-joe-medium"
    voices = _cast(SMALL_BIBLE, "en")
    assert all(v.engine == "espeak-ng" for v in voices)
    assert {v.voice.split("+")[0] for v in voices} <= {"en-us", "en-gb"}
    villain = voices[2]
    assert villain.voice.startswith("en-gb+")


def test_voice_follows_gender_age_and_role() -> None:
    by_id = dict(zip([c.id for c in SMALL_BIBLE], _cast(SMALL_BIBLE, "zh"), strict=True))
    assert by_id["hero"].voice.split("+")[1].startswith("f")
    assert by_id["lead"].voice.split("+")[1].startswith("m")
    assert by_id["father"].voice.endswith("+grandpa")
    assert by_id["father"].pitch < by_id["lead"].pitch and by_id["father"].rate < by_id["lead"].rate
    assert by_id["child"].pitch > by_id["hero"].pitch and by_id["child"].rate > 1.0
    assert by_id["villain"].pitch < by_id["lead"].pitch and by_id["villain"].rate < 1.0


def test_casting_is_deterministic() -> None:
    assert _cast(SMALL_BIBLE, "zh") == _cast(SMALL_BIBLE, "zh")
    assert _cast(SMALL_BIBLE, "en") == _cast(SMALL_BIBLE, "en")


def test_a_large_cast_of_similar_characters_still_gets_distinct_voices() -> None:
    crowd = [Character(id=f"guard{i}", name=f"Guard {i}", gender="male", age="adult", role="minor") for i in range(30)]
    voices = [narrator_voice("zh"), *_cast(crowd, "zh")]
    for i, a in enumerate(voices):
        assert not any(same_voice(a, b) for b in voices[i + 1 :])


def test_a_voice_a_person_chose_is_avoided() -> None:
    lead = SMALL_BIBLE[1]
    first = cast_voice(lead, "zh", [])
    assert cast_voice(lead, "zh", [first]) != first


def test_unknown_language() -> None:
    with pytest.raises(MicrodramaError, match="no voices for language 'xx'; microdrama speaks zh, en, es"):
        narrator_voice("xx")
    with pytest.raises(MicrodramaError):
        cast_voice(SMALL_BIBLE[0], "xx", [])
