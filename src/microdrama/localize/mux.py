"""One file per episode with every language: the original picture and voices, and a soft
subtitle track per language (the original's and each localization's), tagged so players
list them by name.

MKV, because it carries SRT as it is and keeps each track's language and title; the
streams are copied, not re-encoded, so muxing costs seconds.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from microdrama.errors import MicrodramaError
from microdrama.localize.languages import LANGUAGES, language
from microdrama.render.binary import find_ffmpeg


def subtitle_tracks(out_dir: Path, number: int, source_code: str) -> list[tuple[str, Path]]:
    """(language code, SRT) for the episode: the original first, then every localized language."""
    tracks = []
    original = out_dir / f"ep{number:03d}.{source_code}.srt"
    if original.exists():
        tracks.append((source_code, original))
    for code in LANGUAGES:
        localized = out_dir / code / f"ep{number:03d}.{code}.srt"
        if localized.exists():
            tracks.append((code, localized))
    return tracks


def mux_all_languages(out_dir: Path, number: int, source_code: str) -> Path | None:
    """build/out/epNNN.all.mkv, or None when the episode has no MP4 yet."""
    video = out_dir / f"ep{number:03d}.mp4"
    if not video.exists():
        return None
    tracks = subtitle_tracks(out_dir, number, source_code)
    out = out_dir / f"ep{number:03d}.all.mkv"
    temp = out.with_name(f".{out.stem}.partial.mkv")
    command = [find_ffmpeg(), "-v", "error", "-y", "-i", str(video)]
    for _, srt in tracks:
        command += ["-i", str(srt)]
    command += ["-map", "0:v", "-map", "0:a?"]
    for index in range(len(tracks)):
        command += ["-map", f"{index + 1}:s"]
    command += ["-c", "copy", "-c:s", "srt"]
    for index, (code, _) in enumerate(tracks):
        spoken = language("zh-Hans" if code == "zh" else code)
        command += [
            f"-metadata:s:s:{index}",
            f"language={spoken.iso639_2}",
            f"-metadata:s:s:{index}",
            f"title={spoken.name}",
        ]
    command += ["-disposition:s:0", "default", str(temp)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        temp.unlink(missing_ok=True)
        raise MicrodramaError(
            f"ffmpeg could not mux the subtitle tracks of episode {number}: {completed.stderr[-300:]}"
        )
    temp.replace(out)
    return out
