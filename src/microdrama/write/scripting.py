"""One episode's script from its selected beats: scenes, shots, lines, hook and cliffhanger.

Shot grammar, kept simple and predictable so a person can rework it:
- a new location opens on a wide establishing shot;
- narration that shows a character doing something becomes an action line (△),
  other narration a voice-over line; narration of one paragraph shares a shot;
- a line with strong emotion or tension, and inner voice, is a close-up;
- an exchange between two speakers opens on a two-shot, then over-the-shoulder;
- an episode whose opening seconds hold no conflict or question gets a cold open:
  its own tension peak, shown first as a flash-forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from microdrama.model import NARRATOR, Beat, Episode, Line, Scene, Shot
from microdrama.model.common import CameraMove, Framing, SourceSpan
from microdrama.text.analysis import CUES, Analysis, spoken_seconds, spoken_units
from microdrama.write.beats import Beat as SourceBeat
from microdrama.write.bible import SOMEONE, setting_of

HOOK_WINDOW_SECONDS = 8.0  # the hook must land within the first ~3–10 s of spoken time
BREATH_SECONDS = 0.4  # room after each line
MIN_SHOT_SECONDS = 2.0
ESTABLISHING_SECONDS = 2.5
ACTION_MAX_UNITS = {"zh": 40, "en": 25}  # longer narration is voice-over, not an action line
CLOSE_UP_TENSION = 0.5
TITLE_UNITS = {"zh": 12, "en": 6}
_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_SPEECH = re.compile(
    r"\b(said|says|asked|answered|replied|cried|remarked|whispered|exclaimed|added|continued|shouted|muttered|"
    r"thought|wondered|called|observed|began|returned|murmured|snapped|went on)\b",
    re.I,
)
_SPEECH_TAIL = re.compile(r"[，,：:\s]*(说|道|问|叫|喊|嚷|答|笑道|骂道|叹道|心想|想道|暗想)?[，,：:。\s]*$")


@dataclass
class Cast:
    """What scripting needs to know about people and places, by analysis key."""

    character_ids: dict[str, str]  # analysis key -> bible id ("" -> someone)
    location_ids: dict[str, str]  # analysis place -> bible id
    names: dict[str, list[str]]  # bible id -> name and aliases, for spotting mentions
    leads: set[str] = field(default_factory=set)  # bible ids of the leading characters

    def speaker(self, key: str | None) -> str:
        return self.character_ids.get(key or "", SOMEONE)

    def mentioned(self, text: str) -> list[str]:
        return [cid for cid, names in self.names.items() if any(name and name in text for name in names)]


@dataclass
class _Draft:
    framing: Framing
    camera: CameraMove
    description: str
    lines: list[Line]
    characters: list[str]
    sources: list[SourceSpan]
    extra_seconds: float = 0.0
    beat_indexes: list[int] = field(default_factory=list)


def _line(beat: SourceBeat, cast: Cast) -> Line:
    """The beat as a script line: its text verbatim, less the comma a speech tag left behind."""
    utterance = beat.utterance
    speaker = NARRATOR if utterance.kind == "narration" else cast.speaker(utterance.speaker)
    text = utterance.text.rstrip()
    trimmed = text.rstrip(",，、") if text.rstrip(",，、").strip() else text
    lead = len(trimmed) - len(trimmed.lstrip())
    trailing = len(utterance.text) - len(trimmed)
    source = beat.source.model_copy(update={"start": beat.source.start + lead, "end": beat.source.end - trailing})
    return Line(speaker=speaker, kind=utterance.kind, emotion=utterance.emotion, text=trimmed.strip(), source=source)


def _is_action(beat: SourceBeat, cast: Cast, language: str) -> bool:
    units = spoken_units(beat.utterance.text, language)
    return bool(cast.mentioned(beat.utterance.text)) and units <= ACTION_MAX_UNITS.get(language, 25)


def _action_seconds(beat: SourceBeat) -> float:
    return min(max(beat.seconds * 0.6, MIN_SHOT_SECONDS), 5.0)


def _clean_attribution(text: str, language: str) -> str:
    """The action in a speech tag, without the tag: "I wondered, watching her hands shake" ->
    "Watching her hands shake."; "老栓……伸手过去说" -> "老栓……伸手过去". A bare tag gives ""."""
    text = text.strip().strip("“”\"'‘’「」").strip()
    if language == "zh":
        action = _SPEECH_TAIL.sub("", text).strip("，,；;：: ")
        return action if len(_CJK.findall(action)) >= 4 else ""
    clauses = [c.strip() for c in re.split(r"[,;]", text) if c.strip() and not _EN_SPEECH.search(c)]
    action = ", ".join(clauses)
    if len(action.split()) < 3:
        return ""
    return action[0].upper() + action[1:].rstrip(".") + "."


def _drafts_for_scene(beats: list[SourceBeat], cast: Cast, language: str, establishing: str | None) -> list[_Draft]:
    drafts: list[_Draft] = []
    if establishing is not None and (not beats or beats[0].utterance.kind != "narration"):
        drafts.append(_Draft("wide", "pan_right", establishing, [], [], [], ESTABLISHING_SECONDS))
    previous_speaker: str | None = None
    paragraph_of = {beat.index: beat.paragraph for beat in beats}
    for beat in beats:
        utterance = beat.utterance
        last = drafts[-1] if drafts else None
        if utterance.kind == "narration":
            present = cast.mentioned(utterance.text)
            same_paragraph = (
                last is not None
                and last.beat_indexes
                and last.framing in ("wide", "medium")
                and (beat.index - 1 in last.beat_indexes and len(last.lines) + bool(last.description) < 3)
            )
            if _is_action(beat, cast, language):
                if same_paragraph and last is not None and not last.description:
                    last.description = utterance.text.strip()
                    last.extra_seconds += _action_seconds(beat)
                    last.characters.extend(c for c in present if c not in last.characters)
                    last.sources.append(beat.source)
                    last.beat_indexes.append(beat.index)
                    continue
                framing: Framing = "wide" if not drafts else "medium"
                drafts.append(
                    _Draft(
                        framing,
                        "push_in" if framing == "medium" else "pan_right",
                        utterance.text.strip(),
                        [],
                        present,
                        [beat.source],
                        _action_seconds(beat),
                        [beat.index],
                    )
                )
            elif same_paragraph and last is not None:
                last.lines.append(_line(beat, cast))
                last.characters.extend(c for c in present if c not in last.characters)
                last.sources.append(beat.source)
                last.beat_indexes.append(beat.index)
            else:
                framing = "wide" if not drafts else "medium"
                drafts.append(
                    _Draft(
                        framing,
                        "pan_left" if framing == "wide" else "static",
                        "",
                        [_line(beat, cast)],
                        present,
                        [beat.source],
                        0.0,
                        [beat.index],
                    )
                )
            previous_speaker = None
            continue
        speaker = cast.speaker(utterance.speaker)
        if (
            last is not None
            and last.lines
            and last.lines[-1].speaker == speaker
            and (beat.index - 1 in last.beat_indexes or paragraph_of.get(last.beat_indexes[-1]) == beat.paragraph)
        ):
            last.lines.append(_line(beat, cast))
            last.sources.append(beat.source)
            last.beat_indexes.append(beat.index)
            continue
        intense = utterance.kind == "inner" or utterance.emotion != "neutral" or beat.tension >= CLOSE_UP_TENSION
        exchange = previous_speaker is not None and previous_speaker != speaker
        camera: CameraMove
        if intense:
            framing = "close_up"
            camera = "push_in" if beat.tension >= 0.6 else "static"
        elif exchange and last is not None and last.framing not in ("two_shot", "over_the_shoulder"):
            framing, camera = "two_shot", "static"
        elif exchange:
            framing, camera = "over_the_shoulder", "static"
        else:
            framing, camera = "medium", "static"
        characters = [speaker] + ([previous_speaker] if exchange and previous_speaker and framing != "close_up" else [])
        action = _clean_attribution(utterance.attribution, language)
        if last is not None and action == last.description:
            action = ""  # one tag can frame two quotes; show its action once
        drafts.append(
            _Draft(
                framing,
                camera,
                action,
                [_line(beat, cast)],
                characters,
                [beat.source],
                0.0,
                [beat.index],
            )
        )
        previous_speaker = speaker
    return drafts


def _shot(draft: _Draft, shot_id: str, language: str) -> Shot:
    spoken = sum(spoken_seconds(line.text, language) for line in draft.lines)
    seconds = spoken + BREATH_SECONDS * len(draft.lines) + draft.extra_seconds
    source = None
    for span in draft.sources:
        source = span if source is None else source.cover(span)
    characters = list(dict.fromkeys(c for c in draft.characters if c not in (NARRATOR, "")))
    return Shot(
        id=shot_id,
        framing=draft.framing,
        camera=draft.camera,
        description=draft.description,
        characters=characters,
        lines=draft.lines,
        seconds=round(max(seconds, MIN_SHOT_SECONDS), 2),
        source=source,
    )


def find_hook(beats: list[SourceBeat]) -> tuple[SourceBeat, bool]:
    """The hook beat, and whether it must be moved to a cold open."""
    elapsed = 0.0
    for beat in beats:
        if beat.is_hook and elapsed <= HOOK_WINDOW_SECONDS:
            return beat, False
        elapsed += beat.seconds
        if elapsed > HOOK_WINDOW_SECONDS:
            break
    body = beats[:-2] if len(beats) > 3 else beats[:-1] or beats
    peak = max(body, key=lambda b: (b.is_hook, b.tension))
    if peak.is_hook or peak.tension > 0:
        return peak, True
    return beats[0], False


def short_title(text: str, language: str) -> str:
    """An episode title from its hook: the opening clauses, at least a few words, cut short."""
    clauses = [c.strip() for c in re.split(r"[，。！？；：,.!?;:…—]+", text.strip().strip("“”\"'")) if c.strip()]
    if not clauses:
        return text.strip()[:12] or "…"
    separator, limit, least = ("，", TITLE_UNITS["zh"], 4) if language == "zh" else (", ", TITLE_UNITS["en"], 3)
    title = clauses[0]
    for clause in clauses[1:]:
        if _title_units(title, language) >= least:
            break
        title += separator + clause
    if _title_units(title, language) <= limit:
        return title
    return (title[:limit] if language == "zh" else " ".join(title.split()[:limit])) + "…"


def _title_units(text: str, language: str) -> int:
    return len(text) if language == "zh" else len(text.split())


def script_episode(
    number: int,
    beats: list[SourceBeat],
    analysis: Analysis,
    cast: Cast,
    summary: str,
    is_paywall: bool,
) -> Episode:
    language = analysis.language
    hook_beat, cold_open = find_hook(beats)
    scenes: list[Scene] = []
    beat_shot: dict[int, str] = {}
    groups: list[tuple[int, list[SourceBeat]]] = []
    for beat in beats:
        if groups and groups[-1][0] == beat.scene:
            groups[-1][1].append(beat)
        else:
            groups.append((beat.scene, [beat]))
    if cold_open:
        groups.insert(0, (-1, [hook_beat]))
    previous_location: str | None = None
    for scene_number, (scene_index, group) in enumerate(groups, start=1):
        span = analysis.scenes[hook_beat.scene if scene_index == -1 else scene_index]
        location = cast.location_ids.get(span.location, cast.location_ids.get("", "somewhere"))
        new_place = scene_index != -1 and location != previous_location
        establishing = None
        if new_place:
            place = span.location or ("某处" if language == "zh" else "A place")
            if language == "zh":
                establishing = f"{place}，{_TIME_ZH[span.time_of_day]}。"
            else:
                establishing = f"{place[0].upper()}{place[1:]}, {span.time_of_day}."
        drafts = _drafts_for_scene(group, cast, language, establishing)
        if scene_index == -1:
            for draft in drafts:
                draft.framing, draft.camera = "close_up", "push_in"
        shots = []
        for shot_number, draft in enumerate(drafts, start=1):
            shot = _shot(draft, f"{number}-{scene_number}-{shot_number}", language)
            shots.append(shot)
            if scene_index != -1:
                for index in draft.beat_indexes:
                    beat_shot[index] = shot.id
        characters = list(dict.fromkeys(c for shot in shots for c in shot.characters))
        scenes.append(
            Scene(
                id=f"{number}-{scene_number}",
                location=location,
                time=span.time_of_day,
                setting=setting_of(span.interior),
                characters=characters,
                cold_open=scene_index == -1,
                shots=shots,
            )
        )
        if scene_index != -1:
            previous_location = location
    hook_shot = f"{number}-1-1" if cold_open else beat_shot[hook_beat.index]
    cliff = beats[-1]
    episode_source = beats[0].source
    for beat in beats[1:]:
        episode_source = episode_source.cover(beat.source)
    return Episode(
        number=number,
        title=short_title(hook_beat.utterance.text, language),
        summary=summary,
        hook=Beat(shot=hook_shot, text=hook_beat.utterance.text.strip(), cues=sorted(_beat_cues(hook_beat))),
        cliffhanger=Beat(
            shot=beat_shot[cliff.index], text=cliff.utterance.text.strip(), cues=sorted(_beat_cues(cliff))
        ),
        is_paywall=is_paywall,
        seconds=round(sum(shot.seconds for scene in scenes for shot in scene.shots), 1),
        source=episode_source,
        scenes=scenes,
    )


_TIME_ZH = {"day": "日", "night": "夜", "dawn": "晨", "dusk": "黄昏"}


def _beat_cues(beat: SourceBeat) -> list[str]:
    return [cue for cue in CUES if cue in beat.utterance.cues]
