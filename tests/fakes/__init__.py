"""Real HTTP servers on 127.0.0.1 that speak the OpenAI and ComfyUI wire formats, for backend and gateway tests.

Every fake records each request it receives (``fake.requests``) and consumes one scripted fault per request from
``fake.faults`` (a deque; an empty queue means "ok"). A fault is a string, optionally with an argument after the
first colon:

- ``"ok"``: answer normally (use it to let requests through before a later fault).
- ``"500"``, ``"503"``, ``"400"``, ``"401"``, any status: an error answer in the server's error shape.
- ``"429"``: HTTP 429 with ``Retry-After: fake.retry_after`` ("1" by default); ``"429:7"`` or
  ``"429:Wed, 21 Oct 2037 07:28:00 GMT"`` sends that value; ``"429:"`` sends no Retry-After.
- ``"truncated"``: headers promise more bytes than follow, then the connection closes.
- ``"invalid_json"``: HTTP 200, a JSON content type and a body that is not JSON.
- ``"slow"``: wait ``fake.slow_seconds`` (``"slow:0.5"`` for that many seconds) before answering normally;
  set it above the client's timeout to provoke one.
- ``"reset"``: close the connection without answering (a TCP reset).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # every header as received, names lower-cased
    body: bytes
    json: Any = None  # the parsed body when it was JSON
    fields: dict[str, str] = field(default_factory=dict)  # multipart text fields
    files: dict[str, Upload] = field(default_factory=dict)  # multipart files by field name
    fault: str = "ok"  # the fault this request consumed


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Answer:
        return cls(status, json.dumps(payload).encode())


class FakeServer:
    """Base of the fakes: threading, recording and faults; subclasses implement ``answer`` and ``error_answer``."""

    base_path = ""  # e.g. "/v1": part of ``url``

    def __init__(self) -> None:
        self.faults: deque[str] = deque()
        self.requests: list[RecordedRequest] = []
        self.retry_after = "1"
        self.slow_seconds = 1.0
        self.lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return self.origin + self.base_path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    # -- for subclasses -----------------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> Answer:
        raise NotImplementedError

    def error_answer(self, status: int, message: str) -> Answer:
        return Answer.json({"error": {"message": message}}, status)

    # -- per request --------------------------------------------------------------------------------

    def _next_fault(self) -> str:
        try:
            return self.faults.popleft()
        except IndexError:
            return "ok"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        request = _read_request(handler)
        request.fault = fault = self._next_fault()
        with self.lock:
            self.requests.append(request)
        name, _, argument = fault.partition(":")
        if name == "reset":
            # SO_LINGER 0 makes close() send RST instead of FIN: the client sees a connection reset.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            return
        if name == "slow":
            self._stopping.wait(float(argument) if argument else self.slow_seconds)
        if name == "invalid_json":
            answer = Answer(200, b'{"choices": [ {"message": nope')
        elif name == "429":
            answer = self.error_answer(429, "Rate limit reached; slow down")
            retry_after = argument if ":" in fault else self.retry_after
            if retry_after:
                answer.headers["Retry-After"] = retry_after
        elif name.isdigit():
            answer = self.error_answer(int(name), f"scripted fault {name}")
        else:
            answer = self.answer(request)
        _write(handler, answer, truncated=name == "truncated")


def _read_request(handler: BaseHTTPRequestHandler) -> RecordedRequest:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    split = urlsplit(handler.path)
    headers = {name.lower(): value for name, value in handler.headers.items()}
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    request = RecordedRequest(handler.command, split.path, query, headers, body)
    content_type = headers.get("content-type", "")
    if "json" in content_type and body:
        try:
            request.json = json.loads(body)
        except ValueError:
            request.json = None
    elif content_type.startswith("multipart/form-data"):
        request.fields, request.files = _parse_multipart(content_type, body)
    return request


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        filename = part.get_filename()
        if filename is None:
            fields[name] = payload.decode()
        else:
            files[name] = Upload(filename, payload, part.get_content_type())
    return fields, files


def _write(handler: BaseHTTPRequestHandler, answer: Answer, *, truncated: bool = False) -> None:
    body = answer.body
    try:
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        if truncated:  # promise more than we send, then hang up
            handler.send_header("Content-Length", str(len(body) + 100))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: max(1, len(body) // 2)])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. after a "slow" timeout)
        handler.close_connection = True


def _handler_for(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle plus delayed ACKs add 40 ms each.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            fake.handle(self)

        def do_POST(self) -> None:
            fake.handle(self)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest output stays readable
            del format, args

    return Handler


@contextmanager
def running(fake: FakeServer) -> Iterator[Any]:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
