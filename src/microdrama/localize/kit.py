"""The translator's kit of a series: its lines out as XLIFF (and the glossary as TBX), back in again."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from microdrama.errors import UsageError
from microdrama.localize.cues import line_id
from microdrama.localize.glossary import load_glossary
from microdrama.localize.languages import Language
from microdrama.localize.model import EpisodeTranslation, TranslatedLine
from microdrama.localize.series import (
    glossary_for,
    load_series,
    load_translation,
    save_translation,
    source_language,
    source_lines,
    targets_for,
    timeline_of,
)
from microdrama.localize.xliff import KitLine, export_tbx, export_xliff, import_xliff
from microdrama.model.bible import Bible
from microdrama.model.script import Episode
from microdrama.project.atomic import write_bytes_atomic
from microdrama.project.folder import Project


def series_id(bible: Bible) -> str:
    """What a kit carries to tell this series from another: the title's hash (renaming means a new kit)."""
    return "microdrama-" + hashlib.sha256(bible.series.title.encode()).hexdigest()[:12]


def kit_lines(project: Project, bible: Bible, episodes: Sequence[Episode], target: Language) -> list[KitLine]:
    glossary = load_glossary(project.root, target)
    kit = []
    for episode in episodes:
        existing = load_translation(project.root, target, episode.number)
        done = {line.id: line.text for line in existing.lines} if existing is not None else {}
        for line in source_lines(episode, bible, timeline_of(project, episode), target):
            pairs = [(e.source, e.target) for e in glossary.relevant(line.text)] if glossary else []
            kit.append(
                KitLine(
                    episode.number, line.id, line.speaker, line.text, done.get(line.id, ""), int(line.max_units), pairs
                )
            )
    return kit


def export_kit(root: Path, code: str) -> list[Path]:
    """The series' lines as XLIFF (with any translations made so far) and the glossary as TBX,
    in build/out/<lang>/, for translators working in a CAT tool."""
    project, bible, episodes = load_series(root)
    target = targets_for(bible, code)[0]
    source = source_language(bible)
    glossary = glossary_for(project, bible, episodes, target)
    folder = project.out_dir / target.code
    xlf, tbx = folder / f"{project.root.name}.{target.code}.xlf", folder / f"glossary.{target.code}.tbx"
    lines = kit_lines(project, bible, episodes, target)
    data = export_xliff(lines, series_id=series_id(bible), source_language=source.code, target_language=target.code)
    write_bytes_atomic(xlf, data)
    write_bytes_atomic(tbx, export_tbx(glossary, source_language=source.code))
    return [xlf, tbx]


def import_kit(root: Path, code: str, path: Path) -> int:
    """Bring a translated XLIFF back into localize/<lang>/; returns the number of lines imported.

    All or nothing: a kit that does not match the script line for line is refused (xliff.py).
    The imported lines count as a person's work: the model never overwrites them.
    """
    project, bible, episodes = load_series(root)
    target = targets_for(bible, code)[0]
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    expected = kit_lines(project, bible, episodes, target)
    texts = import_xliff(
        data, series_id=series_id(bible), target_language=target.code, expected=expected, display=path.name
    )
    kinds = {line_id(s.id, i): line.kind for e in episodes for s in e.shots() for i, line in enumerate(s.lines)}
    by_episode: dict[int, list[TranslatedLine]] = {}
    for kit_line in expected:
        made = TranslatedLine(
            id=kit_line.id,
            speaker=kit_line.speaker,
            kind=kinds[kit_line.id],
            source=kit_line.source,
            text=texts[kit_line.key],
            origin="xliff",
        )
        by_episode.setdefault(kit_line.episode, []).append(made)
    for number, lines in by_episode.items():
        save_translation(project.root, EpisodeTranslation(episode=number, language=target.code, lines=lines), target)
    return len(expected)
