"""Any OpenAI-compatible endpoint: OpenAI, DeepSeek, DashScope compatible mode, Moonshot, Ollama, vLLM, LM Studio,
llama.cpp server, LocalAI…

Text goes to ``/chat/completions``, images to ``/images/generations`` (or ``/images/edits`` with a reference
picture), speech to ``/audio/speech``. One attempt per call; the gateway retries, caches and validates JSON.

Options (``[providers.NAME]`` in microdrama.toml; all optional):

- ``json_schema`` (false): the server constrains output to a JSON schema (``response_format`` json_schema).
- ``json_mode`` (true): otherwise ask for ``{"type": "json_object"}`` and show the schema in a system message.
- ``max_context``: context window in tokens, reported by ``capabilities()``.
- ``image_model`` / ``speech_model``: model names for images and speech (default: ``model``).
- ``image_sizes``: accepted "WIDTHxHEIGHT" sizes (empty = any); other sizes are refused before any call.
- ``reference_images`` (false): the server takes a reference picture on ``/images/edits``.
- ``image_extras`` (true): send ``seed`` and ``negative_prompt`` as extra image fields; set false for servers that
  reject unknown fields (api.openai.com does).
- ``voices``: voice names the server knows (empty = any).
- ``capabilities``: any of "text", "image", "speech"; by default text, plus image when an image option is set and
  speech when a speech option is set.
- ``api_key_env``: the environment variable the key came from, named in "key rejected" messages.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from pathlib import Path
from typing import Any

from microdrama.errors import ProviderError, TransientProviderError
from microdrama.providers.base import (
    CAPABILITIES,
    Capabilities,
    Capability,
    ChatRequest,
    ChatResult,
    ImageRequest,
    ImageResult,
    ProviderSettings,
    SpeechRequest,
    SpeechResult,
)
from microdrama.providers.estimate import estimate_tokens
from microdrama.providers.http import HttpClient, Options, as_png, require, shorten, validate_base_url

log = logging.getLogger(__name__)

SCHEMA_INSTRUCTIONS = (
    "Reply with one JSON object and nothing else: no prose, no Markdown fences. "
    "It must follow this JSON schema:\n{schema}"
)


class OpenAICompatibleProvider:
    """Text, image and speech over the OpenAI wire format."""

    def __init__(self, settings: ProviderSettings) -> None:
        options = Options(settings.name, settings.options)
        self.name = settings.name
        self.kind = "openai"
        self.model = settings.model.strip()
        if not self.model:
            raise ProviderError(f'provider {settings.name!r}: set model = "…" (the model name the server expects)')
        self.endpoint = validate_base_url(settings.base_url, f"provider {settings.name!r}: base_url")
        self.image_model = options.text("image_model") or self.model
        self.speech_model = options.text("speech_model") or self.model
        self.json_schema = options.flag("json_schema", False)
        self.json_mode = options.flag("json_mode", True)
        self.max_context = options.integer("max_context")
        self.image_sizes = options.sizes("image_sizes")
        self.reference_images = options.flag("reference_images", False)
        self.image_extras = options.flag("image_extras", True)
        self.voices = options.texts("voices")
        self.capability_names = self._capability_names(options)
        self._warned_usage = False
        self._http = HttpClient(
            settings.name,
            self.endpoint,
            timeout=settings.timeout_seconds,
            api_key=settings.api_key,
            api_key_env=options.text("api_key_env"),
        )

    @staticmethod
    def _capability_names(options: Options) -> tuple[Capability, ...]:
        listed = options.texts("capabilities")
        unknown = [name for name in listed if name not in CAPABILITIES]
        if unknown:
            raise ProviderError(
                f"provider {options.provider!r}: option capabilities has {', '.join(map(repr, unknown))}; "
                f"use any of {', '.join(CAPABILITIES)}"
            )
        if listed:
            return tuple(name for name in CAPABILITIES if name in listed)
        values = options.values
        derived: list[Capability] = ["text"]
        if "image_model" in values or "image_sizes" in values or values.get("reference_images") is True:
            derived.append("image")
        if any(key in values for key in ("speech_model", "voices")):
            derived.append("speech")
        return tuple(derived)

    def capabilities(self) -> Capabilities:
        return Capabilities(
            capabilities=self.capability_names,
            max_context=self.max_context,
            json_schema=self.json_schema,
            json_mode=self.json_mode,
            image_sizes=self.image_sizes,
            reference_images=self.reference_images,
            voices=self.voices,
        )

    def close(self) -> None:
        self._http.close()

    # -- text ---------------------------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> ChatResult:
        messages = [{"role": role, "content": content} for role, content in request.messages]
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": False,
        }
        if request.seed is not None:
            body["seed"] = request.seed
        if request.schema is not None:
            if self.json_schema:
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": request.schema, "strict": True},
                }
            else:  # the model only sees the shape if we tell it; the gateway validates and repairs the reply
                messages = with_schema_instructions(messages, request.schema)
                if self.json_mode:
                    body["response_format"] = {"type": "json_object"}
        body["messages"] = messages
        answer = self._http.post_json("chat/completions", body)
        return self._chat_result(answer, messages)

    def _chat_result(self, answer: Any, messages: list[dict[str, str]]) -> ChatResult:
        who = self.name
        require(isinstance(answer, dict), who, "the chat answer is not a JSON object")
        choices = answer.get("choices")
        if not choices and isinstance(answer.get("error"), dict | str):  # some servers send errors with HTTP 200
            error = answer["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ProviderError(f"provider {who!r}: the server reported an error: {shorten(str(message))}")
        require(isinstance(choices, list) and bool(choices) and isinstance(choices[0], dict), who, "no choices")
        choice = choices[0]
        message = choice.get("message")
        require(isinstance(message, dict), who, "choices[0] has no message")
        content = message.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        if content is None and isinstance(message.get("refusal"), str):
            raise ProviderError(f"provider {who!r}: the model refused: {shorten(message['refusal'])}")
        require(isinstance(content, str), who, "choices[0].message.content is not text")
        finish = choice.get("finish_reason")
        finish_reason = "stop" if finish in (None, "stop", "eos", "end_turn") else str(finish)
        usage = answer.get("usage")
        prompt_tokens = usage.get("prompt_tokens") if isinstance(usage, dict) else None
        completion_tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
        if not isinstance(prompt_tokens, int) or not isinstance(completion_tokens, int):
            if not self._warned_usage:
                log.warning("provider %r sends no token usage; counts are estimated from text length", who)
                self._warned_usage = True
            prompt_tokens = sum(estimate_tokens(item["content"]) + 4 for item in messages)
            completion_tokens = estimate_tokens(content)
        return ChatResult(
            text=content,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            finish_reason=finish_reason,
        )

    # -- images -------------------------------------------------------------------------------------

    def generate(self, request: ImageRequest) -> ImageResult:
        size = f"{request.width}x{request.height}"
        if self.image_sizes and size not in self.image_sizes:
            raise ProviderError(
                f"provider {self.name!r} makes images of {', '.join(self.image_sizes)}, not {size}; "
                "pick one of those or change option image_sizes"
            )
        extras: dict[str, Any] = {}
        if self.image_extras:
            extras["seed"] = request.seed
            if request.negative_prompt:
                extras["negative_prompt"] = request.negative_prompt
        common = {"model": self.image_model, "prompt": request.prompt, "size": size, "response_format": "b64_json"}
        if request.reference is not None and self.reference_images:
            fields = {**common, "n": "1", **{key: str(value) for key, value in extras.items()}}
            files = {"image": ("reference.png", request.reference, "image/png")}
            answer = self._http.post_multipart("images/edits", fields, files)
        else:
            answer = self._http.post_json("images/generations", {**common, "n": 1, **extras})
        return ImageResult(png=as_png(self._image_bytes(answer), f"provider {self.name!r}"))

    def _image_bytes(self, answer: Any) -> bytes:
        who = self.name
        require(isinstance(answer, dict), who, "the image answer is not a JSON object")
        data = answer.get("data")
        require(isinstance(data, list) and bool(data) and isinstance(data[0], dict), who, "no data[0] image")
        item = data[0]
        encoded, url = item.get("b64_json"), item.get("url")
        if isinstance(encoded, str) and encoded:
            return decode_base64(encoded, who)
        require(isinstance(url, str) and bool(url), who, "data[0] has neither b64_json nor url")
        if url.startswith("data:"):
            return decode_base64(url, who)
        content, _ = self._http.get_bytes(url)
        return content

    # -- speech -------------------------------------------------------------------------------------

    def speak(self, request: SpeechRequest) -> SpeechResult:
        if self.voices and request.voice not in self.voices:
            raise ProviderError(
                f"provider {self.name!r} has no voice {request.voice!r}; it has {', '.join(self.voices)}"
            )
        body = {
            "model": self.speech_model,
            "input": request.text,
            "voice": request.voice,
            "response_format": "wav",
            "speed": request.speed,
        }
        audio, content_type = self._http.post_json_for_bytes("audio/speech", body)
        return SpeechResult(audio=audio, format=self._audio_format(audio, content_type))

    def _audio_format(self, audio: bytes, content_type: str) -> str:
        who = self.name
        if not audio:
            raise TransientProviderError(f"provider {who!r}: /audio/speech answered with an empty body")
        if audio[:4] == b"RIFF" and audio[8:12] == b"WAVE":
            declared = int.from_bytes(audio[4:8], "little") + 8
            # Streaming servers write 0 or 0xFFFFFFFF as the size; any other size shows a cut-off body.
            if 8 < declared < 0xFFFFFFF0 and len(audio) < declared:
                raise TransientProviderError(
                    f"provider {who!r}: the WAV from /audio/speech is cut off ({len(audio)} of {declared} bytes)"
                )
            return "wav"
        if audio[:3] == b"ID3" or (len(audio) > 1 and audio[0] == 0xFF and audio[1] & 0xE0 == 0xE0):
            return "mp3"
        if "json" in content_type:  # an error sent with HTTP 200
            try:
                body = json.loads(audio)
            except ValueError as error:
                raise TransientProviderError(f"provider {who!r}: /audio/speech answered with broken JSON") from error
            raise ProviderError(f"provider {who!r}: /audio/speech answered with JSON, not audio: {shorten(str(body))}")
        raise ProviderError(
            f"provider {who!r}: /audio/speech answered with neither WAV nor MP3 ({content_type or 'no content type'})"
        )


def with_schema_instructions(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """The schema appended to the first system message (or a new one first): many chat templates allow only one."""
    note = SCHEMA_INSTRUCTIONS.format(schema=json.dumps(schema, ensure_ascii=False, indent=1))
    if messages and messages[0]["role"] == "system":
        first = {"role": "system", "content": f"{messages[0]['content']}\n\n{note}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def decode_base64(encoded: str, provider: str) -> bytes:
    text = encoded.partition(",")[2] if encoded.startswith("data:") else encoded
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ProviderError(f"provider {provider!r}: unexpected answer: the image is not valid base64") from error


def create(settings: ProviderSettings, root: Path) -> OpenAICompatibleProvider:
    del root  # nothing project-relative here
    return OpenAICompatibleProvider(settings)
