"""The takes page of one shot or line: its candidates, a new take with its price shown first,
choosing one, and locking the approved one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from microdrama.build import takes
from microdrama.build.takes import TakeQuote, Takes, TakeTarget
from microdrama.errors import MicrodramaError, UsageError
from microdrama.studio.edits import choose_take, refusal_status, set_locked
from microdrama.studio.jobs import Builds
from microdrama.studio.state import ProjectState

if TYPE_CHECKING:
    from microdrama.studio.app import Pages

PRICE_SLACK = 1e-9  # float noise between the quote on the page and the one at submission


def takes_url(number: int, target: TakeTarget) -> str:
    return f"/episodes/{number}/takes/{quote(target.key)}"


def add_take_routes(app: FastAPI, state: ProjectState, pages: Pages, builds: Builds) -> None:
    def target_of(number: int, text: str) -> TakeTarget:
        target = TakeTarget.parse(text)
        if target.episode != number:
            raise UsageError(f"{text} is not a shot of episode {number}")
        return target

    def page(request: Request, number: int, target: TakeTarget, problem: str = "", status: int = 200) -> Response:
        episode, version = state.episode(number)
        try:
            opened = Takes(state.project.root, target, cast_bible=state.cast_bible(), episode=episode)
        except UsageError as missing:  # no such shot or line in this episode
            return pages.render(request, "error.html", {"message": str(missing)}, status=404)
        shot, line, locked = opened.shot, opened.line, opened.locked
        quoted: TakeQuote | None = None if locked else opened.quote()
        kept = takes.kept_path(state.project.root, target)
        context: dict[str, Any] = {
            "episode": episode,
            "version": version,
            "target": target,
            "shot": shot,
            "line": line,
            "locked": locked,
            "kept": state.project.display(kept) if locked and kept.is_file() else None,
            "candidates": opened.candidates(),
            "quote": quoted,
            "problem": problem,
            "speaker": state.bible().speaker_name(line.speaker) if line is not None else "",
        }
        return pages.render(request, "takes.html", context, status=status)

    def after(request: Request, number: int, target: TakeTarget, act: Any) -> Response:
        try:
            act()
        except MicrodramaError as error:
            return page(request, number, target, str(error), status=refusal_status(error))
        return RedirectResponse(takes_url(number, target), status_code=303)

    @app.get("/episodes/{number}/takes/{target}")
    def takes_page(request: Request, number: int, target: str) -> Response:
        return page(request, number, target_of(number, target))

    @app.post("/episodes/{number}/takes/{target}/make")
    def make(
        request: Request,
        number: int,
        target: str,
        take: Annotated[int, Form()],
        quoted_cost: Annotated[float, Form()] = 0.0,
    ) -> Response:
        """Start the take the page quoted; if its price rose since, show the new price instead."""
        chosen = target_of(number, target)
        now = Takes(state.project.root, chosen, cast_bible=state.cast_bible()).quote(take)
        if now.cost > quoted_cost + PRICE_SLACK:
            message = f"the estimate changed to {now.cost:.4f} {now.currency} since the page was shown; check it"
            return page(request, number, chosen, message, status=409)
        job = builds.start_take(chosen, take)
        return RedirectResponse(f"/builds/{job.id}", status_code=303)

    @app.post("/episodes/{number}/takes/{target}/choose")
    def choose(
        request: Request, number: int, target: str, take: Annotated[int, Form()], version: Annotated[str, Form()]
    ) -> Response:
        chosen = target_of(number, target)
        return after(request, number, chosen, lambda: choose_take(state.project, number, version, chosen, take))

    @app.post("/episodes/{number}/takes/{target}/lock")
    def lock(
        request: Request,
        number: int,
        target: str,
        version: Annotated[str, Form()],
        locked: Annotated[str, Form()] = "1",
    ) -> Response:
        chosen = target_of(number, target)
        on = locked == "1"
        return after(request, number, chosen, lambda: set_locked(state.project, number, version, chosen, on))
