"""microdrama evaluate end to end: the real CLI on an adapted sample story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import STORIES, adapt_sample, run_cli
from tests.test_similarity import ZH_BABY


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return adapt_sample(tmp_path_factory.mktemp("evaluate"))


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
    assert page.count("<details>") == 3 and "lines behind its numbers" in page and "Expert review" in page


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


def test_evaluate_against_a_catalog_finds_the_copy_and_shows_the_passages(adapted: Path, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copytree(adapted, catalog / "the-copy", ignore=shutil.ignore_patterns("build"))
    (catalog / "other.txt").write_text(ZH_BABY, encoding="utf-8")
    (catalog / "scan.pdf").write_bytes(b"%PDF-1.7")
    result = run_cli("evaluate", adapted, "--against", catalog)
    assert result.code == 0, result.err
    assert "skipped 1 catalog entry" in result.err and "scan.pdf" in result.err
    assert "against 2 catalog works: novelty 0.00; near-copy of the-copy" in result.out
    assert "novelty from wording alone" in result.out
    assert "the-copy: near-copy (wording 1.00, names shared 100%)" in result.out  # no meaningless cosine
    report = json.loads((adapted / "build" / "out" / "report.json").read_text(encoding="utf-8"))
    nearest = report["novelty"]["neighbours"][0]
    assert nearest["work_id"] == "the-copy" and nearest["relation"] == "near-copy" and nearest["passages"]
    assert report["novelty"]["thin_languages"] == ["zh"]  # two works: meaning alone decides nothing
    page = (adapted / "build" / "out" / "report.html").read_text(encoding="utf-8")
    assert "Passages that match" in page and "the-copy" in page and "Fewer than 5 works in zh" in page
    # The project inside the catalog it is compared with is not its own copy.
    shutil.rmtree(catalog / "the-copy")
    inside = catalog / "series"
    shutil.copytree(adapted, inside, ignore=shutil.ignore_patterns("build"))
    result = run_cli("evaluate", inside, "--against", catalog)
    assert result.code == 0, result.err
    assert "against 1 catalog works" in result.out and "no near-copy, template" in result.out


def test_reviews_are_recorded_listed_and_shown_beside_the_metrics(adapted: Path) -> None:
    scores = ["--score", "思想性=7", "--score", "artistry=6", "--score", "appeal=8", "--score", "创新性=4"]
    missing = run_cli("review", adapted, "--reviewer", "王编辑", *scores)
    assert missing.code != 0 and "compliance (合规性)" in missing.err and "Traceback" not in missing.err
    assert not (adapted / "reviews").exists()  # nothing half-written
    result = run_cli(
        "review", adapted, "--reviewer", "王编辑", *scores, "--score", "compliance=9",
        "--comment", "innovation=<b>重生复仇</b>的老套路", "--note", "节奏好",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Recorded the review by 王编辑 (mean 6.8)" in result.out
    again = run_cli(
        "review", adapted, "--reviewer", "王编辑", *scores, "--score", "compliance=8",
        "--comment", "innovation=<b>重生复仇</b>的老套路",
    )  # fmt: skip
    assert again.code == 0 and "Replaced" in again.out
    run_cli("review", adapted, "--reviewer", "../../Ann", *scores, "--score", "compliance=7")
    assert sorted(p.name for p in (adapted / "reviews").iterdir()) == ["ann.yaml", "王编辑.yaml"]
    listed = run_cli("review", adapted)
    assert listed.code == 0 and "王编辑" in listed.out and "../../Ann" in listed.out
    evaluated = run_cli("evaluate", adapted)
    assert evaluated.code == 0 and "expert reviews: 2" in evaluated.out
    report = json.loads((adapted / "build" / "out" / "report.json").read_text(encoding="utf-8"))
    assert [r["reviewer"] for r in report["reviews"]] == ["../../Ann", "王编辑"]
    assert "innovation" not in report["series"]  # the rubric is not folded into the metrics
    page = (adapted / "build" / "out" / "report.html").read_text(encoding="utf-8")
    assert "Expert review" in page and "&lt;b&gt;重生复仇" in page and "<b>重生复仇" not in page
    (adapted / "reviews" / "ann.yaml").write_text("reviewer: Ann\nscores: [1, 2]\n", encoding="utf-8")
    broken = run_cli("evaluate", adapted)
    assert broken.code != 0 and "reviews/ann.yaml" in broken.err and "Traceback" not in broken.err
    shutil.rmtree(adapted / "reviews")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reviewer", "x", "--score", "bogus=3"), "unknown criterion 'bogus'"),
        (("--reviewer", "x", "--score", "thought=11"), "whole number 1-10"),
        (("--reviewer", "x", "--score", "thought"), "is not NAME=VALUE"),
        (("--reviewer", "!!!", "--score", "thought=3"), "has no letters or digits"),
        (("--score", "thought=3"), "--reviewer"),
    ],
)
def test_review_usage_errors_say_what_to_fix(adapted: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("review", adapted, *args)
    assert result.code != 0 and message in result.err and "Traceback" not in result.err
