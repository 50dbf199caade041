"""The public API: everything the CLI does is one call here.

from microdrama.api import init_project, adapt_project, load_series, export_project
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from microdrama.build.pipeline import BuildReport
from microdrama.errors import MicrodramaError, UsageError
from microdrama.model import Bible, Episode
from microdrama.project import Project
from microdrama.project.atomic import write_text_atomic
from microdrama.project.config import ProjectConfig, SeriesSettings, SourceSettings, update_config
from microdrama.project.folder import episode_file_name
from microdrama.text.analysis import Analysis, analyze
from microdrama.text.document import SourceDocument
from microdrama.text.reader import read_source
from microdrama.write.adapt import adapt_document

# stage name, done, total (total 0: indeterminate)
StageProgress = Callable[[str, int, int], None]


def _report(progress: StageProgress | None, stage: str, done: int = 0, total: int = 0) -> None:
    if progress is not None:
        progress(stage, done, total)


def init_project(
    root: Path,
    source: Path,
    *,
    language: str | None = None,
    title: str | None = None,
    force: bool = False,
) -> tuple[Project, SourceDocument]:
    """Create a project folder from a story file. The source is read (and refused if it
    cannot be) before anything is written."""
    if language not in (None, "zh", "en"):
        raise UsageError(f"language '{language}' is not supported; use zh or en")
    recorded = f"source/{source.name}"
    document = read_source(source, language=language, recorded_path=recorded)
    config = ProjectConfig(
        series=SeriesSettings(title=(title or document.title).strip() or source.stem, language=document.language),
        source=SourceSettings(files=[recorded]),
    )
    project = Project.create(root, config, source, force=force)
    return project, document


@dataclass
class AdaptResult:
    project: Project
    bible: Bible
    episodes: list[Episode]
    analysis: Analysis
    written: list[Path]


def adapt_project(
    root: Path,
    *,
    episodes: int | None = None,
    minutes: float | None = None,
    market: str | None = None,
    paywall: int | str | None = None,
    force: bool = False,
    progress: StageProgress | None = None,
) -> AdaptResult:
    """Plan the series and write bible.yaml and episodes/NNN.yaml from the source.

    Options given here are saved into microdrama.toml so the next run repeats them.
    Files edited by hand since the last adapt are not overwritten without ``force``.
    """
    project = Project.open(root)
    config = project.load_config()
    overrides: dict[str, object] = {
        key: value
        for key, value in (
            ("episodes", episodes),
            ("minutes_per_episode", minutes),
            ("market", market),
            ("paywall", paywall),
        )
        if value is not None
    }
    try:
        settings = config.adapt.model_validate({**config.adapt.model_dump(), **overrides})
    except ValueError as error:
        raise UsageError(f"invalid adapt option: {str(error).splitlines()[-2].strip()}") from error
    edited = project.hand_edited()
    if edited and not force:
        shown = ", ".join(edited[:4]) + (" …" if len(edited) > 4 else "")
        raise UsageError(
            f"{shown} changed since the last adapt (edited by hand?); add --force to replace them, "
            "or keep your edits and skip adapt"
        )
    source_name = config.source.files[0]
    _report(progress, "read")
    document = read_source(project.root / source_name, language=config.series.language, recorded_path=source_name)
    _report(progress, "analyse")
    analysis = analyze(document)
    _report(progress, "write", 0, 1)
    adaptation = adapt_document(
        document,
        analysis,
        settings,
        config.series.title,
        lambda done, total: _report(progress, "write", done, total),
    )
    _keep_cast(project, adaptation.bible)
    written = [project.bible_path]
    project.save_bible(adaptation.bible)
    for episode in adaptation.episodes:
        written.append(project.save_episode(episode))
    keep = {episode_file_name(episode.number) for episode in adaptation.episodes}
    for stale in project.episode_paths():
        if stale.name not in keep:
            stale.unlink()
    project.record_written(written)
    if overrides:
        update_config(project.config_path, "adapt", overrides)
    return AdaptResult(project, adaptation.bible, adaptation.episodes, analysis, written)


def _keep_cast(project: Project, bible: Bible) -> None:
    """Looks and voices chosen in the old bible stay with the same character ids."""
    if not project.has_bible():
        return
    try:
        old = project.load_bible()
    except MicrodramaError:
        return  # a broken old bible has nothing reliable to keep
    bible.narrator_voice = old.narrator_voice
    for character in bible.characters:
        previous = old.character(character.id)
        if previous is not None:
            character.look, character.voice = previous.look, previous.voice
    for location in bible.locations:
        earlier = old.location(location.id)
        if earlier is not None:
            location.look = earlier.look


def load_series(root: Path) -> tuple[Project, Bible, list[Episode]]:
    """Open and validate a project: bible and every episode, with file:line errors."""
    project = Project.open(root)
    bible = project.load_bible()
    return project, bible, project.load_episodes(bible)


def export_project(root: Path, fmt: str, *, episode: int | None = None, out: Path | None = None) -> list[Path]:
    """Write the scripts as Fountain, a Chinese screenplay (Markdown) or JSON; returns the files."""
    from microdrama.write.export import FORMATS, export_series

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    project, bible, episodes = load_series(root)
    if not episodes:
        raise UsageError(f"{root} has no episodes yet; run `microdrama adapt {root}` first")
    if episode is not None and episode not in {e.number for e in episodes}:
        raise UsageError(f"there is no episode {episode}; the series has episodes 1-{len(episodes)}")
    folder = out or project.out_dir / "export" / fmt
    paths = []
    for name, content in export_series(bible, episodes, fmt, episode=episode).items():
        path = folder / name
        write_text_atomic(path, content)
        paths.append(path)
    return paths


def build(
    root: Path,
    *,
    episodes: str | None = None,
    executor: str = "local",
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Voices, frames, timelines, subtitles and MP4s for what is missing or stale (build/out/)."""
    from microdrama.build.pipeline import build_project

    return build_project(root, episodes=episodes, executor=executor, workers=workers, progress=progress)


def preview(root: Path, episode: int, progress: Callable[[str, int, int], None] | None = None) -> Path:
    """The storyboard sheet of one episode (frames and timing, no video render); returns its path."""
    from microdrama.build.pipeline import build_project

    report = build_project(root, episodes=str(episode), progress=progress, preview_only=True)
    outcome = report.episodes[0]
    if outcome.status == "failed":
        raise MicrodramaError(f"episode {episode} could not be previewed: {'; '.join(outcome.errors)}")
    return Project(root).out_dir / f"ep{episode:03d}.storyboard.png"
