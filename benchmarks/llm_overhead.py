"""benchmarks/llm_overhead: what LocalProvider.chat costs on top of calling xllamacpp's Server directly.

Same process, same loaded model (the provider's own Server object), same prompt, greedy decoding
with a fixed seed, so both paths decode the same tokens. Runs alternate, and the order flips each
round, so drift in machine load hits both paths alike. The figure is decode speed as a caller sees
it: completion tokens / wall seconds of the call (the prompt is cached after the warm-up).

    .venv/bin/python -m benchmarks.llm_overhead                       # 1.5B, writes benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks.llm_overhead --model qwen2.5-coder-0.5b --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.common import write_section
from microdrama.providers.base import ChatRequest
from microdrama.providers.local import DEFAULT_N_CTX, LocalProvider, default_threads, request_body
from microdrama.providers.local_models import DEFAULT_MODEL, MODELS, model_file

PROMPT = (
    "Write a Python function that parses a screenplay in Fountain format into a list of scenes,"
    " each with its heading, characters and lines. Include type hints and a docstring."
)
SYSTEM = "You are a careful senior Python engineer."


@dataclass
class Run:
    path: str
    seconds: float
    tokens: int

    @property
    def rate(self) -> float:
        return self.tokens / self.seconds


def timed(path: str, call: Callable[[], int]) -> Run:
    started = time.perf_counter()
    tokens = call()
    return Run(path, time.perf_counter() - started, tokens)


def show_progress(done: int, total: int) -> None:
    if done == total or done % (128 * 1024 * 1024) < 8 * 1024 * 1024:
        print(f"\rassembling the model: {done * 100 // total}%", end="\n" if done == total else "", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description="LocalProvider.chat vs the xllamacpp Server it wraps, in tokens/s.")
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(MODELS))
    parser.add_argument("--runs", type=int, default=3, help="timed runs per path")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    model_file(args.model, progress=show_progress)
    provider = LocalProvider("bench", args.model, n_ctx=DEFAULT_N_CTX, threads=args.threads)
    started = time.perf_counter()
    loaded = provider.load()
    load_seconds = time.perf_counter() - started
    server = loaded.server  # the very Server the provider calls: only the layer in between differs
    request = ChatRequest(
        messages=(("system", SYSTEM), ("user", PROMPT)), max_tokens=args.max_tokens, temperature=0.0, seed=42
    )
    body = request_body(request)

    def through_provider() -> int:
        return provider.chat(request).completion_tokens

    def direct() -> int:
        return int(server.handle_chat_completions(body)["usage"]["completion_tokens"])

    paths = {"LocalProvider.chat": through_provider, "xllamacpp Server": direct}
    load_before = os.getloadavg()[0]
    for name, call in paths.items():  # warm-up: caches the prompt, faults in the weights
        print(f"warm-up {name}: {timed(name, call).tokens} tokens", file=sys.stderr)
    runs: list[Run] = []
    for round_number in range(args.runs):
        order = list(paths.items()) if round_number % 2 == 0 else list(reversed(paths.items()))
        for name, call in order:
            run = timed(name, call)
            runs.append(run)
            figures = f"{run.tokens:4d} tokens  {run.seconds:6.2f} s  {run.rate:6.2f} tok/s"
            print(f"round {round_number + 1}  {name:<20} {figures}")
    load_after = os.getloadavg()[0]

    medians = {name: statistics.median(run.rate for run in runs if run.path == name) for name in paths}
    spread = {
        name: (min(r.rate for r in runs if r.path == name), max(r.rate for r in runs if r.path == name))
        for name in paths
    }
    overlap = max(low for low, _ in spread.values()) <= min(high for _, high in spread.values())
    # Each round's pair ran back to back, so a round's ratio is immune to slower drift in load.
    paired = [
        runs[i].rate / runs[i + 1].rate if runs[i].path == "LocalProvider.chat" else runs[i + 1].rate / runs[i].rate
        for i in range(0, len(runs), 2)
    ]
    ratio = statistics.median(paired)
    print(f"median: provider {medians['LocalProvider.chat']:.2f} tok/s, direct {medians['xllamacpp Server']:.2f} tok/s")
    print(f"median of paired ratios provider/direct: {ratio:.3f}; ranges {'overlap' if overlap else 'do not overlap'}")
    if args.no_write:
        return

    spec = MODELS[args.model]
    lines = [
        f"## llm_overhead — embedded {spec.description}: LocalProvider.chat vs xllamacpp Server direct",
        "",
        f"Same process and loaded model, same prompt ({len(PROMPT)} characters plus a system line),"
        f" greedy with seed 42, max_tokens {args.max_tokens}, n_ctx {DEFAULT_N_CTX}, {args.threads} thread(s);"
        f" {args.runs} timed runs per path,"
        f" alternating (order flipped each round) after one warm-up each. Model load {load_seconds:.1f} s."
        f" Load average {load_before:.1f} before, {load_after:.1f} after (the machine is shared; 2 cores).",
        "",
        "| round | path | completion tokens | seconds | tokens/s |",
        "|---:|---|---:|---:|---:|",
    ]
    for number, run in enumerate(runs):
        lines.append(f"| {number // 2 + 1} | {run.path} | {run.tokens} | {run.seconds:.2f} | {run.rate:.2f} |")
    lines += [
        "",
        f"Median: LocalProvider.chat **{medians['LocalProvider.chat']:.2f} tok/s**, direct"
        f" **{medians['xllamacpp Server']:.2f} tok/s**; median of the per-round ratios provider/direct"
        f" **{ratio:.3f}** (overhead {max(0.0, 1 - ratio):.1%}).",
        "Range over the runs: "
        + "; ".join(f"{name} {low:.2f}–{high:.2f} tok/s" for name, (low, high) in spread.items())
        + (
            ": the ranges overlap, so the difference is within run-to-run noise."
            if overlap
            else ": the ranges do not overlap."
        ),
    ]
    if args.threads < default_threads():
        lines += [
            "",
            f"Run with {args.threads} of {default_threads()} threads because other work kept the machine busy:"
            " llama.cpp's threads spin at barriers, so one that loses its core stalls the rest, and on a busy"
            " machine all-core decoding turns erratic (many times slower, varying run to run).",
        ]
    write_section("llm_overhead", "\n".join(lines))


if __name__ == "__main__":
    main()
