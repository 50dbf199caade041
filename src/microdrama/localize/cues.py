"""Translated lines -> subtitle events timed to the original episode, by the target's rules.

Each line keeps the slot its original line has on the episode's timeline: it starts when
the line's voice starts and may last until two frames before the next line starts. Inside
that slot the translation is laid out with the language's measure (line length, way of
counting, word segmentation, names kept whole) into one or more cues; in 9:16 video a long
line is split across time rather than stacked, as long as each cue still gets 5/6 s. The
line is shown for as long as reading it takes (at the language's characters per second),
at least as long as its voice, never past its slot, and no cue longer than 7 s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from microdrama.localize.languages import GAP_FRAMES, MAX_EVENT_SECONDS, MIN_EVENT_SECONDS, Language
from microdrama.localize.model import EpisodeTranslation
from microdrama.render.layout import NO_BREAK, Measure, split_cues
from microdrama.timeline.model import SubtitleEvent, Timeline


@dataclass(frozen=True)
class Slot:
    start: float  # when the original line's first cue starts
    voice_end: float  # when its last cue ends
    limit: float  # the latest a translated cue may end: two frames before the next line


def line_id(shot: str, line: int) -> str:
    return f"{shot}.{line}"


def built_texts(timeline: Timeline) -> dict[str, str]:
    """Each line's text as the build subtitled it, without spaces or breaks (to spot a stale build)."""
    texts: dict[str, str] = {}
    for event in timeline.subtitles:
        key = line_id(event.shot, event.line)
        texts[key] = texts.get(key, "") + "".join(event.text.split())
    return texts


def slots(timeline: Timeline) -> dict[str, Slot]:
    """Each line's slot on the original timeline, keyed by line id."""
    spans: dict[str, list[float]] = {}
    for event in timeline.subtitles:
        key = line_id(event.shot, event.line)
        span = spans.setdefault(key, [event.start, event.end])
        span[0], span[1] = min(span[0], event.start), max(span[1], event.end)
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    gap = GAP_FRAMES / timeline.fps
    result = {}
    for index, (key, (start, end)) in enumerate(ordered):
        following = ordered[index + 1][1][0] - gap if index + 1 < len(ordered) else timeline.duration
        result[key] = Slot(start, end, max(following, end))
    return result


def keep_names_whole(text: str, names: Sequence[str]) -> str:
    """Join the words of each multi-word name so no line breaks inside it."""
    for name in sorted(names, key=len, reverse=True):
        if " " in name and name in text:
            text = text.replace(name, name.replace(" ", NO_BREAK))
    return text


def line_cues(
    text: str, slot: Slot, target: Language, measure: Measure, fps: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start frame, end frame, lines) of each cue of one translated line."""
    cues = split_cues(text, measure)
    if not cues:
        return []
    start = round(slot.start * fps)
    limit = math.floor(slot.limit * fps + 1e-6)
    gap = GAP_FRAMES
    # Too many cues for the slot at 5/6 s each: stack two lines per cue instead.
    if measure.single_lines and len(cues) * (MIN_EVENT_SECONDS * fps + gap) > limit - start:
        stacked = split_cues(text, replace(measure, single_lines=False))
        cues = stacked if len(stacked) < len(cues) else cues
    needed = [
        max(MIN_EVENT_SECONDS, target.reading_units("".join(cue.lines)) / target.chars_per_second) for cue in cues
    ]
    wanted = max(slot.voice_end - slot.start, sum(needed) + (len(cues) - 1) * gap / fps)
    total = min(wanted, (limit - start) / fps)
    share = (total - (len(cues) - 1) * gap / fps) / sum(needed)
    frames: list[tuple[int, int, tuple[str, ...]]] = []
    at = start
    for index, (cue, need) in enumerate(zip(cues, needed, strict=True)):
        end = at + max(1, round(min(need * share, MAX_EVENT_SECONDS) * fps))
        if index == len(cues) - 1:
            end = min(end, max(limit, at + 1))
        frames.append((at, end, cue.lines))
        at = end + gap
    return frames


def localized_events(
    translation: EpisodeTranslation, timeline: Timeline, target: Language, names: Sequence[str] = ()
) -> list[SubtitleEvent]:
    """The translated episode's subtitle events, on the original timeline."""
    where = slots(timeline)
    measure = target.measure()
    events = []
    for line in translation.lines:
        slot = where.get(line.id)
        if slot is None or not line.text.strip():
            continue  # qc reports both: a line the build does not have, an empty translation
        shot, _, index = line.id.rpartition(".")
        for start, end, lines in line_cues(keep_names_whole(line.text, names), slot, target, measure, timeline.fps):
            events.append(
                SubtitleEvent(
                    start=start / timeline.fps,
                    end=end / timeline.fps,
                    text="\n".join(lines),
                    speaker=line.speaker,
                    kind=line.kind,
                    shot=shot,
                    line=int(index),
                )
            )
    return events
