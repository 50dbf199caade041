"""The studio's web app: pages rendered on the server, forms that work without JavaScript,
and a small script that saves without reloading when it can."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, get_args
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from microdrama import __version__
from microdrama.build.takes import TakeTarget
from microdrama.errors import MicrodramaError, ValidationError
from microdrama.model.common import NARRATOR, Emotion, Framing
from microdrama.studio import i18n, review_l10n
from microdrama.studio.edits import ConflictError, LineEdit, ShotEdit, edit_line, edit_shot, refusal_status
from microdrama.studio.fonts import FontSubsets
from microdrama.studio.guards import BodyLimit, HostCheck, HostNames, NoFraming
from microdrama.studio.jobs import Builds, Job
from microdrama.studio.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    TOKEN_COOKIE,
    TOKEN_PARAM,
    PathRefused,
    confined,
    new_token,
    origin_allowed,
    same_token,
)
from microdrama.studio.state import ProjectState, ledger_summary
from microdrama.studio.takes_pages import add_take_routes, takes_url

ASSETS = Path(__file__).resolve().parent.parent / "data" / "studio"
NO_CACHE = {"Cache-Control": "no-cache"}
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; sandbox"
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}  # content-addressed
# The Chinese face comes first in the style sheet but only for these code points, and a
# machine with one of these fonts uses its own (nothing is downloaded).
CJK_RANGES = "U+2E80-9FFF,U+F900-FAFF,U+FF00-FFEF,U+3000-303F,U+2018-201D,U+2026"
LOCAL_CJK = ",".join(
    f'local("{name}")'
    for name in ("PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei")
)


def create_app(root: Path, *, access_token: str | None = None, build_executor: str = "local") -> FastAPI:
    """The studio over the project at `root`. With `access_token`, every request must carry it."""
    state = ProjectState(root)
    threading.Thread(target=state.warm_up, daemon=True, name="studio-warm-up").start()
    fonts = FontSubsets(state.project.build_dir / "cache" / "studio-fonts")
    app = FastAPI(
        title="microdrama studio",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(_csrf_checked)],
    )
    templates = Jinja2Templates(directory=ASSETS / "templates")  # autoescapes .html: script text stays text
    pages = Pages(templates, fonts)
    builds = Builds(root, executor=build_executor)
    app.mount("/static", StaticFiles(directory=ASSETS / "static"), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if access_token is not None:
            given = request.query_params.get(TOKEN_PARAM) or request.cookies.get(TOKEN_COOKIE)
            if not same_token(given, access_token):
                return pages.render(request, "forbidden.html", {}, status=401)
        if request.method not in SAFE_METHODS and not origin_allowed(
            request.headers.get("origin"), request.headers.get("host")
        ):
            return _error(request, 403, "cross-site request refused")
        response: Response = await call_next(request)
        if access_token is not None and request.query_params.get(TOKEN_PARAM):
            response.set_cookie(TOKEN_COOKIE, access_token, httponly=True, samesite="strict")
        if request.cookies.get(CSRF_COOKIE) != request.state.csrf:  # none yet, or an empty one
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'",
        )
        return response

    @app.middleware("http")
    async def csrf_for_page(request: Request, call_next: Any) -> Response:
        # Runs first (added last): the page's forms need the token before the cookie is set.
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        response: Response = await call_next(request)
        return response

    @app.get("/", response_class=HTMLResponse)
    def board(request: Request) -> Response:
        bible = state.bible()
        return pages.render(request, "board.html", {"series": bible.series, "cards": state.cards()})

    @app.get("/episodes/{number}", response_class=HTMLResponse)
    def episode_page(request: Request, number: int, saved: str = "") -> Response:
        return _episode(pages, state, request, number, notice="saved" if saved else "")

    @app.get("/episodes/{number}/storyboard", response_class=HTMLResponse)
    def storyboard(request: Request, number: int) -> Response:
        episode, _ = state.episode(number)
        timeline = state.timeline(number)
        shots = {shot.id: shot for shot in episode.shots()}
        frames = [(clip, shots.get(clip.shot)) for clip in timeline.clips] if timeline else []
        context = {"episode": episode, "frames": frames, "bible": state.bible(), "target": TakeTarget}
        return pages.render(request, "storyboard.html", context)

    @app.post("/episodes/{number}/lines")
    def save_line(
        request: Request,
        number: int,
        version: Annotated[str, Form()],
        shot: Annotated[str, Form()],
        index: Annotated[int, Form()],
        text: Annotated[str, Form()],
        speaker: Annotated[str, Form()],
        emotion: Annotated[str, Form()],
    ) -> Response:
        edit = LineEdit(shot=shot, index=index, text=text, speaker=speaker, emotion=emotion)
        return _save(pages, state, request, number, lambda: edit_line(state.project, number, version, edit))

    @app.post("/episodes/{number}/shots")
    def save_shot(
        request: Request,
        number: int,
        version: Annotated[str, Form()],
        shot: Annotated[str, Form()],
        framing: Annotated[str, Form()],
        description: Annotated[str, Form()] = "",
    ) -> Response:
        edit = ShotEdit(shot=shot, framing=framing, description=description)
        return _save(pages, state, request, number, lambda: edit_shot(state.project, number, version, edit))

    @app.get("/localize/{code}/{number}", response_class=HTMLResponse)
    def localization_review(request: Request, code: str, number: int) -> Response:
        reviewed = review_l10n.review(state.project, code, number)
        episode, _ = state.episode(number)
        return pages.render(request, "l10n.html", {"review": reviewed, "episode": episode})

    @app.post("/localize/{code}/{number}/approve")
    def approve_localization(
        code: str, number: int, version: Annotated[str, Form()], by: Annotated[str, Form()] = ""
    ) -> Response:
        review_l10n.approve(state.project, code, number, version, by)
        return RedirectResponse(f"/localize/{quote(code)}/{number}", status_code=303)

    @app.get("/build", response_class=HTMLResponse)
    def build_page(request: Request) -> Response:
        numbers = [episode.number for episode in state.episodes()]
        return pages.render(request, "build.html", {"numbers": numbers, "jobs": builds.recent()})

    @app.post("/builds")
    def start_build(episodes: Annotated[str, Form()] = "all") -> Response:
        chosen = None if episodes == "all" else episodes
        if chosen is not None and not chosen.isdigit():
            raise ValidationError(f"choose an episode number or all, not {episodes!r}")
        job = builds.start(chosen)
        return RedirectResponse(f"/builds/{job.id}", status_code=303)

    @app.get("/builds/{job_id}", response_class=HTMLResponse)
    def build_job(request: Request, job_id: str) -> Response:
        job = builds.get(job_id)
        if job is None:
            return pages.render(request, "error.html", {"message": "no such build (the studio was restarted?)"}, 404)
        return pages.render(request, "job.html", {"job": job})

    @app.get("/builds/{job_id}/events")
    async def build_events(request: Request, job_id: str) -> Response:
        job = builds.get(job_id)
        if job is None:
            return Response("no such build", status_code=404, media_type="text/plain")
        last = request.headers.get("last-event-id", "")
        start = int(last) + 1 if last.isdigit() else 0  # a reconnecting browser resumes after what it has
        return StreamingResponse(_follow(job, start), media_type="text/event-stream", headers=NO_CACHE)

    @app.get("/report", response_class=HTMLResponse)
    def report_page(request: Request) -> Response:
        built = state.project.out_dir / "report.html"
        page = state.project.display(built) if built.is_file() else None
        return pages.render(request, "report.html", {"report": page, "ledger": ledger_summary(state.project.root)})

    @app.get("/files/{path:path}")
    def project_file(path: str) -> Response:
        """Frames, videos and subtitles of the project, never a file outside it."""
        try:
            target = confined(state.project.root, path)
        except PathRefused:
            return Response("not found", status_code=404, media_type="text/plain")
        # The evaluation report styles itself inline and runs no script; nothing else may run either.
        return FileResponse(target, headers={"Content-Security-Policy": FILE_POLICY})

    @app.post("/language")
    def switch_language(
        request: Request, language: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
    ) -> Response:
        chosen = language if language in i18n.LANGUAGES else "en"
        target = back if back.startswith("/") and not back.startswith("//") else "/"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(i18n.LANGUAGE_COOKIE, chosen, samesite="strict", max_age=365 * 24 * 3600)
        return response

    @app.get("/fonts/{key}.css")
    def font_css(key: str) -> Response:
        css = (
            '@font-face{font-family:"microdrama-cjk";'
            f'src:{LOCAL_CJK},url("/fonts/{quote(key)}.woff") format("woff");'
            f"unicode-range:{CJK_RANGES};font-weight:100 900;font-display:swap}}"
        )
        return Response(css, media_type="text/css", headers=IMMUTABLE)

    @app.get("/fonts/{key}.woff")
    def font_woff(key: str) -> Response:
        data = fonts.woff(key) if key.isalnum() else None
        if data is None:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(data, media_type="font/woff", headers=IMMUTABLE)

    add_take_routes(app, state, pages, builds)

    @app.exception_handler(MicrodramaError)
    async def project_problem(request: Request, error: MicrodramaError) -> Response:
        return _error(request, refusal_status(error), str(error))

    return app


async def _csrf_checked(request: Request) -> None:
    """State-changing requests carry the page's CSRF token (header, or form field for plain forms).

    A dependency rather than middleware: the form is parsed once and shared with the endpoint.
    """
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get(CSRF_FIELD, ""))
    expected = request.cookies.get(CSRF_COOKIE)
    if expected is None or not same_token(given, expected):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def _language(request: Request) -> str:
    return i18n.pick_language(request.cookies.get(i18n.LANGUAGE_COOKIE), request.headers.get("accept-language"))


async def _follow(job: Job, start: int) -> AsyncIterator[str]:
    """The job's events from `start` on, as server-sent events, until it has finished."""
    sent = start
    while True:
        finished = job.state != "running"  # read before the events: see _finish
        while sent < len(job.events):
            yield f"id: {sent}\ndata: {json.dumps(job.events[sent], ensure_ascii=False)}\n\n"
            sent += 1
        if finished:
            return
        yield ": waiting\n\n"  # a comment line keeps proxies from closing an idle stream
        await asyncio.sleep(0.5)


class Pages:
    """Renders the templates, with the page's own Chinese font subset linked in."""

    def __init__(self, templates: Jinja2Templates, fonts: FontSubsets) -> None:
        self.templates = templates
        self.fonts = fonts

    def render(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        language = _language(request)
        html = self.templates.get_template(name).render(
            {
                **context,
                "lang": language,
                "other_lang": "en" if language == "zh" else "zh",
                "t": lambda key, **values: i18n.translate(key, language, **values),
                "csrf": getattr(request.state, "csrf", ""),
                "csrf_field": CSRF_FIELD,
                "here": request.url.path,
                "file_url": lambda path: "/files/" + quote(path),
                "takes_url": takes_url,
                "target_label": lambda target: i18n.target_label(target.shot, target.line, language),
            }
        )
        key = self.fonts.key_for(html)
        if key is not None:  # a Chinese face cut to this page's characters, for machines without one
            html = html.replace("</head>", f'<link rel="stylesheet" href="/fonts/{key}.css">\n</head>', 1)
        return HTMLResponse(html, status_code=status)


def _episode(
    pages: Pages,
    state: ProjectState,
    request: Request,
    number: int,
    *,
    notice: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    path = state.project.episodes_dir / f"{number:03d}.yaml"
    if not path.is_file():
        return pages.render(request, "error.html", {"message": f"episode {number} does not exist"}, status=404)
    episode, version = state.episode(number)
    bible = state.bible()
    video = state.project.out_dir / f"ep{number:03d}.mp4"
    subtitles = sorted(state.project.out_dir.glob(f"ep{number:03d}.*.vtt"))
    context = {
        "episode": episode,
        "version": version,
        "bible": bible,
        "speakers": [(c.id, c.name) for c in bible.characters] + [(NARRATOR, NARRATOR)],
        "emotions": get_args(Emotion),
        "framings": get_args(Framing),
        "target": TakeTarget,
        "passage": state.passage,
        "video": state.project.display(video) if video.is_file() else None,
        "subtitles": [(state.project.display(p), p.name.split(".")[1]) for p in subtitles],
        "notice": notice,
        "problem": problem,
        "translations": [
            code
            for code in review_l10n.languages_of(state.project)
            if (state.project.root / "localize" / code / f"{number:03d}.yaml").is_file()
        ],
    }
    return pages.render(request, "episode.html", context, status=status)


def _save(pages: Pages, state: ProjectState, request: Request, number: int, save: Any) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        version = save()
    except MicrodramaError as error:
        status = refusal_status(error)
        if wants_json:
            return JSONResponse({"error": str(error), "conflict": isinstance(error, ConflictError)}, status_code=status)
        return _episode(pages, state, request, number, problem=str(error), status=status)
    if wants_json:
        return JSONResponse({"version": version})
    return RedirectResponse(f"/episodes/{number}?saved=1", status_code=303)


def _error(request: Request, status: int, message: str) -> Response:
    return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


def wrap(app: FastAPI, hosts: HostNames) -> NoFraming:
    """The app as served: no framing, the Host check, then the request-size limit, in front of everything."""
    return NoFraming(HostCheck(BodyLimit(app), hosts))
