"""The command line: parses arguments, calls the API, shows progress. Nothing else lives here."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from microdrama import __version__, api
from microdrama.build.plan import BuildPlan
from microdrama.errors import BudgetExceeded, MicrodramaError
from microdrama.show import print_episode, print_overview
from microdrama.terminal import console, errors, shell_word

STAGE_LABELS = {
    "read": "Reading the source",
    "analyse": "Analysing characters and dialogue",
    "write": "Writing episodes",
    "rewrite": "Rewriting episodes with the LLM",
}


def _paywall(ctx: click.Context, param: click.Parameter, value: str | None) -> int | str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("auto", "none"):
        return text
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise click.BadParameter(f"{value!r} is not an episode number, 'auto' or 'none'")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="microdrama")
def cli() -> None:
    """microdrama: turn a story into a vertical micro-drama series (竖屏微短剧).

    Typical use: init a project from a story, adapt it into episodes, show and export them.
    """


PROJECT = click.argument("project", type=click.Path(path_type=Path, file_okay=False))


@cli.command()
@PROJECT
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(path_type=Path, dir_okay=True),
    help="The story: .txt, .md, .epub or .docx.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Source language (detected when omitted).")
@click.option("--title", help="Series title (default: the title found in the source).")
@click.option("--force", is_flag=True, help="Replace an existing project folder.")
def init(project: Path, source: Path, lang: str | None, title: str | None, force: bool) -> None:
    """Create a series project from a story file."""
    with console.status("Reading the source…"):
        created, document = api.init_project(project, source, language=lang, title=title, force=force)
    config = created.load_config()
    console.print(
        f"[green]Created[/] {escape(str(project))} — “{escape(config.series.title)}”, {document.language}, "
        f"{document.char_count:,} characters in {len(document.chapters)} chapter(s), read as {document.encoding}."
    )
    console.print(f"Next: [bold]microdrama adapt {shell_word(project)}[/]")


@cli.command()
@PROJECT
@click.option("--episodes", type=click.IntRange(1, 200), help="Number of episodes (default: from the source's length).")
@click.option("--minutes", type=click.FloatRange(0.5, 30), help="Minutes per episode (default 1.5).")
@click.option("--market", type=click.Choice(["domestic", "overseas"]), help="Sets the default paywall range.")
@click.option(
    "--paywall", callback=_paywall, metavar="N|auto|none", help="Paywall episode: a number, 'auto' or 'none'."
)
@click.option("--force", is_flag=True, help="Replace episode files edited by hand since the last adapt.")
@click.option(
    "--writer",
    type=click.Choice(["deterministic", "llm"]),
    default="deterministic",
    show_default=True,
    help="llm: rewrite each episode into punchier scenes with the text provider (from its source passages).",
)
@click.option("--max-cost", type=click.FloatRange(min=0), help="Stop before AI calls would cost more than this.")
def adapt(
    project: Path,
    episodes: int | None,
    minutes: float | None,
    market: str | None,
    paywall: int | str | None,
    force: bool,
    writer: str,
    max_cost: float | None,
) -> None:
    """Plan the series and write the bible and episode scripts (deterministic; --writer llm rewrites them)."""
    with stage_bars(transient=writer != "llm") as progress:
        result = api.adapt_project(
            project,
            episodes=episodes,
            minutes=minutes,
            market=market,
            paywall=paywall,
            force=force,
            writer=writer,
            max_cost=max_cost,
            progress=progress,
        )
    series = result.bible.series
    paywall_note = f", paywall after episode {series.paywall_episode}" if series.paywall_episode else ", no paywall"
    console.print(
        f"[green]Adapted[/] “{escape(series.title)}” into {len(result.episodes)} episodes"
        f" of ~{series.minutes_per_episode:g} min"
        f"{paywall_note}; {len(result.bible.characters)} characters, {len(result.bible.locations)} locations."
    )
    console.print(
        f"Wrote {escape(str(project / 'bible.yaml'))} and {escape(str(project / 'episodes'))}/. "
        f"Next: [bold]microdrama show {shell_word(project)}[/]"
    )


@cli.command()
@PROJECT
@click.option("--episode", "-e", type=click.IntRange(1), help="Print one episode's script instead of the overview.")
def show(project: Path, episode: int | None) -> None:
    """Series overview in the terminal (and checks every project file)."""
    _, bible, episodes = api.load_series(project)
    if episode is None:
        print_overview(console, bible, episodes)
        return
    chosen = next((e for e in episodes if e.number == episode), None)
    if chosen is None:
        raise MicrodramaError(f"there is no episode {episode}; the series has {len(episodes)} episodes")
    print_episode(console, bible, chosen)


@cli.command()
@PROJECT
def validate(project: Path) -> None:
    """Check microdrama.toml, bible.yaml and every episode; errors name file, line and field."""
    _, _, episodes = api.validate_project(project)
    console.print(f"[green]OK[/]: bible.yaml and {len(episodes)} episode file(s) are valid.")


@cli.command()
@PROJECT
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["fountain", "zh-script", "json"]),
    help="Export format.",
)
@click.option("--episode", "-e", type=click.IntRange(1), help="Only this episode.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: build/out/export/FORMAT).",
)
def export(project: Path, fmt: str, episode: int | None, out: Path | None) -> None:
    """Export the scripts: Fountain, a Chinese screenplay (中文剧本, Markdown) or JSON."""
    paths = api.export_project(project, fmt, episode=episode, out=out)
    folder = paths[0].parent if paths else out
    console.print(f"[green]Exported[/] {len(paths)} file(s) to {escape(str(folder))}")


@cli.command()
@PROJECT
@click.option("--episodes", "-e", "episodes", help="Only these episodes: 3, 3-5 or 1,4-6 (default: all).")
@click.option(
    "--executor",
    type=click.Choice(["local", "serial", "ray"]),
    default="local",
    show_default=True,
    help="Where tasks run: a local process pool, this process, or Ray (RAY_ADDRESS, else a local Ray).",
)
@click.option(
    "--workers", type=click.IntRange(0, 64), help="Parallel workers (default: render.workers; 0 = one per core)."
)
@click.option("--dry-run", is_flag=True, help="Show what would be made and called, with estimated tokens and cost.")
@click.option("--max-cost", type=click.FloatRange(min=0), help="Stop cleanly before AI calls would cost more.")
def build(
    project: Path, episodes: str | None, executor: str, workers: int | None, dry_run: bool, max_cost: float | None
) -> None:
    """Voices, frames, timelines, subtitles and 9:16 MP4 episodes for whatever is missing or stale."""
    if dry_run:
        _print_plan(api.plan_build(project, episodes=episodes), max_cost)
        return
    try:
        with stage_bars() as progress:
            report = api.build(
                project, episodes=episodes, executor=executor, workers=workers, max_cost=max_cost, progress=progress
            )
    except KeyboardInterrupt:  # the build has stopped its workers; what they finished is in place
        errors.print("[red]interrupted;[/] finished work is kept, run build again to continue")
        sys.exit(130)
    table = Table(title="Build")
    for column in ("episode", "status", "length", "file"):
        table.add_column(column)
    for outcome in report.episodes:
        style = {"failed": "red", "rendered": "green"}.get(outcome.status, "")
        video = escape(str(outcome.video)) if outcome.video and outcome.status != "failed" else ""
        table.add_row(
            str(outcome.number),
            f"[{style}]{outcome.status}[/]" if style else outcome.status,
            f"{outcome.seconds:.1f}s" if outcome.seconds else "",
            video,
        )
    console.print(table)
    made = ", ".join(f"{count} {stage}" for stage, count in sorted(report.made.items()) if count) or "nothing"
    reused = sum(report.reused.values())
    console.print(f"Made {made}; reused {reused} cached artifact(s) in {report.seconds:.1f}s.")
    if report.not_made:
        failed = ", ".join(f"{count} {stage}" for stage, count in sorted(report.not_made.items()))
        console.print(f"[red]Failed:[/] {failed} (not made; the reasons are below).")
    if report.contact_sheet:
        console.print(f"Contact sheet: {escape(str(report.contact_sheet))}")
    for outcome in report.episodes:
        for warning in outcome.warnings:
            errors.print(f"[yellow]warning:[/] {escape(warning)}")
    if report.failed:
        for outcome in report.failed:
            for problem in outcome.errors:
                errors.print(f"[red]episode {outcome.number}:[/] {escape(problem)}")
        raise MicrodramaError(f"{len(report.failed)} episode(s) failed; fix the problems above and build again")
    if report.budget_stop:
        raise BudgetExceeded(report.budget_stop)


def _print_plan(plan: BuildPlan, max_cost: float | None) -> None:
    table = Table(title="Build plan (dry run: nothing is made or sent)")
    for column in ("stage", "made by", "model", "to make", "paid calls", "cached", "est. tokens", "est. cost"):
        table.add_column(column, justify="left" if column in ("stage", "made by", "model") else "right")
    currencies = set()
    for item in plan.work:
        currencies.add(item.currency) if item.currency else None
        table.add_row(
            item.stage,
            escape(item.provider),
            escape(item.model),
            str(item.to_make),
            str(item.calls),
            str(item.cached),
            f"{item.tokens:,}" if item.tokens else "",
            f"{item.cost:.4f} {item.currency}".strip() if item.calls else "free",
        )
    console.print(table)
    total = f"{plan.cost:.4f} {'/'.join(sorted(currencies))}".strip()
    console.print(f"Episodes to render: {', '.join(map(str, plan.episodes)) or 'none'}. Estimated cost: {total}.")
    if max_cost is not None and plan.cost > max_cost:
        console.print(f"[yellow]Above --max-cost {max_cost:g}: the build would stop before the call that passes it.[/]")


@cli.command()
@PROJECT
@click.argument("episode", type=click.IntRange(1))
def preview(project: Path, episode: int) -> None:
    """Storyboard sheet of one episode: every shot's frame, framing, lines and timing (no video)."""
    with stage_bars() as progress:
        sheet = api.preview(project, episode, progress=progress)
    console.print(f"[green]Storyboard[/]: {escape(str(sheet))}")


@contextlib.contextmanager
def stage_bars(
    transient: bool = False, labels: dict[str, str] | None = None
) -> Iterator[Callable[[str, int, int], None]]:
    """One progress bar per stage, fed by the library's (stage, done, total) callback.

    Stages run one after another, so a new stage marks the earlier ones finished.
    """
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=transient) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            for other, task in tasks.items():
                if other != stage:
                    finished = bar.tasks[task].total or 1
                    bar.update(task, completed=finished, total=finished)
            if stage not in tasks:
                label = {**STAGE_LABELS, **(labels or {})}.get(stage, stage.capitalize())
                tasks[stage] = bar.add_task(label, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield progress


from microdrama.cli_ai import register  # noqa: E402 - the AI commands join the same group
from microdrama.cli_evaluate import register as register_evaluate  # noqa: E402
from microdrama.cli_localize import register as register_localize  # noqa: E402
from microdrama.cli_studio import register as register_studio  # noqa: E402
from microdrama.cli_takes import register as register_takes  # noqa: E402

register(cli, PROJECT)
register_localize(cli, PROJECT)
register_evaluate(cli, PROJECT)
register_studio(cli, PROJECT)
register_takes(cli, PROJECT)


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        errors.print("[red]interrupted[/]")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except MicrodramaError as error:
        errors.print("[red]error:[/] ", end="")
        errors.print(str(error), markup=False, highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        errors.print("[red]interrupted[/]")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
