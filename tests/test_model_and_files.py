"""The data model and the project files: validation with file:line, comments kept, schema in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microdrama.errors import ValidationError
from microdrama.model import (
    SCHEMA_VERSION,
    Beat,
    Bible,
    Character,
    Episode,
    Line,
    Location,
    Scene,
    Series,
    Shot,
    SourceSpan,
)
from microdrama.model.schema import render, schema_documents
from microdrama.project.folder import check_references
from microdrama.project.yamlio import load_yaml, save_model, validate

REPO = Path(__file__).resolve().parents[1]


def small_bible() -> Bible:
    return Bible(
        series=Series(title="试", language="zh", minutes_per_episode=1.5, episode_count=1),
        characters=[Character(id="lin", name="林"), Character(id="zhou", name="周", role="antagonist")],
        locations=[Location(id="dian", name="店", setting="INT")],
    )


def small_episode() -> Episode:
    span = SourceSpan(file="source/s.txt", start=0, end=5)
    shot = Shot(
        id="1-1-1",
        framing="close_up",
        seconds=3.0,
        characters=["lin"],
        lines=[Line(speaker="lin", text="你是谁？", emotion="surprised", source=span)],
    )
    return Episode(
        number=1,
        title="你是谁",
        hook=Beat(shot="1-1-1", text="你是谁？", cues=["question"]),
        cliffhanger=Beat(shot="1-1-1", text="你是谁？"),
        seconds=3.0,
        scenes=[Scene(id="1-1", location="dian", shots=[shot])],
    )


def test_saving_keeps_a_persons_comments_and_key_order(tmp_path: Path) -> None:
    path = tmp_path / "001.yaml"
    save_model(path, small_episode(), "header")
    text = path.read_text(encoding="utf-8")
    edited = text.replace("title: 你是谁\n", "# my note about the title\ntitle: 你是谁\n")
    path.write_text(edited, encoding="utf-8")
    episode = small_episode()
    episode.title = "新标题"
    save_model(path, episode)
    again = path.read_text(encoding="utf-8")
    assert "# my note about the title" in again
    assert "title: 新标题" in again
    assert again.index("number:") < again.index("title:") < again.index("scenes:")
    reloaded = validate(Episode, load_yaml(path, "001.yaml"), "001.yaml", "episode")
    assert reloaded == episode


def test_a_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "001.yaml"
    save_model(path, small_episode())
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(
        i for i, line in enumerate(lines) if line.strip().startswith("seconds: 3.0") and line.startswith("    ")
    )
    lines[number] = lines[number].replace("3.0", "soon")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        validate(Episode, load_yaml(path, "episodes/001.yaml"), "episodes/001.yaml", "episode")
    message = str(caught.value)
    assert message.startswith(f"episodes/001.yaml:{number + 1}: scenes[0].shots[0].seconds:")
    assert "number" in message


def test_an_unknown_speaker_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "001.yaml"
    save_model(path, small_episode())
    text = path.read_text(encoding="utf-8").replace("speaker: lin", "speaker: lni")
    path.write_text(text, encoding="utf-8")
    document = load_yaml(path, "episodes/001.yaml")
    episode = validate(Episode, document, "episodes/001.yaml", "episode")
    with pytest.raises(ValidationError) as caught:
        check_references(episode, small_bible(), document, "episodes/001.yaml")
    line = text.splitlines().index(next(line for line in text.splitlines() if "speaker: lni" in line)) + 1
    assert str(caught.value).startswith(
        f"episodes/001.yaml:{line}: scenes[0].shots[0].lines[0].speaker: unknown speaker 'lni'"
    )


def test_unknown_fields_and_yaml_syntax_errors_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "bible.yaml"
    save_model(path, small_bible())
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  title: 试", "  titel: 试"), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bible.yaml:\d+: series.titel: unknown field"):
        validate(Bible, load_yaml(path, "bible.yaml"), "bible.yaml", "bible")
    path.write_text("series: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bible.yaml:2: YAML syntax error"):
        load_yaml(path, "bible.yaml")


def test_a_file_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "bible.yaml"
    save_model(path, small_bible())
    current = f"schema_version: {SCHEMA_VERSION}"
    path.write_text(path.read_text(encoding="utf-8").replace(current, "schema_version: 99"), "utf-8")
    with pytest.raises(ValidationError, match="newer microdrama"):
        validate(Bible, load_yaml(path, "bible.yaml"), "bible.yaml", "bible")


def test_a_version_1_file_is_migrated_on_load(tmp_path: Path) -> None:
    path = tmp_path / "bible.yaml"
    save_model(path, small_bible())
    text = path.read_text(encoding="utf-8").replace(f"schema_version: {SCHEMA_VERSION}", "schema_version: 1")
    lines = [line for line in text.splitlines() if not line.startswith("narrator_voice:")]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    bible = validate(Bible, load_yaml(path, "bible.yaml"), "bible.yaml", "bible")
    assert bible.schema_version == SCHEMA_VERSION
    assert bible.characters[0].look is None


def test_model_rules() -> None:
    with pytest.raises(ValueError, match="blank"):
        Line(speaker="lin", text="   ")
    with pytest.raises(ValueError, match="reserved"):
        Character(id="narrator", name="x")
    with pytest.raises(ValueError, match="used twice"):
        Bible(series=small_bible().series, characters=[Character(id="a", name="A"), Character(id="a", name="B")])
    with pytest.raises(ValueError, match="not a shot of this episode"):
        small_episode().model_copy(update={"hook": Beat(shot="9-9-9", text="x")}).model_validate(
            small_episode().model_dump() | {"hook": {"shot": "9-9-9", "text": "x"}}
        )


def test_committed_json_schemas_match_the_models() -> None:
    for name, document in schema_documents().items():
        committed = (REPO / "schema" / name).read_text(encoding="utf-8")
        assert committed == render(document), f"schema/{name} is stale: run `make schema`"
        assert json.loads(committed)["$id"] == f"microdrama/{name}"
