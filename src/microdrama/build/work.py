"""What workers run: each function makes one artifact and writes it atomically.

Kept apart from the pipeline so a worker process imports only what its task needs
(a voice task never loads the drawing code, and the other way round).
"""

from __future__ import annotations

import contextlib
from functools import partial
from pathlib import Path
from typing import Any

from microdrama.build.cache import write_json_atomic
from microdrama.build.publish import Outputs


def voice_line(text: str, voice: dict[str, Any], language: str, out: str) -> float:
    """Synthesise one line; its duration goes into a sidecar JSON written after the WAV."""
    from microdrama.audio import synthesize
    from microdrama.model import Voice

    seconds = synthesize(text, Voice.model_validate(voice), language, Path(out))
    write_json_atomic(Path(out).with_suffix(".json"), {"seconds": seconds})
    return seconds


def draw_shot(request: Any, out: str) -> None:
    from microdrama.visuals import draw_frame

    draw_frame(request, Path(out))


def title_card(title: str, licence: str, language: str, out: str) -> None:
    from microdrama.visuals import draw_title_card

    draw_title_card(title, licence, language, Path(out))


def ai_label(language: str, out: str) -> None:
    from microdrama.visuals import draw_ai_label

    draw_ai_label(language, Path(out))


def render(
    timeline: dict[str, Any],
    root: str,
    ass: str | None,
    out: str,
    loudness_lufs: float,
    name: str = "",
    key: str = "",
    state: str = "",
) -> bool:
    """Render an episode; in a build (``state`` given), published only while ``key`` is the wanted one for ``name``."""
    from microdrama.render.ffmpeg import render_episode
    from microdrama.timeline.model import Timeline

    return render_episode(
        Timeline.model_validate(timeline),
        Path(root),
        Path(ass) if ass else None,
        Path(out),
        loudness_lufs=loudness_lufs,
        publish=partial(Outputs(Path(state)).publish, name, key) if state else None,
    )


def storyboard(
    episode: dict[str, Any],
    bible: dict[str, Any],
    frames: dict[str, str],
    timings: dict[str, Any],
    out: str,
    name: str,
    key: str,
    state: str,
) -> bool:
    """Draw an episode's storyboard beside ``out``; published like a render (only if still wanted)."""
    from microdrama.model import Bible, Episode
    from microdrama.render.leftovers import partial_path
    from microdrama.visuals import storyboard_sheet

    temp = partial_path(Path(out))
    try:
        storyboard_sheet(
            Episode.model_validate(episode),
            Bible.model_validate(bible),
            {shot: Path(path) for shot, path in frames.items()},
            {shot: (float(span[0]), float(span[1])) for shot, span in timings.items()},
            temp,
        )
        return Outputs(Path(state)).publish(name, key, temp, Path(out))
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def ai_frame(
    gateway: dict[str, Any],
    prompt: str,
    seed: int,
    size: tuple[int, int],
    reference: str | None,
    episode: int | None,
    out: str,
) -> None:
    """One frame from the image provider, fitted (cover, centred) to the frame size the renderer expects."""
    import io

    from PIL import Image, UnidentifiedImageError

    from microdrama.errors import ProviderError
    from microdrama.providers.base import ImageRequest
    from microdrama.providers.gateway import Gateway
    from microdrama.visuals import FRAME_SIZE
    from microdrama.visuals.canvas import save_png

    reference_png = Path(reference).read_bytes() if reference else None
    request = ImageRequest(prompt=prompt, width=size[0], height=size[1], seed=seed, reference=reference_png)
    png = Gateway.from_context(gateway).image("frames", request, episode=episode)
    try:
        picture = Image.open(io.BytesIO(png)).convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise ProviderError(f"the image provider returned something that is not a picture: {error}") from error
    scale = max(FRAME_SIZE[0] / picture.width, FRAME_SIZE[1] / picture.height)
    resized = picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS)
    left, top = (resized.width - FRAME_SIZE[0]) // 2, (resized.height - FRAME_SIZE[1]) // 2
    save_png(resized.crop((left, top, left + FRAME_SIZE[0], top + FRAME_SIZE[1])), Path(out))


def ai_voice(
    gateway: dict[str, Any], text: str, voice: str, language: str, speed: float, episode: int | None, out: str
) -> float:
    """One line from the speech provider, decoded by ffmpeg to the build's mono 22.05 kHz WAV."""
    import subprocess

    import numpy as np

    from microdrama.audio.wav import SAMPLE_RATE, finish, to_float, write_wav_atomic
    from microdrama.children import dies_with_this_process
    from microdrama.errors import ProviderError
    from microdrama.providers.base import SpeechRequest
    from microdrama.providers.gateway import Gateway
    from microdrama.render.binary import find_ffmpeg

    speech = Gateway.from_context(gateway).speech(
        "voices", SpeechRequest(text=text, voice=voice, language=language, speed=speed), episode=episode
    )
    decoded = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", "pipe:0", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"],
        input=speech.audio,
        capture_output=True,
        check=False,
        preexec_fn=dies_with_this_process(),
    )
    if decoded.returncode != 0 or not decoded.stdout:
        detail = decoded.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no audio"]
        raise ProviderError(f"the speech provider's {speech.format} audio cannot be decoded: {detail[0]}")
    pcm = finish(to_float(np.frombuffer(decoded.stdout, dtype="<i2")))
    write_wav_atomic(pcm, Path(out))
    seconds = len(pcm) / SAMPLE_RATE
    write_json_atomic(Path(out).with_suffix(".json"), {"seconds": seconds})
    return seconds
