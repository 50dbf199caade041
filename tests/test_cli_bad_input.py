"""Bad input through the real CLI: a clear one-line error, a non-zero exit, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"


def assert_refused(result_code: int, err: str, *fragments: str) -> None:
    assert result_code != 0
    assert "Traceback" not in err
    first = err.strip().splitlines()[0]
    assert first.startswith("error:"), err
    for fragment in fragments:
        assert fragment in err


def test_missing_source_file(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "series", "--from", tmp_path / "nope.txt")
    assert_refused(result.code, result.err, "nope.txt")
    assert not (tmp_path / "series").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t \r\n", "empty"),
        ("picture.txt", PNG_HEADER + bytes(range(256)) * 8, "PNG"),
        ("garbage.txt", bytes([0x81, 0x20, 0xFE, 0xFF, 0x80]) * 400 + b"\x00\x01\x02" * 50, ""),
    ],
)
def test_unreadable_sources_write_nothing(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = run_cli("init", tmp_path / "series", "--from", source)
    assert_refused(result.code, result.err, expected)
    assert not (tmp_path / "series").exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    source = tmp_path / "huge.txt"
    with source.open("wb") as stream:  # sparse: 200 MB on paper, nothing on disk
        stream.truncate(200 * 1024 * 1024)
    result = run_cli("init", tmp_path / "series", "--from", source)
    assert_refused(result.code, result.err, "MB")
    assert not (tmp_path / "series").exists()


def test_an_existing_project_is_not_replaced_without_force(tmp_path: Path, zh_story: Path) -> None:
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    config = (project / "microdrama.toml").read_text(encoding="utf-8")
    result = run_cli("init", project, "--from", zh_story, "--title", "Another")
    assert_refused(result.code, result.err, "already exists", "--force")
    assert (project / "microdrama.toml").read_text(encoding="utf-8") == config
    forced = run_cli("init", project, "--from", zh_story, "--title", "Another", "--force")
    assert forced.code == 0, forced.err
    assert 'title = "Another"' in (project / "microdrama.toml").read_text(encoding="utf-8")


def test_a_non_project_folder_is_never_replaced(tmp_path: Path, zh_story: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "keep.jpg").write_bytes(b"precious")
    result = run_cli("init", folder, "--from", zh_story, "--force")
    assert_refused(result.code, result.err, "not a microdrama project")
    assert (folder / "keep.jpg").read_bytes() == b"precious"


def test_hand_edited_episode_errors_name_file_line_and_field(tmp_path: Path, zh_story: Path) -> None:
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    assert run_cli("adapt", project, "--episodes", "3").code == 0
    episode = project / "episodes" / "002.yaml"
    original = episode.read_text(encoding="utf-8")
    lines = original.splitlines()

    number = next(i for i, line in enumerate(lines) if line.strip().startswith("seconds:") and line.startswith("    "))
    broken = lines.copy()
    broken[number] = broken[number].split(":")[0] + ": a while"
    episode.write_text("\n".join(broken) + "\n", encoding="utf-8")
    result = run_cli("show", project)
    assert_refused(result.code, result.err, f"episodes/002.yaml:{number + 1}:", ".seconds:")

    number = next(i for i, line in enumerate(lines) if "speaker:" in line and "narrator" not in line)
    broken = lines.copy()
    broken[number] = broken[number].split(":")[0] + ": nobody_here"
    episode.write_text("\n".join(broken) + "\n", encoding="utf-8")
    result = run_cli("show", project)
    assert_refused(result.code, result.err, f"episodes/002.yaml:{number + 1}:", "unknown speaker 'nobody_here'")

    # adapt must not silently overwrite the hand edit
    result = run_cli("adapt", project, "--episodes", "3")
    assert_refused(result.code, result.err, "episodes/002.yaml", "--force")
    assert "nobody_here" in episode.read_text(encoding="utf-8")


def test_too_many_episodes_for_the_source(tmp_path: Path, zh_story: Path) -> None:
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    result = run_cli("adapt", project, "--episodes", "200")
    assert_refused(result.code, result.err, "too short for 200 episodes")
    assert not (project / "bible.yaml").exists()


def test_commands_on_something_that_is_not_a_project(tmp_path: Path) -> None:
    result = run_cli("show", tmp_path)
    assert_refused(result.code, result.err, "not a microdrama project")
    result = run_cli("adapt", tmp_path / "missing")
    assert_refused(result.code, result.err, "microdrama init")


def test_an_unwritable_episodes_folder_is_a_clear_error(tmp_path: Path, zh_story: Path) -> None:
    """Root ignores permissions, so block the folder by putting a file where it should be."""
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    (project / "episodes").rmdir()
    (project / "episodes").write_text("in the way", encoding="utf-8")
    result = run_cli("adapt", project, "--episodes", "3")
    assert_refused(result.code, result.err, "cannot write", "episodes")
    assert (project / "episodes").read_text(encoding="utf-8") == "in the way"
