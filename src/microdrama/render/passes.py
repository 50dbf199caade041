"""Long episodes are rendered in parts, so ffmpeg's memory stays bounded.

ffmpeg keeps every clip's decoded still (and its filters' frame pools) until the
whole graph ends: measured, about 0.35 GB plus 18 MB per clip at 1296x2304. An
episode of up to MAX_CLIPS_PER_PASS shots (a one- or two-minute episode) is one graph;
a longer one (the 30-minute episode a user may still ask for) is cut at cuts (never
inside a dissolve) into parts of about that many clips, which costs no measurable
time. The parts are encoded alike, joined without re-encoding, and given the whole
episode's sound in the final pass.
"""

from __future__ import annotations

from microdrama.timeline.model import Timeline

MAX_CLIPS_PER_PASS = 24  # about 0.8 GB at most for ffmpeg


def plan_passes(timeline: Timeline, limit: int | None = None) -> list[tuple[int, int]]:
    """Clip index ranges ``[start, end)``, one per ffmpeg pass; each new part starts on a cut."""
    limit = limit or MAX_CLIPS_PER_PASS
    clips = timeline.clips
    passes: list[tuple[int, int]] = []
    start, last_cut = 0, 0
    for index in range(1, len(clips)):
        if clips[index].transition == "cut":
            last_cut = index
        if index - start >= limit and last_cut > start:
            passes.append((start, last_cut))
            start = last_cut
    passes.append((start, len(clips)))
    return passes


def part_timeline(timeline: Timeline, start: int, end: int) -> Timeline:
    """Clips ``[start, end)`` as a timeline of their own, starting at 0 (picture only)."""
    offset = timeline.clips[start].start
    last = timeline.clips[end - 1]
    clips = [clip.model_copy(update={"start": clip.start - offset}) for clip in timeline.clips[start:end]]
    return timeline.model_copy(
        update={
            "clips": clips,
            "duration": last.start + last.duration - offset,
            "audio": [],
            "subtitles": [],
            "music": None,
        }
    )
