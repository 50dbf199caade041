"""Dubbing: each translated line spoken by its character's voice for the language, fitted to its slot.

Voices: the same casting as the original (audio/casting.py), in the target language's
espeak-ng voice (Piper's natural voice narrates English), decided by the bible's order of
characters, so a character keeps one voice across all episodes.

Fitting a line to its slot (from its voice's start to two frames before the next line):
1. speak it at the voice's own rate; if it fits, done;
2. else speak faster, up to MAX_TTS_SPEEDUP (the engine's own rate keeps the pitch natural);
3. else time-stretch the audio (ffmpeg atempo) by at most MAX_STRETCH;
4. else ask the text provider for a shorter line (kept as the line's `dub` text; the
   subtitle keeps the full translation) and start again at 1;
5. if even that is too long, stretch by MAX_STRETCH and report the overflow.
The video is never slowed. Every figure in the report is measured on the audio produced.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from microdrama.audio import kokoro_engine, wav
from microdrama.audio.casting import DUB_VOICES, KOKORO_LANGUAGES, cast_voice, narrator_voice
from microdrama.audio.synthesize import engine_version, synthesize
from microdrama.errors import MicrodramaError, UsageError
from microdrama.localize.cues import slots
from microdrama.localize.languages import Language
from microdrama.localize.model import EpisodeTranslation
from microdrama.model.bible import Bible
from microdrama.model.common import NARRATOR
from microdrama.model.media import Voice
from microdrama.project.atomic import write_text_atomic
from microdrama.render.binary import find_ffmpeg
from microdrama.timeline.model import AudioEvent, Timeline

MAX_TTS_SPEEDUP = 1.25
MAX_STRETCH = 1.15
_DUB_REVISION = 1
Shorten = Callable[[str, float], str]  # (text, share of its length to keep) -> shorter text


@dataclass(frozen=True)
class LineFit:
    id: str
    slot: float  # seconds available
    natural: float  # seconds at the voice's own rate
    tts_rate: float  # speed-up asked of the engine (1 = none)
    stretch: float  # atempo factor applied (1 = none)
    rewritten: bool
    seconds: float  # the produced audio, measured
    overflow: float  # seconds past the slot (0 when it fits)

    @property
    def fitted(self) -> bool:
        return self.overflow <= 1e-3


def cannot_dub(target: Language) -> str:
    """Why ``target`` cannot be dubbed offline here, with what to do; empty when it can."""
    if target.code == "en" or target.code in DUB_VOICES:
        return ""
    if target.code in KOKORO_LANGUAGES:
        if kokoro_engine.available():
            return ""
        return f"{target.name} voices are not installed (espeak-ng cannot speak it); run: {kokoro_engine.INSTALL}"
    return f"no offline voice speaks {target.name}"


def dub_cast(bible: Bible, target: Language) -> dict[str, Voice]:
    """character id (and NARRATOR) -> the voice that speaks it in ``target``, the same in every episode."""
    reason = cannot_dub(target)
    if reason:
        raise UsageError(f"{reason}; or localize with --no-dub for subtitles only")
    code = target.code
    voices: dict[str, Voice] = {NARRATOR: narrator_voice(code)}
    taken: list[Voice] = []
    for character in bible.characters:
        voice = cast_voice(character, code, taken)
        voices[character.id] = voice
        taken.append(voice)
    return voices


def _measured(path: Path) -> float:
    pcm, rate = wav.read_wav(path)
    return float(pcm.size / rate)


def _atempo(source: Path, factor: float, out: Path) -> None:
    temp = out.with_name(f".{out.name}.partial.wav")
    command = [find_ffmpeg(), "-v", "error", "-y", "-i", str(source), "-filter:a", f"atempo={factor:.4f}"]
    command += ["-ac", "1", "-ar", str(wav.SAMPLE_RATE), "-c:a", "pcm_s16le", str(temp)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        temp.unlink(missing_ok=True)
        raise MicrodramaError(f"ffmpeg could not time-stretch a dubbed line: {completed.stderr.strip()[-300:]}")
    temp.replace(out)


def _speak(text: str, voice: Voice, code: str, speedup: float, out: Path) -> float:
    faster = voice.model_copy(update={"rate": round(voice.rate * speedup, 3)})
    return synthesize(text, faster, code, out)


def fit_line(
    line_id: str, text: str, voice: Voice, code: str, slot: float, out: Path, shorten: Shorten | None
) -> tuple[LineFit, str]:
    """Speak ``text`` into ``out`` fitted to ``slot`` seconds; the fit and the text spoken."""
    spoken, rewritten = text, False
    natural = 0.0
    for attempt in range(2):
        natural = _speak(spoken, voice, code, 1.0, out)
        if natural <= slot:
            return LineFit(line_id, slot, natural, 1.0, 1.0, rewritten, _measured(out), 0.0), spoken
        speedup = min(MAX_TTS_SPEEDUP, natural / slot * 1.01)
        faster = _speak(spoken, voice, code, speedup, out)
        stretch = faster / slot * 1.005
        if stretch <= 1.0:
            return LineFit(line_id, slot, natural, speedup, 1.0, rewritten, _measured(out), 0.0), spoken
        if stretch <= MAX_STRETCH or attempt == 1 or shorten is None:
            factor = min(stretch, MAX_STRETCH)
            _atempo(out, factor, out)
            seconds = _measured(out)
            fit = LineFit(line_id, slot, natural, speedup, factor, rewritten, seconds, max(0.0, seconds - slot))
            return fit, spoken
        shorter = shorten(spoken, slot * MAX_TTS_SPEEDUP / natural)
        if not shorter.strip() or shorter.strip() == spoken.strip():
            shorten = None  # nothing shorter to be had: stretch what there is
            continue
        spoken, rewritten = shorter, True
    raise AssertionError("unreachable: the second attempt always returns")


def dub_key(text: str, voice: Voice, code: str, slot: float) -> str:
    """The cache key of one dubbed line: everything its audio depends on."""
    payload = json.dumps(
        [text, voice.model_dump(mode="json"), code, round(slot, 3), engine_version(voice), _DUB_REVISION, MAX_STRETCH],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def report_dict(fits: list[LineFit]) -> dict[str, object]:
    fitted = sum(1 for fit in fits if fit.fitted)
    return {
        "lines": len(fits),
        "fitted": fitted,
        "fitted_without_rewrite": sum(1 for fit in fits if fit.fitted and not fit.rewritten),
        "rewritten": sum(1 for fit in fits if fit.rewritten),
        "max_stretch": max((fit.stretch for fit in fits), default=1.0),
        "max_tts_rate": max((fit.tts_rate for fit in fits), default=1.0),
        "overflow_seconds": round(sum(fit.overflow for fit in fits), 3),
        "per_line": [asdict(fit) for fit in fits],
    }


def dub_episode(
    root: Path,
    translation: EpisodeTranslation,
    timeline: Timeline,
    target: Language,
    voices: dict[str, Voice],
    speakers: dict[str, str],
    shorten: Callable[[str, str, float], str] | None,
) -> tuple[list[AudioEvent], list[LineFit], dict[str, str]]:
    """The dubbed audio events of one episode, their fits, and the shorter texts the dub spoke.

    ``speakers`` maps line ids to character ids (or NARRATOR); ``shorten(line_id, text, share)``
    asks for a shorter line. Each line's audio is cached under ``dub_key``, so a re-run only
    speaks lines whose text, voice or slot changed.
    """
    where = slots(timeline)
    cache = root / "build" / "cache" / "dub" / target.code
    cache.mkdir(parents=True, exist_ok=True)
    events: list[AudioEvent] = []
    fits: list[LineFit] = []
    rewritten: dict[str, str] = {}
    for line in translation.lines:
        slot = where.get(line.id)
        text = (line.dub or line.text).strip()
        if slot is None or not text:
            continue
        seconds = slot.limit - slot.start
        voice = voices.get(speakers.get(line.id, NARRATOR), voices[NARRATOR])
        key = dub_key(text, voice, target.code, seconds)
        audio, record = cache / f"{key}.wav", cache / f"{key}.json"
        if audio.exists() and record.exists():
            saved = json.loads(record.read_text(encoding="utf-8"))
            fit, spoken = LineFit(**saved["fit"]), str(saved["spoken"])
        else:
            ask = (lambda t, share, line_id=line.id: shorten(line_id, t, share)) if shorten is not None else None
            fit, spoken = fit_line(line.id, text, voice, target.code, seconds, audio, ask)
            write_text_atomic(record, json.dumps({"fit": asdict(fit), "spoken": spoken}, ensure_ascii=False))
        if spoken != text:
            rewritten[line.id] = spoken
        shot, _, index = line.id.rpartition(".")
        events.append(
            AudioEvent(
                path=str(audio.relative_to(root)),
                start=slot.start,
                duration=max(fit.seconds, 1e-3),
                shot=shot,
                line=int(index),
                kind=line.kind,
            )
        )
        fits.append(fit)
    return events, fits, rewritten
