"""Timeline -> OpenTimelineIO (.otio JSON), so an editor can open an episode in an NLE.

OTIO lays items end to end and describes a dissolve as a Transition sitting on a
cut point, reaching ``in_offset`` before it into the outgoing clip and ``out_offset``
after it into the incoming one. Our clips overlap instead, so the cut is put in the
middle of each overlap, the outgoing clip ends there and the incoming clip starts
there with its first frames as the handle. Every position is a whole frame at the
timeline's rate. What OTIO has no schema for (camera moves, the opening fade,
subtitles, the AI-generated flag) travels in ``metadata["microdrama"]`` and markers.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from microdrama.timeline.model import AudioEvent, Timeline

NAMESPACE = "microdrama"


def _time(frames: int, fps: int) -> Any:
    return otio.opentime.RationalTime(frames, fps)


def _range(start: int, frames: int, fps: int) -> Any:
    return otio.opentime.TimeRange(_time(start, fps), _time(frames, fps))


def _frames(seconds: float, fps: int) -> int:
    return round(seconds * fps)


def to_otio(timeline: Timeline) -> str:
    """The episode as OTIO JSON: one video track, voice tracks, a music track, subtitle markers."""
    fps = timeline.fps
    result = otio.schema.Timeline(name=f"{timeline.title or 'episode'} {timeline.episode:03d}".strip())
    result.global_start_time = _time(0, fps)
    result.metadata[NAMESPACE] = {
        "episode": timeline.episode,
        "language": timeline.language,
        "width": timeline.width,
        "height": timeline.height,
        "fps": fps,
        "duration_frames": _frames(timeline.duration, fps),
        "title": timeline.title,
        "licence": timeline.licence,
        "ai_generated": timeline.ai_generated,
    }
    result.tracks.append(_video_track(timeline))
    for number, events in enumerate(_voice_lanes(timeline.audio), start=1):
        result.tracks.append(_audio_track(f"Voices {number}", events, fps))
    if timeline.music:
        music = otio.schema.Track(name="Music", kind=otio.schema.TrackKind.Audio)
        length = _frames(timeline.duration, fps)
        music.append(
            otio.schema.Clip(
                name="music bed",
                media_reference=otio.schema.ExternalReference(target_url=timeline.music),
                source_range=_range(0, length, fps),
                metadata={NAMESPACE: {"loop": True, "ducked_under_voices": True}},
            )
        )
        result.tracks.append(music)
    for event in timeline.subtitles:
        start = _frames(event.start, fps)
        result.tracks.markers.append(
            otio.schema.Marker(
                name=event.text,
                marked_range=_range(start, max(1, _frames(event.end, fps) - start), fps),
                color=otio.schema.MarkerColor.YELLOW,
                metadata={
                    NAMESPACE: {
                        "subtitle": event.text,
                        "speaker": event.speaker,
                        "kind": event.kind,
                        "shot": event.shot,
                        "line": event.line,
                    }
                },
            )
        )
    text: str = otio.adapters.write_to_string(result, "otio_json")
    return text


def _video_track(timeline: Timeline) -> Any:
    fps = timeline.fps
    track = otio.schema.Track(name="Frames", kind=otio.schema.TrackKind.Video)
    clips = timeline.clips
    # Frames of each overlap before the cut (in the outgoing clip) and after it (in the incoming one).
    before = [0] * len(clips)
    after = [0] * len(clips)
    for index, clip in enumerate(clips[1:], start=1):
        if clip.transition == "dissolve":
            overlap = _frames(clip.transition_seconds, fps)
            before[index], after[index] = overlap // 2, overlap - overlap // 2
    for index, clip in enumerate(clips):
        length = _frames(clip.duration, fps)
        head = before[index]
        tail = after[index + 1] if index + 1 < len(clips) else 0
        if index and clip.transition == "dissolve" and (before[index] or after[index]):
            track.append(
                otio.schema.Transition(
                    name=f"dissolve to {clip.shot}",
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=_time(before[index], fps),
                    out_offset=_time(after[index], fps),
                )
            )
        details: dict[str, Any] = {"camera": clip.camera, "start_frame": _frames(clip.start, fps)}
        if clip.transition == "fade_in":
            details["fade_in_frames"] = _frames(clip.transition_seconds, fps)
        track.append(
            otio.schema.Clip(
                name=clip.shot,
                media_reference=otio.schema.ExternalReference(
                    target_url=clip.image, available_range=_range(0, length, fps)
                ),
                source_range=_range(head, length - head - tail, fps),
                metadata={NAMESPACE: details},
            )
        )
    return track


def _voice_lanes(events: list[AudioEvent]) -> list[list[AudioEvent]]:
    """Voices that overlap go on separate tracks (first lane where each fits)."""
    lanes: list[list[AudioEvent]] = []
    for event in sorted(events, key=lambda e: e.start):
        lane = next((lane for lane in lanes if lane[-1].start + lane[-1].duration <= event.start + 1e-6), None)
        if lane is None:
            lanes.append([event])
        else:
            lane.append(event)
    return lanes


def _audio_track(name: str, events: list[AudioEvent], fps: int) -> Any:
    track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
    cursor = 0
    for event in events:
        start = max(_frames(event.start, fps), cursor)
        length = max(1, _frames(event.duration, fps))
        if start > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, start - cursor, fps)))
        track.append(
            otio.schema.Clip(
                name=f"{event.shot} line {event.line + 1}",
                media_reference=otio.schema.ExternalReference(
                    target_url=event.path, available_range=_range(0, length, fps)
                ),
                source_range=_range(0, length, fps),
                metadata={NAMESPACE: {"kind": event.kind, "gain_db": event.gain_db, "shot": event.shot}},
            )
        )
        cursor = start + length
    return track
