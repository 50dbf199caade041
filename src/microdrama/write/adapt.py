"""Deterministic adaptation: source document -> series bible + episode scripts, no AI model.

The stage is a pure function of the document, its analysis and the settings; the
LLM writer (a later stage) plugs in after it and rewrites the same typed scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from microdrama.model import Bible, Episode
from microdrama.project.config import AdaptSettings
from microdrama.text.analysis import Analysis
from microdrama.text.document import SourceDocument
from microdrama.write.beats import Beat, build_beats
from microdrama.write.bible import build_bible, presence
from microdrama.write.condense import narration_salience, select_beats
from microdrama.write.plan import check_episode_count, choose_paywall, cut_episodes, default_episode_count
from microdrama.write.scripting import BREATH_SECONDS, Cast, script_episode

# Share of the episode's minutes given to lines and their air; the rest is action,
# establishing shots and the cold open.
SPOKEN_SHARE = 0.85
SUMMARY_SENTENCES = 2
SUMMARY_MAX = {"zh": 120, "en": 60}  # characters / words

Progress = Callable[[int, int], None]


@dataclass
class Adaptation:
    bible: Bible
    episodes: list[Episode]


def _summary(beats: list[Beat], language: str) -> str:
    salience = narration_salience(beats, language)
    best = sorted(salience, key=lambda index: salience[index], reverse=True)[:SUMMARY_SENTENCES]
    chosen = [beat.utterance.text.strip() for beat in beats if beat.index in best]
    text = ("" if language == "zh" else " ").join(chosen)
    if language == "zh":
        limit = SUMMARY_MAX["zh"]
        return text if len(text) <= limit else text[: limit - 1] + "…"
    words = text.split()
    return " ".join(words[: SUMMARY_MAX["en"]]) + ("…" if len(words) > SUMMARY_MAX["en"] else "")


def adapt_document(
    document: SourceDocument,
    analysis: Analysis,
    settings: AdaptSettings,
    title: str,
    progress: Progress | None = None,
) -> Adaptation:
    language = analysis.language
    beats = build_beats(document, analysis)
    count = check_episode_count(settings.episodes or default_episode_count(beats), beats)
    cuts = cut_episodes(beats, count)
    strengths = [beats[cut.last].tension + (0.2 if beats[cut.last].is_hook else 0.0) for cut in cuts]
    paywall = choose_paywall(strengths, settings.resolved_market(language), settings.paywall)
    bible, character_ids, location_ids = build_bible(
        document, analysis, beats, title, settings.minutes_per_episode, count, paywall
    )
    by_key = {info.key: info for info in analysis.characters}
    names = {
        character_id: [by_key[key].name, *by_key[key].aliases]
        for key, character_id in character_ids.items()
        if key in by_key
    }
    leads = {character_ids[c.key] for c in sorted(analysis.characters, key=presence, reverse=True)[:3]}
    cast = Cast(character_ids=character_ids, location_ids=location_ids, names=names, leads=leads)
    budget = settings.minutes_per_episode * 60.0 * SPOKEN_SHARE

    def importance(beat: Beat) -> float:
        speaker = character_ids.get(beat.utterance.speaker or "")
        return 0.15 if speaker in leads else 0.0

    episodes: list[Episode] = []
    for cut in cuts:
        segment = beats[cut.first : cut.last + 1]
        peak = max(segment[:-1] or segment, key=lambda b: b.tension)
        selected = select_beats(
            segment, budget, language, importance, keep={segment[-1].index, peak.index}, air=BREATH_SECONDS
        )
        episodes.append(
            script_episode(cut.number, selected, analysis, cast, _summary(segment, language), cut.number == paywall)
        )
        _first_episode(bible, episodes[-1])
        if progress is not None:
            progress(cut.number, count)
    return Adaptation(bible=bible, episodes=episodes)


def _first_episode(bible: Bible, episode: Episode) -> None:
    present = {c for scene in episode.scenes for c in scene.characters}
    present |= {line.speaker for line in episode.lines()}
    for character in bible.characters:
        if character.first_episode is None and character.id in present:
            character.first_episode = episode.number
