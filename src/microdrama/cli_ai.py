"""Commands for AI work: new (idea → series), ledger, providers, serve-llm.

Kept apart from cli.py, which registers them on the same group; like every command
they only parse arguments, call the library and show the result.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from microdrama.errors import MicrodramaError, ProviderError, UsageError
from microdrama.terminal import console, fit_columns, json_line, shell_word

MAX_STDIN_CHARACTERS = 1_000_000  # far above any idea; check_idea says what is too long

WRITING_LABELS = {
    "series": "Writing the series bible",
    "outline": "Outlining episodes",
    "script": "Writing scripts",
    "rewrite": "Rewriting episodes",
}


Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def register(cli: click.Group, project_argument: Decorator) -> None:
    from microdrama.cli import stage_bars

    @cli.command()
    @click.argument("idea")
    @click.option(
        "--out",
        "project",
        type=click.Path(path_type=Path, file_okay=False),
        help="Project folder (default: a folder named after the idea).",
    )
    @click.option("--episodes", type=click.IntRange(1, 200), default=10, show_default=True)
    @click.option("--minutes", type=click.FloatRange(0.5, 30), default=1.5, show_default=True, help="Per episode.")
    @click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True)
    @click.option("--market", type=click.Choice(["domestic", "overseas"]), help="Paywall range (default by language).")
    @click.option("--title", help="Series title (default: the model's).")
    @click.option("--max-cost", type=click.FloatRange(min=0), help="Stop before AI calls would cost more than this.")
    def new(
        idea: str,
        project: Path | None,
        episodes: int,
        minutes: float,
        lang: str,
        market: str | None,
        title: str | None,
        max_cost: float | None,
    ) -> None:
        """Write a series from a one-line IDEA ("-" reads it from stdin): bible → outline → scripts.

        The outline gives every episode a hook, beats and a cliffhanger, and places the paywall.
        Uses the text provider of microdrama.toml (the embedded local model by default).
        If it stops, run the same command again: finished model calls come from the cache.
        """
        from microdrama import api
        from microdrama.write.llm.new import check_idea

        if idea == "-":
            idea = sys.stdin.read(MAX_STDIN_CHARACTERS)
        folder = project or Path(_folder_name(check_idea(idea)))
        with stage_bars(labels=WRITING_LABELS) as progress:
            result = api.new_project(
                folder,
                idea,
                episodes=episodes,
                minutes=minutes,
                language=lang,
                market=market,
                title=title,
                max_cost=max_cost,
                progress=progress,
            )
        series = result.bible.series
        paywall = f", paywall after episode {series.paywall_episode}" if series.paywall_episode else ""
        console.print(
            f"[green]Wrote[/] “{escape(series.title)}”: {len(result.episodes)} episodes{paywall}, "
            f"{len(result.bible.characters)} characters, in {escape(str(folder))}."
        )
        typed = shell_word(folder)
        console.print(f"Next: [bold]microdrama show {typed}[/], then [bold]microdrama build {typed}[/]")

    @cli.command()
    @project_argument
    @click.option("--run", "run", help="Only one run: its id, or 'last'.")
    @click.option("--last", type=click.IntRange(1), help="Only the last N calls.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per call, for scripts.")
    def ledger(project: Path, run: str | None, last: int | None, as_json: bool) -> None:
        """Every AI call: when, stage, provider, model, tokens, cost, latency and status."""
        import dataclasses

        from microdrama import api

        calls = api.ledger(project, run=run, last=last)
        if as_json:
            for call in calls:
                click.echo(json_line(dataclasses.asdict(call)))
            return
        if not calls:
            console.print("No AI calls recorded yet.")
            return
        columns = ("when", "run", "stage", "ep", "provider", "model", "tokens in/out", "cost", "ms", "status")
        rows: list[list[str]] = []
        totals: dict[str, float] = {}
        for call in calls:
            totals[call.currency] = totals.get(call.currency, 0.0) + call.cost
            status = {"ok": "green", "cached": "cyan", "failed": "red", "budget": "yellow", "retry": "yellow"}
            colour = status.get(call.status, "")
            shown = f"[{colour}]{call.status}[/]" if colour else call.status
            if call.error:
                shown += f" [dim]{escape(call.error[:60])}[/]"
            rows.append(
                [
                    time.strftime("%m-%d %H:%M:%S", time.localtime(call.started)),
                    escape(call.run_id[-6:]),
                    escape(call.stage),
                    str(call.episode or ""),
                    escape(call.provider),
                    escape(call.model),
                    f"{call.prompt_tokens}/{call.completion_tokens}"
                    if call.capability == "text"
                    else f"{call.units:g}",
                    f"{call.cost:.4f}",
                    f"{call.latency_ms:.0f}" if call.latency_ms is not None else "",
                    shown,
                ]
            )
        # A narrow terminal loses the columns one needs least, whole, rather than squeezing them all.
        least_useful = ("run", "ms", "when", "ep", "tokens in/out", "provider")
        kept = fit_columns(columns, rows, console.width, least_useful, wrapping={"status"})
        table = Table(title=f"AI calls ({len(calls)})")
        for index in kept:
            name = columns[index]
            table.add_column(
                name, justify="right" if name in ("ep", "cost", "ms") else "left", no_wrap=name != "status"
            )
        for row in rows:
            table.add_row(*(row[index] for index in kept))
        console.print(table)
        hidden = [name for index, name in enumerate(columns) if index not in kept]
        if hidden:
            console.print(f"[dim]Not shown at this width: {', '.join(hidden)} (--json has every field).[/]")
        spent = ", ".join(f"{amount:.4f} {currency}" for currency, amount in totals.items())
        paid = sum(1 for call in calls if call.status == "ok")
        cached = sum(1 for call in calls if call.status == "cached")
        console.print(f"{paid} paid call(s), {cached} from the cache; total cost {spent}.")

    @cli.group()
    def providers() -> None:  # pragma: no cover - a group has no body
        """List the configured AI providers, or test that one answers."""

    @providers.command("list")
    @project_argument
    def providers_list(project: Path) -> None:
        """Which provider each stage uses, with its capabilities (nothing is called)."""
        from microdrama import api

        table = Table(title="Providers by stage")
        for column in ("stage", "provider", "kind", "model", "capabilities", "status"):
            table.add_column(column)
        for row in api.provider_overview(project):
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
        from microdrama.providers.registry import available_kinds

        console.print("Backends installed: " + ", ".join(sorted(available_kinds())))

    @providers.command("test")
    @project_argument
    @click.argument("name", required=False)
    def providers_test(project: Path, name: str | None) -> None:
        """Send one tiny real request to provider NAME (default: the text provider) and report."""
        from microdrama import api

        with console.status("Calling the provider…"):
            report = api.test_provider(project, name)
        console.print(f"[green]OK[/] {escape(report)}")

    @cli.command("serve-llm")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0 picks a free port.")
    @click.option("--model", default="qwen2.5-coder-1.5b", show_default=True, help="Embedded model name.")
    @click.option("--api-key-env", help="Require this environment variable's value as a bearer token.")
    def serve_llm(host: str, port: int, model: str, api_key_env: str | None) -> None:
        """Serve the embedded model behind an OpenAI-compatible HTTP API (/v1/chat/completions)."""
        import os

        from microdrama.providers.serve import serve_llm as serve

        api_key = None
        if api_key_env:
            api_key = os.environ.get(api_key_env, "").strip()
            if not api_key:
                raise UsageError(f"--api-key-env names {api_key_env}, but that environment variable is empty")
        if host not in ("127.0.0.1", "localhost", "::1") and api_key is None:
            raise UsageError(
                f"serving on {host} exposes the model to the network; add --api-key-env VARIABLE to require a key"
            )

        def ready(url: str) -> None:
            console.print(f"Serving {escape(model)} at [bold]{url}[/] (Ctrl-C to stop)")

        console.print(f"Loading {escape(model)}…")
        try:
            serve(model, host=host, port=port, api_key=api_key, on_ready=ready)
        except OSError as error:
            raise ProviderError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error


def _folder_name(idea: str) -> str:
    """A folder name from the idea's first words, Chinese romanised (重生之后 → chong-sheng-zhi-hou)."""
    import re

    from pypinyin import lazy_pinyin

    words = re.sub(r"[^a-z0-9]+", "-", " ".join(lazy_pinyin(idea[:60])).lower()).strip("-")
    name = words[:40].rstrip("-")
    if not name:
        raise MicrodramaError("cannot name a folder after this idea; give one with --out")
    return name
