"""Subtitle cues from voiced lines, and the ASS / SRT / WebVTT files made from them.

Cues follow the line's audio: a line too long for one two-line cue is shown as
several cues in turn, each for its share of the line's time (by width). Then the
whole episode's cues are made watchable: whole frames, at least 0.8 s each, never
overlapping, and two frames apart so a player never shows two at once.

The ASS file is the one burned into the video, styled for 1080x1920: bottom third
but above the bottom ~20% where platform UI sits, clear of the right-edge buttons,
white with a thick dark outline and a shadow so it reads on any picture, and
voice-over (narration, inner voice) in italic colours of its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from microdrama.model.common import LineKind
from microdrama.project.atomic import write_text_atomic
from microdrama.render.layout import split_cues
from microdrama.timeline.model import SubtitleEvent, Timeline
from microdrama.visuals.fonts import subtitle_font_family

MIN_CUE_SECONDS = 0.8
GAP_FRAMES = 2
LINGER_SECONDS = 0.3  # a cue stays a moment after the voice stops, when there is room


@dataclass(frozen=True)
class LineSpan:
    """A spoken (or silent) line and the time its voice occupies on the timeline."""

    text: str
    start: float
    end: float
    speaker: str = ""
    kind: LineKind = "dialogue"
    shot: str = ""
    line: int = 0


def cues_for_line(span: LineSpan) -> list[SubtitleEvent]:
    """The cues of one line, sharing its time in proportion to their width."""
    cues = split_cues(span.text)
    total = sum(cue.weight for cue in cues)
    events: list[SubtitleEvent] = []
    at, length = span.start, max(span.end - span.start, 0.0)
    for index, cue in enumerate(cues):
        end = at + length * cue.weight / total
        if index == len(cues) - 1:
            end = span.end + LINGER_SECONDS
        events.append(
            SubtitleEvent(
                start=at,
                end=max(end, at + 1e-3),
                text="\n".join(cue.lines),
                speaker=span.speaker,
                kind=span.kind,
                shot=span.shot,
                line=span.line,
            )
        )
        at = end
    return events


def build_cues(spans: Iterable[LineSpan], fps: int, duration: float) -> list[SubtitleEvent]:
    """Every line's cues, fitted to whole frames inside ``[0, duration]`` (see ``fit_cues``)."""
    events = [event for span in spans for event in cues_for_line(span)]
    return fit_cues(events, fps, duration)


def fit_cues(events: list[SubtitleEvent], fps: int, duration: float) -> list[SubtitleEvent]:
    """Whole frames; at least MIN_CUE_SECONDS; GAP_FRAMES between cues; nothing past the end.

    A forward pass keeps order and spacing (a cue that must start later first takes
    the time from the previous cue's linger, down to its minimum); a backward pass
    pulls cues in from the end of the episode. Only when cues outnumber the time
    available (never, for timelines built from voiced lines) does a cue get shorter
    than the minimum.
    """
    limit = max(1, math.floor(duration * fps + 1e-6))
    minimum = math.ceil(MIN_CUE_SECONDS * fps - 1e-6)
    ordered = sorted(events, key=lambda event: event.start)
    spans = [[round(event.start * fps), round(event.end * fps)] for event in ordered]
    for index, span in enumerate(spans):
        if index:
            previous = spans[index - 1]
            earliest = previous[1] + GAP_FRAMES
            if span[0] < earliest:
                shrink = min(earliest - span[0], max(0, previous[1] - previous[0] - minimum))
                previous[1] -= shrink
                span[0] = max(span[0], previous[1] + GAP_FRAMES)
        span[1] = max(span[1], span[0] + minimum)
    ceiling = limit
    for span in reversed(spans):
        span[1] = min(span[1], ceiling)
        span[0] = max(0, min(span[0], span[1] - minimum))
        ceiling = span[0] - GAP_FRAMES
    fitted: list[SubtitleEvent] = []
    floor = 0
    for event, (start, end) in zip(ordered, spans, strict=True):
        start = max(start, floor)
        end = min(max(end, start + 1), limit)
        if end <= start:
            continue  # no time left at all: cannot happen for voiced timelines
        fitted.append(event.model_copy(update={"start": start / fps, "end": end / fps}))
        floor = end + GAP_FRAMES
    return fitted


# ---- ASS ---------------------------------------------------------------------------------------------------

# Colours are &HAABBGGRR; alpha 00 is opaque.
_STYLE_FIELDS = (
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding"
)
_STYLE_COLOURS = {"Dialogue": "&H00FFFFFF", "Narration": "&H0098E8FF", "Inner": "&H00FFE6B4"}
_STYLE_OF_KIND: dict[str, str] = {"dialogue": "Dialogue", "narration": "Narration", "inner": "Inner"}
# 1080x1920: text centred between 140 px margins (right-edge buttons take ~12%), its
# bottom 430 px above the frame's bottom (platform UI takes the bottom ~20%).
MARGIN_SIDE, MARGIN_BOTTOM, OUTLINE, SHADOW = 140, 430, 4, 2


def font_size(language: str, width: int = 1080) -> int:
    """16 CJK characters, or 42 Latin ones, fill about 760 px of a 1080-wide frame."""
    cjk = language.split("-")[0] in ("zh", "ja", "ko")
    return round((64 if cjk else 56) * width / 1080)


def _ass_time(seconds: float) -> str:
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6000)
    return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def _ass_text(text: str) -> str:
    """Braces and backslashes would be read as ASS override codes: use look-alikes."""
    lines = text.replace("\\", "＼").replace("{", "｛").replace("}", "｝").splitlines()
    return r"\N".join(lines)


def to_ass(timeline: Timeline) -> str:
    scale = timeline.width / 1080
    size = font_size(timeline.language, timeline.width)
    family = subtitle_font_family(timeline.language)
    side, bottom = round(MARGIN_SIDE * scale), round(MARGIN_BOTTOM * timeline.height / 1920)
    styles = []
    for name, colour in _STYLE_COLOURS.items():
        italic = 0 if name == "Dialogue" else -1
        styles.append(
            f"Style: {name},{family},{size},{colour},{colour},&H00101010,&H90000000,0,{italic},0,0,"
            f"100,100,0,0,1,{OUTLINE * scale:g},{SHADOW * scale:g},2,{side},{side},{bottom},1"
        )
    header = [
        "[Script Info]",
        f"Title: episode {timeline.episode}",
        "ScriptType: v4.00+",
        f"PlayResX: {timeline.width}",
        f"PlayResY: {timeline.height}",
        "WrapStyle: 2",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        f"Format: {_STYLE_FIELDS}",
        *styles,
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = []
    for event in timeline.subtitles:
        speaker = " ".join(event.speaker.replace(",", " ").split())
        events.append(
            f"Dialogue: 0,{_ass_time(event.start)},{_ass_time(event.end)},{_STYLE_OF_KIND[event.kind]},"
            f"{speaker},0,0,0,,{_ass_text(event.text)}"
        )
    return "\n".join([*header, *events]) + "\n"


# ---- SRT and WebVTT ----------------------------------------------------------------------------------------


def _clock(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def _plain_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()] or [text.strip() or "…"]


def to_srt(events: list[SubtitleEvent]) -> str:
    """SRT: numbered blocks, HH:MM:SS,mmm; voice-over in <i> (widely supported)."""
    blocks = []
    for number, event in enumerate(events, start=1):
        lines = _plain_lines(event.text)
        if event.kind != "dialogue":
            lines = [f"<i>{line}</i>" for line in lines]
        blocks.append(f"{number}\n{_clock(event.start, ',')} --> {_clock(event.end, ',')}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(events: list[SubtitleEvent]) -> str:
    """WebVTT: HH:MM:SS.mmm, cues placed in the bottom third, speakers as <v> voice spans."""
    blocks = ["WEBVTT"]
    for event in events:
        lines = [_vtt_escape(line) for line in _plain_lines(event.text)]
        if event.kind != "dialogue":
            lines = [f"<i>{line}</i>" for line in lines]
        if event.speaker:
            lines[0] = f"<v {_vtt_escape(event.speaker)}>{lines[0]}"
        timing = f"{_clock(event.start, '.')} --> {_clock(event.end, '.')} line:72% align:center"
        blocks.append(timing + "\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def write_subtitles(timeline: Timeline, out_stem: Path) -> list[Path]:
    """Write ``<stem>.ass``, ``.srt`` and ``.vtt`` (each atomically); return their paths."""
    texts = {
        ".ass": to_ass(timeline),
        ".srt": to_srt(timeline.subtitles),
        ".vtt": to_vtt(timeline.subtitles),
    }
    paths = []
    for suffix, text in texts.items():
        path = out_stem.parent / (out_stem.name + suffix)
        write_text_atomic(path, text)
        paths.append(path)
    return paths
