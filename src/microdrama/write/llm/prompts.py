"""Prompt templates: versioned text files that a project can override.

A template is a small Markdown file, ``data/prompts/<name>.md`` in the package; the file
``prompts/<name>.md`` in a project folder replaces it for that project. Its layout::

    version: 3
    description: what this prompt is for (optional)

    # system
    You write vertical micro-dramas ...

    # user
    Write a series bible for this idea: $idea

The header holds ``key: value`` lines (``version`` is required); the lines ``# system``
and ``# user`` open the two messages. ``$name`` (or ``${name}``) is replaced by a
variable's value in one pass, so a ``$`` inside a value is never expanded; ``$$`` is a
literal dollar sign. Story text goes in through ``quote`` or ``as_json``, which render it
as JSON, so a quote mark or a line that looks like a heading inside a story cannot
break out of its place in the prompt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from microdrama.errors import ValidationError

PROMPT_NAMES = ("series", "outline", "script", "rewrite", "translate", "adapt", "shorten")
PROMPTS_FOLDER = "prompts"
HEADER_KEYS = frozenset({"version", "description"})

# Variables every prompt may use, then each prompt's own.
COMMON_VARIABLES = frozenset({"language_name", "language_rules"})
VARIABLES: dict[str, frozenset[str]] = {
    "series": COMMON_VARIABLES | {"idea", "episodes", "minutes", "max_supporting", "max_locations"},
    "outline": COMMON_VARIABLES
    | {"series", "cast", "locations", "episodes", "first", "last", "count", "story_so_far", "arc_note"},
    "script": COMMON_VARIABLES
    | {
        "series",
        "cast",
        "locations",
        "number",
        "episodes",
        "outline",
        "previous_cliffhanger",
        "seconds",
        "budget",
        "line_limit",
        "paywall_note",
        "max_scenes",
        "max_shots",
    },
    "rewrite": COMMON_VARIABLES
    | {
        "series",
        "cast",
        "locations",
        "number",
        "title",
        "script",
        "passages",
        "scene_count",
        "budget",
        "line_limit",
        "max_shots",
    },
    # Localization (localize/translate.py).
    "translate": frozenset(
        {"source_name", "target_name", "series", "episode", "summary", "context", "glossary", "max_hint", "lines"}
    ),
    "adapt": frozenset({"source_name", "target_name", "series", "glossary", "lines"}),
    "shorten": frozenset({"target_name", "glossary", "lines"}),
}

_SECTION = re.compile(r"^#{1,3}[ \t]*(system|user)[ \t]*$", re.IGNORECASE)
_HEADER = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str
    origin: str  # "packaged" or the override's path, for messages and records

    def render(self, **values: object) -> list[tuple[str, str]]:
        """The (role, content) messages, with ``$name`` replaced by ``str(values[name])``."""
        mapping = {key: str(value) for key, value in values.items()}
        return [
            ("system", Template(self.system).safe_substitute(mapping).strip()),
            ("user", Template(self.user).safe_substitute(mapping).strip()),
        ]

    @property
    def label(self) -> str:
        """What provenance records: ``script@2`` (``script@2+project`` for a project's override)."""
        return f"{self.name}@{self.version}" + ("" if self.origin == "packaged" else "+project")


def quote(text: str) -> str:
    """Text as a JSON string literal: quotes, backslashes and newlines escaped."""
    return json.dumps(text, ensure_ascii=False)


def as_json(value: object) -> str:
    """A value as compact JSON (one line per top-level list item for readability)."""
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in value) + "\n]"
    return json.dumps(value, ensure_ascii=False)


def packaged_prompt_text(name: str) -> str:
    return resources.files("microdrama").joinpath("data", PROMPTS_FOLDER, f"{name}.md").read_text(encoding="utf-8")


def load_prompt(name: str, project_root: Path | None = None) -> Prompt:
    """The prompt ``name``: the project's ``prompts/<name>.md`` if there is one, else the packaged one.

    A malformed file is a ``ValidationError`` naming the file and the problem.
    """
    if name not in VARIABLES:
        raise ValueError(f"unknown prompt {name!r}; known: {', '.join(PROMPT_NAMES)}")
    if project_root is not None:
        override = project_root / PROMPTS_FOLDER / f"{name}.md"
        if override.is_file():
            display = f"{PROMPTS_FOLDER}/{name}.md"
            try:
                text = override.read_text(encoding="utf-8")
            except UnicodeDecodeError as error:
                raise ValidationError(f"{display}: not UTF-8 text; save it as UTF-8") from error
            return parse_prompt(text, name, display)
    return parse_prompt(packaged_prompt_text(name), name, "packaged")


def parse_prompt(text: str, name: str, origin: str) -> Prompt:
    where = origin if origin != "packaged" else f"packaged prompt {name}.md"
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        marker = _SECTION.match(line.strip()) if current is None or line.startswith("#") else None
        if marker is not None:
            section = marker.group(1).lower()
            if section in sections:
                raise ValidationError(f"{where}:{number}: a second '# {section}' section; keep one")
            current = sections[section] = []
            continue
        if current is not None:
            current.append(raw)
            continue
        if not line.strip():
            continue
        match = _HEADER.match(line.strip())
        if match is None:
            raise ValidationError(
                f"{where}:{number}: expected a header line like 'version: 1' or a '# system' line, "
                f"found {line.strip()[:40]!r}"
            )
        key, value = match.group(1).lower(), match.group(2)
        if key not in HEADER_KEYS:
            raise ValidationError(
                f"{where}:{number}: unknown header key {key!r} (a typo?); use {', '.join(sorted(HEADER_KEYS))}"
            )
        header[key] = value
    if "version" not in header:
        raise ValidationError(f"{where}: the header has no 'version: N' line; put e.g. 'version: 1' on the first line")
    version_text = header["version"]
    if not version_text.isdigit() or int(version_text) < 1:
        raise ValidationError(f"{where}: version must be a positive whole number, not {version_text!r}")
    for section in ("system", "user"):
        if section not in sections:
            raise ValidationError(f"{where}: no '# {section}' section; the file needs '# system' and '# user'")
        if not "\n".join(sections[section]).strip():
            raise ValidationError(f"{where}: the '# {section}' section is empty")
    system, user = ("\n".join(sections[s]).strip() for s in ("system", "user"))
    allowed = VARIABLES[name]
    for section, body in (("system", system), ("user", user)):
        template = Template(body)
        if not template.is_valid():
            raise ValidationError(
                f"{where}: the '# {section}' section has a stray '$' (write '$$' for a dollar sign, "
                "'$name' for a variable)"
            )
        unknown = sorted(set(template.get_identifiers()) - allowed)
        if unknown:
            raise ValidationError(
                f"{where}: unknown variable ${unknown[0]} in '# {section}'; available: "
                + ", ".join(f"${v}" for v in sorted(allowed))
            )
    return Prompt(name=name, version=int(version_text), system=system, user=user, origin=origin)
