"""Project files a person (or an attacker) wrote: every reader refuses what could exhaust it
with one line naming the file, and every file written reads back the same in YAML 1.1 and 1.2."""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest
import yaml
from ruamel.yaml import YAML

from microdrama.errors import ValidationError
from microdrama.evaluate.catalog import read_catalog
from microdrama.evaluate.report import REPORT_VERSION
from microdrama.project.config import load_config, update_config
from microdrama.project.folder import Project
from microdrama.project.yamlio import FLOW_KEYS, FLOW_LISTS, load_yaml, save_model
from microdrama.studio.server import running
from microdrama.studio.state import ProjectState
from tests.conftest import Run, run_cli

ALIASES = "aliases (&/*) are not allowed in project files"
MEMORY_CEILING = 3 * 1024**3  # bytes of address space for a CLI run: a bomb fails the test, not the machine


def run_bounded(*args: str | Path) -> Run:
    return run_cli(*args, memory_cap=MEMORY_CEILING)


@pytest.fixture
def memory_ceiling() -> Iterator[None]:
    """The same cap for a test that reads in this process: 2 GB more than it has now, lifted after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 2 * 1024**3, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def one_line_error(run: Run, *fragments: str) -> str:
    assert run.code != 0, run.out
    assert "Traceback" not in run.err, run.err
    first = run.err.strip().splitlines()[0]
    assert first.startswith("error:"), run.err
    for fragment in fragments:
        assert fragment in first, run.err
    return first


def laughs(levels: int = 9) -> str:
    """Nested aliases: a few KB of text that stand for 9**levels strings."""
    rows = ['  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(rows) + "\n"


def plant_bomb(path: Path) -> int:
    """Put the bomb in front of schema_version (whose error message would print it); returns its first line."""
    text = path.read_text(encoding="utf-8")
    before = text.split("schema_version:", 1)[0]
    bombed = text.replace("schema_version: 3", f"defs:\n{laughs()}schema_version: *l8", 1)
    path.write_text(bombed, encoding="utf-8")
    assert len(bombed.encode()) > 6000
    return before.count("\n") + 2  # the line of `l0: &l0`


# -- item 6: aliases ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [("validate",), ("show",), ("show", "-e", "2"), ("build",)])
def test_an_alias_bomb_in_an_episode_is_refused_by_the_cli(project: Path, command: tuple[str, ...]) -> None:
    line = plant_bomb(project / "episodes" / "002.yaml")
    run = run_bounded(command[0], project, *command[1:])
    one_line_error(run, f"episodes/002.yaml:{line}:", ALIASES)
    assert not (project / "build" / "out" / "ep001.mp4").exists()


def test_an_anchor_in_the_bible_is_refused_with_its_line(project: Path) -> None:
    path = project / "bible.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, text in enumerate(lines) if text.startswith("series:"))
    lines[number] = "series: &main"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one_line_error(run_bounded("validate", project), f"bible.yaml:{number + 1}:", ALIASES)


@pytest.mark.usefixtures("memory_ceiling")
def test_the_studio_loader_refuses_an_alias_bomb(project: Path) -> None:
    line = plant_bomb(project / "episodes" / "002.yaml")
    state = ProjectState(project)
    with pytest.raises(ValidationError, match=re.escape(f"episodes/002.yaml:{line}: {ALIASES}")):
        state.episode(2)
    with pytest.raises(ValidationError, match=re.escape(ALIASES)):
        state.episodes()
    assert state.episode(1)[0].number == 1  # the others still open


@pytest.mark.usefixtures("memory_ceiling")
def test_the_catalog_skips_a_project_with_an_alias_bomb(project: Path, tmp_path: Path) -> None:
    plant_bomb(project / "episodes" / "003.yaml")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.move(project, catalog / "bombed")
    (catalog / "other.txt").write_text("一个完整的故事。" * 40, encoding="utf-8")
    works, skipped = read_catalog(catalog)
    assert [work.work_id for work in works] == ["other.txt"]
    assert [entry.name for entry in skipped] == ["bombed"] and ALIASES in skipped[0].reason


# -- item 12: deep nesting, a folder where a file should be ---------------------------------------------


def test_thousands_of_nested_brackets_are_one_line_error(project: Path) -> None:
    path = project / "episodes" / "002.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("written_by:", "written_by: " + "[" * 5000 + "]" * 5000, 1), encoding="utf-8")
    first = one_line_error(run_bounded("validate", project), "episodes/002.yaml:", "nested")
    assert "RecursionError" not in first
    with pytest.raises(ValidationError, match="nested"):
        ProjectState(project).episode(2)


def test_deeply_nested_toml_is_one_line_error(project: Path) -> None:
    path = project / "microdrama.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[deep]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    one_line_error(run_bounded("validate", project), "microdrama.toml", "nested")


def test_an_episode_file_that_is_a_folder_is_named(project: Path) -> None:
    path = project / "episodes" / "002.yaml"
    path.unlink()
    path.mkdir()
    one_line_error(run_bounded("validate", project), "episodes/002.yaml", "folder")


def test_a_report_json_of_another_shape_leaves_the_board_without_numbers(project: Path) -> None:
    out = project / "build" / "out"
    out.mkdir(parents=True, exist_ok=True)
    old = {"report_version": 1, "episodes": [{"number": 1, "hook_latency": 2.0, "cliffhanger": "0.5"}]}
    (out / "report.json").write_text(json.dumps(old), encoding="utf-8")
    with running(project) as served:
        board = httpx.get(served.url)
        assert board.status_code == 200, board.text
        assert "microdrama evaluate" in board.text
    for foreign in ('{"episodes": [{"number": 1, "cliffhanger_strength": "strong"}]}', "[" * 5000 + "]" * 5000):
        (out / "report.json").write_text(foreign, encoding="utf-8")
        assert all(card.metrics == {} for card in ProjectState(project).cards())
    current = [{"number": 1, "hook_latency_seconds": None, "cliffhanger_strength": 0.5, "more": "kept"}]
    (out / "report.json").write_text(json.dumps({"report_version": REPORT_VERSION, "episodes": current}))
    assert ProjectState(project).cards()[0].metrics == current[0]  # this version's report is shown


# -- item 15: a byte-order mark -----------------------------------------------------------------


def test_a_byte_order_mark_is_accepted_in_toml_and_yaml(project: Path) -> None:
    for name in ("microdrama.toml", "bible.yaml", "episodes/001.yaml"):
        path = project / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = run_bounded("validate", project)
    assert run.code == 0, run.err
    update_config(project / "microdrama.toml", "render", {"workers": 2})
    assert load_config(project / "microdrama.toml").render.workers == 2
    assert ProjectState(project).episode(1)[0].number == 1


# -- item 10: what is written reads the same in YAML 1.1 and 1.2 ------------------------------------------

TRICKY = [
    *(
        form
        for word in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
        for form in (word, word.upper(), word.capitalize(), word.swapcase().capitalize().swapcase())
    ),
    "~",
    "",
    "Null",
    "NULL",
    "=",
    "<<",
    "1:30",
    "190:20:30",
    "1:30.5",
    "-1:30",
    "+1:30",
    "0777",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "6.8523015e+5",
    "685.230_15e+03",
    ".inf",
    "-.Inf",
    "+.INF",
    ".NaN",
    ".nan",
    "+12",
    "12",
    "1.0",
    "08",
    "09",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2002-12-14 21:59:43.10 -5",
    "2001-12-14 21:59:43.10",
    "?",
    "? x",
    "a ? b",
    "x?",
    "你是谁?",
    "谁? 我?",
    ":",
    ":x",
    "a:b",
    "a: b",
    "x:",
    "http://x.example/z?q=1&r=2",
    "#x",
    "a #b",
    "- x",
    "-",
    "--",
    "---",
    "...",
    "[x]",
    "{x}",
    "a,b",
    "a, b",
    "!x",
    "&a",
    "*a",
    "%x",
    "@x",
    "`x",
    "|",
    ">",
    "'q'",
    '"q"',
    " lead",
    "trail ",
    "tab\tin",
    "line\nbreak",
    "a\u2028b",
    "a\x85b",
    "é",
    "👋",
    "a\\b",
    "~x",
    "?x",
    "-?",
    "a]b",
    "a}b",
    "{a: b}",
    "[a, b]",
    "<<: x",
]
PIECES = [
    "yes",
    "No",
    "ON",
    "y",
    "1",
    "30",
    ":",
    "?",
    " ",
    "-",
    "#",
    ",",
    "[",
    "]",
    "{",
    "}",
    "~",
    "=",
    "<<",
    "0",
    "x",
    "'",
    '"',
    ".inf",
    "你",
    "null",
    "2001-12-14",
    "!",
    "&",
    "*",
    "%",
    "@",
    "|",
    ">",
    "\t",
    ".",
]


def generated(count: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4))) for _ in range(count)]


class Sample(pydantic.BaseModel):
    """A model with every shape the writer styles: block strings and keys, a flow mapping, a flow list."""

    model_config = pydantic.ConfigDict(extra="forbid")
    text: str
    table: dict[str, str]
    hook: dict[str, str]  # written on one line, as FLOW_KEYS says
    tropes: list[str]  # likewise, as FLOW_LISTS says


def sample(value: str) -> Sample:
    return Sample(text=value, table={value: value, "k": value}, hook={"text": value, "k": "v"}, tropes=[value, "x"])


def read_both(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return {
        "YAML 1.1 (PyYAML)": yaml.load(text, Loader=yaml.SafeLoader),
        "YAML 1.2 (ruamel)": YAML().load(text),
        "the project's reader": load_yaml(path, path.name),
    }


def test_written_strings_read_back_identically_in_yaml_1_1_and_1_2(tmp_path: Path) -> None:
    assert "hook" in FLOW_KEYS and "tropes" in FLOW_LISTS
    failures = []
    for index, value in enumerate(TRICKY + generated(300)):
        model = sample(value)
        path = tmp_path / f"{index}.yaml"
        save_model(path, model)
        try:
            read = read_both(path)
        except yaml.YAMLError as error:
            failures.append(f"{value!r}: PyYAML cannot read it ({str(error).splitlines()[0]})")
            continue
        for reader, got in read.items():
            if got != model.model_dump(mode="json"):
                failures.append(f"{value!r}: {reader} reads {got!r}")
    assert not failures, f"{len(failures)} of {len(TRICKY) + 300} misread:\n" + "\n".join(failures[:40])


def test_an_episode_saved_by_the_project_reads_the_same_in_pyyaml(project: Path) -> None:
    folder = Project.open(project)
    bible = folder.load_bible()
    episode = folder.load_episodes(bible)[0]
    episode.title = "No"
    episode.hook.text = "你是谁? 1:30"
    shot = next(shot for shot in episode.shots() if shot.lines)
    shot.description = "on"
    shot.lines[0].text = "? Yes"
    path = folder.save_episode(episode)
    assert yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) == episode.model_dump(mode="json")
    assert folder.load_episode(path, bible) == episode
