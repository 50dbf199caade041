"""A fake OpenAI-compatible server: chat completions, image generations and edits, speech, models.

    with running_openai_fake(api_key="sk-test") as fake:
        provider = OpenAICompatibleProvider(ProviderSettings("fake", "openai", "m", fake.url, "sk-test"))
        fake.faults.extend(["429:3", "ok"])
        ...
        fake.requests[-1].json["messages"]

Images are real PNGs whose colour follows prompt, seed and negative prompt (and the reference, for edits), so
equal requests give equal bytes. Speech is a real short WAV (or MP3-looking bytes with ``speech_format = "mp3"``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import struct
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image

from tests.fakes import Answer, FakeServer, RecordedRequest, running

ChatResponder = Callable[[dict[str, Any]], "str | dict[str, Any]"]  # request body -> content, or a whole answer


def default_responder(body: dict[str, Any]) -> str:
    if body.get("response_format"):
        return json.dumps({"reply": "ok"})
    return "Hello from the fake server."


def fake_png(key: str, width: int, height: int, image_format: str = "PNG") -> bytes:
    """A solid picture whose colour is a hash of ``key``: deterministic, and different for different keys."""
    digest = hashlib.sha256(key.encode()).digest()
    out = io.BytesIO()
    Image.new("RGB", (width, height), (digest[0], digest[1], digest[2])).save(out, format=image_format)
    return out.getvalue()


def fake_wav(seconds: float = 0.1, rate: int = 16000) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return out.getvalue()


FAKE_MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(413)


class OpenAIFake(FakeServer):
    base_path = "/v1"

    def __init__(self, api_key: str | None = None) -> None:
        super().__init__()
        self.api_key = api_key  # when set, other keys (or none) get 401
        self.model = "fake-model"
        self.chat_responder: ChatResponder = default_responder
        self.finish_reason = "stop"
        self.include_usage = True
        self.image_format = "PNG"  # "JPEG" or "WEBP" to test conversion
        self.image_answer: str | None = None  # "b64_json" or "url" to ignore the request's response_format
        self.hosted_origin: str | None = None  # origin in image URLs (default: this server)
        self.speech_format = "wav"  # or "mp3"
        self.hosted: dict[str, bytes] = {}

    def error_answer(self, status: int, message: str) -> Answer:
        kinds = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error"}
        error = {"message": message, "type": kinds.get(status, "server_error"), "param": None, "code": None}
        return Answer.json({"error": error}, status)

    def answer(self, request: RecordedRequest) -> Answer:
        if request.method == "GET" and request.path.startswith("/files/"):
            content = self.hosted.get(request.path.removeprefix("/files/"))
            if content is None:
                return self.error_answer(404, "no such file")
            return Answer(200, content, "image/png" if self.image_format == "PNG" else "image/jpeg")
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            given = request.headers.get("authorization", "").removeprefix("Bearer ")
            # Real servers echo (part of) the wrong key; echo all of it so tests can prove clients mask it.
            message = f"Incorrect API key provided: {given}."
            error = {"message": message, "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}
            return Answer.json({"error": error}, 401)
        if not request.path.startswith(self.base_path + "/"):
            return self.error_answer(404, f"Invalid URL ({request.method} {request.path})")
        route = (request.method, request.path.removeprefix(self.base_path))
        if route == ("POST", "/chat/completions"):
            return self._chat(request.json or {})
        if route == ("POST", "/images/generations"):
            body = request.json or {}
            return self._image(body, f"{body.get('prompt')}|{body.get('seed')}|{body.get('negative_prompt', '')}")
        if route == ("POST", "/images/edits"):
            reference = request.files.get("image")
            if reference is None:
                return self.error_answer(400, "image is required")
            fields = request.fields
            key = f"{fields.get('prompt')}|{fields.get('seed')}|{fields.get('negative_prompt', '')}"
            return self._image(dict(fields), key + "|" + hashlib.sha256(reference.content).hexdigest())
        if route == ("POST", "/audio/speech"):
            if self.speech_format == "mp3":
                return Answer(200, FAKE_MP3, "audio/mpeg")
            return Answer(200, fake_wav(), "audio/wav")
        if route == ("GET", "/models"):
            return Answer.json({"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "fake"}]})
        return self.error_answer(404, f"Invalid URL ({request.method} {request.path})")

    def _chat(self, body: dict[str, Any]) -> Answer:
        reply = self.chat_responder(body)
        if isinstance(reply, dict):
            return Answer.json(reply)
        prompt_words = sum(len(str(message.get("content", "")).split()) for message in body.get("messages", []))
        completion_words = len(reply.split())
        answer: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply},
                    "logprobs": None,
                    "finish_reason": self.finish_reason,
                }
            ],
        }
        if self.include_usage:
            answer["usage"] = {
                "prompt_tokens": prompt_words,
                "completion_tokens": completion_words,
                "total_tokens": prompt_words + completion_words,
            }
        return Answer.json(answer)

    def _image(self, body: dict[str, Any], key: str) -> Answer:
        width, _, height = str(body.get("size") or "64x64").partition("x")
        if not (width.isdigit() and height.isdigit()):
            return self.error_answer(400, f"Invalid size {body.get('size')!r}")
        content = fake_png(key, int(width), int(height), self.image_format)
        kind = self.image_answer or body.get("response_format") or "url"
        if kind == "b64_json":
            item = {"b64_json": base64.b64encode(content).decode(), "revised_prompt": body.get("prompt")}
        else:
            name = hashlib.sha256(content).hexdigest()[:16] + ".png"
            self.hosted[name] = content
            item = {"url": f"{self.hosted_origin or self.origin}/files/{name}"}
        return Answer.json({"created": int(time.time()), "data": [item]})


@contextmanager
def running_openai_fake(api_key: str | None = None) -> Iterator[OpenAIFake]:
    with running(OpenAIFake(api_key)) as fake:
        yield fake
