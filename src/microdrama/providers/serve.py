"""The embedded model behind an OpenAI-compatible HTTP API, so other tools (or other machines) can use it.

    python -m microdrama.providers.serve --model qwen2.5-coder-1.5b --port 8080

Routes: ``GET /health`` (no key needed), ``GET /v1/models``, ``POST /v1/chat/completions``
(plain or ``stream: true`` as server-sent events; ``response_format`` json_schema or json_object).
Every request goes through LocalProvider, the same path a microdrama build takes. Errors have
OpenAI's shape, ``{"error": {"message", "type", "code"}}``, so OpenAI clients report them well.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from microdrama.errors import MicrodramaError, ProviderError
from microdrama.providers.base import ChatRequest, ChatResult
from microdrama.providers.local import (
    DEFAULT_N_CTX,
    MODEL_ENV,
    ContextOverflow,
    LocalProvider,
    RequestRejected,
)
from microdrama.providers.local_models import DEFAULT_MODEL

MAX_BODY = 8 * 1024 * 1024
API_KEY_ENV = "MICRODRAMA_LLM_API_KEY"  # where `python -m microdrama.providers.serve` looks for a key by default
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
GENERIC_OBJECT: dict[str, Any] = {"type": "object"}  # json_object mode: any JSON object, grammar-constrained


class HTTPError(Exception):
    """An error reply in OpenAI's shape."""

    def __init__(self, status: int, message: str, code: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.kind = status, message, code, kind

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "code": self.code}}


@dataclass(frozen=True)
class Completion:
    """A parsed POST /v1/chat/completions body."""

    request: ChatRequest
    stream: bool
    include_usage: bool


class LLMServer(ThreadingHTTPServer):
    def __init__(self, provider: LocalProvider, host: str, port: int, api_key: str | None) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        self.provider = provider
        self.api_key = api_key or None
        self.created = int(time.time())

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]  # the real port when 0 was asked for
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/v1"


class Handler(BaseHTTPRequestHandler):
    server: LLMServer
    protocol_version = "HTTP/1.1"  # keep-alive for plain replies; streams close the connection at the end
    timeout = 300  # seconds: a client that stops reading a stream cannot hold the model (and its lock) forever

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        client_closes = self.close_connection  # the client asked for Connection: close (or spoke HTTP/1.0)
        try:
            if method == "POST":
                self.close_connection = True  # until the body has been read, the stream position is unknown
            if path == "/health":
                self._send_json(200, {"status": "ok", "model": self.server.provider.model})
                return
            self._check_key()
            if path == "/v1/models":
                if method != "GET":
                    raise HTTPError(405, f"{method} is not allowed on {path}", "method_not_allowed")
                self._send_json(200, {"object": "list", "data": [self._model_entry()]})
            elif path == "/v1/chat/completions":
                if method != "POST":
                    raise HTTPError(405, f"{method} is not allowed on {path}", "method_not_allowed")
                raw = self._read_body()
                self.close_connection = client_closes
                self._complete(parse_completion(raw))
            else:
                raise HTTPError(404, f"no route {method} {path or '/'}", "not_found")
        except HTTPError as error:
            self._send_json(error.status, error.body())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nobody to tell

    def _check_key(self) -> None:
        expected = self.server.api_key
        if expected is None:
            return
        given = self.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            raise HTTPError(401, "missing or wrong API key (send Authorization: Bearer KEY)", "invalid_api_key")

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise HTTPError(411, "a Content-Length header is required", "length_required")
        if int(length) > MAX_BODY:
            raise HTTPError(413, f"the body is {int(length):,} bytes; the limit is {MAX_BODY:,}", "request_too_large")
        return self.rfile.read(int(length))

    def _model_entry(self) -> dict[str, Any]:
        return {
            "id": self.server.provider.model,
            "object": "model",
            "created": self.server.created,
            "owned_by": "local",
        }

    def _complete(self, completion: Completion) -> None:
        provider = self.server.provider
        reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        stream = EventStream(self, reply_id, created, provider.model) if completion.stream else None
        try:
            if stream is None:
                result = provider.chat(completion.request)
            else:
                result = provider.chat_stream(completion.request, stream.send_text)
        except ContextOverflow as error:
            failure = HTTPError(400, str(error), "context_length_exceeded")
        except RequestRejected as error:
            failure = HTTPError(400, str(error), "invalid_request")
        except ProviderError as error:
            failure = HTTPError(500, str(error), "internal_error", "server_error")
        else:
            if stream is None:
                self._send_json(200, completion_body(result, reply_id, created, provider.model))
            else:
                stream.finish(result, completion.include_usage)
            return
        if stream is None or not stream.started:
            raise failure
        stream.fail(failure)  # headers already went out: the error travels as an event, as OpenAI's does

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"microdrama serve: {self.address_string()} {format % args}\n")


class EventStream:
    """One streamed reply in OpenAI's chunk format; headers go out with the first piece of text.

    xllamacpp hands over tokens as they are decoded (a callback per chunk), so these are real
    incremental events, not the full reply sent at the end.
    """

    def __init__(self, handler: Handler, reply_id: str, created: int, model: str) -> None:
        self.handler, self.reply_id, self.created, self.model = handler, reply_id, created, model
        self.started = False

    def send_text(self, text: str) -> None:
        self._start()
        self._event(self._chunk([{"index": 0, "delta": {"content": text}, "finish_reason": None}]))

    def finish(self, result: ChatResult, include_usage: bool) -> None:
        self._start()
        self._event(self._chunk([{"index": 0, "delta": {}, "finish_reason": result.finish_reason}]))
        if include_usage:
            self._event({**self._chunk([]), "usage": usage(result)})
        self._write(b"data: [DONE]\n\n")

    def fail(self, error: HTTPError) -> None:
        self._event(error.body())
        self._write(b"data: [DONE]\n\n")

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        handler = self.handler
        handler.close_connection = True  # no length up front: the end of the connection ends the stream
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()
        first = [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
        self._event(self._chunk(first))

    def _chunk(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.reply_id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }

    def _event(self, body: dict[str, Any]) -> None:
        self._write(b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n")

    def _write(self, data: bytes) -> None:
        self.handler.wfile.write(data)
        self.handler.wfile.flush()


def parse_completion(raw: bytes) -> Completion:
    """Validate an OpenAI chat-completions body into a ChatRequest; HTTPError 400 says what is wrong."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPError(400, f"the body is not valid JSON: {error}", "invalid_json") from error
    if not isinstance(body, dict):
        raise HTTPError(400, "the body must be a JSON object", "invalid_json")
    if body.get("tools") or body.get("functions"):
        raise HTTPError(400, "tools and function calling are not supported by this server", "unsupported_parameter")
    if body.get("n", 1) != 1:
        raise HTTPError(400, "only n = 1 is supported", "unsupported_parameter")
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens", 1024))
    temperature = body.get("temperature", 1.0)
    seed = body.get("seed")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens <= 0:
        raise HTTPError(400, "max_tokens must be a positive integer", "invalid_value")
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
        raise HTTPError(400, "temperature must be a number from 0 to 2", "invalid_value")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise HTTPError(400, "seed must be an integer", "invalid_value")
    stream_options = body.get("stream_options") or {}
    return Completion(
        request=ChatRequest(
            messages=parse_messages(body.get("messages")),
            schema=parse_response_format(body.get("response_format")),
            max_tokens=max_tokens,
            temperature=float(temperature),
            seed=seed,
        ),
        stream=body.get("stream") is True,
        include_usage=isinstance(stream_options, dict) and stream_options.get("include_usage") is True,
    )


def parse_messages(messages: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(messages, list) or not messages:
        raise HTTPError(400, "messages must be a non-empty list", "invalid_messages")
    parsed: list[tuple[str, str]] = []
    for number, message in enumerate(messages):
        role = ROLES.get(str(message.get("role"))) if isinstance(message, dict) else None
        if role is None:
            raise HTTPError(400, f"messages[{number}] needs a role of {', '.join(ROLES)}", "invalid_messages")
        parsed.append((role, message_text(message.get("content"), number)))
    return tuple(parsed)


def message_text(content: Any, number: int) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: only text ones are possible for a text model
        if all(isinstance(part, dict) and part.get("type") == "text" for part in content):
            return "".join(str(part.get("text", "")) for part in content)
        raise HTTPError(
            400, f"messages[{number}] holds non-text content; this model reads text only", "invalid_messages"
        )
    raise HTTPError(400, f"messages[{number}].content must be a string or a list of text parts", "invalid_messages")


def parse_response_format(response_format: Any) -> dict[str, Any] | None:
    if response_format is None:
        return None
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        return GENERIC_OBJECT
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise HTTPError(400, "response_format.json_schema.schema must be a JSON schema object", "invalid_value")
        return schema
    raise HTTPError(400, "response_format.type must be text, json_object or json_schema", "invalid_value")


def usage(result: ChatResult) -> dict[str, int]:
    return {
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "total_tokens": result.prompt_tokens + result.completion_tokens,
    }


def completion_body(result: ChatResult, reply_id: str, created: int, model: str) -> dict[str, Any]:
    return {
        "id": reply_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": result.text},
                "finish_reason": result.finish_reason,
            }
        ],
        "usage": usage(result),
    }


def build_server(
    provider: LocalProvider, host: str = "127.0.0.1", port: int = 0, api_key: str | None = None
) -> LLMServer:
    """A bound, not yet serving, server for ``provider``; call serve_forever() (and shutdown() to stop)."""
    return LLMServer(provider, host, port, api_key)


def serve_llm(
    model: str,
    host: str = "127.0.0.1",
    port: int = 8080,
    api_key: str | None = None,
    on_ready: Callable[[str], None] | None = None,
    *,
    n_ctx: int = DEFAULT_N_CTX,
    threads: int | None = None,
) -> None:
    """Serve catalog model ``model`` until interrupted; ``on_ready`` gets the base URL once requests can be answered.

    The model loads before the socket opens, so the first request is not the one waiting for it.
    """
    provider = LocalProvider("serve", model, n_ctx=n_ctx, threads=threads)
    provider.load()
    try:
        server = build_server(provider, host, port, api_key)
    except OSError as error:
        raise ProviderError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    with server:
        if on_ready is not None:
            on_ready(server.url)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a user stops serving
            server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m microdrama.providers.serve",
        description="Serve an embedded model over an OpenAI-compatible HTTP API.",
    )
    parser.add_argument("--model", default=os.environ.get(MODEL_ENV) or DEFAULT_MODEL, help="catalog model name")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--n-ctx", type=int, default=DEFAULT_N_CTX, help="context size in tokens")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: all cores)")
    parser.add_argument(
        "--api-key-env",
        default=API_KEY_ENV,
        help=f"environment variable holding the bearer key clients must send (default {API_KEY_ENV}; unset = no key)",
    )
    args = parser.parse_args(argv)
    try:
        serve_llm(
            args.model,
            args.host,
            args.port,
            api_key=os.environ.get(args.api_key_env) or None,
            on_ready=lambda url: print(url, flush=True),
            n_ctx=args.n_ctx,
            threads=args.threads,
        )
    except MicrodramaError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
