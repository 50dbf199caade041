"""Speech synthesis with the real engines: espeak-ng (libespeak-ng via ctypes) and Piper."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from microdrama.audio import SAMPLE_RATE, check_engines, narrator_voice, synthesize, to_pinyin
from microdrama.audio import espeak as espeak_engine
from microdrama.audio.wav import read_wav
from microdrama.errors import MicrodramaError
from microdrama.model.media import Voice
from tests.test_audio_casting import SMALL_BIBLE, _cast

ZH_F = Voice(engine="espeak-ng", voice="cmn-latn-pinyin+f2")
ZH_M = Voice(engine="espeak-ng", voice="cmn-latn-pinyin+m3")
EN_ESPEAK = Voice(engine="espeak-ng", voice="en-us+m3")
PIPER = narrator_voice("en")
EN_LINE = "The door opened, and a stranger walked in out of the rain."


def _speak(tmp_path: Path, text: str, voice: Voice, language: str, name: str = "line.wav") -> tuple[float, np.ndarray]:
    out = tmp_path / name
    seconds = synthesize(text, voice, language, out)
    pcm, rate = read_wav(out)
    assert rate == SAMPLE_RATE
    assert seconds == pytest.approx(pcm.size / rate)
    return seconds, pcm.astype(np.float64) / 32768.0


def _f0_track(x: npt.NDArray[np.float64], frame: float = 0.04, hop: float = 0.01) -> npt.NDArray[np.float64]:
    """Fundamental frequency per frame by normalised autocorrelation (NaN where unvoiced)."""
    n, h = int(frame * SAMPLE_RATE), int(hop * SAMPLE_RATE)
    low, high = int(SAMPLE_RATE / 500), int(SAMPLE_RATE / 60)
    frames = [x[i : i + n] - x[i : i + n].mean() for i in range(0, x.size - n, h)]
    loud = max(float(np.sqrt(np.mean(f**2))) for f in frames)
    track = []
    for f in frames:
        if np.sqrt(np.mean(f**2)) < loud * 10 ** (-25 / 20):
            track.append(np.nan)
            continue
        corr = np.correlate(f, f, "full")[n - 1 :]
        corr /= corr[0]
        lag = low + int(np.argmax(corr[low:high]))
        track.append(SAMPLE_RATE / lag if corr[lag] > 0.5 else np.nan)
    return np.array(track)


def _f0(x: npt.NDArray[np.float64]) -> float:
    return float(np.nanmedian(_f0_track(x)))


def _contour(x: npt.NDArray[np.float64]) -> float:
    """F0 at the end of the voiced part over F0 at its start (>1 rising, <1 falling)."""
    track = _f0_track(x)
    voiced = track[~np.isnan(track)]
    third = max(1, voiced.size // 3)
    return float(np.median(voiced[-third:]) / np.median(voiced[:third]))


@pytest.mark.parametrize(
    ("text", "voice", "language", "low", "high"),
    [
        ("你好，我们明天再见。", ZH_F, "zh", 0.8, 5.0),  # 9 characters
        ("这客栈我出八十万，够你还清所有的债。", ZH_M, "zh", 1.5, 7.0),  # 17 characters
        (EN_LINE, EN_ESPEAK, "en", 1.5, 6.0),
        (EN_LINE, PIPER, "en", 1.5, 6.0),
    ],
)
def test_each_engine_speaks_a_finished_clip(
    tmp_path: Path, text: str, voice: Voice, language: str, low: float, high: float
) -> None:
    seconds, x = _speak(tmp_path, text, voice, language)
    assert low <= seconds <= high
    peak = np.abs(x).max()
    assert 10 ** (-3.3 / 20) <= peak <= 10 ** (-2.7 / 20)  # peak-normalised to -3 dBFS
    edge = int(0.04 * SAMPLE_RATE)
    assert np.abs(x[:edge]).max() < 0.01 and np.abs(x[-edge:]).max() < 0.01  # ~50 ms of silence kept
    assert np.abs(x[: int(0.08 * SAMPLE_RATE)]).max() > 0.01  # ... and no more than that
    middle = x[x.size // 4 : 3 * x.size // 4]
    assert np.sqrt(np.mean(middle**2)) > 0.03  # speech, not silence
    with open(tmp_path / "line.wav", "rb") as f:
        header = f.read(44)
    assert header[:4] == b"RIFF" and header[22:24] == b"\x01\x00" and header[34:36] == b"\x10\x00"  # mono, 16-bit


def test_tone_digits_become_tones_not_words(tmp_path: Path) -> None:
    pinyin = to_pinyin("妈麻马骂")
    assert pinyin == "ma1 ma2 ma3 ma4"
    phonemes = espeak_engine.phonemes(pinyin, "cmn-latn-pinyin")
    assert "(en)" not in phonemes  # nothing fell back to English (as "three" would)
    for contour in ("55", "35", "214", "51"):  # espeak-ng's Mandarin tone contours
        assert contour in phonemes
    # A voice reading tone digits as numbers says "ni three hao three": much longer.
    pinyin_seconds, _ = _speak(tmp_path, "你好", ZH_M, "zh", "zh.wav")
    digits_seconds, _ = _speak(tmp_path, "ni3 hao3", EN_ESPEAK, "en", "en.wav")
    assert pinyin_seconds < 0.7 * digits_seconds
    # And the tones are heard: the second tone rises, the fourth falls.
    assert _contour(_speak(tmp_path, "麻", ZH_F, "zh")[1]) > 1.1
    assert _contour(_speak(tmp_path, "骂", ZH_F, "zh")[1]) < 0.95


def test_pitch_setting_moves_the_fundamental_frequency(tmp_path: Path) -> None:
    text = "The quick brown fox jumps over the lazy dog."
    low = _f0(_speak(tmp_path, text, EN_ESPEAK.model_copy(update={"pitch": 25}), "en")[1])
    high = _f0(_speak(tmp_path, text, EN_ESPEAK.model_copy(update={"pitch": 75}), "en")[1])
    assert 60 < low < 200
    assert high > 1.25 * low
    female = _f0(_speak(tmp_path, text, Voice(engine="espeak-ng", voice="en-us+f2"), "en")[1])
    assert female > 1.4 * _f0(_speak(tmp_path, text, EN_ESPEAK, "en")[1])


@pytest.mark.parametrize(
    ("voice", "language", "text"), [(ZH_M, "zh", "我们明天早上在老地方见面吧。"), (PIPER, "en", EN_LINE)]
)
def test_faster_rate_is_shorter(tmp_path: Path, voice: Voice, language: str, text: str) -> None:
    normal, _ = _speak(tmp_path, text, voice, language)
    fast, _ = _speak(tmp_path, text, voice.model_copy(update={"rate": 1.5}), language)
    assert fast < 0.8 * normal


@pytest.mark.parametrize(("voice", "language", "text"), [(ZH_F, "zh", "你好，世界。"), (PIPER, "en", "Not tonight.")])
def test_same_input_same_bytes_whatever_was_said_before(tmp_path: Path, voice: Voice, language: str, text: str) -> None:
    first = tmp_path / "a.wav"
    synthesize(text, voice, language, first)
    synthesize("这是另外一句完全不同的话。", ZH_M, "zh", tmp_path / "other.wav")
    synthesize("Something else entirely, said first.", PIPER, "en", tmp_path / "other2.wav")
    again = tmp_path / "b.wav"
    synthesize(text, voice, language, again)
    assert first.read_bytes() == again.read_bytes()


def test_espeak_state_reset_is_available_in_this_build() -> None:
    assert espeak_engine.is_deterministic()


def test_long_text_is_spoken_in_pieces(tmp_path: Path) -> None:
    paragraph = "雨下了整整三天，镇上没有一个人敢去推开那家老客栈的门。"  # 26 characters
    seconds, _ = _speak(tmp_path, paragraph * 60, ZH_M, "zh")  # 1560 characters, several pieces
    assert 1560 / 6 < seconds < 1560 / 3  # at 3 to 6 characters a second
    words = " ".join(["and the old man walked slowly down the long road toward the river"] * 5)  # no punctuation
    seconds, _ = _speak(tmp_path, words, PIPER.model_copy(update={"rate": 2.0}), "en", "piper.wav")
    assert 65 / 10 < seconds < 65 / 2  # 65 words at twice the normal speed


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_a_user_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(MicrodramaError, match="no text"):
        synthesize(text, ZH_M, "zh", tmp_path / "x.wav")
    assert not any(tmp_path.iterdir())


def test_a_line_of_only_punctuation_is_a_beat_of_silence(tmp_path: Path) -> None:
    seconds, x = _speak(tmp_path, "……", ZH_M, "zh")
    assert seconds == pytest.approx(0.5)
    assert not x.any()


@pytest.mark.parametrize(
    ("voice", "language", "message"),
    [
        (Voice(engine="espeak-ng", voice="cmn+m3"), "zh", "cmn-latn-pinyin"),
        (Voice(engine="espeak-ng", voice="en-us+m3"), "zh", "cannot speak Chinese"),
        (PIPER, "zh", "cannot speak"),
        (Voice(engine="espeak-ng", voice="cmn-latn-pinyin+zz9"), "zh", "variant"),
        (Voice(engine="espeak-ng", voice="xx-nowhere"), "en", "no voice"),
        (Voice(engine="piper", voice="de_DE-nobody"), "en", "unknown Piper voice"),
    ],
)
def test_unusable_voices_are_user_errors(tmp_path: Path, voice: Voice, language: str, message: str) -> None:
    with pytest.raises(MicrodramaError, match=message):
        synthesize("你好 hello", voice, language, tmp_path / "x.wav")
    assert not any(tmp_path.iterdir())


def test_write_is_atomic_and_failures_are_clear(tmp_path: Path) -> None:
    out = tmp_path / "clip.wav"
    out.write_bytes(b"old")
    synthesize("再见。", ZH_M, "zh", out)
    assert out.read_bytes()[:4] == b"RIFF"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.wav"]  # no temporary left behind
    with pytest.raises(MicrodramaError, match="cannot write"):
        synthesize("再见。", ZH_M, "zh", out / "inside-a-file.wav")  # fails even for root
    if os.geteuid() != 0:  # root writes into read-only folders
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            with pytest.raises(MicrodramaError, match="cannot write"):
                synthesize("再见。", ZH_M, "zh", locked / "clip.wav")
            assert not any(locked.iterdir())
        finally:
            locked.chmod(stat.S_IRWXU)


def test_engine_check_finds_no_problem() -> None:
    assert check_engines() == []


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh", "我们明天早上在老地方见面吧。"), ("en", "We will meet at the old place tomorrow morning.")],
)
def test_cast_voices_are_heard_as_cast(tmp_path: Path, language: str, text: str) -> None:
    heard = {}
    for character, voice in zip(SMALL_BIBLE, _cast(SMALL_BIBLE, language), strict=True):
        seconds, x = _speak(tmp_path, text, voice, language)
        heard[character.id] = (_f0(x), seconds)
    pitch = {name: f0 for name, (f0, _) in heard.items()}
    length = {name: seconds for name, (_, seconds) in heard.items()}
    assert pitch["child"] > pitch["hero"] > 1.5 * pitch["lead"]  # a child above a young woman above a man
    assert pitch["villain"] < 0.9 * pitch["lead"] and pitch["father"] < pitch["lead"]  # deeper
    assert length["father"] > length["lead"] > length["child"]  # an elder slower, a child quicker
