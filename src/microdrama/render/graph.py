"""Timeline -> one ffmpeg filter graph: every clip, transition, voice, music bed and subtitle.

Why it is shaped like this (speed on 2 cores is the point; see benchmarks/render.py):

- Each still is decoded and converted to BT.709 yuv420p once, then repeated with the
  ``loop`` filter: the per-frame work is only what the camera move needs. A static
  or panning shot is a ``crop`` (no pixels copied); a push-in / pull-out is one
  ``scale`` per frame to a size that grows or shrinks with the frame number, then a
  centre crop. Frames are drawn 1.2x larger than the picture, so pans have room to
  travel and zooms never show an edge.
- Only the frames two clips share in a dissolve go through ``xfade``: it works in
  yuv444p, and whole clips sent through it were converted twice per frame (the
  graph ran 3x slower). Heads, bodies and tails of clips are then joined by one
  ``concat``, frame-exact, so the video is exactly as long as the timeline.
- Voices are placed with ``adelay`` and summed with ``amix`` (normalize=0: a voice
  must not get quieter because another line exists). Their gain comes from a
  measurement made before the render, so the result lands on the loudness target
  with a limiter for peaks; a music bed is looped, set well under the voices and
  ducked further by ``sidechaincompress`` whenever someone speaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from microdrama.timeline.model import Clip, Timeline

RATE = 48_000
OVERSCAN = 1.2  # frames are drawn this much larger than the picture
MAX_ZOOM = 1.15
PEAK_LIMIT_DB = -1.5  # sample-peak ceiling of the limiter (true peak stays near -1 dBTP)
LABEL_MARGIN = (54, 160)  # AI label: inside the top-left safe area (status bar above it)


@dataclass
class Graph:
    """ffmpeg arguments for the inputs, the filter graph text, and the output pads."""

    inputs: list[list[str]] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    video: str = ""
    audio: str = ""

    def add_input(self, *args: str) -> int:
        self.inputs.append(list(args))
        return len(self.inputs) - 1

    @property
    def script(self) -> str:
        return ";\n".join(self.filters) + "\n"


@dataclass
class AudioGains:
    """Measured before the render: dB for the voices and the music bed (their balance), then for the mix."""

    voice_db: float = 0.0
    music_db: float = 0.0
    post_db: float = 0.0


def escape_filter_value(text: str) -> str:
    """Escape a value (a path) for a filter option inside a filter graph script.

    Two levels, as ffmpeg parses them: first the option value (backslash, quote and
    colon), then the graph description (backslash, quote, brackets, comma, semicolon).
    Spaces and non-ASCII characters need nothing.
    """
    value = "".join("\\" + char if char in "\\':" else char for char in text)
    return "".join("\\" + char if char in "\\'[],;" else char for char in value)


def frames(seconds: float, fps: int) -> int:
    return max(1, round(seconds * fps))


def _progress(count: int) -> str:
    """0 at the clip's first frame, 1 at its last (``n`` is the frame number)."""
    return f"(n/{max(count - 1, 1)})"


def camera_filters(clip: Clip, size: tuple[int, int], canvas: tuple[int, int], fps: int) -> list[str]:
    """The per-frame part of a clip: crop (and scale, for zooms) the canvas to the picture."""
    width, height = size
    cw, ch = canvas
    count = frames(clip.duration, fps)
    p = _progress(count)
    move = clip.camera
    if move in ("push_in", "pull_out"):
        grow = f"{MAX_ZOOM - 1:g}*{p}" if move == "push_in" else f"{MAX_ZOOM - 1:g}*(1-{p})"
        scaled_w, scaled_h = f"2*trunc({cw}*(1+{grow})/2)", f"2*trunc({ch}*(1+{grow})/2)"
        # crop's own in_w/in_h keep the first frame's size: centre on the scaled size explicitly.
        return [
            f"scale=w='{scaled_w}':h='{scaled_h}':eval=frame:flags=bilinear",
            f"crop={width}:{height}:'({scaled_w}-{width})/2':'({scaled_h}-{height})/2':exact=1",
        ]
    span_x, span_y = cw - width, ch - height
    x, y = f"{span_x // 2}", f"{span_y // 2}"
    if move == "pan_right" and span_x:
        x = f"'{span_x}*{p}'"
    elif move == "pan_left" and span_x:
        x = f"'{span_x}*(1-{p})'"
    elif move == "tilt_down" and span_y:
        y = f"'{span_y}*{p}'"
    elif move == "tilt_up" and span_y:
        y = f"'{span_y}*(1-{p})'"
    if (cw, ch) == (width, height):
        return []
    return [f"crop={width}:{height}:{x}:{y}:exact=1"]


def canvas_for(image_size: tuple[int, int], clip: Clip, size: tuple[int, int]) -> tuple[tuple[int, int], list[str]]:
    """The canvas a clip moves over, and the one-off filters that make it from the image."""
    width, height = size
    over = (2 * round(width * OVERSCAN / 2), 2 * round(height * OVERSCAN / 2))
    if image_size == over:
        return over, []
    if image_size == (width, height) and clip.camera in ("static", "push_in", "pull_out"):
        return size, []  # e.g. the title card: drawn at picture size, no room (or need) to pan
    fit = f"scale={over[0]}:{over[1]}:force_original_aspect_ratio=increase:flags=lanczos,crop={over[0]}:{over[1]}"
    return over, [fit]


def overlaps(timeline: Timeline) -> list[int]:
    """Frames each clip shares with the one before it (0 for a cut), kept inside both clips."""
    fps = timeline.fps
    result = [0] * len(timeline.clips)
    for index, clip in enumerate(timeline.clips[1:], start=1):
        if clip.transition != "cut" and clip.transition_seconds > 0:
            before = frames(timeline.clips[index - 1].duration, fps) - result[index - 1]
            result[index] = max(0, min(round(clip.transition_seconds * fps), before, frames(clip.duration, fps)))
    return result


def video_chain(graph: Graph, timeline: Timeline, root: Path, image_sizes: dict[str, tuple[int, int]]) -> str:
    """Add every clip and their transitions; return the label of the assembled picture.

    Each clip is cut into head (shared with the previous clip), body and tail (shared
    with the next); only the short shared parts go through ``xfade`` (which works in
    yuv444p, so it would convert every frame twice if whole clips went through it),
    and everything is joined by one ``concat``.
    """
    fps, size = timeline.fps, (timeline.width, timeline.height)
    shared = [*overlaps(timeline), 0]
    segments: list[str] = []
    pending_tail = ""
    for index, clip in enumerate(timeline.clips):
        source = graph.add_input("-framerate", str(fps), "-i", str(root / clip.image))
        canvas, prepare = canvas_for(image_sizes[clip.image], clip, size)
        count = frames(clip.duration, fps)
        steps = [
            *prepare,
            "scale=out_color_matrix=bt709:out_range=tv",
            "format=yuv420p",
            f"loop=loop={count - 1}:size=1:start=0",
            f"settb=1/{fps}",
            "setpts=N",
            *camera_filters(clip, size, canvas, fps),
            "setsar=1",
        ]
        if index == 0 and clip.transition != "cut" and clip.transition_seconds > 0:
            steps.append(f"fade=t=in:st=0:d={clip.transition_seconds:.6f}")
        head, tail = shared[index], shared[index + 1]
        parts = [
            (name, a, b)
            for name, a, b in (("h", 0, head), ("b", head, count - tail), ("t", count - tail, count))
            if b > a
        ]
        chain = f"[{source}:v]" + ",".join(steps)
        if len(parts) == 1:
            graph.filters.append(chain + f"[{parts[0][0]}{index}]")
        else:
            outputs = "".join(f"[s{name}{index}]" for name, _, _ in parts)
            graph.filters.append(chain + f",split={len(parts)}{outputs}")
            for name, a, b in parts:
                graph.filters.append(
                    f"[s{name}{index}]trim=start_frame={a}:end_frame={b},setpts=PTS-STARTPTS[{name}{index}]"
                )
        if head:
            kind = "fade" if clip.transition == "dissolve" else "fadeblack"
            graph.filters.append(
                f"[{pending_tail}][h{index}]xfade=transition={kind}:duration={head / fps:.6f}:offset=0,"
                f"format=yuv420p[x{index}]"
            )
            segments.append(f"x{index}")
        if count > head + tail:
            segments.append(f"b{index}" if len(parts) > 1 else f"{parts[0][0]}{index}")
        pending_tail = f"t{index}"
    pads = "".join(f"[{label}]" for label in segments)
    total = frames(timeline.duration, fps)
    # Exactly the timeline's frame count, whatever rounding the clips went through.
    graph.filters.append(
        f"{pads}concat=n={len(segments)}:v=1:a=0,settb=1/{fps},setpts=N,"
        f"tpad=stop=-1:stop_mode=clone,trim=end_frame={total}[picture]"
    )
    return "picture"


def overlays(
    graph: Graph, picture: str, *, label: Path | None, ass: Path | None, fonts: Path | None, offset: float = 0.0
) -> str:
    """The AI label (top-left, inside the safe area) and the burned subtitles, on top of the picture.

    ``offset``: where this picture starts in the episode (a part of a long episode), so
    the subtitles shown are the ones of that time."""
    if label is not None:
        source = graph.add_input("-i", str(label))
        x, y = LABEL_MARGIN
        graph.filters.append(f"[{source}:v]format=rgba[label]")
        graph.filters.append(f"[{picture}][label]overlay=x={x}:y={y}:eof_action=repeat:format=yuv420[lab]")
        picture = "lab"
    if ass is not None:
        options = f"f={escape_filter_value(str(ass))}"
        if fonts is not None:
            options += f":fontsdir={escape_filter_value(str(fonts))}"
        burn = f"subtitles={options}"
        if offset > 0:
            burn = f"setpts=PTS+{offset:.6f}/TB,{burn},setpts=PTS-STARTPTS"
        graph.filters.append(f"[{picture}]{burn}[subs]")
        picture = "subs"
    graph.filters.append(f"[{picture}]format=yuv420p[vout]")
    return "vout"


def voice_mix(graph: Graph, timeline: Timeline, root: Path, *, gain_db: float, samples: int) -> str:
    """Every voiced line at its time, summed, as one mono stream exactly ``samples`` long."""
    pads = []
    for index, event in enumerate(timeline.audio):
        # A source inside the graph rather than an input: hundreds of lines must not mean
        # hundreds of demuxer and decoder threads.
        delay = round(event.start * 1000)
        graph.filters.append(
            f"amovie=filename={escape_filter_value(str(root / event.path))},"
            f"aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=mono,"
            f"volume={event.gain_db + gain_db:.2f}dB,adelay=delays={delay}:all=1[a{index}]"
        )
        pads.append(f"[a{index}]")
    if not pads:
        graph.filters.append(f"anullsrc=r={RATE}:cl=mono,atrim=end_sample={samples}[voice]")
        return "voice"
    mix = f"amix=inputs={len(pads)}:normalize=0:duration=longest:dropout_transition=0," if len(pads) > 1 else ""
    graph.filters.append(f"{''.join(pads)}{mix}apad=whole_len={samples},atrim=end_sample={samples}[voice]")
    return "voice"


def music_bed(graph: Graph, music: Path, *, gain_db: float, samples: int) -> str:
    """The music looped (or cut) to the episode's length, faded at both ends."""
    source = graph.add_input("-stream_loop", "-1", "-i", str(music))
    seconds = samples / RATE
    fade_out = min(1.5, seconds / 4)
    graph.filters.append(
        f"[{source}:a:0]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"atrim=end_sample={samples},asetpts=N/SR/TB,volume={gain_db:.2f}dB,"
        f"afade=t=in:d={min(0.5, seconds / 4):.3f},afade=t=out:st={seconds - fade_out:.3f}:d={fade_out:.3f}[music]"
    )
    return "music"


def _mix(graph: Graph, timeline: Timeline, root: Path, music: Path | None, gains: AudioGains, samples: int) -> str:
    """Voices (+ the music bed, ducked by them) at the given gains, as stereo."""
    voice = voice_mix(graph, timeline, root, gain_db=gains.voice_db, samples=samples)
    # Mono on both channels: heard (and measured) 3 dB louder than one channel.
    graph.filters.append(f"[{voice}]pan=stereo|c0=c0|c1=c0[voice2]")
    if music is None:
        return "voice2"
    bed = music_bed(graph, music, gain_db=gains.music_db, samples=samples)
    graph.filters.append("[voice2]asplit=2[vmain][vkey]")
    graph.filters.append(f"[{bed}][vkey]sidechaincompress=threshold=0.03:ratio=10:attack=15:release=350[ducked]")
    graph.filters.append("[vmain][ducked]amix=inputs=2:normalize=0:duration=first:dropout_transition=0[mixed]")
    return "mixed"


def audio_chain(
    graph: Graph, timeline: Timeline, root: Path, music: Path | None, gains: AudioGains, samples: int
) -> str:
    """The episode's sound: the mix brought to the loudness target, peaks limited."""
    mixed = _mix(graph, timeline, root, music, gains, samples)
    limit = 10 ** (PEAK_LIMIT_DB / 20)
    graph.filters.append(
        f"[{mixed}]volume={gains.post_db:.2f}dB,alimiter=limit={limit:.4f}:attack=5:release=50:level=false,"
        f"aresample={RATE},atrim=end_sample={samples}[aout]"
    )
    return "aout"


def measure_graph(
    timeline: Timeline, root: Path, samples: int, *, music: Path | None = None, gains: AudioGains | None = None
) -> Graph:
    """Audio only, for measuring loudness before the render: the voices alone at unit gain
    (``gains`` None), or the whole mix at ``gains`` before the final gain."""
    graph = Graph()
    mixed = _mix(graph, timeline, root, music if gains else None, gains or AudioGains(), samples)
    graph.filters.append(f"[{mixed}]ebur128=framelog=verbose[measured]")
    graph.audio = "measured"
    return graph


def picture_graph(
    graph: Graph,
    timeline: Timeline,
    root: Path,
    *,
    image_sizes: dict[str, tuple[int, int]],
    ass: Path | None,
    fonts: Path | None,
    label: Path | None,
    offset: float = 0.0,
) -> Graph:
    """The picture: clips, transitions, label and subtitles (``offset``: see ``overlays``)."""
    picture = video_chain(graph, timeline, root, image_sizes)
    graph.video = overlays(graph, picture, label=label, ass=ass, fonts=fonts, offset=offset)
    return graph


def sound_graph(graph: Graph, timeline: Timeline, root: Path, *, music: Path | None, gains: AudioGains) -> Graph:
    graph.audio = audio_chain(graph, timeline, root, music, gains, round(timeline.duration * RATE))
    return graph


def episode_graph(
    timeline: Timeline,
    root: Path,
    *,
    image_sizes: dict[str, tuple[int, int]],
    ass: Path | None,
    fonts: Path | None,
    label: Path | None,
    music: Path | None,
    gains: AudioGains,
) -> Graph:
    """The whole episode: picture (with label and subtitles) and sound, in one graph."""
    graph = picture_graph(Graph(), timeline, root, image_sizes=image_sizes, ass=ass, fonts=fonts, label=label)
    return sound_graph(graph, timeline, root, music=music, gains=gains)
