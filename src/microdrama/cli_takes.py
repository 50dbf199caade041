"""The take command (registered on cli.py's group): the studio's takes page from a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape

from microdrama.errors import UsageError
from microdrama.terminal import console

Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def register(cli: click.Group, project_argument: Decorator) -> None:
    @cli.command()
    @project_argument
    @click.argument("target")
    @click.option("--take", "number", type=click.IntRange(1, 999), help="Make this take (default: a new one).")
    @click.option("--list", "list_only", is_flag=True, help="List the takes made so far; make nothing.")
    @click.option("--use", type=click.IntRange(1, 999), help="Choose take N for the next builds.")
    @click.option("--lock/--unlock", "lock", default=None, help="Approve the chosen take (or release it).")
    @click.option("--yes", is_flag=True, help="Make a paid take without asking.")
    def take(
        project: Path, target: str, number: int | None, list_only: bool, use: int | None, lock: bool | None, yes: bool
    ) -> None:
        """Another take of one shot's frame (TARGET 3-2-1) or one line's voice (3-2-1:0, the line's index).

        Shows what the take costs before making it; --use chooses a take, --lock keeps the chosen
        one in locks/ so later builds never change it.
        """
        from microdrama.build import takes
        from microdrama.build.takes import TakeTarget
        from microdrama.project import Project
        from microdrama.studio.edits import choose_take, episode_path, file_version, set_locked

        chosen = TakeTarget.parse(target)
        files = Project.open(project)
        if use is not None or lock is not None:
            path = episode_path(files, chosen.episode)
            if use is not None:
                choose_take(files, chosen.episode, file_version(path), chosen, use)
                console.print(f"{takes.describe(chosen)}: take {use} chosen; build the episode to see it")
            if lock is not None:
                set_locked(files, chosen.episode, file_version(path), chosen, lock)
                state = "locked: builds keep its approved copy" if lock else "unlocked"
                console.print(f"{takes.describe(chosen)}: {state}")
        elif not list_only:
            quote = takes.Takes(project, chosen).quote(number)
            price = "free (made on this machine)" if not quote.paid else f"estimated {quote.cost:.4f} {quote.currency}"
            if quote.cached:
                price = "already made: nothing to pay"
            model = f" ({quote.model})" if quote.model else ""
            console.print(
                f"Take {quote.take} of {takes.describe(chosen)} by {escape(quote.engine)}{escape(model)}: {price}"
            )
            if quote.paid and not quote.cached and not yes:
                if not sys.stdin.isatty():
                    raise UsageError("this take is paid; add --yes to make it without being asked")
                click.confirm("Make it?", abort=True)
            made = takes.make_take(project, chosen, quote.take)
            console.print(f"[green]made[/] {escape(made.path)}", soft_wrap=True)
        for candidate in takes.Takes(project, chosen).candidates():
            mark = "*" if candidate.chosen else " "
            console.print(f" {mark} take {candidate.take}: {escape(candidate.path)}", soft_wrap=True)
