"""`validate` (and every command that loads a project) refuses what would make a wrong or stuck build:
duplicate ids, an episode number that is not its file's, text past sane bounds or with control
characters, source files outside the project, non-http(s) provider URLs; new projects respect the umask."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest

from microdrama.model import Character, Line, Shot
from microdrama.model.bounds import MAX_LINES_PER_SHOT, MAX_NAME_CHARS, MAX_SPOKEN_CHARS, MAX_TITLE_CHARS
from microdrama.project.atomic import write_text_atomic
from tests.conftest import STORIES, adapt_sample, run_cli


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return adapt_sample(tmp_path_factory.mktemp("hardening"), episodes=2)


@pytest.fixture
def project(sample: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "series"
    shutil.copytree(sample, copy, symlinks=True)
    return copy


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` with ``new``; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def assert_refused(project: Path, command: str, *fragments: str) -> str:
    result = run_cli(command, project)
    assert result.code != 0, result.out
    assert "Traceback" not in result.err, result.err
    assert result.err.strip().startswith("error:"), result.err
    for fragment in fragments:
        assert fragment in result.err, result.err
    return result.err


# -- item 7: ids and episode numbers -----------------------------------------------------


def test_a_duplicate_shot_id_is_an_error_with_its_line_for_validate_show_and_build(project: Path) -> None:
    episode = project / "episodes" / "001.yaml"
    line = replace_once(episode, "- id: 1-1-3\n", "- id: 1-1-2\n")
    for command in ("validate", "show", "build"):
        assert_refused(
            project, command, f"episodes/001.yaml:{line}: scenes[0].shots[2].id:", "shot id '1-1-2' is used twice"
        )
    assert not (project / "build" / "out" / "episode-001.mp4").exists()


def test_a_duplicate_scene_id_is_an_error_with_its_line(project: Path) -> None:
    episode = project / "episodes" / "002.yaml"
    line = replace_once(episode, "  - id: 2-2\n", "  - id: 2-1\n")
    assert_refused(project, "validate", f"episodes/002.yaml:{line}: scenes[1].id:", "scene id '2-1' is used twice")


def test_an_episode_number_that_disagrees_with_its_file_name_is_an_error(project: Path) -> None:
    episode = project / "episodes" / "002.yaml"
    line = replace_once(episode, "\nnumber: 2\n", "\nnumber: 7\n") + 1
    for command in ("validate", "show"):
        assert_refused(project, command, f"episodes/002.yaml:{line}: number:", "episode 7", "002.yaml")


# -- item 9: bounds on text and control characters ---------------------------------------------


def test_an_overlong_line_is_refused_by_validate_and_build_before_any_voice(project: Path) -> None:
    episode = project / "episodes" / "001.yaml"
    line = replace_once(episode, "text: 爹，灯油又没了。", "text: " + "爹" * 1_000_000)
    for command in ("validate", "build"):
        err = assert_refused(project, command, f"episodes/001.yaml:{line}: scenes[0].shots[1].lines[0].text:")
        assert f"at most {MAX_SPOKEN_CHARS:,} characters" in err or f"at most {MAX_SPOKEN_CHARS} characters" in err
        assert len(err) < 2000, "the message does not echo the text"
    assert not list((project / "build").glob("cache/**/*.wav"))


def test_a_nul_in_a_line_is_named_with_its_position(project: Path) -> None:
    episode = project / "episodes" / "001.yaml"
    line = replace_once(episode, "text: 爹，灯油又没了。", 'text: "爹，\\0灯油又没了。"')
    for command in ("validate", "build"):
        assert_refused(
            project, command, f"episodes/001.yaml:{line}: scenes[0].shots[1].lines[0].text:", "control character U+0000"
        )


def test_a_huge_character_name_and_a_bell_in_a_title_are_refused(project: Path) -> None:
    bible = project / "bible.yaml"
    text = bible.read_text(encoding="utf-8")
    first_name = next(row for row in text.splitlines() if row.strip().startswith("name:"))
    line = replace_once(bible, first_name, first_name.split(":")[0] + ": " + "林" * 10_000_000)
    assert_refused(project, "validate", f"bible.yaml:{line}: characters[0].name:", "at most")
    bible.write_text(text, encoding="utf-8")
    episode = project / "episodes" / "002.yaml"
    title = next(row for row in episode.read_text(encoding="utf-8").splitlines() if row.startswith("title:"))
    line = replace_once(episode, title, 'title: "a\\abell"')
    assert_refused(project, "show", f"episodes/002.yaml:{line}: title:", "control character U+0007")


def test_a_newline_is_fine_in_a_spoken_line_but_not_in_a_name() -> None:
    Line(speaker="lin", text="first\nsecond\tthird")
    with pytest.raises(pydantic.ValidationError, match="control character U\\+000A"):
        Character(id="lin", name="Lin\nMei")


def test_counts_are_bounded() -> None:
    lines = [Line(speaker="lin", text="x")] * (MAX_LINES_PER_SHOT + 1)
    with pytest.raises(pydantic.ValidationError, match=f"at most {MAX_LINES_PER_SHOT} items"):
        Shot(id="1-1-1", seconds=1.0, lines=lines)
    with pytest.raises(pydantic.ValidationError):
        Shot(id="1-1-" + "9" * 5000, seconds=1.0)


# -- item 11: source files stay inside the project ------------------------------------------


@pytest.mark.parametrize("outside", ["../../../../etc/passwd", "/etc/passwd", "source/../../elsewhere.txt"])
def test_a_source_file_outside_the_project_is_refused(project: Path, outside: str) -> None:
    config = project / "microdrama.toml"
    line = replace_once(config, 'files = ["source/zh-story.txt"]', f'files = ["{outside}"]')
    for command in ("validate", "adapt"):
        assert_refused(project, command, f"microdrama.toml:{line}: source.files", "outside the project")


def test_a_source_symlink_leading_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("这不是故事。\n" * 40, encoding="utf-8")
    (project / "source" / "link.txt").symlink_to(secret)
    config = project / "microdrama.toml"
    line = replace_once(config, 'files = ["source/zh-story.txt"]', 'files = ["source/link.txt"]')
    assert_refused(project, "adapt", f"microdrama.toml:{line}: source.files", "outside the project")
    assert "这不是故事" not in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")


def test_a_source_symlink_inside_the_project_is_fine(project: Path) -> None:
    (project / "source" / "link.txt").symlink_to(project / "source" / "zh-story.txt")
    replace_once(project / "microdrama.toml", 'files = ["source/zh-story.txt"]', 'files = ["source/link.txt"]')
    assert run_cli("validate", project).code == 0


# -- item 15: provider URLs and file modes -------------------------------------------------------


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/v1", "gopher://127.0.0.1:70", "http://"])
def test_a_provider_base_url_must_be_http_or_https(project: Path, url: str) -> None:
    config = project / "microdrama.toml"
    with config.open("a", encoding="utf-8") as stream:
        stream.write(f'\n[providers.comfy]\nkind = "comfyui"\nbase_url = "{url}"\n')
    line = config.read_text(encoding="utf-8").splitlines().index(f'base_url = "{url}"') + 1
    assert_refused(project, "validate", f"microdrama.toml:{line}: providers.comfy.base_url:", "http(s)")


def test_an_http_base_url_passes(project: Path) -> None:
    config = project / "microdrama.toml"
    with config.open("a", encoding="utf-8") as stream:
        stream.write('\n[providers.comfy]\nkind = "comfyui"\nbase_url = "http://127.0.0.1:8188"\n')
    result = run_cli("validate", project)
    assert result.code == 0, result.err


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "folder_mode", "file_mode"), [(0o002, 0o775, 0o664), (0o077, 0o700, 0o600)])
def test_a_new_project_follows_the_umask(
    tmp_path: Path, umask: None, mask: int, folder_mode: int, file_mode: int
) -> None:
    os.umask(mask)  # the CLI runs in a child process, which inherits it
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    assert mode(project) == folder_mode
    assert mode(project / "source") == folder_mode
    assert mode(project / "microdrama.toml") == file_mode
    assert mode(project / "source" / "zh-story.txt") == file_mode
    assert run_cli("adapt", project, "--episodes", "2", "--minutes", "1").code == 0
    assert mode(project / "bible.yaml") == file_mode
    assert mode(project / "episodes" / "001.yaml") == file_mode


def test_a_rewrite_keeps_the_mode_a_person_gave_the_file(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "notes.txt"
    write_text_atomic(path, "one")
    assert mode(path) == 0o644
    path.chmod(0o640)
    write_text_atomic(path, "two")
    assert mode(path) == 0o640
    assert path.read_text(encoding="utf-8") == "two"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_run_on_page_without_punctuation_still_adapts_into_bounded_lines(tmp_path: Path, language: str) -> None:
    story = (STORIES / f"{language}-story.txt").read_text(encoding="utf-8")
    words = ["灯", "油", "雾", "门", "纸", "手", "印"] if language == "zh" else ["lamp", "oil", "fog", "door", "paper"]
    run_on = ("" if language == "zh" else " ").join(words[i % len(words)] for i in range(5000))
    paragraphs = story.split("\n\n")
    source = tmp_path / "story.txt"
    source.write_text("\n\n".join([*paragraphs[:3], run_on, *paragraphs[3:]]), encoding="utf-8")
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", source).code == 0
    result = run_cli("adapt", project, "--episodes", "2", "--minutes", "1")
    assert result.code == 0, result.err
    assert run_cli("validate", project).code == 0


def test_a_title_option_past_the_bounds_is_a_usage_error(tmp_path: Path) -> None:
    for title, expected in (("a\x1bb", "control character U+001B"), ("x" * (MAX_TITLE_CHARS + 1), "at most")):
        result = run_cli("init", tmp_path / "series", "--from", STORIES / "zh-story.txt", "--title", title)
        assert result.code != 0 and "Traceback" not in result.err, result.err
        assert result.err.startswith("error: --title:") and expected in result.err, result.err
        assert not (tmp_path / "series").exists()


def test_a_source_whose_name_has_a_newline_still_makes_a_valid_project(tmp_path: Path) -> None:
    source = tmp_path / "two\nlines.txt"
    shutil.copyfile(STORIES / "zh-story.txt", source)
    project = tmp_path / "series"
    result = run_cli("init", project, "--from", source)
    assert result.code == 0, result.err
    assert (project / "source" / "two lines.txt").is_file()
    result = run_cli("adapt", project, "--episodes", "2", "--minutes", "1")
    assert result.code == 0, result.err


def test_a_model_reply_with_control_characters_and_a_huge_name_maps_inside_the_bounds() -> None:
    """A model's reply is not a file: it is tidied into the bounds, not failed with a bare pydantic error."""
    from microdrama.write.llm.mapping import bible_from_draft
    from microdrama.write.llm.replies import SeriesDraft
    from tests.test_llm_writer import _series_reply

    reply = _series_reply({})
    reply["title"] = "归来\x07\n第二行"
    reply["logline"] = "复仇\x00的故事"
    reply["protagonist"]["name"] = "林" * 5000
    reply["locations"][0]["name"] = "顾家\x1b[2J大厅"
    bible = bible_from_draft(SeriesDraft.model_validate(reply), language="zh", minutes_per_episode=1.0, episodes=3)
    assert bible.series.title == "归来 第二行" and bible.series.logline == "复仇 的故事"
    assert len(bible.characters[0].name) == MAX_NAME_CHARS
    assert bible.locations[0].name == "顾家 [2J大厅"


def test_a_bad_base_url_is_reported_at_its_own_table_line(project: Path) -> None:
    config = project / "microdrama.toml"
    with config.open("a", encoding="utf-8") as stream:
        stream.write('\n[providers.good]\nkind = "openai"\nbase_url = "https://api.example.org/v1"\n')
        stream.write('\n[providers.bad]\nkind = "openai"\nbase_url = "file:///etc/passwd"\n')
    line = config.read_text(encoding="utf-8").splitlines().index('base_url = "file:///etc/passwd"') + 1
    assert_refused(project, "validate", f"microdrama.toml:{line}: providers.bad.base_url:", "'file' is refused")


def test_an_assembled_model_follows_the_umask(tmp_path: Path, umask: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import struct

    from microdrama.providers.local_models import ModelSpec, assemble

    blob = b"GGUF" + struct.pack("<I", 3) + os.urandom(50_000)
    package = tmp_path / "site" / "mdtest_umask_part1"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data" / "part01.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    os.umask(0o027)
    path = assemble(ModelSpec("fake", (package.name,), hashlib.sha256(blob).hexdigest(), len(blob)), tmp_path / "c")
    assert path.read_bytes() == blob
    assert mode(path) == 0o640
