"""Human-editable YAML: round-trip loading with positions, validation errors with file:line, merges.

Project files are edited by people, so:
- loading keeps ruamel's round-trip nodes, which know the line of every key, and a
  pydantic error is reported as ``file:line: field.path: message``;
- saving merges the new data into the file as it is on disk, so comments and the
  order of keys a person wrote survive a rewrite.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from microdrama.errors import ValidationError
from microdrama.model.migrate import SchemaVersionError, migrate
from microdrama.project.atomic import write_text_atomic

Model = TypeVar("Model", bound=pydantic.BaseModel)
# Mappings written on one line: {file: source/x.txt, start: 10, end: 42}
FLOW_KEYS = frozenset({"source", "first_appearance", "hook", "cliffhanger"})
FLOW_LISTS = frozenset({"characters", "aliases", "genres", "tropes", "sources", "cues"})


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_text_file(path: Path, display: str, what: str = "file") -> str:
    """The UTF-8 text of ``path``; a missing or wrongly encoded file is a ValidationError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ValidationError(f"{display}: {what} is missing") from error
    except UnicodeDecodeError as error:
        raise ValidationError(f"{display}: not UTF-8 text; save it as UTF-8") from error


def load_yaml(path: Path, display: str) -> Any:
    """Parse ``path``; a syntax error names the file and line."""
    text = read_text_file(path, display)
    try:
        return _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ValidationError(f"{display}{line}: YAML syntax error: {problem}; fix the file or restore it") from error
    except YAMLError as error:
        raise ValidationError(f"{display}: YAML syntax error: {error}") from error


def line_of(document: Any, location: Iterable[int | str]) -> int | None:
    """1-based line of the deepest node on ``location`` that the document knows a position for."""
    node = document
    found: int | None = None
    for step in location:
        if isinstance(node, CommentedMap) and isinstance(step, str) and step in node:
            found = node.lc.key(step)[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            found = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    if found is None and isinstance(document, CommentedMap | CommentedSeq):
        found = document.lc.line + 1
    return found


def field_path(location: Iterable[int | str]) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(top level)"


def problem(display: str, document: Any, location: tuple[int | str, ...], message: str) -> str:
    line = line_of(document, location)
    where = f"{display}:{line}" if line else display
    return f"{where}: {field_path(location)}: {message}"


def validate(model: type[Model], document: Any, display: str, kind: str) -> Model:
    """Validate a loaded document (after migration) into ``model``; errors name file:line: field."""
    if document is None:
        raise ValidationError(
            f"{display}: the file is empty; restore it, or delete it and rerun the command that made it"
        )
    if not isinstance(document, dict):
        raise ValidationError(
            f"{display}: expected a mapping of fields at the top level, found {type(document).__name__}"
        )
    try:
        data = migrate(dict(document), kind)
    except SchemaVersionError as error:
        raise ValidationError(problem(display, document, ("schema_version",), str(error))) from error
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        lines = []
        for detail in error.errors()[:5]:
            location = tuple(step for step in detail["loc"] if isinstance(step, int | str))
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = "unknown field (a typo?); remove it or fix its name"
            lines.append(problem(display, document, location, message))
        more = error.error_count() - len(lines)
        if more > 0:
            lines.append(f"... and {more} more problem(s) in {display}")
        raise ValidationError("\n".join(lines)) from error


def merge(old: Any, new: Any) -> Any:
    """``new`` laid over ``old``, keeping old's comments and key order where keys survive."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for position, (key, value) in enumerate(new.items()):
            if key in old:
                old[key] = merge(old[key], value)
            else:
                old.insert(min(position, len(old)), key, _styled(key, value))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        del old[len(new) :]
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = merge(old[index], value)
            else:
                old.append(_styled(None, value))
        return old
    return _styled(None, new) if isinstance(new, dict | list) else new


def _styled(key: str | None, value: Any) -> Any:
    """Plain data as ruamel nodes, with small mappings and id lists on one line."""
    if isinstance(value, dict):
        node = CommentedMap()
        for child_key, child in value.items():
            node[child_key] = _styled(child_key, child)
        if key in FLOW_KEYS:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_styled(None, item) for item in value)
        if key in FLOW_LISTS and all(not isinstance(item, dict | list) for item in value):
            seq.fa.set_flow_style()
        return seq
    return value


def dump(node: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(node, stream)
    return stream.getvalue()


def save_model(path: Path, model: pydantic.BaseModel, header: str = "") -> None:
    """Write ``model`` to ``path`` atomically, merged into the existing file if there is one."""
    data = model.model_dump(mode="json", exclude_defaults=False)
    existing: Any = None
    if path.exists():
        try:
            existing = _yaml().load(path.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError):
            existing = None  # a broken file is replaced wholesale
    if isinstance(existing, CommentedMap):
        node = merge(existing, data)
    else:
        node = _styled(None, data)
        if header:
            node.yaml_set_start_comment(header)
    write_text_atomic(path, dump(node))
