"""The CLI's terminal output with hostile or awkward input, through the real entry point:
one-line errors instead of tracebacks, user text that cannot steer the terminal or Rich's
markup, hints that can be pasted into a shell, and tables that fit the terminal."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from microdrama.build.ledger import Ledger
from tests.conftest import Run, run_cli
from tests.test_adapt_atomic import unwritable

CONTROLS = ("\x1b", "\x9b", "\x07", "\x08", "\x90", "\x9d")


def run_at_width(columns: int, *args: str | Path) -> Run:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "microdrama", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(result: Run) -> None:
    assert result.code != 0
    assert "Traceback" not in result.err
    assert result.err.startswith("error:") and len(result.err.strip().splitlines()) == 1, result.err


# -- item 12: init into a folder that cannot be written ----------------------------------------


@pytest.mark.parametrize("inside", ["series", "deeper/still/series"])
def test_init_into_a_read_only_parent_is_a_one_line_error(tmp_path: Path, zh_story: Path, inside: str) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    with unwritable(parent):
        result = run_cli("init", parent / inside, "--from", zh_story)
        assert_one_line_error(result)
        assert "cannot create" in result.err and "permissions" in result.err
        assert list(parent.iterdir()) == []  # nothing half-made


# -- item 12: paths that look like Rich markup or shell syntax ---------------------------------


def hint(out: str, cwd: Path) -> list[str]:
    """The words a real shell makes of the command a `Next:` hint tells the user to type."""
    text = " ".join(out.split("\n"))  # a long hint may wrap
    command = text.split("Next:")[-1].split(", then")[0].strip()
    words = subprocess.run(
        ["sh", "-c", "for word in " + command + "; do printf '%s\\0' \"$word\"; done"],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    ).stdout
    return words.split("\0")[:-1]


@pytest.mark.parametrize("name", ["a[/]b", "[bold]x[/bold] $HOME", "ep [1] $(touch x)"])
def test_paths_with_brackets_and_dollars_print_as_typed(tmp_path: Path, zh_story: Path, name: str) -> None:
    project = tmp_path / name
    created = run_cli("init", project, "--from", zh_story)
    assert created.code == 0, created.err
    assert str(project) in created.out
    assert hint(created.out, tmp_path) == ["microdrama", "adapt", str(project)]
    adapted = run_cli("adapt", project, "--episodes", "3")
    assert adapted.code == 0, adapted.err
    assert str(project / "bible.yaml") in adapted.out
    assert hint(adapted.out, tmp_path) == ["microdrama", "show", str(project)]
    assert not (tmp_path / "x").exists()  # nothing in the name ran
    exported = run_cli("export", project, "--format", "json")
    assert exported.code == 0, exported.err
    assert str(project / "build" / "out" / "export" / "json") in exported.out


def test_an_error_naming_a_markup_like_path_is_printed_as_is(tmp_path: Path) -> None:
    missing = tmp_path / "x[/]y[red]"
    result = run_cli("show", missing)
    assert_one_line_error(result)
    assert str(missing) in result.err


# -- item 15: terminal control codes in text from files, folders and servers --------------------

HOSTILE = "red \x1b[31mtext\x1b[0m clear\x1b[2J title\x1b]0;owned\x07 csi\x9b2J dcs\x90q back\x08"


def assert_no_controls(text: str) -> None:
    for control in CONTROLS:
        assert control not in text, repr(control)


def test_provider_errors_in_the_ledger_are_shown_not_obeyed(tmp_path: Path, zh_story: Path) -> None:
    """A provider's error text (a server's reply) is stored in the ledger and printed by `ledger`."""
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    Ledger(project / "build" / "ledger.sqlite").record(
        run_id="20261208-010203-a1b2c3",
        started=time.time(),
        stage="write.script",
        provider="relay",
        kind="openai",
        model="m",
        capability="text",
        request_key="0" * 64,
        attempt=1,
        status="failed",
        error=HOSTILE,
    )
    result = run_cli("ledger", project)
    assert result.code == 0, result.err
    assert_no_controls(result.out)
    assert "\\x1b[31mtext" in result.out  # visible as text
    as_json = run_cli("ledger", project, "--json")
    assert as_json.code == 0, as_json.err
    assert_no_controls(as_json.out)
    assert json.loads(as_json.out)["error"] == HOSTILE  # still exact for the script that reads it


def test_folder_names_with_control_codes_are_shown_not_obeyed(tmp_path: Path, zh_story: Path) -> None:
    project = tmp_path / "ep\x1b[2J\x9b31m"
    created = run_cli("init", project, "--from", zh_story)
    assert created.code == 0, created.err
    assert_no_controls(created.out)
    assert "ep\\x1b[2J\\x9b31m" in created.out
    missing = run_cli("show", tmp_path / "gone\x1b]0;owned\x07")
    assert_one_line_error(missing)
    assert_no_controls(missing.err)


# -- item 15: a long story without punctuation ---------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_long_story_without_punctuation_is_adapted(tmp_path: Path, language: str) -> None:
    chooser = random.Random(15)
    if language == "zh":
        words = [
            "老人",
            "走到",
            "河边",
            "女孩",
            "看见了他",
            "她喊",
            "他的名字",
            "但他",
            "没有回头",
            "风很大",
            "天很黑",
            "门开了",
        ]
        text = "".join(chooser.choice(words) for _ in range(90_000))[:265_000]
    else:
        words = [
            "the",
            "old",
            "man",
            "walked",
            "to",
            "the",
            "river",
            "and",
            "the",
            "girl",
            "saw",
            "him",
            "there",
            "she",
            "called",
            "his",
            "name",
        ]
        text = " ".join(chooser.choice(words) for _ in range(60_000))[:265_000]
    story = tmp_path / f"{language}.txt"
    story.write_text(text, encoding="utf-8")
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", story).code == 0
    result = run_cli("adapt", project, "--episodes", "5")
    assert result.code == 0, result.err
    assert len(list((project / "episodes").glob("*.yaml"))) == 5
    assert run_cli("validate", project).code == 0


# -- item 4: the ledger fits the terminal --------------------------------------------------------


def fill_ledger(project: Path) -> None:
    """Rows as the gateway writes them, in the project's real ledger."""
    book = Ledger(project / "build" / "ledger.sqlite")
    started = time.time() - 600
    for number in range(6):
        book.record(
            run_id=f"20261208-0102{number:02d}-a1b2c3",
            started=started + number,
            stage="write.script" if number % 2 else "image.frame",
            episode=number + 1,
            provider="writer-openai-compatible",
            kind="openai",
            model="qwen2.5-coder-1.5b-instruct-q4_k_m",
            capability="text" if number % 2 else "image",
            request_key=f"{number:064x}",
            attempt=1,
            status=["ok", "cached", "failed", "ok", "retry", "budget"][number],
            prompt_tokens=1200 + number,
            completion_tokens=340,
            units=1.0,
            cost=0.0123,
            currency="USD",
            latency_ms=2345.0,
            error="HTTP 429 from the provider: rate limited, retry after 20 s" if number == 2 else None,
        )


def test_the_ledger_fits_80_columns_and_shows_everything_at_200(tmp_path: Path, zh_story: Path) -> None:
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", zh_story).code == 0
    fill_ledger(project)

    narrow = run_at_width(80, "ledger", project)
    assert narrow.code == 0, narrow.err
    assert max(len(line) for line in narrow.out.splitlines()) <= 80
    assert "…" not in narrow.out  # no column is squeezed into "writ…"
    for kept in ("stage", "model", "cost", "status", "qwen2.5-coder-1.5b-instruct-q4_k_m", "write.script", "failed"):
        assert kept in narrow.out

    wide = run_at_width(200, "ledger", project)
    assert wide.code == 0, wide.err
    assert "…" not in wide.out
    header = next(line for line in wide.out.splitlines() if "provider" in line)
    for column in ("when", "run", "stage", "ep", "provider", "model", "tokens in/out", "cost", "ms", "status"):
        assert column in header
    assert "writer-openai-compatible" in wide.out and "rate limited" in wide.out
