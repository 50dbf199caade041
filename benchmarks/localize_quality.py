"""benchmarks/localize_quality: Chinese -> English subtitles with the embedded model, measured.

The test set (benchmarks/data/zh-en-drama.yaml) was written for the repository: 8 scenes of an
original micro-drama, each Chinese line with a reference English subtitle, and the series
glossary. Three runs of the same Translator the `localize` command uses, into a fresh cache each:

- faithful pass only, no glossary;
- faithful pass with the glossary;
- faithful pass, glossary, and the adaptation pass (the `localize` default).

Figures: chrF against the references (sacrebleu), glossary adherence (share of glossary terms
in the source lines whose target form the translation uses), cue-count preservation (lines out
= lines in, per scene), subtitle-rule compliance (each line laid out in a slot of its spoken
length and checked by qc), lines translated per minute, model calls and repairs.

    .venv/bin/python -m benchmarks.localize_quality                 # 1.5B, writes RESULTS.md
    .venv/bin/python -m benchmarks.localize_quality --model qwen2.5-coder-0.5b --scenes 2 --no-write
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from benchmarks.common import REPO, write_section
from microdrama.localize.cues import Slot, line_cues
from microdrama.localize.dub import LineFit, fit_line
from microdrama.localize.glossary import adherence_problems
from microdrama.localize.languages import Language, language
from microdrama.localize.model import Glossary
from microdrama.localize.qc import check_events
from microdrama.localize.translate import SourceLine, Translator
from microdrama.project.config import ProjectConfig
from microdrama.project.folder import Project
from microdrama.providers.gateway import Gateway
from microdrama.providers.local import default_threads
from microdrama.providers.local_models import DEFAULT_MODEL, MODELS, model_file
from microdrama.timeline.model import SubtitleEvent

DATA = REPO / "benchmarks" / "data" / "zh-en-drama.yaml"
ZH_CHARS_PER_SECOND = 4.5  # spoken Mandarin in drama, as the timeline's voices run
FPS = 30


@dataclass
class Outcome:
    name: str
    chrf: float
    adherence: float
    terms: int
    cue_preservation: float
    compliance: float
    cues: int
    lines_per_minute: float
    calls: int
    repairs: int


def load_set(scenes: int | None) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(DATA.read_text(encoding="utf-8"))
    if scenes:
        data["scenes"] = data["scenes"][:scenes]
    return data


def slot_seconds(text: str) -> float:
    return len(text) / ZH_CHARS_PER_SECOND + 0.6


def source_lines(data: dict[str, Any], target: Language) -> list[SourceLine]:
    return [
        SourceLine(
            line["id"],
            line["speaker"],
            "narration" if line["speaker"] == "旁白" else "dialogue",
            line["zh"],
            scene["id"],
            max(target.chars_per_line / 2, slot_seconds(line["zh"]) * target.chars_per_second),
        )
        for scene in data["scenes"]
        for line in scene["lines"]
    ]


def compliance(texts: dict[str, str], lines: list[SourceLine], target: Language) -> tuple[float, int]:
    """Share of cues with no qc violation, each line laid out alone in a slot of its spoken length."""
    cues = passing = 0
    for line in lines:
        seconds = slot_seconds(line.text)
        slot = Slot(0.0, seconds, seconds + 0.4)
        events = [
            SubtitleEvent(start=start / FPS, end=end / FPS, text="\n".join(rows), shot="1-1-1", line=0)
            for start, end, rows in line_cues(texts[line.id], slot, target, target.measure(), FPS)
        ]
        failing = {v.cue for v in check_events(1, events, target, FPS)}
        cues += len(events)
        passing += len(events) - len(failing)
    return (passing / cues if cues else 1.0), cues


@dataclass
class DubOutcome:
    lines: int
    fitted_without_rewrite: int
    fitted: int
    rewritten: int
    max_stretch: float
    seconds: float


def dub_all(translator: Translator, texts: dict[str, str], lines: list[SourceLine], folder: Path) -> DubOutcome:
    """Dub every line with the English cast into a slot as long as its Chinese line takes to say."""
    from microdrama.audio.casting import narrator_voice

    voice = narrator_voice("en")  # Piper, the voice that speaks most English lines
    fits: list[LineFit] = []
    started = time.perf_counter()
    for index, line in enumerate(lines):
        out = folder / f"{index:03d}.wav"

        def shorten(text: str, share: float, line_id: str = line.id) -> str:
            return translator.shorter(line_id, text, share, 1)

        fit, _ = fit_line(line.id, texts[line.id], voice, "en", slot_seconds(line.text), out, shorten)
        fits.append(fit)
        print(f"\rdub: {index + 1}/{len(lines)} lines", end="\n" if index + 1 == len(lines) else "", file=sys.stderr)
    return DubOutcome(
        len(fits),
        sum(1 for f in fits if f.fitted and not f.rewritten),
        sum(1 for f in fits if f.fitted),
        sum(1 for f in fits if f.rewritten),
        max(f.stretch for f in fits),
        time.perf_counter() - started,
    )


def run(
    name: str, data: dict[str, Any], glossary: Glossary | None, adapt: bool, reference: Glossary, dub: bool = False
) -> tuple[Outcome, DubOutcome | None]:
    import sacrebleu

    source, target = language("zh-Hans"), language("en")
    lines = source_lines(data, target)
    with tempfile.TemporaryDirectory(prefix="microdrama-l10n-bench-") as scratch:
        root = Path(scratch) / "series"
        config = ProjectConfig.model_validate({"series": {"title": data["title"], "language": "zh"}})
        Project.create(root, config, None)
        gateway = Gateway(root, config)
        translator = Translator(gateway, source, target, glossary, f"{data['title']}: {data['logline']}", adapt=adapt)
        started = time.perf_counter()

        def show(done: int, total: int) -> None:
            print(f"\r{name}: {done}/{total} lines", end="\n" if done == total else "", file=sys.stderr, flush=True)

        translation, _ = translator.episode(1, data["logline"], lines, None, show)
        minutes = (time.perf_counter() - started) / 60
        calls = len([1 for _ in gateway.ledger.calls() if _.status == "ok"])
        texts = {line.id: line.text for line in translation.lines}
        dubbed = dub_all(translator, texts, lines, Path(scratch)) if dub else None
    references = {line["id"]: line["en"] for scene in data["scenes"] for line in scene["lines"]}
    order = [line.id for line in lines]
    chrf = sacrebleu.corpus_chrf([texts[i] for i in order], [[references[i] for i in order]]).score
    terms = kept = 0
    for line in lines:
        relevant = reference.relevant(line.text)
        terms += len(relevant)
        kept += len(relevant) - len(adherence_problems(line.text, texts[line.id], reference, target))
    per_scene = {}
    for line in lines:
        per_scene.setdefault(line.scene, [0, 0])
        per_scene[line.scene][0] += 1
        per_scene[line.scene][1] += 1 if line.id in texts and texts[line.id].strip() else 0
    preserved = sum(1 for wanted, got in per_scene.values() if wanted == got) / len(per_scene)
    share, cues = compliance(texts, lines, target)
    outcome = Outcome(
        name,
        chrf,
        kept / terms if terms else 1.0,
        terms,
        preserved,
        share,
        cues,
        len(lines) / minutes if minutes else 0.0,
        calls,
        gateway.stats.repairs,
    )
    return outcome, dubbed


def main() -> None:
    parser = argparse.ArgumentParser(description="zh -> en subtitle translation with the embedded model.")
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(MODELS))
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--scenes", type=int, help="only the first N scenes (a quick look)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--no-dub", action="store_true", help="skip the dubbing fit")
    args = parser.parse_args()
    os.environ["MICRODRAMA_LOCAL_MODEL"] = args.model
    os.environ["MICRODRAMA_LLM_THREADS"] = str(args.threads)
    model_file(args.model)
    data = load_set(args.scenes)
    glossary = Glossary.model_validate({"language": "en", "entries": data["glossary"]})
    load_before = os.getloadavg()[0]
    runs = [
        run("faithful, no glossary", data, None, False, glossary),
        run("faithful + glossary", data, glossary, False, glossary),
        run("faithful + glossary + adapt", data, glossary, True, glossary, dub=not args.no_dub),
    ]
    outcomes = [outcome for outcome, _ in runs]
    dubbed = runs[-1][1]
    load_after = os.getloadavg()[0]
    count = sum(len(scene["lines"]) for scene in data["scenes"])
    rows = [
        f"| {o.name} | {o.chrf:.1f} | {o.adherence:.0%} ({o.terms} terms) | {o.cue_preservation:.0%} |"
        f" {o.compliance:.0%} of {o.cues} | {o.lines_per_minute:.1f} | {o.calls} | {o.repairs} |"
        for o in outcomes
    ]
    for row in rows:
        print(row)
    dub_line = ""
    if dubbed is not None:
        dub_line = (
            f"Dubbing fit (the last run's lines, Piper en_US-joe-medium, each in a slot as long as its Chinese"
            f" line takes to say): **{dubbed.fitted_without_rewrite / dubbed.lines:.0%}** fit without a rewrite,"
            f" **{dubbed.fitted / dubbed.lines:.0%}** after {dubbed.rewritten} shorter rewrite(s) (goal ≥ 98%);"
            f" fastest time-stretch {dubbed.max_stretch:.2f}x (limit 1.15x); {dubbed.seconds:.0f} s for"
            f" {dubbed.lines} lines."
        )
        print(dub_line)
    if args.no_write:
        return
    lines = [
        f"## localize_quality — zh → en subtitles with the embedded {MODELS[args.model].description}",
        "",
        f"{count} original drama lines in {len(data['scenes'])} scenes with reference English subtitles"
        f" (benchmarks/data/zh-en-drama.yaml, written for the repository); the `localize` Translator,"
        f" a fresh cache per run, {args.threads} thread(s). Load average {load_before:.1f} before,"
        f" {load_after:.1f} after (2 cores).",
        "",
        "| run | chrF | glossary adherence | cue count kept | subtitle rules met | lines/min | calls | repairs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Glossary adherence counts each glossary term in a source line whose target form the line uses;"
        " without the glossary the model picks its own forms (other spellings of names, other titles);"
        " with it, the target forms are written into the source text the model reads (and listed in the prompt)."
        " Cue count: the reply schema pins each chunk's line ids, so no line is merged, split or lost."
        " Subtitle rules: each line laid out by the English rules (42 characters, 20 characters/s,"
        " 5/6–7 s, 2 frames apart) in a slot as long as its Chinese line takes to say.",
        *(["", dub_line] if dub_line else []),
    ]
    write_section("localize_quality", "\n".join(lines))


if __name__ == "__main__":
    main()
