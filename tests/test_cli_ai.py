"""The AI commands as a user types them: serve-llm, providers, new, ledger, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from microdrama.build.ledger import Ledger
from microdrama.project.config import load_config
from microdrama.providers.gateway import Gateway
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`microdrama serve-llm --port 0` in a subprocess; yields its base URL."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "microdrama", "serve-llm", "--port", "0", "--model", "qwen2.5-coder-0.5b"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 180
        url = ""
        while time.monotonic() < deadline and not url:
            line = process.stdout.readline()
            if not line:
                break
            if "Serving" in line:
                url = next(word for word in line.split() if word.startswith("http://"))
        assert url.startswith("http://127.0.0.1:"), "serve-llm printed no URL"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def project_using(tmp_path: Path, url: str) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    (root / "microdrama.toml").write_text(
        f"""
[series]
title = "Served"
language = "en"

[ai]
text = "served"

[providers.served]
kind = "openai"
base_url = "{url}"
model = "qwen2.5-coder-0.5b"
json_schema = true
max_retries = 1
""",
        encoding="utf-8",
    )
    return root


class Logline(BaseModel):
    title: str
    logline: str


def test_the_openai_backend_talks_to_serve_llm_over_real_http(tmp_path: Path, served: str) -> None:
    root = project_using(tmp_path, served)
    gateway = Gateway(root, load_config(root / "microdrama.toml"))
    reply = gateway.structured(
        "write.series",
        [("user", "Invent a title and a one-sentence logline for a revenge drama.")],
        Logline,
        max_tokens=80,
        temperature=0.0,
    )
    assert reply.title.strip() and reply.logline.strip()
    assert gateway.stats.repairs == 0, "the schema is enforced by the server's grammar"
    calls = Ledger(root / "build" / "ledger.sqlite").calls()
    assert [c.status for c in calls] == ["ok"] and calls[0].prompt_tokens > 0 and calls[0].completion_tokens > 0

    tested = run_cli("providers", "test", root)
    assert tested.code == 0, tested.err
    assert "served (openai, qwen2.5-coder-0.5b) replied" in tested.out
    listed = run_cli("providers", "list", root)
    assert listed.code == 0 and "write.rewrite" in listed.out and "procedural" in listed.out


@pytest.mark.parametrize(
    ("idea", "message"),
    [("   ", "one-line idea"), ("重生" * 50_000, "microdrama init"), ("\x00\x01binary", "control characters")],
)
def test_new_refuses_an_empty_huge_or_binary_idea_before_any_work(tmp_path: Path, idea: str, message: str) -> None:
    """The idea comes on stdin ("-"): a 100,000-character argument would not even fit a command line."""
    result = subprocess.run(
        [sys.executable, "-m", "microdrama", "new", "-", "--out", str(tmp_path / "s")],
        input=idea,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()


def test_serve_llm_refuses_the_network_without_a_key() -> None:
    result = run_cli("serve-llm", "--host", "0.0.0.0", "--port", "0")
    assert result.code == 2 and "--api-key-env" in result.err


def test_new_writes_a_valid_series_with_the_embedded_model(tmp_path: Path) -> None:
    root = tmp_path / "rebirth"
    result = run_cli("new", "A florist discovers her fiance is a con man", "--out", root, "--episodes", "1")
    assert result.code == 0, result.err
    shown = run_cli("validate", root)
    assert shown.code == 0, shown.err
    episode = (root / "episodes" / "001.yaml").read_text(encoding="utf-8")
    assert "written_by:" in episode and "provider: local" in episode
    plan = run_cli("build", root, "--dry-run")
    assert plan.code == 0 and "Estimated cost" in plan.out
    ledger = run_cli("ledger", root)
    assert ledger.code == 0 and "local" in ledger.out and "paid call(s)" in ledger.out
    again = run_cli("new", "A florist discovers her fiance is a con man", "--out", root)
    assert again.code == 4 and "already has a series" in again.err


def test_adapt_refuses_the_llm_writer_when_text_is_none(tmp_path: Path, en_story: Path) -> None:
    root = tmp_path / "s"
    assert run_cli("init", root, "--from", en_story).code == 0
    config = root / "microdrama.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('text = "local"', 'text = "none"'), encoding="utf-8")
    result = run_cli("adapt", root, "--episodes", "1", "--writer", "llm")
    assert result.code == 2 and 'text = "local"' in result.err
