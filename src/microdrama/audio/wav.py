"""Finishing and writing voice clips: one format for every engine, written atomically.

Every clip leaves here the same way (mono, 16-bit, `SAMPLE_RATE`, ~50 ms of silence at
each end, peak at about -3 dBFS) so the timeline can place clips by their length alone
and the mixer never has to guess levels.
"""

from __future__ import annotations

import os
import secrets
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from microdrama.errors import MicrodramaError

# Both embedded engines (espeak-ng and Piper's en_US voices) synthesise at 22050 Hz,
# so this rate needs no resampling for them; the renderer resamples for AAC anyway.
SAMPLE_RATE = 22050
EDGE_SILENCE = 0.05  # seconds kept before the first and after the last sound
PEAK_DBFS = -3.0

Samples = npt.NDArray[np.float32]

_FRAME = 0.010  # seconds per analysis frame when finding where the sound starts and ends
_RELATIVE_FLOOR_DB = -40.0  # a frame is sound if it is within 40 dB of the loudest frame
_ABSOLUTE_FLOOR = 10 ** (-60 / 20)  # ... and louder than -60 dBFS
_FADE = 0.004  # seconds of fade at the cut points, so a cut never clicks


def to_float(pcm: npt.NDArray[np.int16]) -> Samples:
    return (pcm.astype(np.float32) / 32768.0).astype(np.float32)


def resample(samples: Samples, rate: int, target: int = SAMPLE_RATE) -> Samples:
    """Band-limited resampling in the frequency domain: exact for a finite clip, no dependency."""
    if rate == target or samples.size == 0:
        return samples
    length = max(1, round(samples.size * target / rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(spectrum.size, length // 2 + 1)
    out = np.zeros(length // 2 + 1, dtype=np.complex128)
    out[:keep] = spectrum[:keep]
    result = np.fft.irfft(out, n=length) * (length / samples.size)
    return result.astype(np.float32)


def silence(seconds: float) -> Samples:
    return np.zeros(max(0, round(seconds * SAMPLE_RATE)), dtype=np.float32)


def sound_bounds(samples: Samples) -> tuple[int, int] | None:
    """First and one-past-last sample of the audible part, or None when it is all silence."""
    frame = max(1, round(_FRAME * SAMPLE_RATE))
    count = samples.size // frame
    if count == 0:
        return None
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame)
    rms = np.sqrt((frames**2).mean(axis=1))
    loudest = float(rms.max())
    if loudest <= _ABSOLUTE_FLOOR:
        return None
    floor = max(_ABSOLUTE_FLOOR, loudest * 10 ** (_RELATIVE_FLOOR_DB / 20))
    active = np.flatnonzero(rms > floor)
    start = int(active[0]) * frame
    end = min(samples.size, (int(active[-1]) + 1) * frame)
    return start, end


def trim(samples: Samples) -> Samples:
    """The audible part only (empty when there is none), with a few ms of fade at each cut."""
    bounds = sound_bounds(samples)
    if bounds is None:
        return np.zeros(0, dtype=np.float32)
    clip = samples[bounds[0] : bounds[1]].astype(np.float32, copy=True)
    fade = min(round(_FADE * SAMPLE_RATE), clip.size // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        clip[:fade] *= ramp
        clip[-fade:] *= ramp[::-1]
    return clip


def finish(samples: Samples) -> npt.NDArray[np.int16]:
    """Trim to the sound plus EDGE_SILENCE at each end and peak-normalise to PEAK_DBFS."""
    clip = trim(samples)
    edge = silence(EDGE_SILENCE)
    if clip.size == 0:
        return np.concatenate([edge, edge]).astype(np.int16)
    peak = float(np.abs(clip).max())
    gain = 10 ** (PEAK_DBFS / 20) / peak
    scaled = np.concatenate([edge, clip * gain, edge])
    return np.clip(np.round(scaled * 32767.0), -32768, 32767).astype(np.int16)


def write_wav_atomic(pcm: npt.NDArray[np.int16], out: Path) -> None:
    """Write a mono 16-bit WAV via a temporary file and a rename: never a half-written clip."""
    out = Path(out)
    temp: str | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temp = str(out.parent / f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any file
        with os.fdopen(handle, "wb") as raw:
            with wave.open(raw, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(SAMPLE_RATE)
                wav.writeframes(pcm.astype("<i2").tobytes())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, out)
        temp = None
    except OSError as error:
        raise MicrodramaError(
            f"cannot write {out}: {error.strerror or error}; free some disk space or make the build folder writable"
        ) from error
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def read_wav(path: Path) -> tuple[npt.NDArray[np.int16], int]:
    """A mono 16-bit WAV's samples and rate (what `write_wav_atomic` writes)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit PCM")
        data = wav.readframes(wav.getnframes())
        return np.frombuffer(data, dtype="<i2").astype(np.int16), wav.getframerate()
