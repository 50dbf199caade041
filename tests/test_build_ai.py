"""The build with AI providers: frames and voices from an OpenAI-compatible server on 127.0.0.1.

The server fails the way hosted APIs fail; the build must end correct, never pay twice
for a finished picture or line, stop cleanly at --max-cost, and label what AI made.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomlkit

from microdrama.build.ledger import Ledger
from microdrama.render.probe import probe
from tests.conftest import run_cli
from tests.fakes.openai_server import OpenAIFake, running_openai_fake

KEY = "sk-build-test-0123456789"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIFake]:
    monkeypatch.setenv("BUILD_TEST_KEY", KEY)  # inherited by the CLI subprocesses
    with running_openai_fake(api_key=KEY) as server:
        yield server


def ai_project(tmp_path: Path, en_story: Path, url: str, *, speech: bool = False) -> Path:
    root = tmp_path / "series"
    assert run_cli("init", root, "--from", en_story).code == 0
    assert run_cli("adapt", root, "--episodes", "1", "--minutes", "0.5").code == 0
    config = root / "microdrama.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    document["ai"]["image"] = "remote"  # type: ignore[index]
    if speech:
        document["ai"]["speech"] = "remote"  # type: ignore[index]
    provider = tomlkit.table()
    provider.update(
        {
            "kind": "openai",
            "base_url": url,
            "model": "fake-model",
            "api_key_env": "BUILD_TEST_KEY",
            "image_sizes": ["768x1344", "1024x1024"],
            "voices": ["alloy", "echo", "nova"],
            "retry_base_seconds": 0.01,
            "timeout_seconds": 5,
            "price": {"per_image": 0.1, "per_million_characters": 15.0},
        }
    )
    document.setdefault("providers", tomlkit.table())["remote"] = provider  # type: ignore[index]
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    return root


def image_calls(fake: OpenAIFake) -> list[str]:
    """The prompt|seed of every image request the server answered with a picture."""
    return [
        f"{r.json['prompt']}|{r.json.get('seed')}"
        for r in fake.requests
        if r.path.endswith("/images/generations") and r.fault == "ok" and r.json is not None
    ]


def test_faults_mid_build_end_correct_with_no_duplicate_paid_call(
    tmp_path: Path, en_story: Path, fake: OpenAIFake
) -> None:
    root = ai_project(tmp_path, en_story, fake.url)
    fake.faults.extend(["500", "429:1", "reset", "truncated", "invalid_json"])
    result = run_cli("preview", root, "1")
    assert result.code == 0, result.err
    paid = image_calls(fake)
    assert len(paid) == len(set(paid)), "no picture was paid for twice"
    calls = Ledger(root / "build" / "ledger.sqlite").calls()
    assert sorted(c.status for c in calls) == sorted(["ok"] * len(paid) + ["retry"] * 5)
    assert sum(c.cost for c in calls) == pytest.approx(0.1 * len(paid))
    # frames lost from the build cache come back from the provider cache: nothing is sent again
    shutil.rmtree(root / "build" / "cache" / "frame")
    before = len(fake.requests)
    assert run_cli("preview", root, "1").code == 0
    assert len(fake.requests) == before
    assert {c.status for c in Ledger(root / "build" / "ledger.sqlite").calls()[len(calls) :]} == {"cached"}


def test_max_cost_stops_cleanly_then_a_bigger_budget_finishes_without_paying_twice(
    tmp_path: Path, en_story: Path, fake: OpenAIFake
) -> None:
    root = ai_project(tmp_path, en_story, fake.url, speech=True)
    plan = run_cli("build", root, "--dry-run")
    assert plan.code == 0 and "remote" in plan.out and "fake-model" in plan.out
    assert not fake.requests, "a dry run sends nothing"

    stopped = run_cli("build", root, "--max-cost", "0.25", "--workers", "1")
    assert stopped.code == 7, stopped.err
    assert "max-cost 0.25" in stopped.err and "Traceback" not in stopped.err
    assert not list((root / "build").rglob("*.tmp")), "nothing half-written"
    assert not (root / "build" / "out" / "ep001.mp4").exists()
    first = Ledger(root / "build" / "ledger.sqlite").calls()
    assert sum(c.cost for c in first) <= 0.25
    assert "budget" in {c.status for c in first}

    finished = run_cli("build", root, "--max-cost", "100")
    assert finished.code == 0, finished.err
    paid = image_calls(fake)
    assert len(paid) == len(set(paid)), "work finished before the stop was not bought again"
    speech = [r for r in fake.requests if r.path.endswith("/audio/speech") and r.fault == "ok"]
    assert speech and {r.json["voice"] for r in speech if r.json} <= {"alloy", "echo", "nova"}
    info = probe(root / "build" / "out" / "ep001.mp4")
    assert "AI" in info.metadata.get("comment", ""), "AI-made episodes say so in their metadata"
    calls = Ledger(root / "build" / "ledger.sqlite").calls()
    ledger = run_cli("ledger", root)
    assert ledger.code == 0 and "paid call(s)" in ledger.out
    assert f"{len([c for c in calls if c.status == 'ok'])} paid call(s)" in ledger.out
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".toml", ".yaml", ".json", ".sqlite", ".otio", ".ass"):
            assert KEY.encode() not in path.read_bytes(), f"the API key leaked into {path}"


def test_a_missing_key_stops_the_build_before_any_work(tmp_path: Path, en_story: Path, fake: OpenAIFake) -> None:
    root = ai_project(tmp_path, en_story, fake.url)
    env_key = os.environ.pop("BUILD_TEST_KEY")
    try:
        result = run_cli("build", root)
    finally:
        os.environ["BUILD_TEST_KEY"] = env_key
    assert result.code == 6 and "BUILD_TEST_KEY" in result.err and "Traceback" not in result.err
    assert not fake.requests
