"""What every AI provider offers, by capability: text chat, image generation, speech.

Stages ask for a capability ("text", "image", "speech"), never a vendor. A backend is a
small class implementing one or more of these protocols; the gateway (``gateway.py``)
wraps every call with the cache, retries, rate limits, the budget and the ledger, so
backends only translate a request to their wire format and back.

Backends raise ``TransientProviderError`` for what a retry can fix (timeouts, resets,
429, 5xx, truncated bodies; with ``retry_after`` when the server sent one) and
``ProviderError`` for what it cannot (bad key, 4xx, a malformed workflow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Capability = Literal["text", "image", "speech"]
CAPABILITIES: tuple[Capability, ...] = ("text", "image", "speech")


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do, shown by `microdrama providers list` and used to pick a strategy."""

    capabilities: tuple[Capability, ...]
    max_context: int | None = None  # tokens, text only
    json_schema: bool = False  # structured output constrained to a JSON schema
    json_mode: bool = False  # "some JSON object" mode without a schema
    image_sizes: tuple[str, ...] = ()  # "WIDTHxHEIGHT"; empty = any
    reference_images: bool = False  # accepts an image to keep a character consistent
    voices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[tuple[str, str], ...]  # (role, content): role is system, user or assistant
    schema: dict[str, Any] | None = None  # JSON schema the reply must follow (structured output)
    max_tokens: int = 1024
    temperature: float = 0.7
    seed: int | None = None


@dataclass(frozen=True)
class ChatResult:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str = "stop"  # "stop" or "length" (cut off at max_tokens)


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    seed: int
    negative_prompt: str = ""
    reference: bytes | None = None  # PNG of the character's reference look, where the backend accepts one


@dataclass(frozen=True)
class ImageResult:
    png: bytes


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice: str
    language: str  # "zh", "en", …
    speed: float = 1.0


@dataclass(frozen=True)
class SpeechResult:
    audio: bytes
    format: str  # "wav" or "mp3"


@runtime_checkable
class Provider(Protocol):
    name: str  # the name in microdrama.toml, e.g. "deepseek"
    kind: str  # the backend, e.g. "openai", "local", "comfyui"
    model: str
    endpoint: str  # base URL, or "embedded" for in-process models; part of the cache key

    def capabilities(self) -> Capabilities: ...


@runtime_checkable
class TextProvider(Provider, Protocol):
    def chat(self, request: ChatRequest) -> ChatResult: ...


@runtime_checkable
class ImageProvider(Provider, Protocol):
    def generate(self, request: ImageRequest) -> ImageResult: ...


@runtime_checkable
class SpeechProvider(Provider, Protocol):
    def speak(self, request: SpeechRequest) -> SpeechResult: ...


@dataclass(frozen=True)
class ProviderSettings:
    """One ``[providers.NAME]`` table of microdrama.toml, as a backend's factory receives it."""

    name: str
    kind: str
    model: str = ""
    base_url: str = ""
    api_key: str | None = None  # resolved from the environment or keyring, never from a file
    timeout_seconds: float = 120.0
    options: dict[str, Any] = field(default_factory=dict)  # backend-specific settings (e.g. workflow path)
