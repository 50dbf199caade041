"""The media build: episode scripts -> voices and frames -> timelines -> MP4s, incrementally.

Stage A makes every voiced line and every frame that is missing from the cache (in
parallel, through an executor). Stage B builds each episode's timeline from the
voiced durations, writes subtitles and OTIO, and renders the episodes whose timeline
(and so whose inputs) changed. Anything already made is never made again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from microdrama.build import locks
from microdrama.build.ai_media import AIMedia
from microdrama.build.cache import Cache, artifact_key, file_is_whole, read_json, write_json_atomic
from microdrama.build.casting import complete_cast, neural_voice
from microdrama.build.executors import Executor, make_executor
from microdrama.build.lock import build_lock
from microdrama.build.locks import Kept, LockProblem
from microdrama.build.preflight import check_before_build
from microdrama.build.publish import Outputs
from microdrama.build.selection import parse_episode_selection
from microdrama.build.tasks import Task, TaskResult
from microdrama.errors import UsageError
from microdrama.model import Bible, Episode
from microdrama.project import Project
from microdrama.project.atomic import write_text_atomic
from microdrama.project.config import ProjectConfig
from microdrama.providers.gateway import Gateway
from microdrama.render.leftovers import remove_leftovers

# stage, done, total
BuildProgress = Callable[[str, int, int], None]
Status = Literal["rendered", "up to date", "failed", "previewed", "stopped"]


@dataclass
class EpisodeOutcome:
    number: int
    status: Status
    video: Path | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    episodes: list[EpisodeOutcome]
    made: dict[str, int]  # stage -> artifacts made in this build (finished and in place)
    reused: dict[str, int]  # stage -> artifacts already in the cache
    contact_sheet: Path | None
    seconds: float

    budget_stop: str | None = None  # the --max-cost message when the budget stopped the build
    run_id: str = ""
    not_made: dict[str, int] = field(default_factory=dict)  # stage -> artifacts that failed to be made

    @property
    def failed(self) -> list[EpisodeOutcome]:
        return [outcome for outcome in self.episodes if outcome.status == "failed"]


@dataclass
class _EpisodeMedia:
    episode: Episode
    frames: dict[str, str] = field(default_factory=dict)  # shot id -> frame (relative path)
    voices: dict[tuple[str, int], str] = field(default_factory=dict)  # (shot id, line) -> WAV
    title_card: str | None = None
    errors: list[str] = field(default_factory=list)
    stopped: bool = False  # a task hit --max-cost
    ai_made: set[str] = field(default_factory=set)  # what AI made: script, frames, voices
    kept: dict[str, str] = field(default_factory=dict)  # locked copies used (relative path -> digest)

    def use_kept(self, run: BuildRun, kind: str, find: Callable[[], Kept]) -> str | None:
        """The relative path of a locked shot's or line's kept copy; None (and an error) when it is unusable."""
        try:
            kept = find()
        except LockProblem as problem:
            self.errors.append(str(problem))
            return None
        relative = run.cache.relative(kept.path)
        self.kept[relative] = kept.digest
        run.tally(kind, False)
        if kept.ai:
            self.ai_made.add(f"{kind}s")
        return relative


class BuildRun:
    """One build: the project, the cache, the executor, and the tallies of work."""

    def __init__(
        self,
        project: Project,
        config: ProjectConfig,
        executor: Executor | None,
        progress: BuildProgress | None,
        gateway: Gateway,
    ):
        self.project = project
        self.config = config
        self.cache = Cache(project.root)
        self.executor = executor
        self.progress = progress
        self.gateway = gateway
        self.media = AIMedia(gateway, self.cache)
        self.made: dict[str, int] = {}
        self.reused: dict[str, int] = {}
        self.not_made: dict[str, int] = {}

    def need(self, stage: str, path: Path, extra: Path | None = None) -> bool:
        """True when the artifact must be made; counted as reused when not."""
        return self.tally(stage, not file_is_whole(path) or (extra is not None and not file_is_whole(extra)))

    def tally(self, stage: str, make: bool) -> bool:
        """Count an artifact as reused unless it must be made (counted once its task ends); returns ``make``."""
        if not make:
            self.reused[stage] = self.reused.get(stage, 0) + 1
        return make

    def run(self, label: str, tasks: list[Task]) -> dict[str, TaskResult]:
        results: dict[str, TaskResult] = {}
        total = len(tasks)
        if self.progress is not None:
            self.progress(label, 0, total)

        def on_done(task: Task, result: TaskResult) -> None:
            results[task.id] = result
            made = result.ok and result.value is not False  # False: finished but no longer wanted
            if made or result.error_type != "BudgetExceeded":  # the budget's stop is reported on its own
                counts = self.made if made else self.not_made
                counts[task.stage] = counts.get(task.stage, 0) + 1
            if self.progress is not None:
                self.progress(label, len(results), total)

        assert self.executor is not None, "a dry run plans and never runs tasks"
        self.executor.run(tasks, on_done)
        return results


def build_project(
    root: Path,
    *,
    episodes: str | None = None,
    executor: str = "local",
    workers: int | None = None,
    progress: BuildProgress | None = None,
    preview_only: bool = False,
    max_cost: float | None = None,
) -> BuildReport:
    """Build what is missing or stale; ``preview_only`` stops at frames, timing and storyboards.

    ``max_cost`` bounds what this run may spend on AI providers; the build stops cleanly
    before the call that would pass it, keeping everything finished.
    """
    started = time.perf_counter()
    project, config, bible, chosen = open_series(root, episodes)
    check_before_build(project, config, need_ffmpeg=not preview_only)
    with build_lock(project.build_dir):
        Cache(project.root).remove_stale_temporaries()
        remove_leftovers(project.out_dir)  # partial renders of builds that were killed
        if complete_cast(bible):
            project.update_bible(bible)
        gateway = Gateway(project.root, config, max_cost=max_cost)
        gateway.ledger.mark_interrupted(gateway.run_id)
        pool = make_executor(executor, config.render.workers if workers is None else workers)
        try:
            run = BuildRun(project, config, pool, progress, gateway)
            media = _stage_a(run, bible, chosen)
            outcomes = _stage_b(run, bible, media, preview_only)
        finally:
            pool.close()
        sheet = None if preview_only else _contact_sheet(run, bible, media)
    stop = next((e for item in media if item.stopped for e in item.errors), None)
    seconds = time.perf_counter() - started
    return BuildReport(
        outcomes, run.made, run.reused, sheet, seconds, budget_stop=stop, run_id=gateway.run_id, not_made=run.not_made
    )


def open_series(root: Path, episodes: str | None) -> tuple[Project, ProjectConfig, Bible, list[Episode]]:
    """The project, its settings, its bible and the selected episodes (all when `episodes` is None)."""
    project = Project.open(root)
    config = project.load_config()
    bible = project.load_bible()
    all_episodes = project.load_episodes(bible)
    if not all_episodes:
        raise UsageError(f"{root} has no episodes yet; run `microdrama adapt {root}` first")
    selected = parse_episode_selection(episodes, [e.number for e in all_episodes]) if episodes else None
    return project, config, bible, [e for e in all_episodes if selected is None or e.number in selected]


def plan_media(
    run: BuildRun, bible: Bible, episodes: list[Episode], dry_run: bool = False
) -> tuple[list[_EpisodeMedia], list[Task], dict[str, list[_EpisodeMedia]]]:
    """Every frame, voice and title card the episodes need; tasks for the missing ones."""
    language = bible.series.language
    tasks: dict[str, Task] = {}  # by output path: two episodes can share an artifact
    owners: dict[str, list[_EpisodeMedia]] = {}
    media: list[_EpisodeMedia] = []
    ai = run.media
    for episode in episodes:
        item = _EpisodeMedia(episode)
        media.append(item)
        if episode.written_by is not None or bible.series.written_by is not None:
            item.ai_made.add("script")
        root = run.project.root
        for scene in episode.scenes:
            for shot in scene.shots:
                if shot.locked:
                    kept = item.use_kept(run, "frame", partial(locks.kept_frame, root, shot))
                    if kept is not None:
                        item.frames[shot.id] = kept
                else:
                    path, task = ai.frame(shot, scene, bible, episode.number, dry_run)
                    item.frames[shot.id] = run.cache.relative(path)
                    owners.setdefault(str(path), []).append(item)
                    if ai.image is not None:
                        item.ai_made.add("frames")
                    if run.need("frame", path) and str(path) not in tasks:
                        tasks[str(path)] = task
                for index, line in enumerate(shot.lines):
                    if line.locked:
                        find = partial(locks.kept_voice, root, shot.id, index, line)
                        kept = item.use_kept(run, "voice", find)
                        if kept is not None:
                            item.voices[(shot.id, index)] = kept
                        continue
                    where = f"{shot.id}:{index}"
                    wav, task = ai.voice(line.text, line.speaker, bible, where, episode.number, line.take)
                    item.voices[(shot.id, index)] = run.cache.relative(wav)
                    owners.setdefault(str(wav), []).append(item)
                    if ai.speech is not None or neural_voice(bible, line.speaker):
                        item.ai_made.add("voices")
                    if run.need("voice", wav, wav.with_suffix(".json")) and str(wav) not in tasks:
                        tasks[str(wav)] = task
        if episode.number == 1:
            card_inputs = {"title": bible.series.title, "licence": run.config.render.licence, "language": language}
            card = run.cache.path("card", artifact_key("card", card_inputs), ".png")
            item.title_card = run.cache.relative(card)
            owners.setdefault(str(card), []).append(item)
            if run.need("card", card) and str(card) not in tasks:
                tasks[str(card)] = Task(
                    "card:title", "card", "microdrama.build.work:title_card", {**card_inputs, "out": str(card)}, 1
                )
    ordered = sorted(tasks.values(), key=lambda t: (t.stage != "voice", t.episode or 0))
    return media, ordered, owners


def _stage_a(run: BuildRun, bible: Bible, episodes: list[Episode]) -> list[_EpisodeMedia]:
    """Frames, voices and the title card: plan every artifact, make the missing ones."""
    media, tasks, owners = plan_media(run, bible, episodes)
    results = run.run("voices and frames", tasks)
    for task in tasks:
        result = results.get(task.id)
        if result is not None and not result.ok:
            for item in owners.get(task.kwargs["out"], []):
                if result.error_type == "BudgetExceeded":
                    item.stopped = True
                    item.errors[:0] = [result.error]  # one message, the budget's, first
                else:
                    item.errors.append(f"{task.id}: {result.error.splitlines()[0]}")
    return media


def _stage_b(run: BuildRun, bible: Bible, media: list[_EpisodeMedia], preview_only: bool) -> list[EpisodeOutcome]:
    """Timelines, subtitles, OTIO and storyboards for every episode; renders for the stale ones."""
    from microdrama.render.subtitles import write_subtitles
    from microdrama.timeline.build import build_timeline, timeline_warnings
    from microdrama.timeline.otio import to_otio

    out_dir = run.project.out_dir
    outputs = Outputs(run.project.build_dir / "state")
    language = bible.series.language
    outcomes: dict[int, EpisodeOutcome] = {}
    # Each output this build manages: name ("render:3"), key of its inputs, file, and how to make it.
    wanted: list[tuple[str, str, Path, Callable[[str, str], Task]]] = []
    for item in media:
        number = item.episode.number
        outcome = outcomes[number] = EpisodeOutcome(number, "previewed" if preview_only else "up to date")
        if item.errors:
            outcome.status = "stopped" if item.stopped else "failed"
            outcome.errors = item.errors[:1] if item.stopped else item.errors
            continue
        voiced = {
            key: (path, float((read_json(run.project.root / Path(path).with_suffix(".json")) or {})["seconds"]))
            for key, path in item.voices.items()
        }
        timeline = build_timeline(
            item.episode,
            bible,
            item.frames,
            voiced,
            run.config.render,
            title_card=item.title_card,
            ai_generated=bool(item.ai_made),
            music=run.config.render.music,
        )
        outcome.seconds = timeline.duration
        outcome.warnings.extend(timeline_warnings(timeline))
        stem = out_dir / f"ep{number:03d}"
        write_text_atomic(stem.with_suffix(".timeline.json"), timeline.model_dump_json(indent=1))
        write_text_atomic(stem.with_suffix(".otio"), to_otio(timeline))
        subtitle_files = write_subtitles(timeline, out_dir / f"ep{number:03d}.{language}")
        ass = next((p for p in subtitle_files if p.suffix == ".ass"), None)
        timings = {clip.shot: (clip.start, clip.start + clip.duration) for clip in timeline.clips}
        board = stem.with_suffix(".storyboard.png")
        board_inputs = {"episode": item.episode, "frames": item.frames, "timings": timings}
        board_key = artifact_key("board", board_inputs | ({"kept": item.kept} if item.kept else {}))
        board_kwargs = {
            "episode": item.episode.model_dump(mode="json"),
            "frames": {shot: str(run.project.root / path) for shot, path in item.frames.items()},
            "timings": timings,
            "out": str(board),
        }
        board_task = partial(_output_task, run, "storyboard", number, board_kwargs, bible=bible)
        wanted.append((f"board:{number}", board_key, board, board_task))
        if preview_only:
            continue
        video = stem.with_suffix(".mp4")
        outcome.video = video
        burn = ass if run.config.render.burn_subtitles else None
        render_key = artifact_key(
            "render",
            {
                "timeline": timeline,
                "burn": burn is not None,
                "loudness": run.config.render.loudness_lufs,
                "subtitles": burn.read_text(encoding="utf-8") if burn else "",
            }
            | ({"kept": item.kept} if item.kept else {}),  # a re-locked copy has the same path, new bytes
        )
        render_kwargs = {
            "timeline": timeline.model_dump(mode="json"),
            "root": str(run.project.root),
            "ass": str(burn) if burn else None,
            "out": str(video),
            "loudness_lufs": run.config.render.loudness_lufs,
        }
        wanted.append(
            (f"render:{number}", render_key, video, partial(_output_task, run, "render", number, render_kwargs))
        )
    # Claiming the keys first means a render still running for older inputs can never replace these outputs.
    made_keys = outputs.claim({name: key for name, key, _, _ in wanted})
    tasks: list[Task] = []
    for name, key, path, make_task in wanted:
        stage, _, number_text = name.partition(":")
        if run.tally(stage, made_keys.get(name) != key or not file_is_whole(path)):
            tasks.append(make_task(name, key))
            if stage == "render":
                outcomes[int(number_text)].status = "rendered"
    results = run.run("episodes", tasks)
    for task in tasks:
        result = results.get(task.id)
        if result is None or (result.ok and result.value is not False):
            continue
        assert task.episode is not None
        outcomes[task.episode].status = "failed"
        why = result.error.splitlines()[0] if not result.ok else "a newer build wants other inputs; not published"
        outcomes[task.episode].errors.append(f"{task.id}: {why}")
    return [outcomes[item.episode.number] for item in media]


def _output_task(
    run: BuildRun, function: str, number: int, kwargs: dict[str, Any], name: str, key: str, bible: Bible | None = None
) -> Task:
    """The task making an episode's render or storyboard for ``key``; it is published only while still wanted."""
    extra = {"bible": bible.model_dump(mode="json")} if bible is not None else {}  # dumped only when needed
    state = str(run.project.build_dir / "state")
    publish = {"name": name, "key": key, "state": state}
    return Task(name, name.partition(":")[0], f"microdrama.build.work:{function}", kwargs | extra | publish, number)


def _contact_sheet(run: BuildRun, bible: Bible, media: list[_EpisodeMedia]) -> Path | None:
    """One thumbnail per episode (its hook shot), remade only when one of them changed."""
    from microdrama.visuals import contact_sheet

    entries: list[tuple[int, str, Path]] = []
    for item in media:
        frame = item.frames.get(item.episode.hook.shot) or next(iter(item.frames.values()), None)
        if frame is not None and file_is_whole(run.project.root / frame):
            entries.append((item.episode.number, item.episode.title, run.project.root / frame))
    if not entries:
        return None
    out = run.project.out_dir / "contact-sheet.png"
    kept = {path: digest for item in media for path, digest in item.kept.items()}
    inputs = {"contact": [(n, t, str(p)) for n, t, p in entries], "title": bible.series.title}
    key = artifact_key("board", inputs | ({"kept": kept} if kept else {}))
    state = run.project.build_dir / "state" / "contact-sheet.json"
    if (read_json(state) or {}).get("key") != key or not file_is_whole(out):
        contact_sheet(entries, bible.series.title, out)
        write_json_atomic(state, {"key": key})
    return out


def summarize(report: BuildReport) -> dict[str, Any]:
    """Counts for a one-line summary and for tests."""
    return {
        "episodes": {o.number: o.status for o in report.episodes},
        "made": dict(report.made),
        "reused": dict(report.reused),
        "seconds": round(report.seconds, 2),
    }
