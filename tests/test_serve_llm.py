"""The OpenAI-compatible server, over real HTTP on 127.0.0.1.

One server runs as a subprocess, exactly as `python -m microdrama.providers.serve --port 0` runs for
a user, with a bearer key; a second, keyless one runs in this process around the model the
in-process tests already loaded. Generations are short and greedy, on the 0.5B model.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from microdrama.providers.local import LocalProvider
from microdrama.providers.local_models import model_file
from microdrama.providers.serve import MAX_BODY, build_server

MODEL = "qwen2.5-coder-0.5b"
N_CTX = 2048
THREADS = 1  # see test_local_llm: a second spinning thread hurts on a busy 2-core machine
KEY = "test-key-4c1d"
KEY_ENV = "MICRODRAMA_TEST_LLM_KEY"
AUTH = {"Authorization": f"Bearer {KEY}"}


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
    """One request on a fresh connection; ``body`` is JSON-encoded unless it is bytes already."""
    url = urlsplit(base)
    assert url.hostname is not None and url.port is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    try:
        connection.request(
            method, url.path + path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
        )
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def chat(**fields: Any) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 32, "temperature": 0, "seed": 7, **fields}


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.fixture(scope="module")
def server(llm_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m microdrama.providers.serve --port 0` with a key; yields the base URL it printed."""
    model_file(MODEL)  # assembled already when test_local_llm ran first; otherwise here, with its checks
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    env = {**os.environ, "MICRODRAMA_MODEL_DIR": str(llm_model_dir), KEY_ENV: KEY}
    command = [sys.executable, "-m", "microdrama.providers.serve", "--model", MODEL, "--port", "0"]
    command += ["--n-ctx", str(N_CTX), "--threads", str(THREADS), "--api-key-env", KEY_ENV]
    with log.open("w") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 180)
        line = process.stdout.readline().strip() if ready else ""
        assert line.startswith("http://127.0.0.1:") and line.endswith("/v1"), f"{line!r}; log: {log.read_text()}"
        assert urlsplit(line).port not in (None, 0)  # the real port, not the 0 asked for
        yield line
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does: the server stops cleanly
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()


@pytest.fixture(scope="module")
def keyless(llm_model_dir: Path) -> Iterator[str]:
    """An in-process server without a key, sharing the model already loaded by this process's provider."""
    provider = LocalProvider("serve-test", MODEL, n_ctx=N_CTX, threads=THREADS)
    provider.load()
    server = build_server(provider, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_health_answers_without_a_key(server: str) -> None:
    reply = call(server.removesuffix("/v1"), "GET", "/health")
    assert reply.status == 200
    assert reply.json() == {"status": "ok", "model": MODEL}


def test_models_list_the_served_model(server: str) -> None:
    reply = call(server, "GET", "/models", headers=AUTH)
    assert reply.status == 200
    body = reply.json()
    assert body["object"] == "list"
    assert [entry["id"] for entry in body["data"]] == [MODEL]


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", f"Basic {KEY}", KEY])
def test_a_configured_key_is_required(server: str, header: str | None) -> None:
    reply = call(
        server, "POST", "/chat/completions", chat(messages=user("hi")), {"Authorization": header} if header else {}
    )
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert reply.json()["error"]["code"] == "invalid_api_key"
    assert call(server, "GET", "/models", headers={"Authorization": header} if header else {}).status == 401


def test_chat_completion(server: str) -> None:
    reply = call(server, "POST", "/chat/completions", chat(messages=user("What is 2 + 3? Answer with a number.")), AUTH)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["object"] == "chat.completion" and body["model"] == MODEL and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert "5" in choice["message"]["content"]
    assert choice["finish_reason"] in ("stop", "length")
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_json_schema_reply_validates(server: str) -> None:
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string", "maxLength": 30}, "episodes": {"type": "integer", "minimum": 1}},
        "required": ["title", "episodes"],
        "additionalProperties": False,
    }
    response_format = {"type": "json_schema", "json_schema": {"name": "series", "strict": True, "schema": schema}}
    request = chat(messages=user("Propose a short drama series."), response_format=response_format, max_tokens=48)
    reply = call(server, "POST", "/chat/completions", request, AUTH)
    assert reply.status == 200, reply.body
    jsonschema.validate(json.loads(reply.json()["choices"][0]["message"]["content"]), schema)


def test_json_object_mode_gives_an_object(server: str) -> None:
    request = chat(messages=user("Describe a cat as JSON."), response_format={"type": "json_object"}, max_tokens=48)
    reply = call(server, "POST", "/chat/completions", request, AUTH)
    assert reply.status == 200, reply.body
    choice = reply.json()["choices"][0]
    if choice["finish_reason"] == "stop":  # cut off at max_tokens it is valid JSON only so far
        assert isinstance(json.loads(choice["message"]["content"]), dict)
    assert choice["message"]["content"].lstrip().startswith("{")


def test_streaming_sends_openai_chunks_and_done(server: str) -> None:
    request = chat(messages=user("Count from 1 to 5."), stream=True, stream_options={"include_usage": True})
    reply = call(server, "POST", "/chat/completions", request, AUTH)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/event-stream")
    events = [block for block in reply.body.decode().split("\n\n") if block]
    assert all(event.startswith("data: ") for event in events)
    assert events[-1] == "data: [DONE]"
    chunks = [json.loads(event.removeprefix("data: ")) for event in events[:-1]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(choice["delta"].get("content") or "" for chunk in chunks for choice in chunk["choices"])
    assert "3" in text
    assert len([chunk for chunk in chunks if chunk["choices"] and chunk["choices"][0]["delta"].get("content")]) > 3
    finishes = [choice["finish_reason"] for chunk in chunks for choice in chunk["choices"] if choice["finish_reason"]]
    assert finishes in (["stop"], ["length"])
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_invalid_json_is_a_400_error_object(server: str) -> None:
    reply = call(server, "POST", "/chat/completions", b'{"messages": [', AUTH)
    assert reply.status == 400
    error = reply.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "invalid_json"
    assert "not valid JSON" in error["message"]


@pytest.mark.parametrize(
    "body", [{"model": MODEL}, {"messages": []}, {"messages": "hi"}, {"messages": [{"content": "x"}]}]
)
def test_missing_or_empty_messages_are_a_400(server: str, body: dict[str, Any]) -> None:
    reply = call(server, "POST", "/chat/completions", body, AUTH)
    assert reply.status == 400
    assert reply.json()["error"]["code"] == "invalid_messages"


@pytest.mark.parametrize(("method", "path"), [("GET", "/nowhere"), ("POST", "/completions"), ("GET", "/models/x/y")])
def test_unknown_paths_are_a_404(server: str, method: str, path: str) -> None:
    reply = call(server, method, path, b"{}" if method == "POST" else None, AUTH)
    assert reply.status == 404
    assert reply.json()["error"]["code"] == "not_found"


def test_a_body_over_8_mib_is_refused_before_it_is_read(server: str) -> None:
    url = urlsplit(server)
    assert url.hostname is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.putrequest("POST", url.path + "/chat/completions")
        connection.putheader("Authorization", AUTH["Authorization"])
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(MAX_BODY + 1))
        connection.endheaders()  # the body never comes: the server must answer from the header alone
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "request_too_large"
    finally:
        connection.close()


def test_a_prompt_over_the_context_is_a_400(server: str) -> None:
    reply = call(server, "POST", "/chat/completions", chat(messages=user("word " * (N_CTX + 100))), AUTH)
    assert reply.status == 400
    error = reply.json()["error"]
    assert error["code"] == "context_length_exceeded"
    assert f"context of {N_CTX} tokens" in error["message"]


def test_a_server_without_a_key_answers_anyone(keyless: str) -> None:
    assert call(keyless, "GET", "/models").json()["data"][0]["id"] == MODEL
    reply = call(keyless, "POST", "/chat/completions", chat(messages=user("Say OK."), max_tokens=4))
    assert reply.status == 200
    assert reply.json()["choices"][0]["message"]["content"]
