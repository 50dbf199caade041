"""The localization files a person reviews and edits (outside build/, like the scripts).

    localize/glossary.en.yaml   names, forms of address, places and terms: source -> target form
    localize/en/001.yaml        episode 1's lines in English, each with the source text it was made from

A translated line remembers the source text and the glossary entries it was made with,
so an edited source line or glossary entry is translated again (and only that), and a
hash of the text as microdrama wrote it, so a line a person has corrected is never
overwritten by the model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, model_validator

from microdrama.model.common import LineKind, Strict
from microdrama.model.version import SCHEMA_VERSION
from microdrama.project.yamlio import load_yaml, validate

EntryKind = Literal["name", "alias", "address", "place", "organisation", "term"]
Origin = Literal["model", "person", "xliff", "copy"]


class GlossaryEntry(Strict):
    source: str = Field(min_length=1, description="The form in the series' language, as the scripts write it")
    kind: EntryKind = "term"
    target: str = Field(default="", description="The one form to use; empty leaves the choice to the translator")
    avoid: list[str] = Field(default_factory=list, description="Variants that must never appear")
    note: str = ""

    @model_validator(mode="after")
    def _clean(self) -> GlossaryEntry:
        if not self.source.strip():
            raise ValueError("an entry's source cannot be blank")
        if self.target and any(variant.strip() == self.target.strip() for variant in self.avoid):
            raise ValueError(f"{self.target!r} is both the target form and a variant to avoid")
        return self


class Glossary(Strict):
    schema_version: int = SCHEMA_VERSION
    language: str
    names: Literal["pinyin", "native"] = Field(
        default="pinyin", description="How Chinese names were proposed: pinyin, or the target script's own reading"
    )
    entries: list[GlossaryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_conflicts(self) -> Glossary:
        seen: dict[str, str] = {}
        for index, entry in enumerate(self.entries):
            earlier = seen.get(entry.source)
            if earlier is not None and earlier != entry.target:
                raise ValueError(
                    f"entries[{index}]: {entry.source!r} is already in the glossary as {earlier!r}, here as "
                    f"{entry.target!r}; keep one entry per source form"
                )
            seen[entry.source] = entry.target
        return self

    def decided(self) -> list[GlossaryEntry]:
        """Entries with a target form, longest source first (so 林晚晴 is found before 林晚)."""
        unique = {entry.source: entry for entry in self.entries if entry.target.strip()}
        return sorted(unique.values(), key=lambda entry: -len(entry.source))

    def person_names(self) -> tuple[str, ...]:
        """The target forms of people's names and aliases (kept whole on a subtitle line)."""
        return tuple(entry.target for entry in self.decided() if entry.kind in ("name", "alias"))

    def relevant(self, text: str) -> list[GlossaryEntry]:
        """The decided entries whose source form occurs in ``text``; a longer form hides the
        shorter ones inside it (大小姐 is not also 小姐)."""
        found = []
        for entry in self.decided():
            if entry.source in text:
                found.append(entry)
                text = text.replace(entry.source, "\0")
        return found


def entries_key(entries: list[GlossaryEntry]) -> str:
    """A short hash of the entries a line was translated with: part of that line's cache key."""
    text = "\n".join(f"{e.source}\t{e.target}\t{'|'.join(e.avoid)}" for e in sorted(entries, key=lambda e: e.source))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class TranslatedLine(Strict):
    id: str = Field(pattern=r"^\d+-\d+-\d+\.\d+$", description="shot id . line index, e.g. 3-2-1.0")
    speaker: str = ""
    kind: LineKind = "dialogue"
    source: str = Field(min_length=1, description="The source line this translation was made from")
    text: str = Field(description="The line as shown in the subtitles and spoken by the dub")
    faithful: str = Field(default="", description="The first, faithful pass (before adaptation)")
    note: str = Field(default="", description="Why the adapted line departs from the faithful one")
    fallback: str = Field(
        default="", description="Why the line keeps an earlier pass's text: a refining pass gave no usable reply"
    )
    dub: str = Field(default="", description="A shorter version the dub speaks, when the full line does not fit")
    origin: Origin = "model"
    glossary: str = Field(default="", description="Hash of the glossary entries it was made with")
    written: str = Field(default="", description="Hash of text as microdrama wrote it; differs once a person edits")

    def edited_by_person(self) -> bool:
        return self.origin != "model" or (bool(self.written) and self.written != text_hash(self.text))


class EpisodeTranslation(Strict):
    schema_version: int = SCHEMA_VERSION
    episode: int = Field(ge=1)
    language: str
    lines: list[TranslatedLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> EpisodeTranslation:
        ids = [line.id for line in self.lines]
        duplicates = sorted({line_id for line_id in ids if ids.count(line_id) > 1})
        if duplicates:
            raise ValueError(f"line ids appear twice: {', '.join(duplicates)}")
        return self


LocalizeModel = TypeVar("LocalizeModel", Glossary, EpisodeTranslation)


def read_file(path: Path, root: Path, model: type[LocalizeModel], kind: str) -> LocalizeModel:
    """A localization file, validated, with errors naming file:line. These files were new in
    schema 3, so one without ``schema_version`` is read as the current version."""
    display = str(path.relative_to(root))
    document = load_yaml(path, display)
    if isinstance(document, dict):
        document.setdefault("schema_version", SCHEMA_VERSION)
    return validate(model, document, display, kind)
