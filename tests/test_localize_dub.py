"""Dubbing fit with the real engines (espeak-ng, Piper, Kokoro) and the real ffmpeg atempo."""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.audio import kokoro_engine, wav
from microdrama.errors import MicrodramaError
from microdrama.localize.dub import MAX_STRETCH, MAX_TTS_SPEEDUP, cannot_dub, dub_cast, fit_line
from microdrama.localize.languages import language
from microdrama.model.bible import Bible
from microdrama.model.common import NARRATOR
from microdrama.model.media import Voice

SPANISH = Voice(engine="espeak-ng", voice="es-419+m3", pitch=50, rate=1.0)
LONG = "Nunca pensé que el hombre que arruinó a mi familia volvería a esta ciudad como mi nuevo jefe."


def seconds(path: Path) -> float:
    pcm, rate = wav.read_wav(path)
    return pcm.size / rate


def test_a_line_that_fits_is_spoken_as_it_is(tmp_path: Path) -> None:
    fit, spoken = fit_line("1-1-1.0", "Hola.", SPANISH, "es", 5.0, tmp_path / "a.wav", None)
    assert spoken == "Hola." and fit.fitted and (fit.tts_rate, fit.stretch) == (1.0, 1.0)
    assert fit.seconds == pytest.approx(seconds(tmp_path / "a.wav"))


def test_a_slightly_long_line_is_spoken_faster_then_stretched_within_the_limits(tmp_path: Path) -> None:
    natural, _ = fit_line("x", LONG, SPANISH, "es", 60.0, tmp_path / "n.wav", None)
    slot = natural.seconds / (MAX_TTS_SPEEDUP * 1.08)  # beyond the engine's speed-up, within the stretch
    fit, spoken = fit_line("1-1-1.0", LONG, SPANISH, "es", slot, tmp_path / "b.wav", None)
    assert spoken == LONG and not fit.rewritten
    assert fit.tts_rate == pytest.approx(MAX_TTS_SPEEDUP)
    assert 1.0 < fit.stretch <= MAX_STRETCH
    assert fit.fitted and seconds(tmp_path / "b.wav") <= slot + 0.02, "measured on the audio made"


def test_a_line_far_too_long_is_rewritten_shorter_and_still_never_faster_than_the_limit(tmp_path: Path) -> None:
    asked: list[float] = []

    def shorter(text: str, share: float) -> str:
        asked.append(share)
        words = text.split()
        return " ".join(words[: max(1, round(len(words) * share * 0.8))])

    fit, spoken = fit_line("1-1-1.0", LONG, SPANISH, "es", 1.6, tmp_path / "c.wav", shorter)
    assert fit.rewritten and len(spoken) < len(LONG) and asked and 0 < asked[0] < 1
    assert fit.stretch <= MAX_STRETCH
    assert fit.seconds == pytest.approx(seconds(tmp_path / "c.wav"))

    stuck, _ = fit_line("1-1-1.1", LONG, SPANISH, "es", 1.0, tmp_path / "d.wav", lambda text, share: text)
    assert stuck.stretch == pytest.approx(MAX_STRETCH) and stuck.overflow > 0 and not stuck.fitted


def test_every_character_keeps_one_distinct_voice_per_language() -> None:
    bible = Bible.model_validate(
        {
            "series": {"title": "t", "language": "zh", "minutes_per_episode": 1, "episode_count": 1},
            "characters": [
                {"id": "lin", "name": "林晚", "gender": "female", "role": "protagonist"},
                {"id": "lu", "name": "陆景深", "gender": "male", "role": "antagonist"},
            ],
        }
    )
    cast = dub_cast(bible, language("es"))
    assert cast == dub_cast(bible, language("es")), "the same in every episode"
    assert cast["lin"].voice.startswith("es-419+f") and cast["lu"].voice.startswith("es-419+m")
    assert cast[NARRATOR].voice == "es-419"
    assert dub_cast(bible, language("en"))[NARRATOR].engine == "piper"
    assert cannot_dub(language("vi")) == "" and "no offline voice" in cannot_dub(language("zh-Hant"))

    japanese = dub_cast(bible, language("ja"))
    assert [japanese[key].voice for key in ("lin", "lu", NARRATOR)] == ["jf_alpha", "jm_kumo", "jf_tebukuro"]
    assert {voice.engine for voice in japanese.values()} == {"kokoro"}


def test_a_cast_larger_than_the_japanese_voices_is_told_apart_by_speed() -> None:
    characters = [{"id": f"w{n}", "name": f"女{n}", "gender": "female", "role": "supporting"} for n in range(6)]
    series = {"title": "t", "language": "zh", "minutes_per_episode": 1, "episode_count": 1}
    cast = dub_cast(Bible.model_validate({"series": series, "characters": characters}), language("ja"))
    voices = [(voice.voice, voice.rate) for voice in cast.values()]
    assert len(set(voices)) == len(voices), voices
    assert {name for name, _ in voices} == set(kokoro_engine.FEMALE)


def test_japanese_is_dubbed_with_kokoro_and_fitted_like_any_line(tmp_path: Path) -> None:
    voice = Voice(engine="kokoro", voice="jm_kumo", rate=1.0)
    fit, spoken = fit_line("1-1-1.0", "お嬢様、お帰りなさいませ。", voice, "ja", 5.0, tmp_path / "ja.wav", None)
    assert fit.fitted and 0.8 < fit.seconds < 4.0
    pcm, _ = wav.read_wav(tmp_path / "ja.wav")
    assert wav.sound_bounds(wav.to_float(pcm)) is not None, "audible speech"
    tight, _ = fit_line("1-1-1.1", spoken, voice, "ja", fit.seconds / 1.2, tmp_path / "tight.wav", None)
    assert tight.fitted and tight.tts_rate > 1.0, "spoken faster to fit a shorter slot"
    with pytest.raises(MicrodramaError, match="cannot speak 'es'"):
        fit_line("x", "Hola.", voice, "es", 5.0, tmp_path / "es.wav", None)
