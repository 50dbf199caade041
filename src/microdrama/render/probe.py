"""What is in a media file, with ffmpeg alone (the imageio-ffmpeg wheel ships no ffprobe).

``ffmpeg -i`` prints the container and stream summary we need (codecs, size, rate,
pixel format, duration, metadata); the ebur128 filter measures loudness; decoding to
raw samples or pixels lets tests look at the actual picture and sound. Used to
refuse bad inputs before a render and to verify a render before it replaces the
previous file.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from microdrama.children import dies_with_this_process
from microdrama.errors import MicrodramaError
from microdrama.render.binary import find_ffmpeg


@dataclass
class Stream:
    index: int
    kind: str  # video, audio, subtitle, data, attachment
    codec: str
    pix_fmt: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    sample_rate: int = 0
    channels: str = ""


@dataclass
class MediaInfo:
    format: str
    duration: float | None
    streams: list[Stream] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def first(self, kind: str) -> Stream | None:
        return next((stream for stream in self.streams if stream.kind == kind), None)


@dataclass
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU


_STREAM = re.compile(r"^\s*Stream #\d+:(\d+)\S*: (Video|Audio|Subtitle|Data|Attachment): (\w+)(.*)$")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    try:
        command = [find_ffmpeg(), "-hide_banner", *args]
        return subprocess.run(command, capture_output=True, timeout=timeout, preexec_fn=dies_with_this_process())
    except subprocess.TimeoutExpired as error:
        raise MicrodramaError(f"ffmpeg took too long reading {args}; the file may be damaged") from error


def probe(path: Path) -> MediaInfo:
    """Container format, duration, streams and tags; ``MicrodramaError`` if ffmpeg cannot read it."""
    if not path.is_file():
        raise MicrodramaError(f"{path} does not exist")
    text = _run(["-i", str(path)]).stderr.decode("utf-8", "replace")
    header = re.search(r"^Input #0, ([^ ]+), from", text, re.M)
    if header is None:
        reason = text.strip().splitlines()[-1] if text.strip() else "unknown error"
        raise MicrodramaError(f"{path} is not a media file ffmpeg can read ({reason})")
    info = MediaInfo(format=header.group(1).rstrip(","), duration=None)
    duration = _DURATION.search(text)
    if duration:
        hours, minutes, seconds = duration.groups()
        info.duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    in_metadata = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "Metadata:" and not info.streams and line.startswith("  ") and not line.startswith("    "):
            in_metadata = True
            continue
        if in_metadata:
            if line.startswith("    ") and ":" in stripped:
                key, _, value = stripped.partition(":")
                info.metadata[key.strip()] = value.strip()
                continue
            in_metadata = False
        match = _STREAM.match(line)
        if match:
            info.streams.append(_stream(int(match.group(1)), match.group(2).lower(), match.group(3), match.group(4)))
    return info


def _stream(index: int, kind: str, codec: str, rest: str) -> Stream:
    stream = Stream(index=index, kind=kind, codec=codec)
    if kind == "video":
        # "h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1080x1920 [SAR 1:1 DAR 9:16], 30 fps"
        pix = re.search(r"\),\s*([a-z0-9_]+)[(,]|^[^,]*,\s*([a-z0-9_]+)[(,]", rest)
        if pix:
            stream.pix_fmt = pix.group(1) or pix.group(2)
        size = re.search(r"\b(\d{2,5})x(\d{2,5})\b", rest)
        if size:
            stream.width, stream.height = int(size.group(1)), int(size.group(2))
        rate = re.search(r"([\d.]+)(k?) fps", rest)
        if rate:
            stream.fps = float(rate.group(1)) * (1000 if rate.group(2) else 1)
    elif kind == "audio":
        audio = re.search(r"(\d+) Hz, ([^,]+)", rest)
        if audio:
            stream.sample_rate, stream.channels = int(audio.group(1)), audio.group(2).strip()
    return stream


def is_audio(path: Path) -> bool:
    """Whether ffmpeg reads a non-empty audio stream from the file (a picture or a text file is not audio;
    a song with cover art is)."""
    try:
        info = probe(path)
    except MicrodramaError:
        return False
    return info.first("audio") is not None and (info.duration is None or info.duration > 0)


def loudness(path: Path, *, start: float | None = None, duration: float | None = None) -> Loudness:
    """EBU R128 integrated loudness, true peak and loudness range of the first audio stream."""
    window = (["-ss", f"{start:.3f}"] if start is not None else []) + (
        ["-t", f"{duration:.3f}"] if duration is not None else []
    )
    meter = ["-map", "0:a:0", "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]
    result = _run(["-nostats", *window, "-i", str(path), *meter])
    text = result.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :]
    values = {}
    for name, pattern in (
        ("I", r"I:\s+(-?[\d.]+|-inf) LUFS"),
        ("LRA", r"LRA:\s+([\d.]+) LU"),
        ("P", r"Peak:\s+(-?[\d.]+|-inf)"),
    ):
        match = re.search(pattern, summary)
        if match is None:
            raise MicrodramaError(f"could not measure the loudness of {path}: {text.strip().splitlines()[-1:]}")
        values[name] = float(match.group(1))
    return Loudness(integrated=values["I"], true_peak=values["P"], lra=values["LRA"])


def count_frames(path: Path) -> int:
    """Video frames in the file, counted from packets (no decoding)."""
    text = _run(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    counts = re.findall(r"frame=\s*(\d+)", text)
    if not counts:
        raise MicrodramaError(f"{path} has no video frames")
    return int(counts[-1])


def frame_at(path: Path, seconds: float, *, size: tuple[int, int] | None = None) -> npt.NDArray[np.uint8]:
    """The picture at ``seconds`` as an RGB array (height, width, 3), optionally scaled."""
    scale = ["-vf", f"scale={size[0]}:{size[1]}"] if size else []
    result = _run(
        ["-ss", f"{seconds:.3f}", "-i", str(path), "-frames:v", "1", *scale, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    )
    info = probe(path).first("video")
    if info is None or not result.stdout:
        raise MicrodramaError(f"no picture at {seconds:.2f} s in {path}")
    width, height = size or (info.width, info.height)
    return np.frombuffer(result.stdout, dtype=np.uint8)[: width * height * 3].reshape(height, width, 3)


def audio_samples(path: Path, *, rate: int = 16000) -> npt.NDArray[np.float32]:
    """The first audio stream, mixed to mono, as float samples in [-1, 1]."""
    result = _run(["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"])
    if result.returncode != 0:
        raise MicrodramaError(f"cannot decode the audio of {path}")
    return np.frombuffer(result.stdout, dtype=np.float32).copy()


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (faststart puts moov before mdat)."""
    boxes: list[str] = []
    with path.open("rb") as stream:
        while True:
            header = stream.read(8)
            if len(header) < 8:
                return boxes
            size, kind = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            boxes.append(kind)
            if size == 1:
                size = int.from_bytes(stream.read(8), "big")
                stream.seek(size - 16, 1)
            elif size == 0:
                return boxes
            else:
                stream.seek(size - 8, 1)
