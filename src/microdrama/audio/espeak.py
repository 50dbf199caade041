"""espeak-ng through its C API (ctypes), from the espeakng-loader wheel: no binary, no apt.

The library is one global synthesiser per process, so every call holds `_LOCK`; it is
initialised lazily, once per process, in AUDIO_OUTPUT_SYNCHRONOUS mode (no thread of its
own), which makes it safe to use in forked and spawned workers: the fork handlers below
take the lock around fork(), so a child never inherits a half-finished utterance.
"""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from microdrama import assets
from microdrama.audio.elf import symbols
from microdrama.errors import MicrodramaError

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # report missing data instead of exiting the whole process
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0
_RATE, _VOLUME, _PITCH, _RANGE, _PUNCTUATION, _CAPITALS, _WORDGAP = 1, 2, 3, 4, 5, 6, 7
_MIN_WPM, _MAX_WPM = 80, 450
_SEED = 1
# Internal state carried from one utterance into the next (see elf.py), with the value a
# freshly initialised library has.
_CARRIED_STATE = {"Flutter_ix": 0, "agc": 256, "cycle_count": 0}

# Names people use that are not espeak-ng voice file names (British English's file is "en").
_ALIASES = {"en-gb": "en"}

_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_LOCK = threading.Lock()
os.register_at_fork(before=_LOCK.acquire, after_in_parent=_LOCK.release, after_in_child=_LOCK.release)


@dataclass(frozen=True)
class VoiceName:
    """An espeak-ng voice name split into its language voice and optional variant (en-us+m3)."""

    base: str
    variant: str | None

    @staticmethod
    def parse(name: str) -> VoiceName:
        base, _, variant = name.strip().partition("+")
        return VoiceName(base.strip(), variant.strip() or None)

    def __str__(self) -> str:
        return f"{self.base}+{self.variant}" if self.variant else self.base


class _Library:
    """The loaded libespeak-ng; only used with _LOCK held."""

    def __init__(self) -> None:
        import espeakng_loader

        assets.package_files("espeakng-loader")  # the library ctypes loads and its phoneme data
        self.path = Path(espeakng_loader.get_library_path())
        self.data = Path(espeakng_loader.get_data_path())
        lib = ctypes.CDLL(str(self.path))
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_Callback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib = lib
        self.sample_rate = int(
            lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data).encode(), _INITIALIZE_DONT_EXIT)
        )
        if self.sample_rate <= 0:
            raise MicrodramaError(f"espeak-ng could not start with its data in {self.data}; reinstall espeakng-loader")
        self._chunks: list[npt.NDArray[np.int16]] = []
        self._callback = _Callback(self._collect)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)
        self.variants = {p.name for p in (self.data / "voices" / "!v").iterdir() if p.is_file()}
        self._state = self._find_state()

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int | None) -> int:
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).astype(np.int16, copy=True))
        return 0

    def _find_state(self) -> list[tuple[ctypes.c_int, int]]:
        """The carried-state variables in memory, or [] when they cannot be located safely."""
        found = symbols(self.path, {*_CARRIED_STATE, "espeak_Synth", "espeak_Initialize"})
        if any(name not in found for name in (*_CARRIED_STATE, "espeak_Synth", "espeak_Initialize")):
            return []
        addresses = {
            name: ctypes.cast(getattr(self.lib, name), ctypes.c_void_p).value or 0
            for name in ("espeak_Synth", "espeak_Initialize")
        }
        base = addresses["espeak_Synth"] - found["espeak_Synth"][0]
        if addresses["espeak_Initialize"] - found["espeak_Initialize"][0] != base:
            return []
        state = []
        for name, initial in _CARRIED_STATE.items():
            value, size = found[name]
            if size != ctypes.sizeof(ctypes.c_int):
                return []
            state.append((ctypes.c_int.from_address(base + value), initial))
        return state

    @property
    def deterministic(self) -> bool:
        return bool(self._state)

    def select(self, voice: VoiceName) -> None:
        if voice.variant is not None and voice.variant not in self.variants:
            raise MicrodramaError(
                f"espeak-ng voice variant '+{voice.variant}' does not exist; use one like +m1..+m7 or +f1..+f5"
            )
        base = _ALIASES.get(voice.base.lower(), voice.base)
        for name in (base, f"{base}+{voice.variant}" if voice.variant else base):
            if self.lib.espeak_SetVoiceByName(name.encode()) != _EE_OK:
                raise MicrodramaError(
                    f"espeak-ng has no voice '{voice}'; use en-us, en-gb or cmn-latn-pinyin, with a variant like +m3"
                )

    def synthesize(self, text: str, voice: VoiceName, wpm: int, pitch: int) -> npt.NDArray[np.int16]:
        self.select(voice)
        for parameter, value in (
            (_RATE, min(_MAX_WPM, max(_MIN_WPM, wpm))),
            (_VOLUME, 100),
            (_PITCH, min(99, max(0, pitch))),
            (_RANGE, 50),
            (_PUNCTUATION, 0),
            (_CAPITALS, 0),
            (_WORDGAP, 0),
        ):
            self.lib.espeak_SetParameter(parameter, value, 0)
        self.lib.espeak_ng_SetRandSeed(_SEED)
        for variable, initial in self._state:
            variable.value = initial
        data = text.encode("utf-8") + b"\0"
        self._chunks = []
        status = self.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        if status != _EE_OK:
            raise MicrodramaError(f"espeak-ng failed to speak a line (error {status}); run the engine check (doctor)")
        chunks, self._chunks = self._chunks, []
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    def phonemes(self, text: str, voice: VoiceName) -> str:
        self.select(voice)
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses = []
        while pointer.value:
            result = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0)
            clauses.append((result or b"").decode("utf-8", "replace").strip())
        return " | ".join(c for c in clauses if c)


_library: _Library | None = None


def _get() -> _Library:
    """The process's library, loaded on first use (call with _LOCK held)."""
    global _library
    if _library is None:
        try:
            _library = _Library()
        except (ImportError, OSError, RuntimeError, AttributeError) as error:
            raise MicrodramaError(f"espeak-ng library not found ({error}); reinstall espeakng-loader") from error
    return _library


def synthesize(text: str, voice: str, wpm: int, pitch: int) -> tuple[npt.NDArray[np.int16], int]:
    """16-bit samples and their rate for `text` in an espeak-ng voice at `wpm` words a minute."""
    with _LOCK:
        library = _get()
        return library.synthesize(text, VoiceName.parse(voice), wpm, pitch), library.sample_rate


def phonemes(text: str, voice: str) -> str:
    """espeak-ng's phonemes for `text` (tones as digits for Chinese), clauses joined by ' | '."""
    with _LOCK:
        return _get().phonemes(text, VoiceName.parse(voice))


def check_voice(voice: str) -> None:
    """Raise MicrodramaError unless espeak-ng can select this voice."""
    with _LOCK:
        _get().select(VoiceName.parse(voice))


def is_deterministic() -> bool:
    """True when utterances are independent of what was spoken before (byte-identical repeats)."""
    with _LOCK:
        return _get().deterministic
