"""microdrama evaluate end to end: the real CLI on an adapted sample story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import STORIES, run_cli


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("evaluate") / "series"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    assert run_cli("adapt", project, "--episodes", "3", "--minutes", "1").code == 0
    return project


def test_evaluate_writes_a_report_with_every_number_and_a_page(adapted: Path) -> None:
    result = run_cli("evaluate", adapted, "--budget", "1200000")
    assert result.code == 0, result.err
    assert "compliance flag(s) to review" in result.out and "not built yet" in result.out
    report = json.loads((adapted / "build" / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["series"]["episodes"] == len(report["episodes"]) == 3
    assert report["tier"]["name"] == "重点"
    assert all(0 <= e["cliffhanger_strength"] <= 1 and e["runtime_seconds"] > 0 for e in report["episodes"])
    assert len(report["series"]["tension_arc"]) == 3
    page = (adapted / "build" / "out" / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page


def test_text_from_a_script_is_escaped_and_flagged_terms_are_shown_in_context(adapted: Path) -> None:
    episode = adapted / "episodes" / "001.yaml"
    original = episode.read_text(encoding="utf-8")
    first_line = original.index("text: ", original.index("lines:"))
    end = original.index("\n", first_line)
    planted = "text: <script>alert(1)</script>他们去赌场梭哈"
    episode.write_text(original[:first_line] + planted + original[end:], encoding="utf-8")
    try:
        result = run_cli("evaluate", adapted)
        assert result.code == 0, result.err
        page = (adapted / "build" / "out" / "report.html").read_text(encoding="utf-8")
        assert "&lt;/script&gt;他们去【赌场】" in page and "<script>" not in page and "</script>" not in page
        report = json.loads((adapted / "build" / "out" / "report.json").read_text(encoding="utf-8"))
        gambling = [f for f in report["findings"] if "赌场" in f["matched"]]
        assert gambling and gambling[0]["where"].startswith("episode 1, line ")
        assert report["tier"]["name"] == "unknown"
    finally:
        episode.write_text(original, encoding="utf-8")


def test_a_project_without_episodes_says_what_to_run(tmp_path: Path) -> None:
    project = tmp_path / "empty"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    result = run_cli("evaluate", project)
    assert result.code != 0 and "adapt" in result.err and "Traceback" not in result.err
