"""The public API: everything the CLI does is one call here.

from microdrama.api import init_project, adapt_project, load_series, export_project
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

from microdrama.build.ledger import CallRecord
from microdrama.build.lock import build_lock
from microdrama.build.pipeline import BuildReport
from microdrama.build.plan import BuildPlan
from microdrama.errors import MicrodramaError, ProjectError, ProviderError, UsageError, ValidationError
from microdrama.model import Bible, Episode
from microdrama.model.bounds import Title, fit_one_line
from microdrama.project import Project
from microdrama.project.atomic import write_text_atomic
from microdrama.project.config import ProjectConfig, SeriesSettings, SourceSettings
from microdrama.text.analysis import Analysis, analyze
from microdrama.text.document import SourceDocument
from microdrama.text.reader import read_source
from microdrama.write.adapt import Adaptation, adapt_document

if TYPE_CHECKING:
    from microdrama.evaluate.catalog import LoadedCatalog
    from microdrama.evaluate.homogeneity import CatalogReport
    from microdrama.evaluate.recommend import Recommendations
    from microdrama.evaluate.report import ProjectReport
    from microdrama.evaluate.review import Criterion, Review, Score
    from microdrama.localize.pipeline import LanguageResult
    from microdrama.localize.qc import Violation
    from microdrama.providers.gateway import Gateway

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
    recorded = f"source/{fit_one_line(source.name) or 'story.txt'}"  # no newline from a file name in the settings
    document = read_source(source, language=language, recorded_path=recorded)
    found = fit_one_line(document.title) or fit_one_line(source.stem) or "series"
    config = ProjectConfig(
        series=SeriesSettings(title=_title_option(title) if title else found, language=document.language),
        source=SourceSettings(files=[recorded]),
    )
    old = Project(root)
    if force and old.config_path.is_file() and old.build_dir.is_dir():
        # Replaced under a running build, the old project's build would write into the new one.
        busy = f"a build of this project ({root}) is running, so it cannot be replaced now"
        with build_lock(old.build_dir, busy=busy):
            return Project.create(root, config, source, force=force), document
    return Project.create(root, config, source, force=force), document


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
    writer: str = "deterministic",
    max_cost: float | None = None,
    progress: StageProgress | None = None,
) -> AdaptResult:
    """Plan the series and write bible.yaml and episodes/NNN.yaml from the source.

    ``writer="llm"`` then rewrites each episode with the text provider, from the source
    passages the planner chose. Options given here are saved into microdrama.toml so the
    next run repeats them. Files edited by hand since the last adapt are not overwritten
    without ``force``.
    """
    if writer not in ("deterministic", "llm"):
        raise UsageError(f"unknown writer {writer!r}; use deterministic or llm")
    project = Project.open(root)
    config = project.load_config()
    if not config.source.files:
        raise UsageError(
            f"{root} was written from an idea and has no source text to adapt; edit its episodes, "
            "or start a project from a story with `microdrama init --from STORY`"
        )
    gateway = _writing_gateway(project, config, max_cost) if writer == "llm" else None
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
    if gateway is not None:
        adaptation.episodes = _rewrite_all(project, adaptation, gateway, progress)
    settings_changed = {"adapt": overrides} if overrides else {}
    written = project.replace_series(adaptation.bible, adaptation.episodes, settings_changed)
    return AdaptResult(project, adaptation.bible, adaptation.episodes, analysis, written)


def _writing_gateway(project: Project, config: ProjectConfig, max_cost: float | None) -> Gateway:
    from microdrama.providers.gateway import Gateway

    gateway = Gateway(project.root, config, max_cost=max_cost)
    if gateway.provider("write.rewrite") is None:
        raise UsageError(
            "the LLM writer needs a text provider, but [ai] text is 'none' in microdrama.toml; "
            'set text = "local" (the embedded model) or name a [providers.NAME]'
        )
    return gateway


def _rewrite_all(
    project: Project, adaptation: Adaptation, gateway: Gateway, progress: StageProgress | None
) -> list[Episode]:
    """Rewrite episode by episode; each finished call is cached, so a stopped run resumes for free."""
    from microdrama.write.llm.rewrite import episode_passages, rewrite_episode

    total = len(adaptation.episodes)
    _report(progress, "rewrite", 0, total)
    rewritten = []
    for done, episode in enumerate(adaptation.episodes, start=1):
        passages = episode_passages(episode, project.root)
        rewritten.append(rewrite_episode(episode, adaptation.bible, passages, gateway=gateway))
        _report(progress, "rewrite", done, total)
    return rewritten


def new_project(
    root: Path,
    idea: str,
    *,
    episodes: int = 10,
    minutes: float = 1.5,
    language: str = "auto",
    market: str | None = None,
    title: str | None = None,
    max_cost: float | None = None,
    progress: StageProgress | None = None,
) -> NewResult:
    """A series from a one-line idea: bible, outline and scripts written by the text provider.

    The idea is checked before anything is made. The project folder is created first so
    every model call is cached and recorded in its ledger; if writing stops (an error, the
    budget, Ctrl-C), running the same command again resumes without paying twice.
    """
    from microdrama.providers.gateway import Gateway
    from microdrama.write.llm.new import check_idea, resolve_language, write_series

    text = check_idea(idea)
    title = _title_option(title) if title else None
    if market not in (None, "domestic", "overseas"):
        raise UsageError(f"unknown market {market!r}; use domestic or overseas")
    language = resolve_language(language, text)
    if root.exists() and Project.open(root).has_bible():
        raise ProjectError(f"{root} already has a series; choose another folder")
    if not root.exists():
        config = ProjectConfig.model_validate(
            {
                "series": {"title": title or fit_one_line(text, 60), "language": language},
                "adapt": {"episodes": episodes, "minutes_per_episode": minutes, "market": market},
            }
        )
        Project.create(root, config, None)
    project = Project.open(root)
    config = project.load_config()
    gateway = Gateway(project.root, config, max_cost=max_cost)
    if gateway.provider("write.series") is None:
        raise UsageError('writing from an idea needs a text provider; set [ai] text = "local" or a provider name')
    bible, written_episodes = write_series(
        text,
        language=language,
        episodes=episodes,
        minutes_per_episode=minutes,
        market=config.adapt.resolved_market(language),
        gateway=gateway,
        progress=progress,
        project_root=project.root,
    )
    if title:
        bible.series.title = title
    project.replace_series(bible, written_episodes, {"series": {"title": bible.series.title}})
    return NewResult(project, bible, written_episodes)


@dataclass
class NewResult:
    project: Project
    bible: Bible
    episodes: list[Episode]


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


def _title_option(title: str) -> str:
    """--title as typed, or a UsageError saying which bound it breaks (length, control characters)."""
    try:
        return pydantic.TypeAdapter(Title).validate_python(title.strip())
    except pydantic.ValidationError as error:
        raise UsageError(f"--title: {error.errors()[0]['msg']}") from error


def validate_project(root: Path) -> tuple[Project, Bible, list[Episode]]:
    """Check microdrama.toml, bible.yaml, every episode and the locked takes; a ValidationError
    names each problem's file and line."""
    from microdrama.build.locks import problems

    project = Project.open(root)
    project.load_config()
    bible = project.load_bible()
    episodes = project.load_episodes(bible)
    locked = problems(project.root, episodes)
    if locked:
        raise ValidationError("\n".join(locked))
    return project, bible, episodes


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
    max_cost: float | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Voices, frames, timelines, subtitles and MP4s for what is missing or stale (build/out/).

    ``max_cost`` bounds this run's spending on AI providers: the build stops cleanly before
    the call that would pass it and keeps everything finished.
    """
    from microdrama.build.pipeline import build_project

    return build_project(
        root, episodes=episodes, executor=executor, workers=workers, progress=progress, max_cost=max_cost
    )


def plan_build(root: Path, *, episodes: str | None = None) -> BuildPlan:
    """What `build` would make and which provider calls it would pay for (a dry run: nothing is made)."""
    from microdrama.build.plan import plan_build as plan

    return plan(root, episodes=episodes)


def ledger(root: Path, *, run: str | None = None, last: int | None = None) -> list[CallRecord]:
    """The project's AI calls, oldest first (build/ledger.sqlite); ``run`` "last" means the latest run."""
    from microdrama.build.ledger import Ledger

    project = Project.open(root)
    path = project.build_dir / "ledger.sqlite"
    if not path.exists():
        return []
    book = Ledger(path)
    if run == "last":
        calls = book.calls(limit=1)
        run = calls[0].run_id if calls else None
    return book.calls(run_id=run, limit=last)


def preview(root: Path, episode: int, progress: Callable[[str, int, int], None] | None = None) -> Path:
    """The storyboard sheet of one episode (frames and timing, no video render); returns its path."""
    from microdrama.build.pipeline import build_project

    report = build_project(root, episodes=str(episode), progress=progress, preview_only=True)
    outcome = report.episodes[0]
    if outcome.status == "failed":
        raise MicrodramaError(f"episode {episode} could not be previewed: {'; '.join(outcome.errors)}")
    return Project(root).out_dir / f"ep{episode:03d}.storyboard.png"


def provider_overview(root: Path) -> list[tuple[str, str, str, str, str, str]]:
    """(stage, provider, kind, model, capabilities, status) per stage; makes no calls.

    Status says whether the provider can be set up: its backend loads, its key is present.
    """
    from microdrama.project.ai_settings import STAGES
    from microdrama.providers.gateway import NO_AI, Gateway

    project = Project.open(root)
    config = project.load_config()
    gateway = Gateway(project.root, config)
    rows = []
    for stage in STAGES:
        name = gateway.provider_name(stage)
        if name in NO_AI:
            engine = {"procedural": "drawing (no AI)", "builtin": "espeak-ng / Piper", "none": "deterministic"}
            rows.append((stage, name, "built-in", "", engine[name], "ok"))
            continue
        table = gateway.table(name)
        try:
            provider = gateway.named(name)
            capabilities = provider.capabilities()
            summary = ", ".join(capabilities.capabilities)
            if capabilities.json_schema:
                summary += "; JSON schema"
            if capabilities.max_context:
                summary += f"; {capabilities.max_context} ctx"
            if capabilities.reference_images:
                summary += "; reference images"
            rows.append((stage, name, table.kind, provider.model, summary, "ok"))
        except MicrodramaError as error:
            rows.append((stage, name, table.kind, table.model, "", f"error: {error}"))
    return rows


def test_provider(root: Path, name: str | None = None) -> str:
    """One tiny real call (recorded in the ledger, never cached) to prove a provider answers."""
    import time

    from microdrama.providers.base import (
        ChatRequest,
        ImageProvider,
        ImageRequest,
        SpeechProvider,
        SpeechRequest,
        TextProvider,
    )
    from microdrama.providers.gateway import NO_AI, Gateway

    project = Project.open(root)
    config = project.load_config()
    gateway = Gateway(project.root, config)
    name = name or config.ai.text
    if name in NO_AI:
        raise UsageError(f"{name!r} is built in and needs no test; name a provider from microdrama.toml")
    provider = gateway.named(name)
    capabilities = provider.capabilities().capabilities
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")  # a fresh request each time: a test must reach the server
    started = time.perf_counter()
    if "text" in capabilities and isinstance(provider, TextProvider):
        request = ChatRequest((("user", f"Reply with the word OK. ({stamp})"),), max_tokens=8, temperature=0)
        reply = gateway.chat("providers.test", request, using=name).text.strip()
        what = f"replied {reply[:40]!r}"
    elif "image" in capabilities and isinstance(provider, ImageProvider):
        image = ImageRequest(prompt=f"a red circle ({stamp})", width=512, height=512, seed=1)
        what = f"made a {len(gateway.image('providers.test', image, using=name)):,}-byte picture"
    elif "speech" in capabilities and isinstance(provider, SpeechProvider):
        voice = (provider.capabilities().voices or ("default",))[0]
        speech = SpeechRequest(text=f"Testing at {stamp}.", voice=voice, language="en")
        what = f"spoke {len(gateway.speech('providers.test', speech, using=name).audio):,} bytes of audio"
    else:
        raise ProviderError(f"provider {name!r} declares no capability microdrama can test")
    seconds = time.perf_counter() - started
    return f"{name} ({provider.kind}, {provider.model}) {what} in {seconds:.1f}s"


# -- localization --------------------------------------------------------------------------------


def glossary(root: Path, languages: str) -> list[tuple[str, Path, int]]:
    """Write or extend the glossary of each language for review: (language, file, entries added)."""
    from microdrama.localize.pipeline import update_glossaries

    return [(target.code, path, added) for target, path, added in update_glossaries(root, languages)]


def localize(
    root: Path,
    languages: str,
    *,
    adapt: bool = True,
    video: bool = True,
    dub: bool = True,
    max_cost: float | None = None,
    progress: StageProgress | None = None,
) -> list[LanguageResult]:
    """Glossary, translation, subtitles, dub and MP4s for each language (a comma-separated list)."""
    from microdrama.localize.pipeline import localize as run

    return run(root, languages, adapt=adapt, video=video, dub=dub, max_cost=max_cost, progress=progress)


def qc(root: Path, language: str) -> list[Violation]:
    """Every subtitle-rule, glossary and cue-count violation of one language's files as they are now."""
    from microdrama.localize.pipeline import run_qc

    return run_qc(root, language)


def export_kit(root: Path, language: str) -> list[Path]:
    """The lines as XLIFF 1.2 (with the translations so far) and the glossary as TBX, for a CAT tool."""
    from microdrama.localize.kit import export_kit as export

    return export(root, language)


def import_kit(root: Path, language: str, path: Path) -> int:
    """A translated XLIFF back into the translation files (all or nothing); returns the lines imported."""
    from microdrama.localize.kit import import_kit as bring_back

    return bring_back(root, language, path)


def evaluate(
    root: Path, budget_yuan: float | None = None, *, against: Path | None = None, progress: StageProgress | None = None
) -> tuple[ProjectReport, tuple[Path, Path]]:
    """The project's evaluation, written to build/out/report.json and report.html; with
    ``against``, also its nearest works in that catalog folder."""
    from microdrama.evaluate.report import evaluate_project, write_report
    from microdrama.project import Project

    report = evaluate_project(root, budget_yuan, against, progress)
    return report, write_report(report, Project.open(root).out_dir)


def reviews(root: Path) -> list[Review]:
    """The expert reviews recorded for the project (reviews/*.yaml)."""
    from microdrama.evaluate.review import load_reviews
    from microdrama.project import Project

    Project.open(root)
    return load_reviews(root)


def record_review(
    root: Path, reviewer: str, scores: dict[Criterion, Score], note: str = ""
) -> tuple[Review, Path, bool]:
    """Write (or replace) one reviewer's rubric scores; returns the review, its file, whether it replaced one."""
    from microdrama.evaluate.review import record_review as record
    from microdrama.project import Project

    Project.open(root)
    return record(root, reviewer, scores, note)


def open_catalog(folder: Path, progress: StageProgress | None = None) -> LoadedCatalog:
    """The catalog folder's index, fingerprinting only works that are new or changed."""
    from microdrama.evaluate.catalog import open_catalog as open_index

    return open_index(folder, progress=progress)


def catalog_report(folder: Path, loaded: LoadedCatalog) -> tuple[CatalogReport, tuple[Path, Path]]:
    """Homogeneity of the catalog, written to CATALOG/.microdrama/catalog-report.{json,html}."""
    from microdrama.evaluate.catalog import STATE_DIR
    from microdrama.evaluate.catalog_page import write_catalog_report
    from microdrama.evaluate.homogeneity import catalog_report as report_on

    report = report_on(loaded.index, str(folder), [str(s) for s in loaded.skipped])
    return report, write_catalog_report(report, folder / STATE_DIR)


def recommend(
    folder: Path, loaded: LoadedCatalog, interactions: Path, diversity: float, k: int, method: str
) -> tuple[Recommendations, tuple[Path, Path]]:
    """Re-ranked recommendations over the catalog's works, with metrics against popularity."""
    from microdrama.evaluate.catalog import STATE_DIR
    from microdrama.evaluate.recommend import recommend_from_catalog, write_recommendations

    if method not in ("mmr", "calibrated"):
        raise UsageError(f"unknown re-ranking method {method!r}: use mmr or calibrated")
    result = recommend_from_catalog(
        loaded.index, interactions, diversity=diversity, k=k, method="mmr" if method == "mmr" else "calibrated"
    )
    return result, write_recommendations(result, loaded.index, folder / STATE_DIR)
