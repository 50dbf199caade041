"""Finding ffmpeg: the static build inside the imageio-ffmpeg wheel, else one on PATH."""

from __future__ import annotations

import shutil
from functools import cache

from microdrama.errors import MicrodramaError


@cache
def find_ffmpeg() -> str:
    """The ffmpeg to run. The wheel's static build comes first: it has libx264, AAC and
    libass on every machine, whatever the system packages are."""
    try:
        import imageio_ffmpeg

        exe = str(imageio_ffmpeg.get_ffmpeg_exe())
        if exe:
            return exe
    except (ImportError, RuntimeError):
        pass
    system = shutil.which("ffmpeg")
    if system:
        return system
    raise MicrodramaError(
        "ffmpeg was not found; pip install imageio-ffmpeg (it bundles a static ffmpeg) or apt-get install ffmpeg"
    )
