"""The embedded text backend: llama.cpp in this process (through xllamacpp), no server to run.

The model loads on the first chat, not when the provider is made, so listing or configuring
providers stays instant. A loaded model is shared by every provider of this process with the
same (file, n_ctx, threads); one lock per loaded model serialises calls, since it decodes one
sequence at a time anyway.

xllamacpp's ``Server`` always starts llama.cpp's own HTTP listener next to the Python API, with
no key and CORS open to any origin. We never use it, so it is bound to a Unix socket in a
private (0700) temp folder and locked with a random key: nothing else on the machine can reach
it. The Python calls go straight to the route handlers and do not need the key.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microdrama.errors import ProviderError
from microdrama.providers.base import Capabilities, ChatRequest, ChatResult, ProviderSettings
from microdrama.providers.local_models import DEFAULT_MODEL, cache_dir, model_file, spec_for

DEFAULT_N_CTX = 8192
DEFAULT_CACHE_RAM_MIB = 512  # llama.cpp keeps old prompts' KV in RAM; its own default (8 GiB) is too much here
MODEL_ENV = "MICRODRAMA_LOCAL_MODEL"  # the default model when a provider names none (tests pick the 0.5B)
LOG_ENV = "MICRODRAMA_LLM_LOG"  # "1" keeps llama.cpp's log on stderr
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS

TextSink = Callable[[str], None]
ChunkSink = Callable[[dict[str, Any]], bool]  # gets each streamed chunk; True stops decoding


@dataclass
class Loaded:
    """One model in memory: the xllamacpp Server and the lock its calls take turns on."""

    server: Any  # xllamacpp.Server (the package ships no type information)
    lock: threading.Lock
    path: Path
    n_ctx: int
    threads: int


class RequestRejected(ProviderError):
    """llama.cpp refused this request as invalid (a schema it cannot compile, a prompt too long): the caller's fault."""


class ContextOverflow(RequestRejected):
    """The prompt does not fit the loaded context."""

    def __init__(self, message: str, prompt_tokens: int, n_ctx: int) -> None:
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.n_ctx = n_ctx


_loaded: dict[tuple[str, int, int], Loaded] = {}
_loading = threading.Lock()


THREADS_ENV = "MICRODRAMA_LLM_THREADS"  # decoding threads; the test suite sets 1


def default_threads() -> int:
    """All cores, unless MICRODRAMA_LLM_THREADS says otherwise.

    llama.cpp's threads spin-wait for each other, so when other processes compete for
    the cores a thread count equal to the core count can slow decoding by 20x or more;
    on a shared machine set the variable to 1.
    """
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return os.cpu_count() or 1


def loaded_server(name: str, n_ctx: int = DEFAULT_N_CTX, threads: int | None = None) -> Any:
    """The raw xllamacpp Server of catalog model ``name`` (loading it if needed), shared with LocalProvider.

    For benchmarks and diagnostics; callers must hold ``load(...).lock`` if providers may run concurrently.
    """
    return load(model_file(name), n_ctx, threads or default_threads()).server


def load(path: Path, n_ctx: int, threads: int) -> Loaded:
    """The process-wide model for (path, n_ctx, threads), started on first use."""
    key = (str(path), n_ctx, threads)
    with _loading:
        loaded = _loaded.get(key)
        if loaded is None:
            loaded = _loaded[key] = Loaded(_start(path, n_ctx, threads), threading.Lock(), path, n_ctx, threads)
    return loaded


def is_loaded(path: Path, n_ctx: int, threads: int) -> bool:
    return (str(path), n_ctx, threads) in _loaded


def _start(path: Path, n_ctx: int, threads: int) -> Any:
    xllamacpp = importlib.import_module("xllamacpp")  # imported here: loading the native library takes time
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_parallel = 1  # one sequence: the whole context for each request
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.cache_ram_mib = DEFAULT_CACHE_RAM_MIB
    params.warmup = True  # pays the first-token cost at load time, not on the first request
    # llama.cpp logs through common_log, which drops everything above this threshold: -1 silences it all.
    params.verbosity = 3 if os.environ.get(LOG_ENV) == "1" else -1
    params.ui = False
    params.api_keys = [secrets.token_urlsafe(32)]
    socket_dir = tempfile.mkdtemp(prefix="microdrama-llm-")
    atexit.register(shutil.rmtree, socket_dir, ignore_errors=True)
    socket = os.path.join(socket_dir, "llama.sock")
    params.hostnames = [socket] if len(socket) <= SOCKET_PATH_MAX else ["127.0.0.1"]  # llama.cpp: *.sock = Unix
    try:
        return xllamacpp.Server(params)
    except (RuntimeError, ValueError) as error:
        raise ProviderError(
            f"llama.cpp cannot load {path} (n_ctx {n_ctx}, {threads} threads): {error}; set {LOG_ENV}=1 to see its log"
        ) from error


class LocalProvider:
    """A catalog model run in this process; implements TextProvider."""

    kind = "local"
    endpoint = "embedded"

    def __init__(self, name: str, model: str, n_ctx: int = DEFAULT_N_CTX, threads: int | None = None) -> None:
        spec_for(model)  # an unknown model fails when the project is read, not at the first call
        self.name = name
        self.model = model
        self.n_ctx = n_ctx
        self.threads = threads or default_threads()
        self._path: Path | None = None

    def capabilities(self) -> Capabilities:
        # json_mode: a generic {"type": "object"} schema gives "any JSON object", as OpenAI's json_object does.
        return Capabilities(("text",), max_context=self.n_ctx, json_schema=True, json_mode=True)

    @property
    def loaded(self) -> bool:
        """Whether this provider's model is in memory (perhaps loaded by another provider of this process)."""
        path = self._path or cache_dir() / spec_for(self.model).file_name
        return is_loaded(path, self.n_ctx, self.threads)

    def load(self) -> Loaded:
        """Assemble (first time only) and load the model now; chat() does this itself when needed."""
        if self._path is None:
            self._path = model_file(self.model)
        return load(self._path, self.n_ctx, self.threads)

    def chat(self, request: ChatRequest) -> ChatResult:
        loaded = self.load()
        with loaded.lock:
            response = self._call(loaded, request_body(request))
        _raise_for_error(response, self.model)
        try:
            choice = response["choices"][0]
            usage = response["usage"]
            return ChatResult(
                text=choice["message"]["content"] or "",
                prompt_tokens=int(usage["prompt_tokens"]),
                completion_tokens=int(usage["completion_tokens"]),
                finish_reason=choice.get("finish_reason") or "stop",
            )
        except (KeyError, IndexError, TypeError) as error:
            reply = str(response)[:300]
            raise ProviderError(f"local model {self.model!r} gave an unexpected reply: {reply}") from error

    def chat_stream(self, request: ChatRequest, on_text: TextSink) -> ChatResult:
        """Like chat(), handing each piece of text to ``on_text`` as it is decoded.

        If ``on_text`` raises (the client went away), decoding stops and the error propagates.
        """
        loaded = self.load()
        pieces: list[str] = []
        final: dict[str, Any] = {"finish_reason": "stop", "usage": None, "error": None}
        failure: list[BaseException] = []

        def on_chunk(chunk: dict[str, Any]) -> bool:
            if "error" in chunk:
                final["error"] = chunk
                return True
            for choice in chunk.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    pieces.append(text)
                    try:
                        on_text(text)
                    except BaseException as error:  # re-raised below, outside native code
                        failure.append(error)
                        return True
                if choice.get("finish_reason"):
                    final["finish_reason"] = choice["finish_reason"]
            if chunk.get("usage"):
                final["usage"] = chunk["usage"]
            return False

        body = {**request_body(request), "stream": True, "stream_options": {"include_usage": True}}
        with loaded.lock:
            self._call(loaded, body, on_chunk)
        if failure:
            raise failure[0]
        if final["error"] is not None:
            _raise_for_error(final["error"], self.model)
        usage = final["usage"] or {}
        return ChatResult(
            text="".join(pieces),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", len(pieces))),
            finish_reason=str(final["finish_reason"]),
        )

    def _call(self, loaded: Loaded, body: dict[str, Any], on_chunk: ChunkSink | None = None) -> Any:
        if not body["messages"]:
            raise RequestRejected("a chat request needs at least one message")
        try:
            if on_chunk is None:
                try:
                    return loaded.server.handle_chat_completions(body)
                except RuntimeError as error:
                    if CHAT_PARSER_REJECTED not in str(error) or "response_format" not in body:
                        raise
                    return loaded.server.handle_chat_completions(as_grammar_request(body))
            return loaded.server.handle_chat_completions(body, on_chunk)
        except ValueError as error:  # llama.cpp's invalid_argument, e.g. a schema it cannot turn into a grammar
            raise RequestRejected(f"local model {self.model!r} refused the request: {error}") from error
        except RuntimeError as error:
            raise ProviderError(f"local model {self.model!r} failed: {error}") from error


def request_body(request: ChatRequest) -> dict[str, Any]:
    """ChatRequest → the OpenAI-style body llama.cpp's chat route takes."""
    body: dict[str, Any] = {
        "messages": [{"role": role, "content": content} for role, content in request.messages],
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.seed is not None:
        body["seed"] = request.seed
    if request.schema is not None:  # llama.cpp turns the schema into a grammar: decoding cannot leave it
        schema_json = json.dumps(request.schema)  # property order kept: it is the order the model writes in
        checked_schema(schema_json)
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "reply", "schema": request.schema}}
    return body


# With response_format, llama.cpp also parses the reply by the model's chat format, and for
# Qwen2.5-Coder-1.5B's template that parser refuses some replies its own grammar produced.
CHAT_PARSER_REJECTED = "does not match the expected"


def as_grammar_request(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its reply schema given as a grammar, which llama.cpp does not parse back."""
    schema = body["response_format"]["json_schema"]["schema"]
    retry = {key: value for key, value in body.items() if key != "response_format"}
    retry["grammar"] = schema_grammar(json.dumps(schema))
    return retry


@functools.lru_cache(maxsize=64)
def checked_schema(schema: str) -> None:
    """Refuse an invalid reply schema (llguidance, which decodes with it, accepts some silently)."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(json.loads(schema))
    except jsonschema.SchemaError as error:
        raise RequestRejected(f"the reply schema is not a valid JSON schema: {error.message}") from error


@functools.lru_cache(maxsize=64)
def schema_grammar(schema: str) -> str:
    """The llguidance grammar for ``schema`` (JSON text), tightened by ``strict_schema``."""
    xllamacpp = importlib.import_module("xllamacpp")
    try:
        return str(xllamacpp.json_schema_to_grammar(json.dumps(strict_schema(json.loads(schema)))))
    except (RuntimeError, ValueError) as error:
        raise RequestRejected(f"llama.cpp cannot turn the reply schema into a grammar: {error}") from error


def _raise_for_error(response: Any, model: str) -> None:
    error = response.get("error") if isinstance(response, dict) else None
    if error is None:
        return
    if error.get("type") == "exceed_context_size_error":
        raise ContextOverflow(
            f"the request is {error.get('n_prompt_tokens')} tokens but model {model!r} has a context of"
            f" {error.get('n_ctx')} tokens; shorten it or raise the provider's n_ctx option",
            prompt_tokens=int(error.get("n_prompt_tokens", 0)),
            n_ctx=int(error.get("n_ctx", 0)),
        )
    kind = RequestRejected if error.get("code") == 400 else ProviderError
    raise kind(f"local model {model!r} refused the request: {error.get('message', error)}")


def create(settings: ProviderSettings, root: Path) -> LocalProvider:
    """Registry factory for ``kind = "local"``; options: n_ctx (8192), threads (CPU count)."""
    model = settings.model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    return LocalProvider(
        settings.name,
        model,
        n_ctx=_positive_int(settings, "n_ctx", DEFAULT_N_CTX),
        threads=_positive_int(settings, "threads", default_threads()),
    )


def _positive_int(settings: ProviderSettings, option: str, default: int) -> int:
    value = settings.options.get(option, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ProviderError(f"provider {settings.name!r}: option {option} must be a positive integer, not {value!r}")
    return value


NUMBER_BOUND = 10**16 - 1


def strict_schema(schema: Any) -> Any:
    """``schema`` as llguidance should read it. JSON Schema allows properties beyond those
    named, numbers of any length and any whitespace, and a small model wanders off into each
    until the token limit; llama.cpp's own converter bounded all three. So: no extra
    properties, at most 16 digits, compact JSON (llguidance repeats any whitespace pattern)."""

    def tighten(node: Any) -> Any:
        if isinstance(node, list):
            return [tighten(item) for item in node]
        if not isinstance(node, dict):
            return node
        tightened = {key: tighten(value) for key, value in node.items()}
        if "properties" in tightened and "additionalProperties" not in tightened:
            tightened["additionalProperties"] = False
        if tightened.get("type") in ("integer", "number"):
            tightened.setdefault("maximum", NUMBER_BOUND)
            tightened.setdefault("minimum", -NUMBER_BOUND)
        return tightened

    strict = tighten(schema)
    if isinstance(strict, dict):
        strict["x-guidance"] = {"whitespace_flexible": False, **strict.get("x-guidance", {})}
    return strict
