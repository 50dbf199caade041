"""The OpenAI-compatible backend against a real local HTTP server speaking the OpenAI wire format."""

from __future__ import annotations

import io
import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from microdrama.errors import ProviderError, TransientProviderError
from microdrama.providers.base import ChatRequest, ImageRequest, ProviderSettings, SpeechRequest
from microdrama.providers.http import as_png, retry_after_seconds, validate_base_url
from microdrama.providers.openai_compat import OpenAICompatibleProvider, create
from microdrama.providers.registry import create_provider
from tests.fakes.openai_server import OpenAIFake, fake_png, running_openai_fake

KEY = "sk-test-7f3a9c0b12de"
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
HELLO = ChatRequest(messages=(("system", "You write micro-dramas."), ("user", "Name the episode.")), seed=11)
MakeProvider = Callable[..., OpenAICompatibleProvider]


@pytest.fixture
def fake() -> Iterator[OpenAIFake]:
    with running_openai_fake(api_key=KEY) as server:
        yield server


@pytest.fixture
def make(fake: OpenAIFake) -> Iterator[MakeProvider]:
    made: list[OpenAICompatibleProvider] = []

    def make_provider(*, key: str | None = KEY, timeout: float = 2.0, **options: Any) -> OpenAICompatibleProvider:
        settings = ProviderSettings("fake", "openai", "chat-model", fake.url, key, timeout, dict(options))
        made.append(OpenAICompatibleProvider(settings))
        return made[-1]

    yield make_provider
    for provider in made:
        provider.close()


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return (int(image.width), int(image.height))


# -- chat -------------------------------------------------------------------------------------------


def test_chat_sends_messages_and_key_and_reads_content_and_usage(fake: OpenAIFake, make: MakeProvider) -> None:
    result = make().chat(HELLO)
    assert result.text == "Hello from the fake server."
    assert (result.prompt_tokens, result.completion_tokens, result.finish_reason) == (6, 5, "stop")
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = request.json
    assert body["model"] == "chat-model" and body["seed"] == 11 and body["stream"] is False
    assert body["messages"] == [
        {"role": "system", "content": "You write micro-dramas."},
        {"role": "user", "content": "Name the episode."},
    ]
    assert "response_format" not in body


def test_chat_with_json_schema_option_asks_for_strict_structured_output(fake: OpenAIFake, make: MakeProvider) -> None:
    result = make(json_schema=True).chat(ChatRequest(messages=(("user", "Title?"),), schema=SCHEMA))
    assert json.loads(result.text) == {"reply": "ok"}
    body = fake.requests[0].json
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": SCHEMA, "strict": True},
    }
    assert body["messages"] == [{"role": "user", "content": "Title?"}]  # the server enforces the shape


@pytest.mark.parametrize("messages", [(("user", "Title?"),), (("system", "Be brief."), ("user", "Title?"))])
def test_chat_in_json_mode_shows_the_schema_in_one_system_message(
    fake: OpenAIFake, make: MakeProvider, messages: tuple[tuple[str, str], ...]
) -> None:
    make().chat(ChatRequest(messages=messages, schema=SCHEMA))
    body = fake.requests[0].json
    assert body["response_format"] == {"type": "json_object"}
    sent = body["messages"]
    assert [message["role"] for message in sent] == ["system", "user"]
    assert '"required": [' in sent[0]["content"] and "JSON" in sent[0]["content"]
    if messages[0][0] == "system":
        assert sent[0]["content"].startswith("Be brief.")
    assert sent[1] == {"role": "user", "content": "Title?"}


def test_chat_without_json_mode_still_describes_the_schema(fake: OpenAIFake, make: MakeProvider) -> None:
    make(json_mode=False).chat(ChatRequest(messages=(("user", "Title?"),), schema=SCHEMA))
    body = fake.requests[0].json
    assert "response_format" not in body and "title" in body["messages"][0]["content"]


def test_chat_estimates_usage_when_the_server_reports_none(
    fake: OpenAIFake, make: MakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    fake.include_usage = False
    fake.finish_reason = "length"
    fake.chat_responder = lambda body: "第一集：重逢" + " word" * 8
    with caplog.at_level(logging.WARNING):
        result = make().chat(HELLO)
    assert result.finish_reason == "length"
    assert result.completion_tokens >= 5 + 8 and result.prompt_tokens > 0
    assert "estimated" in caplog.text


@pytest.mark.parametrize(
    "answer",
    [{"choices": []}, {"choices": [{"index": 0}]}, {"id": "x"}, {"choices": [{"message": {"content": 3}}]}],
)
def test_a_well_formed_answer_without_content_is_not_retried(
    fake: OpenAIFake, make: MakeProvider, answer: dict[str, Any]
) -> None:
    fake.chat_responder = lambda body: answer
    with pytest.raises(ProviderError, match="unexpected answer") as caught:
        make().chat(HELLO)
    assert not isinstance(caught.value, TransientProviderError)


def test_an_error_sent_with_http_200_is_reported(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.chat_responder = lambda body: {"error": {"message": "model overloaded with prompts"}}
    with pytest.raises(ProviderError, match="model overloaded"):
        make().chat(HELLO)


# -- images -----------------------------------------------------------------------------------------


def test_generate_asks_for_b64_png_with_size_and_seed(fake: OpenAIFake, make: MakeProvider) -> None:
    provider = make(image_model="img-model")
    request = ImageRequest("a rainy rooftop", 96, 160, seed=7, negative_prompt="blurry")
    first = provider.generate(request).png
    assert png_size(first) == (96, 160)
    assert first == fake_png("a rainy rooftop|7|blurry", 96, 160)
    body = fake.requests[0].json
    assert fake.requests[0].path == "/v1/images/generations"
    assert body == {
        "model": "img-model",
        "prompt": "a rainy rooftop",
        "size": "96x160",
        "response_format": "b64_json",
        "n": 1,
        "seed": 7,
        "negative_prompt": "blurry",
    }
    assert provider.generate(request).png == first
    assert provider.generate(ImageRequest("a rainy rooftop", 96, 160, seed=8, negative_prompt="blurry")).png != first


def test_generate_without_extras_sends_only_openai_fields(fake: OpenAIFake, make: MakeProvider) -> None:
    make(image_extras=False).generate(ImageRequest("x", 32, 32, seed=1, negative_prompt="n"))
    assert set(fake.requests[0].json) == {"model", "prompt", "size", "response_format", "n"}


def test_an_image_url_is_fetched_without_the_key_on_another_origin(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.image_answer = "url"
    fake.hosted_origin = fake.origin.replace("127.0.0.1", "localhost")  # same server, different origin
    png = make().generate(ImageRequest("x", 40, 30, seed=1)).png
    assert png_size(png) == (40, 30)
    fetch = fake.requests[1]
    assert fetch.method == "GET" and fetch.path.startswith("/files/")
    assert "authorization" not in fetch.headers


def test_a_jpeg_answer_is_converted_to_png(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.image_format = "JPEG"
    assert png_size(make().generate(ImageRequest("x", 48, 48, seed=1)).png) == (48, 48)


def test_an_image_url_that_is_not_http_is_not_fetched(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.image_answer = "url"
    fake.hosted_origin = "file://"
    with pytest.raises(ProviderError, match=r"http\(s\) URL"):
        make().generate(ImageRequest("x", 48, 48, seed=1))
    assert fake.paths() == ["/v1/images/generations"]


def test_bytes_that_are_not_an_image_are_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="not a readable image"):
        as_png(b"<html>oops</html>", "provider 'p'")
    with pytest.raises(ProviderError, match="not a readable image"):
        as_png(fake_png("x", 64, 64)[:60], "provider 'p'")  # cut off inside the pixel data


def test_sizes_outside_image_sizes_are_refused_before_any_call(fake: OpenAIFake, make: MakeProvider) -> None:
    provider = make(image_sizes=["768x1344"])
    with pytest.raises(ProviderError, match="768x1344"):
        provider.generate(ImageRequest("x", 512, 512, seed=1))
    assert fake.requests == []
    assert provider.capabilities().capabilities == ("text", "image")


def test_a_reference_goes_to_images_edits_as_multipart(fake: OpenAIFake, make: MakeProvider) -> None:
    reference = fake_png("hero", 32, 32)
    png = make(reference_images=True).generate(ImageRequest("hero at dawn", 64, 96, seed=3, reference=reference)).png
    assert png_size(png) == (64, 96)
    request = fake.requests[0]
    assert request.path == "/v1/images/edits"
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.files["image"].content == reference and request.files["image"].content_type == "image/png"
    assert request.fields["prompt"] == "hero at dawn" and request.fields["size"] == "64x96"
    assert request.fields["seed"] == "3" and request.fields["response_format"] == "b64_json"


def test_a_reference_is_ignored_when_the_server_takes_none(fake: OpenAIFake, make: MakeProvider) -> None:
    make().generate(ImageRequest("x", 32, 32, seed=3, reference=fake_png("hero", 8, 8)))
    assert fake.paths() == ["/v1/images/generations"]


# -- speech -----------------------------------------------------------------------------------------


def test_speak_returns_wav(fake: OpenAIFake, make: MakeProvider) -> None:
    result = make(speech_model="tts-1", voices=["alloy"]).speak(SpeechRequest("你好。", "alloy", "zh", speed=1.1))
    assert result.format == "wav" and result.audio[:4] == b"RIFF" and result.audio[8:12] == b"WAVE"
    assert fake.requests[0].path == "/v1/audio/speech"
    assert fake.requests[0].json == {
        "model": "tts-1",
        "input": "你好。",
        "voice": "alloy",
        "response_format": "wav",
        "speed": 1.1,
    }


def test_speak_accepts_mp3_and_checks_voices(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.speech_format = "mp3"
    provider = make(voices=["alloy"])
    assert provider.speak(SpeechRequest("hi", "alloy", "en")).format == "mp3"
    with pytest.raises(ProviderError, match="no voice 'nova'"):
        provider.speak(SpeechRequest("hi", "nova", "en"))
    assert provider.capabilities().capabilities == ("text", "speech")


# -- faults -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["500", "502", "503", "408", "truncated", "invalid_json", "slow", "reset"])
def test_retryable_faults_are_transient(fake: OpenAIFake, make: MakeProvider, fault: str) -> None:
    fake.faults.append(fault)
    fake.slow_seconds = 1.0
    with pytest.raises(TransientProviderError) as caught:
        make(timeout=0.3).chat(HELLO)
    assert caught.value.retry_after is None
    assert KEY not in str(caught.value)
    assert make().chat(HELLO).text  # the next request is answered: faults are consumed one per request


@pytest.mark.parametrize("fault", ["truncated", "reset", "slow", "invalid_json"])
def test_faults_on_binary_and_image_calls_are_transient(fake: OpenAIFake, make: MakeProvider, fault: str) -> None:
    fake.faults.extend([fault, fault])
    provider = make(timeout=0.3)
    with pytest.raises(TransientProviderError):
        provider.speak(SpeechRequest("hi", "alloy", "en"))
    with pytest.raises(TransientProviderError):
        provider.generate(ImageRequest("x", 32, 32, seed=1))


def test_429_carries_retry_after_seconds(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.faults.extend(["429:7", "429:", "429"])
    fake.retry_after = "2"
    provider = make()
    retry_afters = []
    for _ in range(3):
        with pytest.raises(TransientProviderError, match="429") as caught:
            provider.chat(HELLO)
        retry_afters.append(caught.value.retry_after)
    assert retry_afters == [7.0, None, 2.0]


def test_429_retry_after_as_http_date(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.faults.append("429:" + formatdate(time.time() + 30, usegmt=True))
    with pytest.raises(TransientProviderError) as caught:
        make().chat(HELLO)
    assert caught.value.retry_after is not None and 25 <= caught.value.retry_after <= 31


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: go now
    assert retry_after_seconds("Thu, 01 Jan 2037 00:00:10 GMT", now=2114380800.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds("") is None and retry_after_seconds(None) is None


def test_a_rejected_key_is_not_retried_and_never_shown(
    fake: OpenAIFake, make: MakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "sk-wrong-5e5e5e5e5e"
    with caplog.at_level(logging.DEBUG), pytest.raises(ProviderError) as caught:
        make(key=wrong, api_key_env="FAKE_API_KEY").chat(HELLO)
    message = str(caught.value)
    assert not isinstance(caught.value, TransientProviderError)
    assert "rejected the API key" in message and "$FAKE_API_KEY" in message and "401" in message
    assert wrong not in message and "***" in message  # the server echoed the key; it is masked
    assert wrong not in caplog.text and KEY not in caplog.text
    assert fake.requests[0].headers["authorization"] == f"Bearer {wrong}"  # it did reach the server


def test_a_key_that_cannot_be_a_header_is_refused_without_showing_it() -> None:
    options = {"api_key_env": "K"}
    settings = ProviderSettings("p", "openai", "m", "http://127.0.0.1:9/v1", "sk-abc\ndef", options=options)
    with pytest.raises(ProviderError, match=r"\$K contains spaces, line breaks") as caught:
        OpenAICompatibleProvider(settings)
    assert "sk-abc" not in str(caught.value)


def test_no_key_for_a_server_that_wants_one(fake: OpenAIFake, make: MakeProvider) -> None:
    with pytest.raises(ProviderError, match=r"none was sent; set \$DEEPSEEK_API_KEY"):
        make(key=None, api_key_env="DEEPSEEK_API_KEY").chat(HELLO)
    assert "authorization" not in fake.requests[0].headers


def test_403_names_the_key_source(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.faults.append("403")
    with pytest.raises(ProviderError, match=r"refused the API key from \$K") as caught:
        make(api_key_env="K").chat(HELLO)
    assert not isinstance(caught.value, TransientProviderError)


def test_other_4xx_show_the_server_message(fake: OpenAIFake, make: MakeProvider) -> None:
    fake.faults.append("400")
    with pytest.raises(ProviderError, match="HTTP 400: scripted fault 400") as caught:
        make().chat(HELLO)
    assert not isinstance(caught.value, TransientProviderError)


def test_a_wrong_base_path_is_a_404_with_a_hint(fake: OpenAIFake) -> None:
    provider = create(ProviderSettings("fake", "openai", "m", fake.origin, KEY, 2.0), Path("."))
    with pytest.raises(ProviderError, match=r"HTTP 404.*check base_url"):
        provider.chat(HELLO)
    provider.close()


def test_a_closed_port_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = OpenAICompatibleProvider(ProviderSettings("down", "openai", "m", f"http://127.0.0.1:{port}/v1"))
    with pytest.raises(TransientProviderError, match="down"):
        provider.chat(HELLO)
    provider.close()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/v1", "localhost:8080", "", "javascript:alert(1)", "http://", "//x"]
)
def test_only_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(ProviderError, match=r"must be an http\(s\) URL"):
        OpenAICompatibleProvider(ProviderSettings("bad", "openai", "m", url))
    with pytest.raises(ProviderError, match=r"must be an http\(s\) URL"):
        validate_base_url(url)


def test_validate_base_url_strips_the_trailing_slash_and_hides_credentials() -> None:
    assert validate_base_url("https://api.deepseek.com/v1/") == "https://api.deepseek.com/v1"
    with pytest.raises(ProviderError) as caught:
        validate_base_url("ftp://user:hunter2@example.com/")
    assert "hunter2" not in str(caught.value)


# -- settings ---------------------------------------------------------------------------------------


def test_the_registry_makes_this_backend_and_capabilities_follow_options(fake: OpenAIFake) -> None:
    options = {"json_schema": True, "max_context": 65536, "capabilities": ["text", "image"], "image_sizes": ["64x64"]}
    settings = ProviderSettings("deepseek", "openai", "deepseek-chat", fake.url, KEY, 5.0, options)
    provider = create_provider(settings, Path("."))
    assert isinstance(provider, OpenAICompatibleProvider)
    assert (provider.name, provider.kind, provider.model, provider.endpoint) == (
        "deepseek",
        "openai",
        "deepseek-chat",
        fake.url,
    )
    capabilities = provider.capabilities()
    assert capabilities.capabilities == ("text", "image")
    assert (capabilities.max_context, capabilities.json_schema, capabilities.json_mode) == (65536, True, True)
    assert capabilities.image_sizes == ("64x64",) and not capabilities.reference_images
    provider.close()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"json_schema": "yes"}, "json_schema must be true or false"),
        ({"max_context": -1}, "max_context must be a positive whole number"),
        ({"image_sizes": ["big"]}, "WIDTHxHEIGHT"),
        ({"capabilities": ["video"]}, "'video'"),
    ],
)
def test_bad_options_are_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ProviderError, match=message):
        OpenAICompatibleProvider(ProviderSettings("p", "openai", "m", "http://127.0.0.1:9/v1", options=options))


def test_a_model_is_required() -> None:
    with pytest.raises(ProviderError, match="set model"):
        OpenAICompatibleProvider(ProviderSettings("p", "openai", "", "http://127.0.0.1:9/v1"))
