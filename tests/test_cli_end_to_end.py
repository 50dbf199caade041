"""init -> adapt -> show -> export through the real CLI, on the original Chinese and English stories."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from screenplain.parsers import fountain  # type: ignore[import-untyped]
from screenplain.types import Dialog  # type: ignore[import-untyped]

from microdrama.api import load_series
from microdrama.model import NARRATOR
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parents[1]


def adapt(tmp_path: Path, story: Path, folder: str, *extra: str) -> Path:
    project = tmp_path / folder
    init = run_cli("init", project, "--from", story)
    assert init.code == 0, init.err
    result = run_cli("adapt", project, *extra)
    assert result.code == 0, result.err
    return project


@pytest.mark.parametrize("language", ["zh", "en"])
def test_story_to_episode_scripts(tmp_path: Path, language: str) -> None:
    story = REPO / "tests" / "fixtures" / "stories" / f"{language}-story.txt"
    project = adapt(tmp_path, story, "my series 系列", "--episodes", "4", "--minutes", "1")
    _, bible, episodes = load_series(project)

    assert bible.series.language == language
    assert len(episodes) == 4
    assert [e.number for e in episodes] == [1, 2, 3, 4]
    assert sum(e.is_paywall for e in episodes) == 1
    paywalled = next(e for e in episodes if e.is_paywall)
    assert bible.series.paywall_episode == paywalled.number < 4
    assert bible.characters[0].role == "protagonist"
    ids = {c.id for c in bible.characters}
    for episode in episodes:
        assert episode.hook.text and episode.cliffhanger.text
        shot_ids = [shot.id for shot in episode.shots()]
        assert episode.hook.shot in shot_ids
        assert episode.cliffhanger.shot == shot_ids[-1]
        assert episode.seconds <= 60 * 1.35, "a 1-minute episode may run over only by its air"
        for line in episode.lines():
            assert line.speaker == NARRATOR or line.speaker in ids
            assert line.source is not None and line.source.end > line.source.start
    spoken = [line for e in episodes for line in e.lines() if line.kind == "dialogue"]
    assert spoken, "dialogue survives the condensation"
    assert len({line.speaker for line in spoken}) >= 2

    show = run_cli("show", project)
    assert show.code == 0, show.err
    assert bible.series.title in show.out and "PAYWALL" in show.out
    one = run_cli("show", project, "--episode", "1")
    assert one.code == 0 and episodes[0].cliffhanger.text[:8] in one.out

    for fmt in ("fountain", "zh-script", "json"):
        result = run_cli("export", project, "--format", fmt)
        assert result.code == 0, result.err
    out = project / "build" / "out" / "export"
    parsed = fountain.parse(io.StringIO(out.joinpath("fountain", "series.fountain").read_text(encoding="utf-8")))
    dialogs = [element for element in parsed if isinstance(element, Dialog)]
    assert len(dialogs) == sum(len(e.lines()) for e in episodes)
    series_json = json.loads(out.joinpath("json", "series.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schema" / "series.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(series_json, schema)
    assert len(series_json["episodes"]) == 4
    markdown = out.joinpath("zh-script", "series.md").read_text(encoding="utf-8")
    assert episodes[0].cliffhanger.text.splitlines()[0][:10] in markdown


def test_source_spans_point_at_the_lines_in_the_source(tmp_path: Path) -> None:
    story = REPO / "tests" / "fixtures" / "stories" / "zh-story.txt"
    project = adapt(tmp_path, story, "spans", "--episodes", "3")
    _, _, episodes = load_series(project)
    source = story.read_text(encoding="utf-8")
    for line in (line for e in episodes for line in e.lines()):
        assert line.source is not None
        assert source[line.source.start : line.source.end] == line.text


def test_a_story_without_dialogue_adapts_as_narration(tmp_path: Path) -> None:
    story = tmp_path / "无对白.txt"
    sentences = [f"第{n}天清晨，渔夫划船出海，海上起了大风，他拼命稳住船舵，可是浪越来越高。" for n in range(1, 40)]
    story.write_text("\n".join(sentences), encoding="utf-8")
    project = adapt(tmp_path, story, "silent", "--episodes", "3")
    _, _, episodes = load_series(project)
    assert len(episodes) == 3
    kinds = {line.kind for e in episodes for line in e.lines()}
    assert kinds <= {"narration"}
    assert all(e.shots() for e in episodes)


def test_rerunning_adapt_replaces_its_own_files_and_keeps_settings(tmp_path: Path) -> None:
    story = REPO / "tests" / "fixtures" / "stories" / "en-story.txt"
    project = adapt(tmp_path, story, "again", "--episodes", "5")
    assert len(list((project / "episodes").glob("*.yaml"))) == 5
    result = run_cli("adapt", project, "--episodes", "3", "--paywall", "none")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (project / "episodes").glob("*.yaml")) == ["001.yaml", "002.yaml", "003.yaml"]
    config = (project / "microdrama.toml").read_text(encoding="utf-8")
    assert "episodes = 3" in config and 'paywall = "none"' in config
    _, bible, episodes = load_series(project)
    assert bible.series.paywall_episode is None and not any(e.is_paywall for e in episodes)
    # the same settings give the same scripts: the stage is deterministic
    before = {p.name: p.read_text(encoding="utf-8") for p in (project / "episodes").glob("*.yaml")}
    assert run_cli("adapt", project).code == 0
    after = {p.name: p.read_text(encoding="utf-8") for p in (project / "episodes").glob("*.yaml")}
    assert before == after


def test_help_everywhere() -> None:
    for command in ((), ("init",), ("adapt",), ("show",), ("export",), ("validate",)):
        result = run_cli(*command, "--help")
        assert result.code == 0 and "Usage:" in result.out


def test_project_path_with_spaces_and_chinese(tmp_path: Path) -> None:
    story_dir = tmp_path / "我的 小说"
    story_dir.mkdir()
    story = story_dir / "故事 一.txt"
    shutil.copy(REPO / "tests" / "fixtures" / "stories" / "zh-story.txt", story)
    project = adapt(tmp_path, story, "新 剧集", "--episodes", "3")
    assert (project / "source" / "故事 一.txt").read_bytes() == story.read_bytes()
    assert run_cli("validate", project).code == 0
