"""Every AI call goes through here: cache, budget, rate limits, retries and the ledger.

The order of one call:
1. The request's key is the hash of (backend kind, endpoint, model, request). If the
   cache has it, the answer is free: nothing is sent and the ledger says "cached".
   So a re-run after a crash, a kill or a failed call never pays twice for work
   that finished.
2. Take a concurrency slot for the provider (flock: holds across worker processes).
3. In one ledger transaction: wait for the requests-per-minute window, check that
   this run's cost so far plus this call's worst-case estimate stays within
   --max-cost, and record the attempt as pending with that estimate.
4. Call the backend once. Transient failures (timeouts, resets, 429, 5xx, truncated
   bodies) are retried with exponential backoff and jitter, honouring Retry-After;
   anything else fails at once. Each attempt is its own ledger row.
5. On success the answer is cached (atomically) before the ledger row turns "ok".

Structured output (``structured``) sends the reply type's JSON schema, parses and
validates the reply, runs the caller's consistency check, and repairs a bounded
number of times by sending the problems back to the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from microdrama.build.cache import canonical, read_json, write_json_atomic
from microdrama.build.ledger import Ledger
from microdrama.errors import BudgetExceeded, ProviderError, TransientProviderError
from microdrama.project.ai_settings import STAGES, ProviderTable
from microdrama.project.atomic import write_bytes_atomic
from microdrama.project.config import ProjectConfig
from microdrama.providers.base import (
    ChatRequest,
    ChatResult,
    ImageProvider,
    ImageRequest,
    Provider,
    ProviderSettings,
    SpeechProvider,
    SpeechRequest,
    SpeechResult,
    TextProvider,
)
from microdrama.providers.estimate import estimate_tokens, image_cost, speech_cost, text_cost
from microdrama.providers.limits import concurrency_slot, rate_wait
from microdrama.providers.registry import create_provider
from microdrama.providers.secrets import resolve_api_key

T = TypeVar("T", bound=BaseModel)
Check = Callable[[Any], list[str]]

NO_AI = ("procedural", "builtin", "none")
MAX_BACKOFF_SECONDS = 60.0
MAX_RETRY_AFTER_SECONDS = 600.0
MAX_PROBLEMS_SENT = 8


class StructuredOutputError(ProviderError):
    """The model kept returning output that does not fit the schema or the bible."""

    def __init__(self, message: str, problem: str = "") -> None:
        super().__init__(message)
        self.problem = problem  # the last problem alone, for a caller that carries on without the reply


@dataclass(frozen=True)
class Estimate:
    stage: str
    provider: str
    model: str
    cached: bool
    prompt_tokens: int = 0
    completion_tokens: int = 0
    units: float = 0.0
    cost: float = 0.0
    currency: str = "USD"


@dataclass
class GatewayStats:
    structured_calls: int = 0
    repaired_calls: int = 0  # structured calls that needed at least one repair
    repairs: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Call:
    stage: str
    episode: int | None
    provider: Provider
    table: ProviderTable
    capability: str
    key: str
    estimate: float
    note: str | None = None


class Gateway:
    def __init__(
        self,
        root: Path,
        config: ProjectConfig,
        *,
        run_id: str | None = None,
        max_cost: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.config = config
        self.run_id = run_id or time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.max_cost = max_cost
        self.sleep = sleep  # injectable with ``clock`` so tests can check waits without waiting
        self.clock = clock
        self.stats = GatewayStats()
        self._ledger: Ledger | None = None
        self._providers: dict[str, Provider] = {}

    @classmethod
    def for_project(cls, root: Path, **options: Any) -> Gateway:
        from microdrama.project import Project

        project = Project.open(root)
        return cls(project.root, project.load_config(), **options)

    def context(self) -> dict[str, Any]:
        """What a build worker in another process needs to make the same gateway."""
        return {"root": str(self.root), "run_id": self.run_id, "max_cost": self.max_cost}

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> Gateway:
        return cls.for_project(Path(context["root"]), run_id=context["run_id"], max_cost=context["max_cost"])

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.root / "build" / "ledger.sqlite")
        return self._ledger

    @property
    def cache_folder(self) -> Path:
        return self.root / "build" / "cache" / "ai"

    # -- which provider -------------------------------------------------------------

    def provider_name(self, stage: str) -> str:
        if stage not in STAGES:
            raise ProviderError(f"unknown stage {stage!r}")
        return self.config.ai.provider_for(stage)

    def table(self, name: str) -> ProviderTable:
        if name in self.config.providers:
            return self.config.providers[name]
        if name == "local":
            return ProviderTable(kind="local")
        raise ProviderError(f"no provider named {name!r}; define [providers.{name}] in microdrama.toml")

    def provider(self, stage: str) -> Provider | None:
        """The provider a stage uses, or None when the stage runs without AI (procedural, builtin, none)."""
        name = self.provider_name(stage)
        if name in NO_AI:
            return None
        return self.named(name)

    def named(self, name: str) -> Provider:
        if name not in self._providers:
            table = self.table(name)
            settings = ProviderSettings(
                name=name,
                kind=table.kind,
                model=table.model,
                base_url=table.base_url,
                api_key=resolve_api_key(name, table.api_key_env),
                timeout_seconds=table.timeout_seconds,
                options={**table.options(), "api_key_env": table.api_key_env},
            )
            self._providers[name] = create_provider(settings, self.root)
        return self._providers[name]

    def _typed(self, stage: str, protocol: type[Any], capability: str, using: str | None = None) -> Any:
        provider = self.named(using) if using else self.provider(stage)
        if provider is None:
            raise ProviderError(
                f"stage {stage} has no {capability} provider ([ai] {STAGES[stage]} = "
                f"{self.provider_name(stage)!r}); name one in microdrama.toml"
            )
        if not isinstance(provider, protocol) or capability not in provider.capabilities().capabilities:
            raise ProviderError(f"provider {provider.name!r} ({provider.kind}) cannot do {capability}")
        return provider

    # -- calls ----------------------------------------------------------------------

    def chat(
        self,
        stage: str,
        request: ChatRequest,
        *,
        episode: int | None = None,
        note: str | None = None,
        using: str | None = None,
    ) -> ChatResult:
        """``using`` names a provider directly instead of the stage's (e.g. `providers test`)."""
        request = self._within_output_limit(stage, request, using)
        call, provider, table = self._plan("chat", stage, request, episode, note, using)

        def invoke() -> tuple[dict[str, Any], dict[str, Any]]:
            result = provider.chat(request)
            usage = {
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "cost": text_cost(table.price, result.prompt_tokens, result.completion_tokens),
            }
            return result.__dict__.copy(), usage

        answer = self._run(call, invoke)
        return ChatResult(**answer)

    def _within_output_limit(self, stage: str, request: ChatRequest, using: str | None = None) -> ChatRequest:
        """``request`` asking for no more than the provider's max_output_tokens (a larger request is an
        error on many OpenAI-compatible services); clamped before the cache key is made."""
        name = using or self.provider_name(stage)
        limit = 0 if name in NO_AI else self.table(name).max_output_tokens
        if limit and request.max_tokens > limit:
            return dataclasses.replace(request, max_tokens=limit)
        return request

    def image(
        self, stage: str, request: ImageRequest, *, episode: int | None = None, using: str | None = None
    ) -> bytes:
        call, provider, _ = self._plan("image", stage, request, episode, None, using)

        def invoke() -> tuple[dict[str, Any], dict[str, Any]]:
            png = provider.generate(request).png
            return {"bytes": png}, {"units": 1, "cost": call.estimate}

        return bytes(self._run(call, invoke)["bytes"])

    def speech(
        self, stage: str, request: SpeechRequest, *, episode: int | None = None, using: str | None = None
    ) -> SpeechResult:
        call, provider, _ = self._plan("speech", stage, request, episode, None, using)

        def invoke() -> tuple[dict[str, Any], dict[str, Any]]:
            result = provider.speak(request)
            return {"bytes": result.audio, "format": result.format}, {"units": len(request.text), "cost": call.estimate}

        answer = self._run(call, invoke)
        return SpeechResult(bytes(answer["bytes"]), str(answer["format"]))

    def structured(
        self,
        stage: str,
        messages: Sequence[tuple[str, str]],
        reply_type: type[T],
        *,
        episode: int | None = None,
        max_tokens: int = 2048,
        temperature: float = 0.7,
        seed: int | None = 0,
        check: Callable[[T], list[str]] | None = None,
    ) -> T:
        """A reply parsed into ``reply_type`` and passing ``check``, repaired at most ai.max_repairs times."""
        schema = reply_type.model_json_schema()
        conversation = list(messages)
        self.stats.structured_calls += 1
        problems: list[str] = []
        repairs = self.config.ai.max_repairs
        for attempt in range(repairs + 1):
            note = f"repair {attempt}: {problems[0][:200]}" if attempt else None
            request = ChatRequest(tuple(conversation), schema, max_tokens, temperature, seed)
            result = self.chat(stage, request, episode=episode, note=note)
            value, problems = parse_reply(result.text, reply_type)
            if value is not None and check is not None:
                problems = check(value)
            if not problems and value is not None:
                if attempt:
                    self.stats.repaired_calls += 1
                return value
            cut_off = result.finish_reason == "length"
            if cut_off:
                problems.insert(0, "the reply was cut off at the length limit; answer more briefly")
            self.stats.problems.extend(problems[:2])
            if attempt < repairs:
                self.stats.repairs += 1
                if cut_off:
                    # Showing a cut-off reply back invites the same long answer; ask again with
                    # more room instead (same prompt, so the cache key changes with max_tokens).
                    max_tokens = int(max_tokens * 1.5)
                    conversation = [*messages, ("user", repair_message(problems))]
                else:
                    conversation += [("assistant", result.text[:6000]), ("user", repair_message(problems))]
        provider = self.provider(stage)
        who = f"{provider.name} ({provider.model})" if provider else stage
        last = problems[0] if problems else "unknown"
        raise StructuredOutputError(
            f"{who} gave no valid {reply_type.__name__} for {stage} after {repairs} repairs; last problem: "
            f"{last}. What finished is kept; try a stronger model or raise ai.max_repairs in microdrama.toml",
            problem=last,
        )

    # -- estimates (for --dry-run) ----------------------------------------------------

    def estimate_chat(self, stage: str, request: ChatRequest) -> Estimate:
        request = self._within_output_limit(stage, request)
        prompt = sum(estimate_tokens(content) for _, content in request.messages)
        return self._estimate(
            self._plan("chat", stage, request)[0], prompt_tokens=prompt, completion_tokens=request.max_tokens
        )

    def estimate_image(self, stage: str, request: ImageRequest) -> Estimate:
        return self._estimate(self._plan("image", stage, request)[0], units=1)

    def estimate_speech(self, stage: str, request: SpeechRequest) -> Estimate:
        return self._estimate(self._plan("speech", stage, request)[0], units=len(request.text))

    def _estimate(self, call: _Call, **amounts: Any) -> Estimate:
        cached = self._cached(call.key)
        return Estimate(
            call.stage,
            call.provider.name,
            call.provider.model,
            cached,
            cost=0.0 if cached else call.estimate,
            currency=call.table.price.currency,
            **amounts,
        )

    def _plan(
        self,
        operation: str,
        stage: str,
        request: ChatRequest | ImageRequest | SpeechRequest,
        episode: int | None = None,
        note: str | None = None,
        using: str | None = None,
    ) -> tuple[_Call, Any, ProviderTable]:
        """The provider, cache key and worst-case cost of one request: shared by calls and estimates."""
        protocol, capability = _OPERATIONS[operation]
        provider = self._typed(stage, protocol, capability, using)
        table = self.table(provider.name)
        key = self._key(provider, operation, request_payload(request))
        if isinstance(request, ChatRequest):
            prompt = sum(estimate_tokens(content) for _, content in request.messages)
            worst = text_cost(table.price, prompt, request.max_tokens)
        elif isinstance(request, ImageRequest):
            worst = image_cost(table.price)
        else:
            worst = speech_cost(table.price, len(request.text))
        return _Call(stage, episode, provider, table, capability, key, worst, note), provider, table

    # -- machinery ------------------------------------------------------------------

    def _key(self, provider: Provider, operation: str, payload: dict[str, Any]) -> str:
        identity = {"kind": provider.kind, "endpoint": provider.endpoint, "model": provider.model, "op": operation}
        # A backend whose output depends on a file (a ComfyUI workflow) names its version here.
        identity["variant"] = str(getattr(provider, "workflow_digest", ""))
        return hashlib.sha256(canonical({**identity, "request": payload}).encode("utf-8")).hexdigest()

    def _cache_paths(self, key: str) -> tuple[Path, Path]:
        folder = self.cache_folder / key[:2]
        return folder / f"{key}.json", folder / f"{key}.bin"

    def _cached(self, key: str) -> bool:
        meta, blob = self._cache_paths(key)
        entry = read_json(meta)
        return entry is not None and (not entry.get("has_bytes") or blob.exists())

    def _load(self, key: str) -> dict[str, Any] | None:
        meta, blob = self._cache_paths(key)
        entry = read_json(meta)
        if not isinstance(entry, dict):
            return None
        if entry.pop("has_bytes", False):
            try:
                entry["bytes"] = blob.read_bytes()
            except OSError:
                return None
        return entry

    def _store(self, key: str, answer: dict[str, Any]) -> None:
        meta, blob = self._cache_paths(key)
        entry = dict(answer)
        if "bytes" in entry:
            write_bytes_atomic(blob, entry.pop("bytes"))
            entry["has_bytes"] = True
        write_json_atomic(meta, entry)  # last: the entry counts only once everything is on disk

    def _run(self, call: _Call, invoke: Callable[[], tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
        common = {
            "run_id": self.run_id,
            "stage": call.stage,
            "episode": call.episode,
            "provider": call.provider.name,
            "kind": call.provider.kind,
            "model": call.provider.model,
            "capability": call.capability,
            "request_key": call.key,
            "currency": call.table.price.currency,
        }
        cached = self._load(call.key)
        if cached is not None:
            self.ledger.record(**common, started=self.clock(), attempt=0, status="cached", error=call.note)
            return cached
        attempts = call.table.max_retries + 1
        locks = self.root / "build" / "locks"
        for attempt in range(1, attempts + 1):
            with concurrency_slot(locks, call.provider.name, call.table.concurrency):
                row = self._start_attempt(call, common, attempt)
                started = time.perf_counter()
                try:
                    answer, usage = invoke()
                except TransientProviderError as error:
                    latency = (time.perf_counter() - started) * 1000
                    final = attempt == attempts
                    self.ledger.finish(row, "failed" if final else "retry", error=_short(error), latency_ms=latency)
                    if final:
                        raise ProviderError(
                            f"{call.provider.name} failed {attempts} times for {call.stage}: {error}. "
                            f"What finished is kept; run the command again to continue"
                        ) from error
                    delay = backoff_seconds(attempt, call.table.retry_base_seconds, error.retry_after)
                except BaseException as error:
                    latency = (time.perf_counter() - started) * 1000
                    self.ledger.finish(row, "failed", error=_short(error), latency_ms=latency)
                    raise
                else:
                    latency = (time.perf_counter() - started) * 1000
                    self._store(call.key, answer)
                    self.ledger.finish(
                        row,
                        "ok",
                        prompt_tokens=int(usage.get("prompt_tokens", 0)),
                        completion_tokens=int(usage.get("completion_tokens", 0)),
                        units=float(usage.get("units", 0)),
                        cost=float(usage.get("cost", 0.0)),
                        latency_ms=latency,
                    )
                    return answer
            self.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _start_attempt(self, call: _Call, common: dict[str, Any], attempt: int) -> int:
        """Wait for the rate window, reserve the budget, and record the attempt as pending."""
        while True:
            with self.ledger.transaction() as db:
                now = self.clock()
                wait = rate_wait(
                    Ledger.recent_starts(db, call.provider.name, now - 60.0), call.table.requests_per_minute, now
                )
                if wait <= 0:
                    spent = Ledger.committed_cost(db, self.run_id)
                    if self.max_cost is not None and spent + call.estimate > self.max_cost:
                        # Committed as a row of its own (below): raising here would roll it back.
                        Ledger.insert(
                            db,
                            **common,
                            started=now,
                            finished=now,
                            attempt=attempt,
                            status="budget",
                            estimated_cost=call.estimate,
                        )
                        over = spent
                        break
                    return Ledger.insert(
                        db,
                        **common,
                        started=now,
                        attempt=attempt,
                        status="pending",
                        estimated_cost=call.estimate,
                        error=call.note,
                    )
            self.sleep(min(wait, 5.0))
        currency = call.table.price.currency
        raise BudgetExceeded(
            f"stopped at --max-cost {self.max_cost:g} {currency}: this run has spent or reserved {over:.4f}, and "
            f"the next call ({call.stage} on {call.provider.name}) may cost up to {call.estimate:.4f}. Everything "
            f"finished is kept; run again (with a higher --max-cost) to continue"
        )


_OPERATIONS: dict[str, tuple[type[Any], str]] = {
    "chat": (TextProvider, "text"),
    "image": (ImageProvider, "image"),
    "speech": (SpeechProvider, "speech"),
}


def request_payload(request: ChatRequest | ImageRequest | SpeechRequest) -> dict[str, Any]:
    """The request as cache-key material; image references by hash, not by bytes."""
    payload = dict(request.__dict__)
    if isinstance(request, ImageRequest) and request.reference is not None:
        payload["reference"] = hashlib.sha256(request.reference).hexdigest()
    return payload


def backoff_seconds(attempt: int, base: float, retry_after: float | None) -> float:
    """Exponential backoff with jitter (0.5x–1.5x), never shorter than the server's Retry-After."""
    delay = float(min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


def parse_reply(text: str, reply_type: type[T]) -> tuple[T | None, list[str]]:
    """Parse a model's JSON reply; on failure, the problems to send back in a repair request."""
    body = _FENCE.sub("", text.strip())
    try:
        data = json.loads(body)
    except ValueError:
        start, end = body.find("{"), body.rfind("}")
        try:
            data = json.loads(body[start : end + 1]) if 0 <= start < end else None
        except ValueError:
            data = None
        if data is None:
            return None, ["the reply is not valid JSON; answer with one JSON object only"]
    try:
        return reply_type.model_validate(data), []
    except pydantic.ValidationError as error:
        problems = []
        for detail in error.errors()[:MAX_PROBLEMS_SENT]:
            where = ".".join(str(step) for step in detail["loc"]) or "(top level)"
            problems.append(f"{where}: {detail['msg']}")
        return None, problems


def repair_message(problems: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems[:MAX_PROBLEMS_SENT])
    return f"Your reply has these problems:\n{listed}\nReturn the whole corrected JSON object, and nothing else."


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 500 else text[:497] + "…"
