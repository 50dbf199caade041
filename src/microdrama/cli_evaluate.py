"""Commands that judge what was made: evaluate (registered on cli.py's group)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

console = Console()
Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def register(cli: click.Group, project_argument: Decorator) -> None:
    @cli.command()
    @project_argument
    @click.option(
        "--budget",
        type=click.FloatRange(min=0),
        help="The declared production budget in yuan, for the review-tier estimate (分类分层审核).",
    )
    def evaluate(project: Path, budget: float | None) -> None:
        """Judge the series: episode and series metrics, compliance flags, publication checks.

        Writes build/out/report.html (for people) and build/out/report.json (every number).
        Compliance findings are flags with their context for a person to judge; nothing is changed.
        """
        from microdrama import api

        report, (json_path, html_path) = api.evaluate(project, budget)
        series = report.series
        console.print(
            f"{escape(report.title)}: {series.episodes} episode(s), {series.runtime_seconds / 60:.1f} min;"
            f" mean hook {series.mean_hook_latency if series.mean_hook_latency is not None else '—'} s,"
            f" mean cliffhanger {series.mean_cliffhanger_strength:.2f};"
            f" {len(report.findings)} compliance flag(s) to review"
        )
        for check, status in report.checks.items():
            console.print(f"  {escape(check)}: {escape(status)}")
        console.print(f"report: {escape(str(html_path))} (numbers in {escape(json_path.name)})")
