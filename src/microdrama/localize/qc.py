"""Subtitle quality control: every rule of the target language, checked on every cue.

The same checks run on what microdrama generates (the goal is no violation) and on what a
person or a CAT tool brings back, and ``microdrama qc`` lists each violation with its
cue. Cues are named ``<episode>:<line id>#<cue>``, e.g. ``3:3-2-1.0#2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from microdrama.localize.glossary import adherence_problems
from microdrama.localize.languages import GAP_FRAMES, MAX_EVENT_SECONDS, MAX_LINES, MIN_EVENT_SECONDS, Language
from microdrama.localize.model import EpisodeTranslation, Glossary
from microdrama.render.layout import NO_BREAK
from microdrama.timeline.model import SubtitleEvent

RULES = {
    "cue-count": "every source line has exactly one translated line (none merged, split, lost or added)",
    "stale": "the source line changed after it was translated",
    "empty": "a translated line is empty",
    "script": "a line uses only its language's script (no Chinese left in a Latin or Thai line)",
    "glossary": "names and terms use the glossary's target form, never a variant to avoid",
    "fallback": "a refining pass (adaptation, shortening) gave no usable reply: the line keeps the text before it",
    "lines": f"at most {MAX_LINES} lines per cue",
    "line-length": "characters per line within the language's limit",
    "reading-speed": "characters per second within the language's limit",
    "min-duration": f"a cue lasts at least {MIN_EVENT_SECONDS:.3f} s (5/6 s)",
    "max-duration": f"a cue lasts at most {MAX_EVENT_SECONDS:g} s",
    "gap": f"at least {GAP_FRAMES} frames between cues",
}
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Violation:
    episode: int
    cue: str  # line id, with "#n" for the n-th cue of the line
    rule: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def check_lines(
    translation: EpisodeTranslation,
    source: dict[str, str],
    glossary: Glossary | None,
    target: Language,
) -> list[Violation]:
    """Line-level rules: cue count against the source lines, staleness, empty lines, glossary."""
    number = translation.episode
    found: list[Violation] = []
    ids = [line.id for line in translation.lines]
    for missing in [line_id for line_id in source if line_id not in ids]:
        found.append(Violation(number, missing, "cue-count", "the source line has no translation"))
    for extra in [line_id for line_id in ids if line_id not in source]:
        found.append(Violation(number, extra, "cue-count", "no such line in the episode's script"))
    for line in translation.lines:
        if line.id not in source:
            continue
        if line.source != source[line.id]:
            changed = f"translated from {line.source!r}, the script now says {source[line.id]!r}"
            found.append(Violation(number, line.id, "stale", changed))
        if not line.text.strip():
            found.append(Violation(number, line.id, "empty", "the line has no text; translate it"))
            continue
        foreign = target.foreign_characters(line.text)
        if foreign:
            found.append(Violation(number, line.id, "script", f"{foreign[:20]!r} is not {target.name}; translate it"))
        for problem in adherence_problems(source[line.id], line.text, glossary, target):
            found.append(Violation(number, line.id, "glossary", problem))
        if line.fallback and not line.edited_by_person():
            found.append(Violation(number, line.id, "fallback", f"{line.fallback}; review it"))
    return found


def check_events(number: int, events: Sequence[SubtitleEvent], target: Language, fps: int) -> list[Violation]:
    """Cue-level rules: lines, line length, reading speed, duration, gaps."""
    found: list[Violation] = []
    counter: dict[str, int] = {}
    previous: SubtitleEvent | None = None
    for event in sorted(events, key=lambda e: e.start):
        line = f"{event.shot}.{event.line}"
        counter[line] = counter.get(line, 0) + 1
        name = f"{line}#{counter[line]}"
        rows = event.text.replace(NO_BREAK, " ").split("\n")
        duration = event.end - event.start
        if len(rows) > MAX_LINES:
            found.append(Violation(number, name, "lines", f"{len(rows)} lines"))
        for row in rows:
            width = target.width(row)
            if width > target.chars_per_line + TOLERANCE:
                found.append(
                    Violation(number, name, "line-length", f"{width:g} > {target.chars_per_line} characters: {row!r}")
                )
        speed = target.reading_units(event.text) / duration if duration > 0 else float("inf")
        if speed > target.chars_per_second + 0.05:
            found.append(
                Violation(
                    number, name, "reading-speed", f"{speed:.1f} > {target.chars_per_second:g} characters per second"
                )
            )
        if duration < MIN_EVENT_SECONDS - 0.5 / fps:
            found.append(Violation(number, name, "min-duration", f"{duration:.2f} s"))
        if duration > MAX_EVENT_SECONDS + 0.5 / fps:
            found.append(Violation(number, name, "max-duration", f"{duration:.2f} s"))
        if previous is not None:
            frames = round((event.start - previous.end) * fps)
            if frames < GAP_FRAMES:
                found.append(Violation(number, name, "gap", f"{frames} frame(s) after the previous cue"))
        previous = event
    return found
