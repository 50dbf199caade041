"""The studio in a real browser: Playwright driving Debian's Chromium headless against a studio
served on 127.0.0.1. Screenshots of each view go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from microdrama.studio.server import Served, running
from tests.conftest import adapt_sample

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network: without them Chromium keeps trying to reach its services.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (./dev test installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return adapt_sample(tmp_path_factory.mktemp("browser"))


@pytest.fixture
def studio(adapted: Path, tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    project = tmp_path / "series"
    shutil.copytree(adapted, project)
    with running(project) as served:
        yield served, project


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"studio-{name}.png"), full_page=True)


def test_open_the_board_edit_a_line_and_see_the_yaml_change(browser: Browser, studio: tuple[Served, Path]) -> None:
    served, project = studio
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(served.url)
    expect(page.locator("li.card")).to_have_count(3)
    shot(page, "board")
    page.locator("li.card a").first.click()
    expect(page).to_have_url(served.url + "episodes/1")
    form = page.locator("form.line-form").first
    form.locator("textarea[name=text]").fill("<script>alert('x')</script>你到底是谁？")
    form.locator("select[name=emotion]").select_option("angry")
    form.locator("button[type=submit]").click()
    expect(form.locator(".result")).to_have_text("Saved")
    yaml_text = (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    assert "你到底是谁？" in yaml_text and "emotion: angry" in yaml_text
    page.reload()
    expect(page.locator("form.line-form").first.locator("textarea[name=text]")).to_have_value(
        "<script>alert('x')</script>你到底是谁？"
    )
    assert dialogs == []  # the script in the line stayed text
    shot(page, "editor")


def test_two_tabs_saving_the_same_episode_never_lose_an_edit_silently(
    browser: Browser, studio: tuple[Served, Path]
) -> None:
    served, project = studio
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(served.url + "episodes/2")
    first_form = first.locator("form.line-form").first
    first_form.locator("textarea[name=text]").fill("第一个标签页的修改")
    first_form.locator("button[type=submit]").click()
    expect(first_form.locator(".result")).to_have_text("Saved")
    second_form = second.locator("form.line-form").first
    second_form.locator("textarea[name=text]").fill("第二个标签页的修改")
    second_form.locator("button[type=submit]").click()
    expect(second_form.locator(".result")).to_contain_text("changed since you opened it")
    text = (project / "episodes" / "002.yaml").read_text(encoding="utf-8")
    assert "第一个标签页的修改" in text and "第二个标签页的修改" not in text
    # The first tab saves again: its page knows the new version.
    first_form.locator("textarea[name=text]").fill("第一个标签页再改一次")
    first_form.locator("button[type=submit]").click()
    expect(first_form.locator(".result")).to_have_text("Saved")
    context.close()


def test_switch_the_ui_language_on_a_phone_sized_window(browser: Browser, studio: tuple[Served, Path]) -> None:
    served, _ = studio
    page = browser.new_page(viewport=PHONE)
    page.goto(served.url + "episodes/1")
    page.locator("#language-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator("h1")).to_contain_text("第1集")
    expect(page.locator("form.line-form button").first).to_have_text("保存")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing runs off a phone's screen
    shot(page, "editor-phone-zh")
    page.goto(served.url)
    shot(page, "board-phone-zh")


def test_without_javascript_the_forms_still_save(browser: Browser, studio: tuple[Served, Path]) -> None:
    served, project = studio
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "episodes/3")
    form = page.locator("form.line-form").first
    form.locator("textarea[name=text]").fill("没有脚本也能保存")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(served.url + "episodes/3?saved=1")
    expect(page.locator(".notice.ok")).to_be_visible()
    assert "没有脚本也能保存" in (project / "episodes" / "003.yaml").read_text(encoding="utf-8")
    context.close()


def test_build_one_episode_watch_it_finish_and_play_it(browser: Browser, studio: tuple[Served, Path]) -> None:
    served, project = studio
    page = browser.new_page()
    page.goto(served.url + "build")
    page.locator("#build-form select[name=episodes]").select_option("1")
    page.locator("#build-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r".*/builds/\w+$"))
    expect(page.locator("#job-events li").first).to_be_visible()
    shot(page, "build-running")
    expect(page.locator("#job-state")).to_have_attribute("data-state", "done", timeout=300_000)
    assert (project / "build" / "out" / "ep001.mp4").is_file()
    shot(page, "build-done")
    page.locator("#job-open a").click()
    video = page.locator("#episode-video")
    expect(video).to_be_visible()
    assert video.locator("track").count() >= 1
    duration = page.evaluate(
        """async () => {
            const video = document.getElementById("episode-video");
            video.muted = true;
            await video.play();
            await new Promise((done) => setTimeout(done, 1500));
            video.pause();
            return [video.duration, video.currentTime];
        }"""
    )
    assert duration[0] > 10 and duration[1] > 0.5  # it played
    shot(page, "player")
    page.goto(served.url + "episodes/1/storyboard")
    frames = page.locator("li.frame")
    assert frames.count() >= 3
    expect(frames.first.locator("img")).to_have_js_property("complete", True)
    assert frames.first.locator("img").evaluate("img => img.naturalWidth") > 0
    shot(page, "storyboard")

    # From the storyboard: another take of a shot, priced first, chosen, locked.
    frames.nth(1).locator("a.frame-takes").click()
    expect(page.locator("#quote-cost")).to_have_text("Free: made on this machine.")
    assert page.locator(".take-img").count() == 1  # take 1, made by the build
    page.locator("#make-form button[type=submit]").click()
    expect(page.locator("#job-state")).to_have_attribute("data-state", "done", timeout=60_000)
    page.locator("#job-open a").click()
    expect(page.locator(".take-img")).to_have_count(2)
    page.locator("#take-2 .choose-form button").click()
    expect(page.locator("#take-2.chosen")).to_be_visible()
    page.locator("#take-2 .lock-form button").click()
    expect(page.locator("#locked-tag")).to_be_visible()
    assert page.locator("#make-form").count() == 0
    assert len(list((project / "locks" / "frames").glob("*.png"))) == 1
    shot(page, "takes")
