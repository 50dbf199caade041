"""Localization review: source and translation side by side per line, the glossary's terms
marked in both, the QC violations of each line, and an approval per episode and language.

An approval records the version (hash) of the translation file it was given to; when the
file changes afterwards, the episode shows as changed since approval, not approved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from microdrama.errors import ValidationError
from microdrama.localize.glossary import load_glossary
from microdrama.localize.languages import Language, language
from microdrama.localize.model import GlossaryEntry, TranslatedLine
from microdrama.localize.series import load_translation, translation_path
from microdrama.project.atomic import write_text_atomic
from microdrama.project.folder import Project
from microdrama.studio.edits import file_version, project_write_lock

APPROVALS = "approved.json"


@dataclass
class ReviewLine:
    line: TranslatedLine
    source_marked: Markup
    text_marked: Markup
    violations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EpisodeReview:
    language: Language
    number: int
    lines: list[ReviewLine]
    version: str
    approved: dict[str, Any] | None  # the approval, if it was given to this very version
    stale_approval: bool  # approved once, changed since
    qc_checked: bool  # a QC report exists for the language


def target_language(project: Project, code: str) -> Language:
    folder = project.root / "localize" / code
    if "/" in code or not folder.is_dir():
        raise ValidationError(f"no {code!r} localization in this project; run `microdrama localize` first")
    return language(code)


def languages_of(project: Project) -> list[str]:
    folder = project.root / "localize"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def review(project: Project, code: str, number: int) -> EpisodeReview:
    target = target_language(project, code)
    translation = load_translation(project.root, target, number)
    if translation is None:
        raise ValidationError(f"episode {number} has no {code} translation yet; run `microdrama localize`")
    glossary = load_glossary(project.root, target)
    entries = glossary.decided() if glossary else []
    violations = _qc_by_line(project, target, number)
    lines = [
        ReviewLine(
            line=line,
            source_marked=mark(line.source, [e.source for e in entries]),
            text_marked=mark(line.text, [e.target for e in _relevant(entries, line.source)]),
            violations=violations.get(line.id, []),
        )
        for line in translation.lines
    ]
    version = file_version(translation_path(project.root, target, number))
    given = _approvals(project, target).get(str(number))
    current = given if given and given.get("version") == version else None
    return EpisodeReview(
        language=target,
        number=number,
        lines=lines,
        version=version,
        approved=current,
        stale_approval=given is not None and current is None,
        qc_checked=(project.out_dir / target.code / "qc.json").is_file(),
    )


def approve(project: Project, code: str, number: int, version: str, by: str) -> None:
    target = target_language(project, code)
    with project_write_lock(project):
        path = translation_path(project.root, target, number)
        if not path.is_file():
            raise ValidationError(f"episode {number} has no {code} translation to approve")
        if file_version(path) != version:
            raise ValidationError("the translation changed since you opened it; review it again before approving")
        approvals = _approvals(project, target)
        approvals[str(number)] = {
            "version": version,
            "by": by.strip()[:80] or "reviewer",
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_text_atomic(_approvals_path(project, target), json.dumps(approvals, ensure_ascii=False, indent=1))


def approved_versions(project: Project, code: str) -> dict[int, bool]:
    """Episode -> approved (for this very file), for the board."""
    target = language(code)
    found = {}
    for key, given in _approvals(project, target).items():
        path = translation_path(project.root, target, int(key))
        found[int(key)] = path.is_file() and given.get("version") == file_version(path)
    return found


def mark(text: str, terms: list[str]) -> Markup:
    """`text` escaped, with each occurrence of a term wrapped in <mark> (longest terms first)."""
    wanted = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not wanted:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(term) for term in wanted))
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(str(escape(text[last : match.start()])))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(str(escape(text[last:])))
    return Markup("".join(pieces))


def _relevant(entries: list[GlossaryEntry], source: str) -> list[GlossaryEntry]:
    return [entry for entry in entries if entry.source in source]


def _qc_by_line(project: Project, target: Language, number: int) -> dict[str, list[dict[str, Any]]]:
    path = project.out_dir / target.code / "qc.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, RecursionError):
        return {}
    violations = data.get("violations") if isinstance(data, dict) else None
    found: dict[str, list[dict[str, Any]]] = {}
    for violation in violations if isinstance(violations, list) else []:  # another version's shape: no marks
        if isinstance(violation, dict) and violation.get("episode") == number:
            found.setdefault(str(violation.get("cue", "")).split("#")[0], []).append(violation)
    return found


def _approvals_path(project: Project, target: Language) -> Path:
    return project.root / "localize" / target.code / APPROVALS


def _approvals(project: Project, target: Language) -> dict[str, Any]:
    path = _approvals_path(project, target)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}
