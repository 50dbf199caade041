"""The embedded model: assembling the GGUF from its part packages, and chatting with it in-process.

Uses the 0.5B model, assembled once per run into a fresh cache (the ``llm_model_dir`` fixture),
with short greedy generations. The assembly checks run on small fake part packages written to a
temp folder and put on sys.path, so every failure path is exercised without copying a model again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from microdrama.errors import ProviderError
from microdrama.localize.languages import LATIN
from microdrama.providers.base import ChatRequest, ProviderSettings, TextProvider
from microdrama.providers.local import (
    ContextOverflow,
    LocalProvider,
    RequestRejected,
    as_grammar_request,
    create,
    loaded_server,
    request_body,
    strict_schema,
)
from microdrama.providers.local_models import MODELS, ModelSpec, assemble, cache_dir, model_file, spec_for
from microdrama.providers.registry import create_provider

MODEL = "qwen2.5-coder-0.5b"
N_CTX = 2048  # small: less memory, and the overflow test tokenises little
# One thread: when other processes keep a core busy, llama.cpp's spinning thread barriers make a second
# thread cost far more than it gives (seen here: 2 s per token with 2 threads, 40 ms with 1).
THREADS = 1
OPTIONS = {"n_ctx": N_CTX, "threads": THREADS}
ROOT = Path(".")

MakeParts = Callable[[list[bytes]], tuple[str, ...]]


def ask(text: str, max_tokens: int = 32, schema: dict[str, Any] | None = None) -> ChatRequest:
    return ChatRequest(messages=(("user", text),), schema=schema, max_tokens=max_tokens, temperature=0.0, seed=7)


@pytest.fixture(scope="session")
def assembled(llm_model_dir: Path) -> tuple[Path, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    path = model_file(MODEL, progress=lambda done, total: calls.append((done, total)))
    return path, calls


@pytest.fixture(scope="module")
def provider(assembled: tuple[Path, list[tuple[int, int]]]) -> LocalProvider:
    made = create(ProviderSettings(name="writer", kind="local", model=MODEL, options=OPTIONS), ROOT)
    assert isinstance(made, LocalProvider)
    return made


@pytest.fixture
def make_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeParts:
    """Write part packages shaped like the real ones (package/data/partNN.bin) and make them findable."""
    site = tmp_path / "site"
    prefix = f"mdtest_{uuid.uuid4().hex[:8]}"
    monkeypatch.syspath_prepend(str(site))

    def make(blobs: list[bytes]) -> tuple[str, ...]:
        names = []
        for number, blob in enumerate(blobs, start=1):
            package = site / f"{prefix}_part{number}"
            (package / "data").mkdir(parents=True)
            (package / "__init__.py").write_text("raise RuntimeError('part packages must not be imported')\n")
            (package / "data" / f"part{number:02d}.bin").write_bytes(blob)
            names.append(package.name)
        return tuple(names)

    return make


def fake_gguf(size: int = 300_000) -> bytes:
    return b"GGUF" + struct.pack("<I", 3) + os.urandom(size - 8)


def spec_of(blob: bytes, parts: tuple[str, ...], sha256: str | None = None) -> ModelSpec:
    return ModelSpec("fake", parts, sha256 or hashlib.sha256(blob).hexdigest(), len(blob))


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if not path.name.endswith(".lock"))


# -- assembly ---------------------------------------------------------------------------------------------------


def test_the_pinned_model_is_assembled_from_its_parts_and_verified(
    assembled: tuple[Path, list[tuple[int, int]]], llm_model_dir: Path
) -> None:
    path, calls = assembled
    spec = MODELS[MODEL]
    assert path == llm_model_dir / f"{MODEL}-{spec.sha256[:12]}.gguf"
    assert path.stat().st_size == spec.size
    with path.open("rb") as handle:
        assert handle.read(8) == b"GGUF" + struct.pack("<I", 3)
        handle.seek(0)
        assert hashlib.file_digest(handle, "sha256").hexdigest() == spec.sha256
    assert calls[-1] == (spec.size, spec.size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert leftovers(llm_model_dir) == [path.name]  # no temp file left behind


def test_an_assembled_model_is_reused_without_copying_again(assembled: tuple[Path, list[tuple[int, int]]]) -> None:
    path, _ = assembled
    before = path.stat().st_mtime_ns
    calls: list[tuple[int, int]] = []
    assert model_file(MODEL, progress=lambda done, total: calls.append((done, total))) == path
    assert calls == []
    assert path.stat().st_mtime_ns == before


def test_parts_are_concatenated_in_order(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    parts = make_parts([blob[:100_000], blob[100_000:250_000], blob[250_000:]])
    path = assemble(spec_of(blob, parts), tmp_path / "cache")
    assert path.read_bytes() == blob
    assert path.name == f"fake-{hashlib.sha256(blob).hexdigest()[:12]}.gguf"


def test_a_wrong_pinned_hash_is_refused_and_leaves_no_file(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    spec = spec_of(blob, make_parts([blob[:150_000], blob[150_000:]]), sha256="0" * 64)
    with pytest.raises(ProviderError, match="corrupt or tampered with; reinstall") as caught:
        assemble(spec, tmp_path / "cache")
    assert hashlib.sha256(blob).hexdigest() in str(caught.value)  # says what it found
    assert leftovers(tmp_path / "cache") == []


def test_a_corrupted_part_of_the_right_size_is_refused(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    damaged = blob[:1000] + bytes([blob[1000] ^ 0xFF]) + blob[1001:]
    spec = spec_of(blob, make_parts([damaged[:150_000], damaged[150_000:]]))
    with pytest.raises(ProviderError, match="corrupt or tampered"):
        assemble(spec, tmp_path / "cache")
    assert leftovers(tmp_path / "cache") == []


def test_a_truncated_part_is_refused_before_copying(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    spec = spec_of(blob, make_parts([blob[:150_000], blob[150_000:-10]]))
    with pytest.raises(ProviderError, match="incomplete or corrupt"):
        assemble(spec, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_file_that_is_not_gguf_is_refused_even_with_a_matching_hash(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = b"PK\x03\x04" + os.urandom(5000)
    with pytest.raises(ProviderError, match="not a GGUF"):
        assemble(spec_of(blob, make_parts([blob])), tmp_path / "cache")
    assert leftovers(tmp_path / "cache") == []


def test_a_missing_part_package_is_named_with_the_install_command(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    parts = (*make_parts([blob]), "mdtest_absent_part2")
    expected = re.escape("'mdtest_absent_part2' is not installed; run pip install 'microdrama[local]'")
    with pytest.raises(ProviderError, match=expected):
        assemble(spec_of(blob, parts), tmp_path / "cache")


def test_two_assemblies_at_once_make_one_good_file(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf(2_000_000)
    spec = spec_of(blob, make_parts([blob[:1_000_000], blob[1_000_000:]]))
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(assemble(spec, tmp_path / "cache"))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 3
    assert results[0].read_bytes() == blob
    assert leftovers(tmp_path / "cache") == [results[0].name]


def test_a_wrong_sized_cached_file_is_assembled_again(make_parts: MakeParts, tmp_path: Path) -> None:
    blob = fake_gguf()
    spec = spec_of(blob, make_parts([blob]))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / spec.file_name).write_bytes(b"GGUF half")
    assert assemble(spec, tmp_path / "cache").read_bytes() == blob


def test_unknown_model_names_list_the_known_ones() -> None:
    with pytest.raises(ProviderError, match=re.escape("known models: qwen2.5-coder-1.5b, qwen2.5-coder-0.5b")):
        spec_for("gpt-5")
    with pytest.raises(ProviderError, match="unknown local model 'gpt-5'"):
        create(ProviderSettings(name="x", kind="local", model="gpt-5"), ROOT)


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MICRODRAMA_MODEL_DIR", str(tmp_path / "explicit"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("MICRODRAMA_MODEL_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "microdrama" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "microdrama" / "models"


# -- the provider ---------------------------------------------------------------------------------------------


def test_making_a_provider_loads_and_assembles_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MICRODRAMA_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MICRODRAMA_LOCAL_MODEL", MODEL)
    monkeypatch.delenv("MICRODRAMA_LLM_THREADS")  # the suite sets 1; the default is every core
    made = create_provider(ProviderSettings(name="cheap", kind="local", options={"n_ctx": 1024}), ROOT)
    assert isinstance(made, LocalProvider) and isinstance(made, TextProvider)
    assert (made.name, made.kind, made.model, made.endpoint) == ("cheap", "local", MODEL, "embedded")
    capabilities = made.capabilities()
    assert capabilities.capabilities == ("text",)
    assert capabilities.max_context == 1024 and capabilities.json_schema
    assert made.threads == os.cpu_count()
    monkeypatch.setenv("MICRODRAMA_LLM_THREADS", "1")
    assert create_provider(ProviderSettings(name="one", kind="local"), ROOT).threads == 1
    assert not made.loaded
    assert not (tmp_path / "models").exists()


def test_the_default_model_is_the_1_5b_unless_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICRODRAMA_LOCAL_MODEL", raising=False)
    assert create(ProviderSettings(name="a", kind="local"), ROOT).model == "qwen2.5-coder-1.5b"
    monkeypatch.setenv("MICRODRAMA_LOCAL_MODEL", MODEL)
    assert create(ProviderSettings(name="a", kind="local"), ROOT).model == MODEL
    explicit = ProviderSettings(name="a", kind="local", model="qwen2.5-coder-1.5b")
    assert create(explicit, ROOT).model == "qwen2.5-coder-1.5b"


def test_bad_options_are_refused() -> None:
    with pytest.raises(ProviderError, match="option n_ctx must be a positive integer"):
        create(ProviderSettings(name="a", kind="local", model=MODEL, options={"n_ctx": "big"}), ROOT)
    with pytest.raises(ProviderError, match="option threads"):
        create(ProviderSettings(name="a", kind="local", model=MODEL, options={"threads": 0}), ROOT)


def test_chat_answers_in_plain_text(provider: LocalProvider) -> None:
    result = provider.chat(ask("What is the capital of France? Answer with one word."))
    assert provider.loaded
    assert "paris" in result.text.lower()
    assert result.prompt_tokens > 5 and 0 < result.completion_tokens <= 32
    assert result.finish_reason == "stop"


def test_chat_is_repeatable_with_temperature_zero(provider: LocalProvider) -> None:
    request = ask("Name a colour of the sky.", max_tokens=12)
    assert provider.chat(request).text == provider.chat(request).text


def test_max_tokens_cuts_the_reply_off(provider: LocalProvider) -> None:
    result = provider.chat(ask("Count from 1 to 100, separated by spaces.", max_tokens=5))
    assert result.finish_reason == "length"
    assert result.completion_tokens == 5


def test_a_schema_constrains_the_reply_to_valid_json(provider: LocalProvider) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 20},
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "mood": {"enum": ["happy", "sad", "angry"]},
        },
        "required": ["name", "age", "mood"],
        "additionalProperties": False,
    }
    result = provider.chat(ask("Invent a character for a short drama.", schema=schema, max_tokens=64))
    assert result.finish_reason == "stop"
    jsonschema.validate(json.loads(result.text), schema)


def test_a_pinned_reply_with_a_character_class_keeps_the_ids_and_the_script(provider: LocalProvider) -> None:
    # The translator's kind of schema: ids pinned in order, a character class for the script.
    text = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": f"^[{LATIN}]*$"}
    items = [
        {"type": "object", "properties": {"id": {"const": key}, "text": text}, "required": ["id", "text"]}
        for key in ("a", "b")
    ]
    schema = {"type": "object", "properties": {"lines": {"type": "array", "prefixItems": items, "minItems": 2,
              "maxItems": 2}}, "required": ["lines"]}  # fmt: skip
    request = 'Translate into English: {"a": "少爷，他说“快走”。", "b": "我没欠你钱。"}'
    result = provider.chat(ask(request, schema=schema, max_tokens=96))
    reply = json.loads(result.text)
    jsonschema.validate(reply, schema)
    assert [line["id"] for line in reply["lines"]] == ["a", "b"]


def test_a_grammar_retry_is_tightened_where_json_schema_is_loose() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}, "tags": {"type": "array",
              "items": {"type": "object", "properties": {"t": {"type": "string"}}}}}}  # fmt: skip
    body = request_body(ask("hi", schema=schema))
    assert body["response_format"]["json_schema"]["schema"] == schema, "the first request is as asked"
    strict = strict_schema(schema)
    assert strict["additionalProperties"] is False
    assert strict["properties"]["tags"]["items"]["additionalProperties"] is False
    assert strict["properties"]["n"]["maximum"] == 10**16 - 1
    assert strict["x-guidance"] == {"whitespace_flexible": False}
    retry = as_grammar_request(body)
    assert "response_format" not in retry and retry["messages"] == body["messages"]
    assert '"whitespace_flexible":false' in retry["grammar"].replace(" ", "")


def test_streaming_hands_over_the_text_piece_by_piece(provider: LocalProvider) -> None:
    pieces: list[str] = []
    result = provider.chat_stream(ask("List three fruits.", max_tokens=24), pieces.append)
    assert len(pieces) > 3
    assert "".join(pieces) == result.text
    assert result.completion_tokens == 24 or result.finish_reason == "stop"


def test_a_prompt_larger_than_the_context_is_refused_with_the_sizes(provider: LocalProvider) -> None:
    with pytest.raises(ContextOverflow, match=r"the request is \d+ tokens .* context of 2048 tokens") as caught:
        provider.chat(ask("word " * (N_CTX + 200)))
    assert caught.value.prompt_tokens > N_CTX and caught.value.n_ctx == N_CTX


def test_requests_llama_cpp_cannot_serve_are_refused(provider: LocalProvider) -> None:
    with pytest.raises(RequestRejected, match="not a valid JSON schema: 'colour' is not valid"):
        provider.chat(ask("hi", schema={"type": "colour"}))
    with pytest.raises(RequestRejected, match="at least one message"):
        provider.chat(ChatRequest(messages=()))


def test_providers_with_the_same_settings_share_one_loaded_model(provider: LocalProvider) -> None:
    provider.chat(ask("Say yes.", max_tokens=2))
    twin = create(ProviderSettings(name="twin", kind="local", model=MODEL, options=OPTIONS), ROOT)
    assert twin.loaded  # already in memory: nothing to load
    assert loaded_server(MODEL, N_CTX, THREADS) is twin.load().server is provider.load().server


def test_concurrent_calls_take_turns(provider: LocalProvider) -> None:
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            results[number] = provider.chat(ask(f"Write the number {number} in words.", max_tokens=8)).text
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(results[n] for n in (3, 4))
