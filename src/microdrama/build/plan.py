"""`build --dry-run`: what a build would make and call, with estimated tokens and cost."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from microdrama.build.cache import file_is_whole
from microdrama.build.casting import complete_cast
from microdrama.build.pipeline import BuildRun, open_series, plan_media
from microdrama.providers.gateway import Gateway


@dataclass
class PlannedWork:
    """One line of `build --dry-run`: what a stage would make and what it would cost."""

    stage: str
    provider: str  # provider name, or the built-in engine (procedural, espeak-ng/Piper, ffmpeg)
    model: str
    to_make: int
    calls: int = 0  # paid provider calls (cache misses)
    cached: int = 0  # provider answers already in the cache
    tokens: int = 0
    cost: float = 0.0
    currency: str = ""


@dataclass
class BuildPlan:
    work: list[PlannedWork]
    episodes: list[int]

    @property
    def cost(self) -> float:
        return sum(item.cost for item in self.work)


def plan_build(root: Path, *, episodes: str | None = None) -> BuildPlan:
    """What `build` would make and call, with estimated tokens and cost; nothing is made or sent."""
    project, config, bible, chosen = open_series(root, episodes)
    complete_cast(bible)  # in memory only: a dry run writes nothing
    run = BuildRun(project, config, None, None, Gateway(project.root, config))
    tasks = plan_media(run, bible, chosen, dry_run=True)[1]
    work: dict[str, PlannedWork] = {}
    for task in tasks:
        estimate = run.media.estimate(task)
        engine, model = run.media.engine(task.stage)
        item = work.setdefault(task.stage, PlannedWork(task.stage, engine, model, 0))
        item.to_make += 1
        if estimate is not None:
            item.calls += 0 if estimate.cached else 1
            item.cached += 1 if estimate.cached else 0
            item.tokens += estimate.prompt_tokens + estimate.completion_tokens
            item.cost += estimate.cost
            item.currency = estimate.currency
    renders = [e.number for e in chosen if not file_is_whole(project.out_dir / f"ep{e.number:03d}.mp4")]
    stale = {task.episode for task in tasks if task.episode is not None}
    to_render = sorted(set(renders) | stale)
    work["render"] = PlannedWork("render", "ffmpeg", "", len(to_render))
    return BuildPlan(list(work.values()), to_render)
