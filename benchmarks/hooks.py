"""benchmarks/hooks: do hook latency and cliffhanger strength tell strong episodes from weak ones?

Two sets, written for the repository by a writer who did not see the scorer: situations
written twice with the same people — strong (opens on conflict, ends unresolved) and weak
(opens on small talk, ends on closure).

- development (benchmarks/data/hooks.yaml, 12 pairs): the scorer was improved on it (the
  first run told 6 of 12 pairs apart: small-talk questions counted as hooks, and the cue
  lexicons missed most cliffhanger devices);
- held out (benchmarks/data/hooks_holdout.yaml, 10 pairs, other genres): written after
  those changes and not used to make any.

Each version becomes a one-scene episode, a shot per line, and is scored by
evaluate.episode.episode_metrics, as `microdrama evaluate` scores a project's episodes.

A pair is "told apart" when the strong version hooks sooner (or the weak one never hooks) and
its cliffhanger scores higher.

    .venv/bin/python -m benchmarks.hooks            # writes RESULTS.md
    .venv/bin/python -m benchmarks.hooks --no-write
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from benchmarks.common import REPO, write_section
from microdrama.evaluate.episode import EpisodeMetrics, episode_metrics
from microdrama.model.script import Episode

SETS = {"development": "hooks.yaml", "held out": "hooks_holdout.yaml"}
ACTION_SECONDS = 3  # an establishing shot without lines


def build_episode(version: dict[str, Any], language: str) -> Episode:
    """One scene: `action` silent shots, then a shot per line; the cliffhanger as the final beat."""
    shots: list[dict[str, Any]] = [
        {"id": f"1-1-{n + 1}", "seconds": ACTION_SECONDS, "description": "establishing shot"}
        for n in range(int(version.get("action", 0)))
    ]
    for speaker, emotion, text in version["lines"]:
        shots.append(
            {
                "id": f"1-1-{len(shots) + 1}",
                "seconds": 3,
                "lines": [{"speaker": speaker, "emotion": emotion, "text": text}],
            }
        )
    return Episode.model_validate(
        {
            "number": 1,
            "title": "1",
            "hook": {"shot": shots[0]["id"], "text": version["lines"][0][2]},
            "cliffhanger": {"shot": shots[-1]["id"], "text": version["cliffhanger"]},
            "seconds": 60,
            "scenes": [{"id": "1-1", "location": "set", "shots": shots}],
        }
    )


def hooks_sooner(strong: EpisodeMetrics, weak: EpisodeMetrics) -> bool:
    if strong.hook_latency_seconds is None:
        return False
    return weak.hook_latency_seconds is None or strong.hook_latency_seconds < weak.hook_latency_seconds


def latency(metrics: EpisodeMetrics) -> str:
    return "none" if metrics.hook_latency_seconds is None else f"{metrics.hook_latency_seconds:g} s"


def score_set(name: str, path: Path) -> list[str]:
    data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    rows = []
    hook_wins = cliff_wins = both = 0
    strong_hooks: list[float] = []
    weak_hooks: list[float] = []
    strong_cliffs: list[float] = []
    weak_cliffs: list[float] = []
    for pair in data["pairs"]:
        language = pair["language"]
        strong = episode_metrics(build_episode(pair["strong"], language), language)
        weak = episode_metrics(build_episode(pair["weak"], language), language)
        sooner = hooks_sooner(strong, weak)
        higher = strong.cliffhanger_strength > weak.cliffhanger_strength
        hook_wins += sooner
        cliff_wins += higher
        both += sooner and higher
        strong_hooks.append(strong.hook_latency_seconds if strong.hook_latency_seconds is not None else 60.0)
        weak_hooks.append(weak.hook_latency_seconds if weak.hook_latency_seconds is not None else 60.0)
        strong_cliffs.append(strong.cliffhanger_strength)
        weak_cliffs.append(weak.cliffhanger_strength)
        rows.append(
            f"| {pair['id']} | {latency(strong)} | {latency(weak)} | {strong.cliffhanger_strength:.2f} | "
            f"{weak.cliffhanger_strength:.2f} | {'yes' if sooner and higher else 'no'} |"
        )
    count = len(data["pairs"])
    languages = Counter(pair["language"] for pair in data["pairs"])
    return [
        f"### {name} ({path.name}: {count} pairs, {languages['zh']} zh, {languages['en']} en)",
        "",
        f"Strong hooks sooner in {hook_wins}/{count} pairs; its cliffhanger scores higher in {cliff_wins}/{count};"
        f" both in {both}/{count}. Means (no hook counted as 60 s): hook latency {_mean(strong_hooks):.1f} s strong"
        f" vs {_mean(weak_hooks):.1f} s weak; cliffhanger {_mean(strong_cliffs):.2f} vs {_mean(weak_cliffs):.2f}.",
        "",
        "| pair | hook (strong) | hook (weak) | cliffhanger (strong) | cliffhanger (weak) | told apart |",
        "|---|---:|---:|---:|---:|---|",
        *rows,
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave RESULTS.md alone")
    args = parser.parse_args()
    lines = [
        "## hooks — hook latency and cliffhanger strength, strong vs weak episodes",
        "",
        "The scorer was changed after a first run on the development set told only 6 of 12 pairs apart"
        " (decision 018); the held-out set was written after that change and was not used to make any.",
        "",
    ]
    for name, file_name in SETS.items():
        lines += score_set(name, REPO / "benchmarks" / "data" / file_name)
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        write_section("hooks", report)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":
    main()
