"""The built series as localization sees it: languages, script lines with their slots, glossary,
and the translation files (localize/<lang>/NNN.yaml) a person reviews and edits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from microdrama.errors import ProjectError, UsageError
from microdrama.localize.cues import built_texts, slots
from microdrama.localize.cues import line_id as line_key
from microdrama.localize.glossary import extract, load_glossary, merge, save_glossary
from microdrama.localize.languages import Language, language, languages
from microdrama.localize.model import EpisodeTranslation, Glossary, read_file
from microdrama.localize.translate import SourceLine
from microdrama.model.bible import Bible
from microdrama.model.common import NARRATOR
from microdrama.model.script import Episode
from microdrama.project.folder import Project
from microdrama.project.yamlio import save_model
from microdrama.timeline.files import read_timeline, timeline_path
from microdrama.timeline.model import Timeline

TRANSLATION_HEADER = (
    "microdrama translation: one entry per script line. Edit `text` freely: a line you change is kept\n"
    "(never overwritten by the model) until its source line changes. `faithful` is the first pass, `note`\n"
    "says why the adapted line departs from it."
)


def source_language(bible: Bible) -> Language:
    return language("zh-Hans" if bible.series.language == "zh" else bible.series.language)


def targets_for(bible: Bible, codes: str) -> list[Language]:
    chosen = languages(codes)
    source = source_language(bible)
    same = [lang.code for lang in chosen if lang.code == source.code]
    if same:
        raise UsageError(f"the series is already in {same[0]}; choose other target languages")
    return chosen


def glossary_for(project: Project, bible: Bible, episodes: Sequence[Episode], target: Language) -> Glossary:
    """The reviewed glossary if there is one, else a fresh proposal (written, so it can be reviewed)."""
    existing = load_glossary(project.root, target)
    glossary, added = merge(existing, extract(bible, episodes, target))
    if existing is None or added:
        save_glossary(project.root, glossary, target)
    return glossary


def translation_path(root: Path, target: Language, number: int) -> Path:
    return root / "localize" / target.code / f"{number:03d}.yaml"


def load_translation(root: Path, target: Language, number: int) -> EpisodeTranslation | None:
    path = translation_path(root, target, number)
    return read_file(path, root, EpisodeTranslation, "translation") if path.exists() else None


def save_translation(root: Path, translation: EpisodeTranslation, target: Language) -> Path:
    path = translation_path(root, target, translation.episode)
    save_model(path, translation, TRANSLATION_HEADER)
    return path


def source_lines(episode: Episode, bible: Bible, timeline: Timeline, target: Language) -> list[SourceLine]:
    names = {character.id: character.name for character in bible.characters}
    where, built = slots(timeline), built_texts(timeline)
    lines = []
    for scene in episode.scenes:
        for shot in scene.shots:
            for index, line in enumerate(shot.lines):
                line_id = line_key(shot.id, index)
                slot = where.get(line_id)
                if slot is None or built.get(line_id) != "".join(line.text.split()):
                    raise ProjectError(
                        f"episode {episode.number}: line {line_id} is not as it was in the last build; run "
                        f"`microdrama build` again (the script changed since), then localize"
                    )
                seconds = slot.limit - slot.start
                speaker = "narrator" if line.speaker == NARRATOR else names.get(line.speaker, line.speaker)
                # 10% under the reading-speed limit: cue gaps and whole frames take a little of the slot.
                max_units = max(target.chars_per_line / 2, 0.9 * seconds * target.chars_per_second)
                lines.append(
                    SourceLine(line_id, speaker, line.kind, line.text, scene.id, max_units, speaker_id=line.speaker)
                )
    return lines


def load_series(root: Path) -> tuple[Project, Bible, list[Episode]]:
    project = Project.open(root)
    bible = project.load_bible()
    episodes = project.load_episodes(bible)
    if not episodes:
        raise ProjectError(f"{root} has no episodes yet; run `microdrama adapt {root}` first")
    return project, bible, episodes


def series_line(bible: Bible) -> str:
    return f"{bible.series.title}: {bible.series.logline}" if bible.series.logline else bible.series.title


def timeline_of(project: Project, episode: Episode) -> Timeline:
    path = timeline_path(project.out_dir, episode.number)
    if not path.exists():
        raise ProjectError(
            f"episode {episode.number} has not been built; run `microdrama build {project.root}` first "
            "(localized subtitles keep the original timing)"
        )
    return read_timeline(path)
