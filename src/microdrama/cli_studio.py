"""The studio command (registered on cli.py's group)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape

from microdrama.terminal import console

Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def register(cli: click.Group, project_argument: Decorator) -> None:
    @cli.command()
    @project_argument
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
                  help="Port (another free one is used if it is taken; 0 = any).")  # fmt: skip
    @click.option("--token", help="Access token to require (made up when --host is not loopback).")
    @click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME[:PORT]",
                  help="Another host name it answers to (repeat for more; PORT for a proxy in front).")  # fmt: skip
    @click.option("--open/--no-open", "open_browser", default=True, show_default=True, help="Open a browser.")
    def studio(
        project: Path, host: str, port: int, token: str | None, allowed_hosts: tuple[str, ...], open_browser: bool
    ) -> None:
        """A local web studio over the project: board, episode editor, the rendered episodes.

        Listens on 127.0.0.1 unless --host says otherwise; any other address requires the access
        token printed here. It answers only to 127.0.0.1, localhost and [::1] (and, listening on
        0.0.0.0, this machine's names and addresses), plus the names given with --allow-host.
        Edits are written to the same YAML files the CLI uses.
        """
        from microdrama.project import Project
        from microdrama.studio.server import free_port, plan, serve

        Project.open(project).load_bible()  # a project that cannot be shown fails here, not in the browser
        chosen = free_port(host, port)
        served = plan(host, chosen, token, allowed_hosts)
        console.print(f"microdrama studio for {escape(str(project))}: {escape(served.url)}")
        if served.elsewhere:
            console.print(f"from another machine: {escape(served.elsewhere)} (or this machine's address)")
        if served.token:
            console.print(f"access token: {escape(served.token)} (needed from any other machine; keep it private)")
        console.print("Press Ctrl+C to stop.")
        if open_browser:
            webbrowser.open(served.url)
        serve(project, host, chosen, served)
