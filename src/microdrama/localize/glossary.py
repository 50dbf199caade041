"""The series glossary (key names and phrases): extracted once, reviewed by a person, enforced.

Extraction reads the bible (characters, their aliases, locations) and the scripts (forms
of address that occur in the lines) and proposes a target form for each by the market's
naming policy (names.py) and the table of forms of address (address.py). The file is
``localize/glossary.<lang>.yaml``; running extraction again adds new entries and never
changes an entry a person has edited.

After translation, ``adherence_problems`` proves each line uses the glossary's target
form of every entry its source line contains, and no variant to avoid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from microdrama.errors import ValidationError
from microdrama.localize.address import forms_of_address
from microdrama.localize.languages import Language
from microdrama.localize.model import Glossary, GlossaryEntry, read_file
from microdrama.localize.names import is_chinese, propose_name
from microdrama.model.bible import Bible
from microdrama.model.script import Episode
from microdrama.project.yamlio import save_model

GLOSSARY_HEADER = (
    "microdrama series glossary: the one target form of every name, form of address, place and term.\n"
    "Review it before translating: change `target`, add variants to `avoid`, add entries.\n"
    "An empty target leaves the choice to the translator. Every line is checked against it."
)


def glossary_path(root: Path, language: Language) -> Path:
    return root / "localize" / f"glossary.{language.code}.yaml"


def extract(bible: Bible, episodes: Sequence[Episode], target: Language) -> Glossary:
    """Proposed entries for ``target``: names, aliases, places, and the forms of address used."""
    entries: list[GlossaryEntry] = []
    seen: set[str] = set()

    def add(source: str, kind: str, target_form: str, note: str) -> None:
        source = source.strip()
        if source and source not in seen:
            seen.add(source)
            entries.append(
                GlossaryEntry.model_validate({"source": source, "kind": kind, "target": target_form, "note": note})
            )

    for character in bible.characters:
        role = f"{character.role}; {character.description}"[:80].rstrip("; ")
        add(character.name, "name", propose_name(character.name, target), role)
        for alias in character.aliases:
            add(alias, "alias", propose_name(alias, target), f"another name for {character.name}")
    spoken = "\n".join(line.text for episode in episodes for line in episode.lines())
    for location in bible.locations:
        if location.name in spoken or is_chinese(location.name):
            form = location.name if not is_chinese(location.name) else _place_form(location.name, target)
            add(location.name, "place", form, "a location of the series")
    for source, forms in forms_of_address().items():
        if source in spoken:
            add(source, "address", forms.get(target.code, forms.get(target.code.split("-")[0], "")), "form of address")
    return Glossary(language=target.code, entries=entries)


def _place_form(name: str, target: Language) -> str:
    """Places are usually translated by meaning, which needs the translator: propose only
    where a place name can be carried over (the Chinese and Japanese markets)."""
    if target.code in ("zh-Hans", "ja", "zh-Hant"):
        return propose_name(name, target)
    return ""


def merge(existing: Glossary | None, proposed: Glossary) -> tuple[Glossary, int]:
    """The existing file's entries as they are, then proposals for sources it lacks."""
    if existing is None:
        return proposed, len(proposed.entries)
    known = {entry.source for entry in existing.entries}
    added = [entry for entry in proposed.entries if entry.source not in known]
    return existing.model_copy(update={"entries": [*existing.entries, *added]}), len(added)


def load_glossary(root: Path, target: Language) -> Glossary | None:
    path = glossary_path(root, target)
    if not path.exists():
        return None
    glossary = read_file(path, root, Glossary, "glossary")
    if glossary.language != target.code:
        raise ValidationError(f"{path.relative_to(root)}: language is {glossary.language!r}, expected {target.code!r}")
    return glossary


def save_glossary(root: Path, glossary: Glossary, target: Language) -> Path:
    path = glossary_path(root, target)
    save_model(path, glossary, GLOSSARY_HEADER)
    return path


def contains(text: str, form: str, target: Language) -> bool:
    if target.counting == "plain":  # whole words, any case ("Young Master" at a sentence start or not)
        return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE) is not None
    return form in text


def adherence_problems(source: str, text: str, glossary: Glossary | None, target: Language) -> list[str]:
    """What the translation ``text`` of ``source`` breaks in the glossary (empty when none)."""
    if glossary is None:
        return []
    problems = [
        f"{entry.source} must be written {entry.target!r}"
        for entry in glossary.relevant(source)
        if not contains(text, entry.target, target)
    ]
    for entry in glossary.decided():
        for variant in entry.avoid:
            if variant.strip() and contains(text, variant, target):
                problems.append(f"{variant!r} is a variant to avoid; the glossary writes {entry.target!r}")
    return problems
