"""Voices: casting characters and the narrator, and offline speech synthesis.

espeak-ng (through its C library from the espeakng-loader wheel) speaks every language,
Chinese as numbered pinyin with the cmn-latn-pinyin voice; Piper speaks English with the
en_US-joe-medium model from PyPI. Nothing here needs a system package or a download.
"""

from __future__ import annotations

from microdrama.audio.casting import cast_voice, narrator_voice, same_voice
from microdrama.audio.pinyin import to_pinyin
from microdrama.audio.synthesize import ENGINE_VERSION, check_engines, synthesize
from microdrama.audio.wav import SAMPLE_RATE

__all__ = [
    "ENGINE_VERSION",
    "SAMPLE_RATE",
    "cast_voice",
    "check_engines",
    "narrator_voice",
    "same_voice",
    "synthesize",
    "to_pinyin",
]
