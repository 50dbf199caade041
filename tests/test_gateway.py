"""The gateway against real HTTP servers on 127.0.0.1 that fail the way real APIs fail.

Every test checks three things: the answer is right, nothing finished is paid for twice,
and the ledger says exactly what happened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from microdrama.build.ledger import Ledger
from microdrama.errors import BudgetExceeded, ProviderError, ValidationError
from microdrama.project.config import load_config
from microdrama.providers.base import ChatRequest, ImageRequest
from microdrama.providers.gateway import Gateway, StructuredOutputError, backoff_seconds, parse_reply
from microdrama.providers.http import validate_base_url
from tests.fakes.openai_server import OpenAIFake, running_openai_fake

SECRET = "sk-test-DO-NOT-LEAK-1234567890"


def write_project(root: Path, url: str, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "microdrama.toml").write_text(
        f"""
[series]
title = "Gateway test"
language = "en"

[ai]
text = "remote"
image = "remote"

[providers.remote]
kind = "openai"
base_url = "{url}"
model = "fake-model"
api_key_env = "GATEWAY_TEST_KEY"
timeout_seconds = 0.5
max_retries = 6
retry_base_seconds = 0.01
image_sizes = ["768x1344"]
price = {{ input_per_million_tokens = 1000.0, output_per_million_tokens = 2000.0, per_image = 0.1 }}
{extra}
""",
        encoding="utf-8",
    )
    return root


class Clock:
    """A clock the gateway's sleeps advance: waits are checked, never waited."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIFake]:
    monkeypatch.setenv("GATEWAY_TEST_KEY", SECRET)
    with running_openai_fake(api_key=SECRET) as server:
        server.slow_seconds = 1.0
        yield server


def gateway_for(root: Path, clock: Clock | None = None, **options: object) -> Gateway:
    config = load_config(root / "microdrama.toml")
    clock = clock or Clock()
    return Gateway(root, config, sleep=clock.sleep, clock=clock.time, **options)  # type: ignore[arg-type]


def ledger_rows(root: Path) -> list[tuple[str, int, str]]:
    return [(c.status, c.attempt, c.stage) for c in Ledger(root / "build" / "ledger.sqlite").calls()]


def hello(text: str = "Say hello") -> ChatRequest:
    return ChatRequest((("user", text),), max_tokens=16, temperature=0.0)


def test_every_transient_fault_in_sequence_is_retried_and_the_ledger_tells_it(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    fake.faults.extend(["500", "429:3", "truncated", "invalid_json", "slow", "reset", "ok"])
    clock = Clock()
    result = gateway_for(root, clock).chat("write.series", hello())
    assert result.text == "Hello from the fake server."
    chats = [r for r in fake.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 7
    rows = ledger_rows(root)
    assert [status for status, _, _ in rows] == ["retry"] * 6 + ["ok"]
    assert [attempt for _, attempt, _ in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert clock.sleeps[1] >= 3.0, "Retry-After: 3 is honoured"
    # the same request again is answered from the cache: nothing is sent, the ledger says "cached"
    again = gateway_for(root).chat("write.series", hello())
    assert again == result
    assert len([r for r in fake.requests if r.path.endswith("/chat/completions")]) == 7
    assert ledger_rows(root)[-1][0] == "cached"


def test_a_fault_that_never_clears_fails_after_max_retries_and_keeps_nothing(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    fake.faults.extend(["503"] * 7)
    with pytest.raises(ProviderError, match="failed 7 times"):
        gateway_for(root).chat("write.series", hello())
    assert [status for status, _, _ in ledger_rows(root)] == ["retry"] * 6 + ["failed"]
    assert not list((root / "build" / "cache").rglob("*.json")), "no answer is cached from a failure"
    # the next run asks again (and pays once) because nothing finished
    assert gateway_for(root).chat("write.series", hello()).text
    assert ledger_rows(root)[-1][0] == "ok"


def test_a_permanent_error_is_not_retried(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    fake.faults.append("400")
    with pytest.raises(ProviderError) as raised:
        gateway_for(root).chat("write.series", hello())
    assert not isinstance(raised.value, BudgetExceeded)
    assert [status for status, _, _ in ledger_rows(root)] == ["failed"]


def test_costs_are_recorded_and_the_budget_stops_before_the_call_that_would_pass_it(
    tmp_path: Path, fake: OpenAIFake
) -> None:
    root = write_project(tmp_path / "p", fake.url)
    gateway = gateway_for(root, max_cost=0.25)
    for seed in (1, 2):
        gateway.image("frames", ImageRequest(prompt="a door", width=768, height=1344, seed=seed))
    with pytest.raises(BudgetExceeded, match=r"max-cost 0\.25"):
        gateway.image("frames", ImageRequest(prompt="a door", width=768, height=1344, seed=3))
    images = [r for r in fake.requests if r.path.endswith("/images/generations")]
    assert len(images) == 2, "the budget stop sends nothing"
    calls = Ledger(root / "build" / "ledger.sqlite").calls()
    assert [c.status for c in calls] == ["ok", "ok", "budget"]
    assert sum(c.cost for c in calls) == pytest.approx(0.2)
    # a new run with more budget continues; the two finished pictures come from the cache
    more = gateway_for(root, max_cost=1.0)
    for seed in (1, 2, 3):
        more.image("frames", ImageRequest(prompt="a door", width=768, height=1344, seed=seed))
    assert len([r for r in fake.requests if r.path.endswith("/images/generations")]) == 3
    assert [c.status for c in Ledger(root / "build" / "ledger.sqlite").calls()][-3:] == ["cached", "cached", "ok"]


def test_text_cost_is_reserved_at_max_tokens_so_the_budget_is_never_passed(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    # 16 completion tokens at 2000 per million = 0.032 worst case, plus the prompt
    with pytest.raises(BudgetExceeded):
        gateway_for(root, max_cost=0.03).chat("write.series", hello())
    assert not [r for r in fake.requests if r.path.endswith("/chat/completions")]


def test_requests_per_minute_are_spaced_across_gateways(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url, "requests_per_minute = 2")
    clock = Clock()
    for index in range(3):
        gateway_for(root, clock).chat("write.series", hello(f"line {index}"))
    assert sum(clock.sleeps) == pytest.approx(60.0, abs=0.01), "the third call waits for the window to open"


class Verdict(BaseModel):
    speaker: str
    line: str


def test_structured_output_is_repaired_then_validated(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    answers = iter(
        ["not json at all", json.dumps({"speaker": "bob", "line": "Hi"}), '{"speaker": "ann", "line": "Hi"}']
    )
    fake.chat_responder = lambda body: next(answers)
    gateway = gateway_for(root)

    def cast_only(reply: Verdict) -> list[str]:
        return [] if reply.speaker == "ann" else [f"speaker {reply.speaker!r} is not in the cast; use: ann"]

    reply = gateway.structured("write.script", [("user", "one line")], Verdict, check=cast_only)
    assert reply == Verdict(speaker="ann", line="Hi")
    assert gateway.stats.repairs == 2 and gateway.stats.repaired_calls == 1
    repair = fake.requests[-1].json
    assert repair is not None
    assert "not in the cast" in repair["messages"][-1]["content"], "the problems go back to the model"
    assert repair["response_format"]["type"] == "json_object", "JSON mode with the schema in the system message"


def test_a_reply_cut_off_at_the_length_limit_is_asked_again_with_more_room(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    replies = ['{"speaker": "ann", "line": "It was a dark and', '{"speaker": "ann", "line": "Run."}']

    def respond(body: dict[str, object]) -> str:
        fake.finish_reason = "length" if len(replies) == 2 else "stop"
        return replies.pop(0)

    fake.chat_responder = respond
    reply = gateway_for(root).structured("write.script", [("user", "one line")], Verdict, max_tokens=100)
    assert reply == Verdict(speaker="ann", line="Run.")
    first, again = (request.json for request in fake.requests[-2:])
    assert first is not None and again is not None
    assert again["max_tokens"] == 150, "the repair has more room than the reply that was cut off"
    assert all(m["role"] != "assistant" for m in again["messages"]), "the cut-off reply is not shown back"
    assert "cut off" in again["messages"][-1]["content"]


def test_a_model_that_never_gives_valid_json_fails_clearly_after_the_repairs(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    fake.chat_responder = lambda body: "{ broken"
    with pytest.raises(StructuredOutputError, match="after 2 repairs"):
        gateway_for(root).structured("write.script", [("user", "one line")], Verdict)
    assert [status for status, _, _ in ledger_rows(root)] == ["ok", "ok", "ok"], "three paid calls, all recorded"


def test_the_api_key_is_sent_but_never_written_anywhere(tmp_path: Path, fake: OpenAIFake) -> None:
    root = write_project(tmp_path / "p", fake.url)
    fake.faults.append("500")
    gateway_for(root).chat("write.series", hello())
    assert fake.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    for path in root.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"the key leaked into {path}"


def test_a_missing_key_names_the_variable(tmp_path: Path, fake: OpenAIFake, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", fake.url)
    monkeypatch.delenv("GATEWAY_TEST_KEY")
    with pytest.raises(ProviderError, match="set the environment variable GATEWAY_TEST_KEY"):
        gateway_for(root).chat("write.series", hello())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[providers.x]\nkind = "openai"\napi_key = "sk-123"', "looks like a secret"),
        ('[providers.y]\nkind = "openai"\n[ai.stages]\nframes = "nobody"', "names no provider"),
    ],
)
def test_bad_provider_settings_are_refused_with_the_reason(tmp_path: Path, extra: str, message: str) -> None:
    root = write_project(tmp_path / "p", "http://127.0.0.1:9/v1", extra)
    with pytest.raises(ValidationError, match=message):
        load_config(root / "microdrama.toml")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/v1", "localhost:8080"])
def test_an_endpoint_that_is_not_http_is_refused(tmp_path: Path, url: str) -> None:
    root = write_project(tmp_path / "p", url)
    with pytest.raises(ValidationError, match=r"base_url: .*http\(s\) URL"):  # by the settings, before any call
        load_config(root / "microdrama.toml")
    with pytest.raises(ProviderError, match="http"):  # and by the HTTP layer, for URLs from anywhere else
        validate_base_url(url)


def test_an_unknown_provider_kind_lists_the_known_ones(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", "http://127.0.0.1:9/v1", '[providers.z]\nkind = "dall-e-magic"')
    config = load_config(root / "microdrama.toml")
    with pytest.raises(ProviderError, match="unknown provider kind 'dall-e-magic'; known kinds: comfyui, local"):
        Gateway(root, config).named("z")


def test_backoff_grows_with_jitter_and_respects_retry_after() -> None:
    delays = [backoff_seconds(attempt, 1.0, None) for attempt in (1, 2, 3, 4)]
    assert 0.5 <= delays[0] <= 1.5 and 4.0 <= delays[3] <= 12.0
    assert backoff_seconds(1, 1.0, 30.0) >= 30.0
    assert backoff_seconds(1, 1.0, 10_000.0) == 600.0, "an absurd Retry-After is capped"


def test_replies_in_code_fences_or_with_chatter_still_parse() -> None:
    assert parse_reply('```json\n{"speaker": "a", "line": "b"}\n```', Verdict)[0] == Verdict(speaker="a", line="b")
    assert parse_reply('Sure! {"speaker": "a", "line": "b"} Hope this helps.', Verdict)[0] is not None
    value, problems = parse_reply('{"speaker": "a"}', Verdict)
    assert value is None and problems == ["line: Field required"]
