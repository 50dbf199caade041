"""How loud voices and music go: measured before the render, so one video pass lands on target.

The voices are measured alone and set to the target; the music bed is measured and
set MUSIC_UNDER_VOICE below them (the sidechain ducks it further while anyone
speaks); then the whole mix is measured, because a bed fills the quiet between lines
and ITU loudness gating then counts those stretches, and a last gain brings the mix
back to the target. Each measurement is an audio-only ffmpeg run: well under a second
for an episode.
"""

from __future__ import annotations

from pathlib import Path

from microdrama.render.graph import RATE, AudioGains, measure_graph
from microdrama.render.probe import loudness
from microdrama.render.run import integrated_loudness
from microdrama.timeline.model import Timeline

MUSIC_UNDER_VOICE = 14.0  # LU: the bed sits this far under the voices, before ducking
SILENCE = -70.0  # LUFS: the absolute gate; anything quieter is silence


def measure_gains(
    ffmpeg: str, timeline: Timeline, root: Path, music: Path | None, target: float, work: Path
) -> AudioGains:
    gains = AudioGains()
    samples = round(timeline.duration * RATE)
    what = f"episode {timeline.episode}"
    voice_level = float("-inf")
    if timeline.audio:
        voice_level = integrated_loudness(ffmpeg, measure_graph(timeline, root, samples), work, what)
        if voice_level > SILENCE:
            gains.voice_db = target - voice_level
    if music is not None:
        music_level = loudness(music, duration=min(max(timeline.duration, 10.0), 180.0)).integrated
        if music_level > SILENCE:  # with no voices, the final gain brings the bed up to the target
            gains.music_db = target - MUSIC_UNDER_VOICE - music_level
        mix = measure_graph(timeline, root, samples, music=music, gains=gains)
        mix_level = integrated_loudness(ffmpeg, mix, work, what)
        if mix_level > SILENCE:
            gains.post_db = target - mix_level
    return gains
