"""The studio over HTTP: a real server on 127.0.0.1 (uvicorn in a thread), a real project folder."""

from __future__ import annotations

import io
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from microdrama.studio.security import MAX_BODY_BYTES
from microdrama.studio.server import Served, running
from tests.conftest import run_cli
from tests.studio_helpers import page_form


@pytest.fixture
def studio(project: Path) -> Iterator[Served]:
    with running(project) as served:
        yield served


def test_the_board_lists_every_episode_with_its_beats(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    page = client.get("/")
    assert page.status_code == 200 and "md_csrf" in page.headers["set-cookie"]
    assert page.text.count('<li class="card') == 3 and "Hook" in page.text and "Cliffhanger" in page.text
    assert (
        page.headers["x-content-type-options"] == "nosniff"
        and "script-src 'self'" in page.headers["content-security-policy"]
    )


def test_a_saved_line_is_in_the_yaml_at_once_and_a_stale_save_is_refused(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    form = page_form(client, 1)
    saved = client.post("/episodes/1/lines", data={**form, "text": "你到底是谁？", "emotion": "angry"})
    assert saved.status_code == 303 and saved.headers["location"] == "/episodes/1?saved=1"
    yaml_text = (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    assert "你到底是谁？" in yaml_text and "emotion: angry" in yaml_text
    assert yaml_text.startswith("#")  # the file's header comment survives the save
    assert run_cli("validate", project).code == 0  # and the CLI reads the result
    stale = client.post("/episodes/1/lines", data={**form, "text": "另一个版本"})
    assert stale.status_code == 409 and "changed since you opened it" in stale.text
    assert "另一个版本" not in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")


def test_an_edit_made_by_the_cli_meanwhile_is_a_conflict_too(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    form = page_form(client, 2)
    path = project / "episodes" / "002.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a note from an editor\n", encoding="utf-8")
    answer = client.post("/episodes/2/lines", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 409 and answer.json()["conflict"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "   "}, "cannot be blank"),
        ({"text": "长" * 501}, "at most 500 characters"),
        ({"speaker": "nobody"}, "unknown speaker nobody"),
        ({"emotion": "bored"}, "unknown emotion 'bored'"),
        ({"shot": "9-9-9"}, "has no shot 9-9-9"),
        ({"index": "99"}, "has no line 100"),
    ],
)
def test_invalid_edits_are_refused_with_the_reason_and_nothing_written(
    studio: Served, project: Path, change: dict[str, str], message: str
) -> None:
    client = httpx.Client(base_url=studio.url)
    before = (project / "episodes" / "001.yaml").read_bytes()
    answer = client.post(
        "/episodes/1/lines", data={**page_form(client, 1), **change}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 422 and message in answer.json()["error"]
    assert (project / "episodes" / "001.yaml").read_bytes() == before
    page = client.post("/episodes/1/lines", data={**page_form(client, 1), **change})
    assert page.status_code == 422 and 'role="alert"' in page.text  # shown inline on the page


def test_script_text_is_escaped_everywhere(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url)
    client.post("/episodes/1/lines", data={**page_form(client, 1), "text": '<script>alert("x")</script>"><img src=x>'})
    for url in ("/", "/episodes/1"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get("/episodes/1").text


def test_state_changes_need_the_csrf_token_and_the_same_origin(studio: Served) -> None:
    client = httpx.Client(base_url=studio.url)
    form = page_form(client, 1)
    assert client.post("/episodes/1/lines", data={**form, "csrf": "forged"}).status_code == 403
    no_cookie = httpx.Client(base_url=studio.url)
    assert no_cookie.post("/episodes/1/lines", data=form).status_code == 403
    cross = client.post("/episodes/1/lines", data=form, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "cross-site" in cross.text
    assert client.post("/language", data={"language": "zh"}).status_code == 403  # no token in the form


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "episodes/../../x",
        "nothing-here.png",
        "outside",
    ],
)
def test_files_outside_the_project_are_never_served(studio: Served, project: Path, path: str) -> None:
    (project / "outside").symlink_to("/etc/passwd")
    answer = httpx.get(studio.url + "files/" + path)
    assert answer.status_code == 404 and "root:" not in answer.text
    assert httpx.get(studio.url + "files/bible.yaml").status_code == 200


def test_bodies_over_the_limit_are_refused(studio: Served) -> None:
    client = httpx.Client(base_url=studio.url)
    form = page_form(client, 1)
    big = client.post("/episodes/1/lines", data={**form, "text": "x" * (MAX_BODY_BYTES + 1)})
    assert big.status_code == 413 and "at most" in big.text


def test_the_language_switch_sets_the_page_language(studio: Served) -> None:
    client = httpx.Client(base_url=studio.url)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    switched = client.post("/language", data={"csrf": csrf, "language": "zh", "back": "/episodes/1"})
    assert switched.status_code == 303 and switched.headers["location"] == "/episodes/1"
    page = client.get("/episodes/1").text
    assert '<html lang="zh">' in page and "第1集" in page and "保存" in page
    assert (
        client.post("/language", data={"csrf": csrf, "language": "en", "back": "//evil.example"}).headers["location"]
        == "/"
    )


def test_off_loopback_every_request_needs_the_token(project: Path) -> None:
    with running(project, host="0.0.0.0") as served:
        assert served.token and f"token={served.token}" in served.url
        assert served.elsewhere == served.url.replace("0.0.0.0", socket.gethostname())
        base = served.url.split("?")[0].replace("0.0.0.0", "127.0.0.1")
        refused = httpx.get(base)
        assert refused.status_code == 401 and "access token" in refused.text
        assert httpx.get(base + "files/bible.yaml").status_code == 401
        assert httpx.get(base, params={"token": "wrong"}).status_code == 401
        client = httpx.Client()
        assert client.get(base, params={"token": served.token}).status_code == 200
        assert client.get(base + "episodes/1").status_code == 200  # the cookie carries it from then on


def test_the_command_refuses_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    result = run_cli("studio", tmp_path, "--no-open")
    assert result.code != 0 and "not a microdrama project" in result.err and "Traceback" not in result.err


def test_each_page_links_a_chinese_font_cut_to_its_characters(studio: Served) -> None:
    from fontTools.ttLib import TTFont

    client = httpx.Client(base_url=studio.url)
    html = client.get("/episodes/1").text
    key = re.search(r'href="/fonts/(\w+)\.css"', html).group(1)  # type: ignore[union-attr]
    css = client.get(f"/fonts/{key}.css")
    assert "unicode-range:U+2E80-9FFF" in css.text and 'local("Noto Sans CJK SC")' in css.text
    woff = client.get(f"/fonts/{key}.woff")
    assert woff.status_code == 200 and woff.headers["content-type"] == "font/woff"
    assert "immutable" in woff.headers["cache-control"] and 10_000 < len(woff.content) < 1_000_000
    cmap = TTFont(io.BytesIO(woff.content)).getBestCmap()
    title = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)  # type: ignore[union-attr]
    assert all(ord(ch) in cmap for ch in title if ord(ch) >= 0x2E80)
    assert client.get("/fonts/0123456789abcdef0123.woff").status_code == 404  # never seen
    assert client.get("/fonts/..%2F..%2Fbible.woff").status_code == 404


def test_build_requests_that_cannot_run_say_why(studio: Served) -> None:
    client = httpx.Client(base_url=studio.url)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/build").text).group(1)  # type: ignore[union-attr]
    bad = client.post("/builds", data={"csrf": csrf, "episodes": "1; rm -rf /"})
    assert bad.status_code == 422 and "choose an episode number or all" in bad.text
    assert client.get("/builds/nope").status_code == 404
    assert client.get("/episodes/99/storyboard").status_code == 422
    assert client.get("/episodes/99").status_code == 404
    assert client.get("/builds/nope/events").status_code == 404
    assert client.get("/builds/nope/events", headers={"Last-Event-ID": "abc"}).status_code == 404
    assert client.get("/episodes/1/storyboard").status_code == 200  # not built yet: says so
    assert "microdrama build" in client.get("/episodes/1/storyboard").text


def test_the_report_page_totals_the_ledger_per_episode_and_provider(studio: Served, project: Path) -> None:
    from microdrama.build.ledger import Ledger

    client = httpx.Client(base_url=studio.url)
    assert "No AI calls recorded" in client.get("/report").text
    book = Ledger(project / "build" / "ledger.sqlite")
    common = {"run_id": "r1", "started": 1.0, "stage": "script", "kind": "openai", "model": "m", "capability": "text",
              "request_key": "k", "attempt": 1, "status": "ok", "currency": "USD"}  # fmt: skip
    book.record(**common, episode=1, provider="deepseek", prompt_tokens=100, completion_tokens=50, cost=0.25)
    book.record(**common, episode=1, provider="deepseek", prompt_tokens=10, completion_tokens=5, cost=0.05)
    book.record(**common, episode=None, provider="<b>qwen</b>", prompt_tokens=1, completion_tokens=1, cost=0.5)
    page = client.get("/report").text
    assert "0.3000 USD" in page and "165" in page  # episode 1, deepseek: two calls added up
    assert "0.8000 USD" in page and "&lt;b&gt;qwen&lt;/b&gt;" in page and "<b>qwen" not in page
    assert "microdrama evaluate" in page  # no report yet: says how to make one
    assert run_cli("evaluate", project).code == 0
    assert 'id="report-link"' in client.get("/report").text
    served_report = client.get("/files/build/out/report.html")
    assert served_report.status_code == 200 and "script-src" not in served_report.headers["content-security-policy"]
    assert "sandbox" in served_report.headers["content-security-policy"]


def test_a_broken_episode_file_is_reported_with_its_line_not_a_crash(studio: Served, project: Path) -> None:
    path = project / "episodes" / "002.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("scenes:", "scenes: [oops", 1), encoding="utf-8")
    for url in ("/", "/episodes/2"):
        answer = httpx.get(studio.url + url.lstrip("/"))
        assert answer.status_code == 422 and "episodes/002.yaml" in answer.text and "YAML syntax error" in answer.text
    assert httpx.get(studio.url + "episodes/1").status_code == 200  # the others still open


def localize_by_hand(project: Path) -> str:
    """An English translation of episode 1 written as a translator would (no model), with a
    glossary entry and a QC report; returns the id of the first line."""
    from microdrama.localize.glossary import save_glossary
    from microdrama.localize.languages import language
    from microdrama.localize.model import EpisodeTranslation, Glossary, GlossaryEntry, TranslatedLine
    from microdrama.localize.series import save_translation
    from microdrama.project.folder import Project

    target = language("en")
    folder = Project.open(project)
    episode = folder.load_episode(project / "episodes" / "001.yaml", folder.load_bible())
    ids = [(f"{shot.id}.{i}", line.text) for shot in episode.shots() for i, line in enumerate(shot.lines)]
    first_id, first_text = ids[0]
    term = first_text[:2]
    save_glossary(
        project, Glossary(language="en", entries=[GlossaryEntry(source=term, kind="term", target="Mark")]), target
    )
    lines = [
        TranslatedLine(id=line_id, source=text, text=f"Mark <i>says</i> {n}") for n, (line_id, text) in enumerate(ids)
    ]
    save_translation(project, EpisodeTranslation(episode=1, language="en", lines=lines), target)
    violation = {"episode": 1, "cue": f"{first_id}#0", "rule": "reading-speed", "detail": "21 cps, at most 17"}
    qc = {"language": "en", "violations": [violation]}
    (project / "build" / "out" / "en").mkdir(parents=True, exist_ok=True)
    (project / "build" / "out" / "en" / "qc.json").write_text(json.dumps(qc), encoding="utf-8")
    return first_id


def test_localization_review_marks_terms_lists_qc_and_records_an_approval(studio: Served, project: Path) -> None:
    first_id = localize_by_hand(project)
    client = httpx.Client(base_url=studio.url)
    page = client.get("/localize/en/1").text
    assert page.count("<mark>Mark</mark>") >= 1 and "<mark>" in page.split(f'id="l-{first_id}"')[1].split("</td>")[1]
    assert "&lt;i&gt;says&lt;/i&gt;" in page and "<i>says" not in page
    assert "reading-speed" in page and "21 cps" in page and 'class="flagged"' in page
    assert 'class="tag lang">en</span>' in client.get("/").text
    assert 'href="/localize/en/1"' in client.get("/episodes/1").text
    version = re.search(r'name="version" value="(\w+)"', page).group(1)  # type: ignore[union-attr]
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    approved = client.post("/localize/en/1/approve", data={"csrf": csrf, "version": version, "by": "Ann"})
    assert approved.status_code == 303
    assert "Approved by Ann" in client.get("/localize/en/1").text and "en ✓" in client.get("/").text
    path = project / "localize" / "en" / "001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("says", "whispers", 1), encoding="utf-8")
    assert "changed since it was approved" in client.get("/localize/en/1").text
    assert "en ✓" not in client.get("/").text
    stale = client.post("/localize/en/1/approve", data={"csrf": csrf, "version": version, "by": "Ann"})
    assert stale.status_code == 422 and "changed since you opened it" in stale.text
    assert client.get("/localize/xx/1").status_code == 422  # no such localization: says what to run
    assert client.get("/localize/en/2").status_code == 422


def wait_for_job(client: httpx.Client, location: str) -> str:
    """Follow a job page until it is no longer running; its final HTML."""
    for _ in range(600):
        html = client.get(location).text
        if 'data-state="running"' not in html:
            return html
        time.sleep(0.2)
    raise AssertionError(f"{location} still running")


def takes_form(html: str, action: str) -> dict[str, str]:
    form = re.search(rf'<form method="post" action="[^"]*/{action}"[^>]*>.*?</form>', html, re.S)
    assert form is not None, f"no {action} form"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group()))


def test_a_shot_is_quoted_made_again_chosen_and_locked_from_its_takes_page(studio: Served, project: Path) -> None:
    client = httpx.Client(base_url=studio.url, follow_redirects=True)
    episode = (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    shot = re.findall(r"id: (1-\d+-\d+)", episode)[1]
    page = client.get(f"/episodes/1/takes/{shot}")
    assert page.status_code == 200 and "Free: made on this machine." in page.text and "Make take 1" in page.text
    for take in (1, 2):
        made = client.post(f"/episodes/1/takes/{shot}/make", data=takes_form(page.text, "make"))
        assert 'data-state="done"' in wait_for_job(client, str(made.url)), made.text
        page = client.get(f"/episodes/1/takes/{shot}")
        assert page.text.count('class="take-img"') == take
    assert "Make take 3" in page.text

    stale = takes_form(page.text, "choose")
    chosen = client.post(f"/episodes/1/takes/{shot}/choose", data=stale)
    assert chosen.status_code == 200 and "take: 2" in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    again = client.post(f"/episodes/1/takes/{shot}/choose", data={**stale, "take": "1"})
    assert again.status_code == 409 and "changed since you opened it" in again.text

    locked = client.post(f"/episodes/1/takes/{shot}/lock", data=takes_form(chosen.text, "lock"))
    assert locked.status_code == 200 and 'id="locked-tag"' in locked.text and 'id="make-form"' not in locked.text
    assert (project / "locks" / "frames" / f"{shot}.png").is_file()
    assert "locked: true" in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    editor = client.get("/episodes/1").text
    version = re.search(r'name="version" value="(\w+)"', editor).group(1)  # type: ignore[union-attr]
    refused = client.post(
        "/episodes/1/shots",
        data={"csrf": stale["csrf"], "version": version, "shot": shot, "framing": "wide", "description": "x"},
    )
    assert refused.status_code == 422 and "is locked (approved)" in refused.text

    unlocked = client.post(f"/episodes/1/takes/{shot}/lock", data=takes_form(locked.text, "lock"))
    assert unlocked.status_code == 200 and not (project / "locks" / "frames" / f"{shot}.png").exists()
    assert 'id="make-form"' in unlocked.text


def test_a_take_whose_price_rose_since_the_page_is_not_made(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.openai_server import running_openai_fake
    from tests.test_takes import use_image_provider

    monkeypatch.setenv("TAKES_TEST_KEY", "sk-takes-0123456789")
    with running_openai_fake(api_key="sk-takes-0123456789") as fake, running(project) as served:
        use_image_provider(project, fake.url)
        client = httpx.Client(base_url=served.url, follow_redirects=True)
        shot = re.findall(r"id: (1-\d+-\d+)", (project / "episodes" / "001.yaml").read_text("utf-8"))[1]
        page = client.get(f"/episodes/1/takes/{shot}")
        assert "Estimated cost: 0.0400 USD." in page.text and "(≈ 0.0400 USD)" in page.text
        assert "remote" in page.text and "fake-image" in page.text
        refused = client.post(
            f"/episodes/1/takes/{shot}/make", data={**takes_form(page.text, "make"), "quoted_cost": "0"}
        )
        assert refused.status_code == 409 and "estimate changed to 0.0400 USD" in refused.text
        assert not [r for r in fake.requests if r.path.endswith("/images/generations")], "nothing was sent"


@pytest.mark.parametrize("target", ["9-1-1", "1-1-1:99", "1-1", "..%2F..%2Fetc"])
def test_takes_of_what_does_not_exist_say_so(studio: Served, target: str) -> None:
    page = httpx.get(f"{studio.url}/episodes/1/takes/{target}")
    assert page.status_code in (404, 422) and "Traceback" not in page.text
