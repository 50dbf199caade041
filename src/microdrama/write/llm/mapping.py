"""Replies -> the project's model: ids, shot ids and durations, hook and cliffhanger beats.

Pure functions (no model call), so they are tested on hand-made replies. Mapping is
forgiving where the checks already asked for a repair: an unknown speaker that is a
character's name becomes that character's id, blank lines and empty shots are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from microdrama.errors import ProviderError
from microdrama.model import NARRATOR, Beat, Bible, Character, Episode, Line, Location, Scene, Series, Shot, SourceSpan
from microdrama.model.bounds import MAX_NAME_CHARS, MAX_SPOKEN_CHARS, MAX_TITLE_CHARS, fit_one_line
from microdrama.model.common import BeatCue, Language, LineKind, TimeOfDay, WrittenBy
from microdrama.text.analysis import CUES, score_tension, spoken_seconds
from microdrama.write.bible import identifier
from microdrama.write.llm.replies import SceneDraft, SeriesDraft, ShotDraft
from microdrama.write.scripting import BREATH_SECONDS, MIN_SHOT_SECONDS

MAX_ACTION_SECONDS = 5.0
TAG_LIMIT = 4
_QUESTION = re.compile(r"[?？]")
_EXCLAMATION = re.compile(r"[!！]")
_NON_WORD = re.compile(r"[\W_]+")


_SENTENCE_END = re.compile(r"[。！？!?…]|\.(?=\s|$)")
_CLOSED = re.compile(r"[。！？!?…\.”’\"')）」』]$")


def tidy(text: str) -> str:
    """Text a length cap cut off mid-sentence, ended at its last full sentence when one is left.

    A model's text is one line inside the project's bounds (control characters become spaces)."""
    text = fit_one_line(text, MAX_SPOKEN_CHARS)
    if not text or _CLOSED.search(text):
        return text
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    if ends and ends[-1] >= len(text) // 3:
        return text[: ends[-1]].strip()
    return text.rstrip(",，、;；:： ")


def language_of(language: str) -> Language:
    return "zh" if language == "zh" else "en"


# -- cues and strength ----------------------------------------------------------------------------


def text_cues(text: str, language: str) -> frozenset[str]:
    """Cue categories (conflict, threat, reveal, reversal, question) of a sentence, by the analysers' lexicons."""
    if language == "zh":
        import jieba

        from microdrama.text.zh.cues import cues_of, label_hits

        jieba.setLogLevel(60)
        labels = [label for _, label in label_hits(text, list(jieba.cut(text)))]
        return cues_of(text, labels, [])
    from microdrama.text.en.cues import cues_of as en_cues_of

    return en_cues_of(text)


def beat_cues(text: str, language: str) -> list[BeatCue]:
    found = text_cues(text, language)
    return [cast(BeatCue, cue) for cue in CUES if cue in found]


def strength(text: str, language: str) -> float:
    """How strong a cliffhanger reads, 0..1, scored like a source beat's tension."""
    cues = text_cues(text, language)
    return score_tension(cues, len(_EXCLAMATION.findall(text)), len(_QUESTION.findall(text)), True)


# -- bible ----------------------------------------------------------------------------------------


def _tags(values: Sequence[str]) -> list[str]:
    tags = (fit_one_line(value, MAX_NAME_CHARS) for value in values)
    return list(dict.fromkeys(tag for tag in tags if tag))[:TAG_LIMIT]


def bible_from_draft(
    draft: SeriesDraft,
    *,
    language: str,
    minutes_per_episode: float,
    episodes: int,
    paywall: int | None = None,
) -> Bible:
    """The series bible from a series reply: unique ids (pinyin for Chinese names), one protagonist."""
    taken: set[str] = set()
    characters: list[Character] = []
    seen_names: set[str] = set()
    for number, (role, person) in enumerate(draft.characters(), start=1):
        name = fit_one_line(tidy(person.name), MAX_NAME_CHARS)
        if not name or name.lower() in seen_names or name.lower() in (NARRATOR, "旁白"):
            continue  # a repeated person is dropped: the first, leading, one is kept
        seen_names.add(name.lower())
        characters.append(
            Character(
                id=identifier(name, taken, f"character_{number}"),
                name=name,
                role=role,
                gender=person.gender,
                age=person.age,
                description=tidy(person.description),
            )
        )
    taken_places: set[str] = set()
    locations: list[Location] = []
    for number, place in enumerate(draft.locations, start=1):
        name = fit_one_line(place.name, MAX_NAME_CHARS)
        if not name or any(loc.name == name for loc in locations):
            continue
        locations.append(
            Location(
                id=identifier(name, taken_places, f"location_{number}"),
                name=name,
                setting=place.setting,
                description=tidy(place.description),
            )
        )
    if not characters or not locations:
        raise ProviderError("the model's series has no usable characters or locations; try again or another model")
    series = Series(
        title=fit_one_line(draft.title) or ("无题" if language == "zh" else "Untitled"),
        logline=tidy(draft.logline),
        genres=_tags(draft.genres),
        tropes=_tags(draft.tropes),
        language=language_of(language),
        minutes_per_episode=minutes_per_episode,
        episode_count=episodes,
        paywall_episode=paywall,
    )
    return Bible(series=series, characters=characters, locations=locations)


# -- episodes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SceneFrame:
    """What a rewritten scene keeps of the scene it rewrites."""

    source: SourceSpan | None = None
    time: TimeOfDay | None = None
    cold_open: bool = False
    original: Scene | None = None  # kept as it was when the model leaves the scene empty


class _Cast:
    def __init__(self, bible: Bible) -> None:
        self.bible = bible
        self.ids = [c.id for c in bible.characters]
        self.by_name: dict[str, str] = {}
        for character in bible.characters:
            for name in (character.name, *character.aliases):
                self.by_name.setdefault(name.strip().lower(), character.id)

    def speaker(self, value: str) -> str | None:
        value = value.strip()
        if value in self.ids or value == NARRATOR:
            return value
        if value.lower() in ("旁白", "voice-over", "voiceover", "narration"):
            return NARRATOR
        return self.by_name.get(value.lower())

    def mentioned(self, text: str) -> list[str]:
        return [
            c.id for c in self.bible.characters if any(n and n in text for n in (c.name, *c.aliases) if len(n) >= 2)
        ]


def _shot_seconds(lines: Sequence[Line], description: str, language: str) -> float:
    spoken = sum(spoken_seconds(line.text, language) + BREATH_SECONDS for line in lines)
    action = spoken_seconds(description, language) * 0.6 if description else 0.0
    # With lines, the action plays under them; alone, it holds the shot for a few seconds.
    action = min(action * 0.5, 2.0) if lines else min(max(action, MIN_SHOT_SECONDS), MAX_ACTION_SECONDS)
    return round(max(spoken + action, MIN_SHOT_SECONDS), 2)


def _fresh(text: str, seen: set[str]) -> bool:
    """Whether ``text`` is new to the episode (a small model repeats itself); remembers it."""
    key = _NON_WORD.sub("", text).lower()
    if not key or key in seen:
        return False
    seen.add(key)
    return True


def _shot(
    draft: ShotDraft, shot_id: str, people: _Cast, language: str, source: SourceSpan | None, seen: set[str]
) -> Shot | None:
    """A shot, without lines and descriptions that repeat earlier ones of the episode; None if nothing is left."""
    lines: list[Line] = []
    for line in draft.lines:
        text = tidy(line.text)
        speaker = people.speaker(line.speaker)
        if not text or speaker is None or not _fresh(text, seen):
            continue
        kind: LineKind = "narration" if speaker == NARRATOR else "dialogue"
        lines.append(Line(speaker=speaker, kind=kind, emotion=line.emotion, text=text))
    description = tidy(draft.description)
    if description and not _fresh(description, seen):
        description = ""
    if not lines and not description:
        return None
    present = [line.speaker for line in lines if line.speaker != NARRATOR]
    present += people.mentioned(description)
    return Shot(
        id=shot_id,
        framing=draft.framing,
        description=description,
        characters=list(dict.fromkeys(present)),
        lines=lines,
        seconds=_shot_seconds(lines, description, language),
        source=source,
    )


def scenes_from_drafts(
    number: int,
    drafts: Sequence[SceneDraft],
    bible: Bible,
    frames: Sequence[SceneFrame] | None = None,
) -> list[Scene]:
    """Scenes with ids "E-S" and shots "E-S-N"; repeats and empty shots are dropped, and so is a
    scene left empty, unless its frame holds the original scene, which then stays as it was."""
    language = bible.series.language
    people = _Cast(bible)
    location_ids = [loc.id for loc in bible.locations]
    scenes: list[Scene] = []
    seen: set[str] = set()
    for index, draft in enumerate(drafts):
        frame = frames[index] if frames is not None and index < len(frames) else SceneFrame()
        scene_number = len(scenes) + 1
        shots: list[Shot] = []
        for shot_draft in draft.shots:
            shot = _shot(shot_draft, f"{number}-{scene_number}-{len(shots) + 1}", people, language, frame.source, seen)
            if shot is not None:
                shots.append(shot)
        if not shots:
            if frame.original is not None:
                scenes.append(renumbered(frame.original, f"{number}-{scene_number}"))
            continue
        location_id = draft.location if draft.location in location_ids else location_ids[0]
        location = bible.location(location_id)
        listed = [c for c in (people.speaker(c) for c in draft.characters) if c and c != NARRATOR]
        characters = list(dict.fromkeys([*listed, *(c for shot in shots for c in shot.characters)]))
        scenes.append(
            Scene(
                id=f"{number}-{scene_number}",
                location=location_id,
                time=frame.time or draft.time,
                setting=location.setting if location else "INT/EXT",
                characters=characters,
                cold_open=frame.cold_open and scene_number == 1,
                shots=shots,
            )
        )
    return scenes


def renumbered(scene: Scene, scene_id: str) -> Scene:
    """The scene under a new id "E-S", its shots "E-S-N", everything else as it was."""
    shots = [shot.model_copy(update={"id": f"{scene_id}-{n}"}) for n, shot in enumerate(scene.shots, start=1)]
    return scene.model_copy(update={"id": scene_id, "shots": shots})


def episode_from_drafts(
    number: int,
    drafts: Sequence[SceneDraft],
    bible: Bible,
    *,
    title: str,
    summary: str = "",
    hook: str = "",
    cliffhanger: str = "",
    is_paywall: bool = False,
    frames: Sequence[SceneFrame] | None = None,
    source: SourceSpan | None = None,
    written_by: WrittenBy | None = None,
) -> Episode:
    """An episode from drafted scenes: the hook beat is its first shot, the cliffhanger its last."""
    language = bible.series.language
    scenes = scenes_from_drafts(number, drafts, bible, frames)
    if not scenes:
        raise ProviderError(f"the model wrote no usable scene for episode {number}; try again or another model")
    shots = [shot for scene in scenes for shot in scene.shots]
    first, last = shots[0], shots[-1]
    hook_text = tidy(hook) or _shot_text(first)
    cliff_text = tidy(cliffhanger) or _shot_text(last, last=True)
    return Episode(
        number=number,
        title=fit_one_line(title, MAX_TITLE_CHARS) or hook_text[:12],
        summary=tidy(summary),
        hook=Beat(shot=first.id, text=hook_text, cues=beat_cues(hook_text, language)),
        cliffhanger=Beat(shot=last.id, text=cliff_text, cues=beat_cues(cliff_text, language)),
        is_paywall=is_paywall,
        seconds=round(sum(shot.seconds for shot in shots), 1),
        source=source,
        scenes=scenes,
        written_by=written_by,
    )


def _shot_text(shot: Shot, last: bool = False) -> str:
    if shot.lines:
        return shot.lines[-1 if last else 0].text
    return shot.description or "…"


def mark_first_episodes(bible: Bible, episodes: Sequence[Episode]) -> None:
    """Each character's first_episode: the first episode they appear or speak in."""
    for episode in sorted(episodes, key=lambda e: e.number):
        present = {c for scene in episode.scenes for c in scene.characters}
        present |= {line.speaker for line in episode.lines()}
        for character in bible.characters:
            if character.first_episode is None and character.id in present:
                character.first_episode = episode.number


def cover(spans: Sequence[SourceSpan | None]) -> SourceSpan | None:
    """The smallest span covering the given ones in the first file they name."""
    present = [span for span in spans if span is not None]
    if not present:
        return None
    result = present[0]
    for span in present[1:]:
        if span.file == result.file:
            result = result.cover(span)
    return result
