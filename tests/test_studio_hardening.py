"""The studio against a hostile page or client: another Host (DNS rebinding), empty CSRF
tokens, framing, streamed bodies over the limit, a read-only project; and the edits and
commands around it that must keep the project whole. Real servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from microdrama.studio.security import MAX_BODY_BYTES
from microdrama.studio.server import Served, running
from tests.conftest import STORIES, run_cli
from tests.studio_helpers import page_form


@pytest.fixture
def studio(project: Path) -> Iterator[Served]:
    with running(project) as served:
        yield served


def port_of(served: Served) -> int:
    return int(re.search(r":(\d+)/", served.url).group(1))  # type: ignore[union-attr]


def local_base(served: Served) -> str:
    """The server's address on this machine (it may listen on every interface)."""
    return f"http://127.0.0.1:{port_of(served)}/"


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- 1. the Host header (DNS rebinding) ------------------------------------------------------


def test_a_page_under_another_host_name_can_neither_read_nor_edit_the_project(studio: Served, project: Path) -> None:
    port = port_of(studio)
    before = (project / "episodes" / "001.yaml").read_bytes()
    # What a rebound evil.example page can do: same port, Origin matching its own Host.
    evil = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    page = httpx.get(studio.url + "episodes/1", headers=evil)
    assert page.status_code == 400 and "host" in page.text.lower() and "阿秀" not in page.text
    form = page_form(httpx.Client(base_url=studio.url), 1)  # a real token, as if it had been read
    saved = httpx.post(studio.url + "episodes/1/lines", data={**form, "text": "改写"}, headers=evil)
    assert saved.status_code == 400
    assert httpx.get(studio.url + "files/bible.yaml", headers=evil).status_code == 400
    assert (project / "episodes" / "001.yaml").read_bytes() == before
    for name in ("127.0.0.1", "localhost", "[::1]", "LOCALHOST"):
        assert httpx.get(studio.url, headers={"Host": f"{name}:{port}"}).status_code == 200, name
    for host in (f"localhost:{port + 1}", "localhost", f"127.0.0.1.evil.example:{port}", f"::1:{port}", ""):
        assert httpx.get(studio.url, headers={"Host": host}).status_code == 400, host


def test_off_loopback_the_machine_names_and_the_allowed_names_are_served(project: Path) -> None:
    with running(project, host="0.0.0.0", allowed_hosts=("studio.example", "Proxy.Example:443")) as served:
        port, base = port_of(served), local_base(served)
        token = {"token": served.token or ""}
        for name in ("studio.example", socket.gethostname(), "127.0.0.1", "192.0.2.7", "[2001:db8::7]"):
            assert httpx.get(base, params=token, headers={"Host": f"{name}:{port}"}).status_code == 200, name
        assert httpx.get(base, params=token, headers={"Host": "proxy.example:443"}).status_code == 200
        for host in (f"evil.example:{port}", f"proxy.example:{port}", "studio.example:443", "192.0.2.7:443"):
            refused = httpx.get(base, params=token, headers={"Host": host})
            assert refused.status_code == 400 and served.token not in refused.text, host


@pytest.mark.parametrize("name", ["http://studio.example/", "studio example", "*.example", "studio.example:port"])
def test_an_allowed_host_that_is_not_a_name_is_refused_with_the_reason(project: Path, name: str) -> None:
    refused = run_cli("studio", project, "--allow-host", name, "--no-open")
    assert refused.code != 0 and "is not a host name" in refused.err and "Traceback" not in refused.err


def test_the_studio_command_takes_allow_host(project: Path) -> None:
    env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "microdrama", "studio", str(project), "--host", "0.0.0.0", "--port", "0"]
    command += ["--allow-host", "studio.example", "--allow-host", "Edit.Example", "--no-open"]
    studio = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        port = _announced_port(studio)
        base = f"http://127.0.0.1:{port}/"
        for name in ("studio.example", "edit.example"):
            assert httpx.get(base, headers={"Host": f"{name}:{port}"}).status_code == 401  # then the token
        assert httpx.get(base, headers={"Host": f"evil.example:{port}"}).status_code == 400
    finally:
        studio.terminate()
        studio.wait(timeout=30)


def _announced_port(studio: subprocess.Popen[str]) -> int:
    """The port in the URL the command prints, once it answers there."""
    assert studio.stdout is not None
    printed = ""
    for line in studio.stdout:
        printed += line
        if "Ctrl+C" in line:
            break
    port = int(re.search(r"http://0\.0\.0\.0:(\d+)/", printed).group(1))  # type: ignore[union-attr]
    for _ in range(600):
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/static/studio.css", timeout=2)
            return port
        time.sleep(0.05)
    raise AssertionError(f"the studio did not answer on port {port}")


# -- 14. CSRF, framing, bodies, hook text, init --force ----------------------------------------


def test_an_empty_csrf_cookie_with_an_empty_token_is_refused(studio: Served, project: Path) -> None:
    before = (project / "episodes" / "001.yaml").read_bytes()
    form = page_form(httpx.Client(base_url=studio.url), 1)
    empty = httpx.Client(base_url=studio.url, cookies={"md_csrf": ""})
    assert empty.post("/episodes/1/lines", data={**form, "csrf": "", "text": "改写"}).status_code == 403
    headers = {"X-CSRF-Token": "", "Accept": "application/json"}
    assert empty.post("/episodes/1/lines", data={**form, "text": "改写"}, headers=headers).status_code == 403
    assert (project / "episodes" / "001.yaml").read_bytes() == before
    # A browser left with an empty cookie is given a real one, so its next save works.
    fresh = httpx.Client(base_url=studio.url, cookies={"md_csrf": ""}).get("/episodes/1")
    assert re.search(r"md_csrf=[\w-]{16,}", fresh.headers.get("set-cookie", ""))


def test_no_response_can_be_framed_by_another_page(project: Path) -> None:
    with running(project) as served:
        port = port_of(served)
        answers = [
            httpx.get(served.url),
            httpx.get(served.url + "static/studio.css"),
            httpx.get(served.url + "files/bible.yaml"),
            httpx.get(served.url + "files/nothing.png"),
            httpx.get(served.url + "episodes/99"),
            httpx.get(served.url, headers={"Host": f"evil.example:{port}"}),
            httpx.post(served.url + "episodes/1/lines", content=b"x" * (MAX_BODY_BYTES + 1)),
        ]
    with running(project, host="0.0.0.0") as served:
        answers.append(httpx.get(local_base(served)))  # 401: no token
    assert {answer.status_code for answer in answers} == {200, 400, 401, 404, 413}
    for answer in answers:
        assert answer.headers.get("x-frame-options") == "DENY", answer.url
        assert "frame-ancestors 'none'" in answer.headers.get("content-security-policy", ""), answer.url


def _chunks(total: int, size: int = 8192) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        yield b"x" * piece
        sent += piece


def test_a_streamed_body_over_the_limit_is_cut_off_with_413(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    form = page_form(client, 1)
    before = (project / "episodes" / "001.yaml").read_bytes()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": form["csrf"]}
    for path in ("/episodes/1/lines", "/language", "/builds", "/no-such-page"):
        answer = client.post(path, content=_chunks(MAX_BODY_BYTES + 1), headers=headers)
        assert answer.status_code == 413 and "at most" in answer.text, path
    assert (project / "episodes" / "001.yaml").read_bytes() == before
    # A streamed body within the limit is read whole, as the same body sent with its length.
    body = httpx.QueryParams({**form, "text": "流式保存"}).__str__().encode()
    saved = client.post("/episodes/1/lines", content=iter([body[:50], body[50:]]), headers=headers)
    assert saved.status_code == 303 and "流式保存" in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")


def _episode_yaml(project: Path, number: int) -> dict[str, object]:
    data = yaml.safe_load((project / "episodes" / f"{number:03d}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _line_quoted_by(project: Path, number: int, beat: str) -> str:
    """The line ("SHOT-INDEX") whose words the episode's hook or cliffhanger quotes."""
    data = _episode_yaml(project, number)
    quoted = data[beat]
    assert isinstance(quoted, dict)
    for scene in data["scenes"]:  # type: ignore[attr-defined]
        for shot in scene["shots"]:
            for index, line in enumerate(shot["lines"]):
                if shot["id"] == quoted["shot"] and line["text"] == quoted["text"]:
                    return f"{shot['id']}-{index}"
    raise AssertionError(f"the {beat} of episode {number} quotes no line of its shot")


@pytest.mark.parametrize("beat", ["hook", "cliffhanger"])
def test_editing_the_line_a_beat_quotes_changes_the_beat_too(studio: Served, project: Path, beat: str) -> None:
    client = httpx.Client(base_url=studio.url)
    line = _line_quoted_by(project, 1, beat)
    other = "cliffhanger" if beat == "hook" else "hook"
    untouched = _episode_yaml(project, 1)[other]
    saved = client.post("/episodes/1/lines", data={**page_form(client, 1, line), "text": "灯一下子全灭了。"})
    assert saved.status_code == 303
    data = _episode_yaml(project, 1)
    assert data[beat]["text"] == "灯一下子全灭了。"  # type: ignore[index]
    assert data[other] == untouched
    assert "灯一下子全灭了。" in client.get("/").text  # the board shows the beat as it is now
    assert run_cli("validate", project).code == 0


def test_editing_a_line_no_beat_quotes_leaves_the_beats_alone(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    before = _episode_yaml(project, 1)
    quoted = {_line_quoted_by(project, 1, "hook"), _line_quoted_by(project, 1, "cliffhanger")}
    html = client.get("/episodes/1").text
    line = next(x for x in re.findall(r'id="line-([\d-]+)"', html) if x not in quoted)
    assert (
        client.post("/episodes/1/lines", data={**page_form(client, 1, line), "text": "别处的一句。"}).status_code == 303
    )
    after = _episode_yaml(project, 1)
    assert (after["hook"], after["cliffhanger"]) == (before["hook"], before["cliffhanger"])


@contextlib.contextmanager
def build_lock_held(project: Path) -> Iterator[None]:
    """The project's build lock held by another process, as a running build holds it."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom microdrama.build.lock import build_lock\n"
        "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(project / "build")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def test_init_force_is_refused_while_a_build_runs(project: Path) -> None:
    with build_lock_held(project):
        before = files_of(project)
        refused = run_cli("init", project, "--from", STORIES / "en-story.txt", "--force")
        assert refused.code != 0 and "Traceback" not in refused.err
        assert "a build of this project" in refused.err and "is running" in refused.err
        assert files_of(project) == before
        assert [p.name for p in project.parent.iterdir()] == [project.name]  # no staging copy left
    assert run_cli("init", project, "--from", STORIES / "en-story.txt", "--force").code == 0  # once it has ended
    assert not (project / "bible.yaml").exists()


# -- 12. a read-only project -------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` as a user without write permission has it. Root writes through permissions, so
    for root it is bind-mounted read-only over itself instead."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for path, mode in modes.items():
            path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot bind-mount a read-only folder here: {mounted.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_save_in_a_read_only_project_says_the_folder_is_not_writable(studio: Served, project: Path) -> None:
    records = _Records()
    logging.getLogger("uvicorn.error").addHandler(records)
    try:
        client = httpx.Client(base_url=studio.url)
        form = page_form(client, 1)
        with read_only(project):
            before = (project / "episodes" / "001.yaml").read_bytes()
            answer = client.post(
                "/episodes/1/lines", data={**form, "text": "写不进去"}, headers={"Accept": "application/json"}
            )
            assert answer.status_code == 409 and "the project folder is not writable" in answer.json()["error"]
            page = client.post("/episodes/1/lines", data={**form, "text": "写不进去"})
            assert page.status_code == 409 and "not writable" in page.text and 'role="alert"' in page.text
            locked = client.post(
                "/episodes/1/takes/1-1-2/lock", data={"csrf": form["csrf"], "version": form["version"]}
            )
            assert locked.status_code == 409 and "not writable" in locked.text  # the takes page says so too
            shown = client.get("/episodes/3")  # reading still works, with a font cut for a page not seen before
            font = re.search(r'href="(/fonts/\w+)\.css"', shown.text).group(1)  # type: ignore[union-attr]
            assert shown.status_code == 200 and client.get(font + ".woff").status_code == 200
            assert (project / "episodes" / "001.yaml").read_bytes() == before
    finally:
        logging.getLogger("uvicorn.error").removeHandler(records)
    assert not [r for r in records.records if r.exc_info], "a traceback was logged"
