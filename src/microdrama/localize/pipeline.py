"""localize: glossary -> translation -> subtitles -> dub -> MP4, per target language; and qc.

Works on a built series: the localized subtitles keep the original episode's timing, so
each episode's timeline (build/out/epNNN.timeline.json) must exist and match the script.
Per language it writes the reviewable translation files (localize/<lang>/NNN.yaml), the
subtitle files, dub reports and MP4s (build/out/<lang>/), and a QC report (qc.json, qc.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from microdrama.audio.casting import PIPER
from microdrama.errors import ProjectError, UsageError
from microdrama.localize.cues import localized_events
from microdrama.localize.dub import LineFit, cannot_dub, dub_cast, dub_episode, report_dict
from microdrama.localize.glossary import extract, load_glossary, merge, save_glossary
from microdrama.localize.languages import Language
from microdrama.localize.model import EpisodeTranslation, TranslatedLine, text_hash
from microdrama.localize.mux import mux_all_languages
from microdrama.localize.names import traditional
from microdrama.localize.qc import RULES, Violation, check_events, check_lines
from microdrama.localize.series import (
    glossary_for,
    load_series,
    load_translation,
    save_translation,
    series_line,
    source_language,
    source_lines,
    targets_for,
    timeline_of,
)
from microdrama.localize.translate import SourceLine, Translator
from microdrama.model.bible import Bible
from microdrama.model.common import NARRATOR
from microdrama.model.media import Voice
from microdrama.project.atomic import write_text_atomic
from microdrama.project.folder import Project
from microdrama.timeline.model import Timeline

Progress = Callable[[str, int, int], None]


@dataclass
class LanguageResult:
    language: Language
    translated: int = 0  # lines sent to the model this run
    kept: int = 0
    files: list[Path] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    dub: list[LineFit] = field(default_factory=list)  # one per dubbed line
    notes: list[str] = field(default_factory=list)


def update_glossaries(root: Path, codes: str) -> list[tuple[Language, Path, int]]:
    """Write (or extend) localize/glossary.<lang>.yaml for each language: (language, path, entries added)."""
    project, bible, episodes = load_series(root)
    written = []
    for target in targets_for(bible, codes):
        glossary, added = merge(load_glossary(project.root, target), extract(bible, episodes, target))
        written.append((target, save_glossary(project.root, glossary, target), added))
    return written


def localize(
    root: Path,
    codes: str,
    *,
    adapt: bool = True,
    video: bool = True,
    dub: bool = True,
    max_cost: float | None = None,
    progress: Progress | None = None,
) -> list[LanguageResult]:
    """Each language in turn: glossary, translation, subtitles, dub (where a voice speaks the
    language and it differs from the original's), MP4, QC report."""
    from microdrama.providers.gateway import Gateway

    project, bible, episodes = load_series(root)
    targets = targets_for(bible, codes)
    timelines = {episode.number: timeline_of(project, episode) for episode in episodes}
    config = project.load_config()
    gateway = Gateway(project.root, config, max_cost=max_cost)
    source = source_language(bible)
    needs_model = [t for t in targets if not (t.code == "zh-Hant" and source.code == "zh-Hans")]
    if needs_model and gateway.provider("localize.translate") is None:
        raise UsageError(
            "translation needs a text provider, but [ai] text is 'none' in microdrama.toml; "
            'set text = "local" (the embedded model) or name a [providers.NAME]'
        )
    results = []
    for target in targets:
        glossary = glossary_for(project, bible, episodes, target)
        translator = Translator(gateway, source, target, glossary, series_line(bible), adapt=adapt)
        result = LanguageResult(target)
        names = glossary.person_names()
        voices = _dub_voices(bible, source, target, result) if dub else None
        stage = f"Localizing {target.code} ({target.name})"
        for done, episode in enumerate(episodes):
            if progress is not None:
                progress(stage, done, len(episodes))
            timeline = timelines[episode.number]
            lines = source_lines(episode, bible, timeline, target)
            existing = load_translation(project.root, target, episode.number)
            if target.code == "zh-Hant" and source.code == "zh-Hans":
                translation, sent = convert_traditional(episode.number, lines, existing), 0
            else:
                translation, sent = translator.episode(episode.number, episode.summary, lines, existing)
            result.translated += sent
            result.kept += len(lines) - sent
            events = localized_events(translation, timeline, target, names)
            speakers = {line.id: line.speaker_id for line in lines}
            # Labelled when a model translated a line or a neural voice dubs one (decision 011).
            by_model = any(line.origin == "model" for line in translation.lines)
            neural = voices is not None and any(
                voices.get(speakers.get(line.id, NARRATOR), voices[NARRATOR]).engine == PIPER
                for line in translation.lines
            )
            made_with_ai = timeline.ai_generated or by_model or neural
            changes: dict[str, object] = {"subtitles": events, "language": target.code, "ai_generated": made_with_ai}
            if voices is not None:
                shorten = functools.partial(translator.shorter, number=episode.number)
                audio, fits, spoken = dub_episode(
                    project.root, translation, timeline, target, voices, speakers, shorten
                )
                translation = _with_dub_texts(translation, spoken)
                changes["audio"] = audio
                result.dub += fits
                write_text_atomic(
                    project.out_dir / target.code / f"ep{episode.number:03d}.{target.code}.dub.json",
                    json.dumps(report_dict(fits), ensure_ascii=False, indent=1),
                )
            result.files.append(save_translation(project.root, translation, target))
            localized = timeline.model_copy(update=changes)
            result.files += _outputs(project, localized, target, config.render.loudness_lufs, video)
            source_text = {line.id: line.text for line in lines}
            result.violations += check_lines(translation, source_text, glossary, target)
            result.violations += check_events(episode.number, events, target, timeline.fps)
        if progress is not None:
            progress(stage, len(episodes), len(episodes))
        result.notes += translator.warnings
        result.files += write_qc_report(project, target, result.violations)
        results.append(result)
    if video and results:
        for episode in episodes:
            muxed = mux_all_languages(project.out_dir, episode.number, bible.series.language)
            if muxed is not None:
                results[-1].files.append(muxed)
    return results


def _dub_voices(bible: Bible, source: Language, target: Language, result: LanguageResult) -> dict[str, Voice] | None:
    """The dub cast, or None (with a note why) when the language keeps the original voices."""
    if target.code.startswith("zh") and source.code.startswith("zh"):
        return None  # the same spoken language: the original voices stay
    reason = cannot_dub(target)
    if reason:
        result.notes.append(f"not dubbed: {reason}")
        return None
    return dub_cast(bible, target)


def _with_dub_texts(translation: EpisodeTranslation, spoken: dict[str, str]) -> EpisodeTranslation:
    lines = [line.model_copy(update={"dub": spoken.get(line.id, line.dub)}) for line in translation.lines]
    return translation.model_copy(update={"lines": lines})


def convert_traditional(
    number: int, lines: Sequence[SourceLine], existing: EpisodeTranslation | None
) -> EpisodeTranslation:
    """Simplified -> Traditional Chinese is a conversion (OpenCC), not a translation: no model."""
    kept = {line.id: line for line in existing.lines} if existing is not None else {}
    made = []
    for line in lines:
        old = kept.get(line.id)
        if old is not None and old.source == line.text and old.edited_by_person():
            made.append(old)
            continue
        text = traditional(line.text)
        made.append(
            TranslatedLine(
                id=line.id, speaker=traditional(line.speaker), kind=line.kind, source=line.text, text=text,
                origin="copy", written=text_hash(text),
            )
        )  # fmt: skip
    return EpisodeTranslation(episode=number, language="zh-Hant", lines=made)


def _outputs(project: Project, timeline: Timeline, target: Language, loudness: float, video: bool) -> list[Path]:
    """Subtitle files, and the MP4 with them burned in when its inputs changed."""
    from microdrama.build.work import render
    from microdrama.render.subtitles import write_subtitles

    folder = project.out_dir / target.code
    stem = folder / f"ep{timeline.episode:03d}.{target.code}"
    files = write_subtitles(timeline, stem)
    if not video:
        return files
    mp4 = stem.with_suffix(stem.suffix + ".mp4")
    state = folder / ".rendered.json"
    try:
        rendered = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rendered = {}
    key = hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()
    if rendered.get(mp4.name) != key or not mp4.exists():
        ass = stem.with_suffix(stem.suffix + ".ass")
        render(timeline.model_dump(mode="json"), str(project.root), str(ass), str(mp4), loudness)
        rendered[mp4.name] = key
        write_text_atomic(state, json.dumps(rendered, indent=1, sort_keys=True))
    return [*files, mp4]


def write_qc_report(project: Project, target: Language, violations: Sequence[Violation]) -> list[Path]:
    folder = project.out_dir / target.code
    data = {
        "language": target.code,
        "rules": {
            "chars_per_line": target.chars_per_line,
            "chars_per_second": target.chars_per_second,
            **RULES,
        },
        "violations": [v.as_dict() for v in violations],
    }
    json_path, md_path = folder / "qc.json", folder / "qc.md"
    write_text_atomic(json_path, json.dumps(data, ensure_ascii=False, indent=1))
    lines = [
        f"# Subtitle QC — {target.name} ({target.code})",
        "",
        f"Rules: {target.chars_per_line} characters per line, {target.chars_per_second:g} characters per second, "
        "5/6–7 s per cue, 2 frames between cues, 2 lines at most; glossary forms; one translation per line.",
        "",
    ]
    if not violations:
        lines.append("No violations.")
    else:
        lines += ["| episode | cue | rule | detail |", "|---:|---|---|---|"]
        lines += [f"| {v.episode} | {v.cue} | {v.rule} | {v.detail.replace('|', '/')} |" for v in violations]
    write_text_atomic(md_path, "\n".join(lines) + "\n")
    return [json_path, md_path]


def run_qc(root: Path, code: str) -> list[Violation]:
    """Check the translation files and subtitles of ``code`` as they are now (after a person's edits
    or an XLIFF import), and rewrite the QC report."""
    project, bible, episodes = load_series(root)
    target = targets_for(bible, code)[0]
    glossary = load_glossary(project.root, target)
    names = glossary.person_names() if glossary else ()
    violations: list[Violation] = []
    for episode in episodes:
        translation = load_translation(project.root, target, episode.number)
        if translation is None:
            raise ProjectError(
                f"episode {episode.number} has no {target.code} translation; run "
                f"`microdrama localize {root} --to {target.code}` first"
            )
        timeline = timeline_of(project, episode)
        lines = source_lines(episode, bible, timeline, target)
        violations += check_lines(translation, {line.id: line.text for line in lines}, glossary, target)
        events = localized_events(translation, timeline, target, names)
        violations += check_events(episode.number, events, target, timeline.fps)
    write_qc_report(project, target, violations)
    return violations
