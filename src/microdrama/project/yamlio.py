"""Human-editable YAML: round-trip loading with positions, validation errors with file:line, merges.

Project files are edited by people, so:
- loading keeps ruamel's round-trip nodes, which know the line of every key, and a
  pydantic error is reported as ``file:line: field.path: message``;
- saving merges the new data into the file as it is on disk, so comments and the
  order of keys a person wrote survive a rewrite;
- every reader (round-trip, or PyYAML's C parser for plain data) checks each node before
  it is built: no anchors or aliases (a few KB of nested aliases stand for gigabytes once
  validated) and no nesting deeper than MAX_DEPTH;
- every string is written so that YAML 1.1 readers (PyYAML and most tools) read it as the
  same string that YAML 1.2 readers do: ``No``, ``on``, ``1:30`` and ``2024-01-01`` are quoted,
  and ``?`` or ``:`` inside ``{ }`` and ``[ ]`` too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter

from microdrama.errors import ValidationError
from microdrama.model.migrate import SchemaVersionError, migrate
from microdrama.project.atomic import write_text_atomic

Model = TypeVar("Model", bound=pydantic.BaseModel)
# Mappings written on one line: {file: source/x.txt, start: 10, end: 42}
FLOW_KEYS = frozenset({"source", "first_appearance", "hook", "cliffhanger"})
FLOW_LISTS = frozenset({"characters", "aliases", "genres", "tropes", "sources", "cues"})


MAX_DEPTH = 64  # collections inside collections; an episode file needs about ten
ANCHORS_REFUSED = "aliases (&/*) are not allowed in project files; write the value out in full"
_PLAIN_LOADER = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)  # libyaml when PyYAML was built with it


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _check_node(event: Any, depth: int) -> None:
    """The one check of every node any reader builds (its parser event, PyYAML's or ruamel's)."""
    if event.anchor is not None:
        raise _Refused(ANCHORS_REFUSED, event.start_mark.line + 1)
    if depth > MAX_DEPTH:
        raise _Refused(
            f"nested more than {MAX_DEPTH} levels deep; a project file never needs that", event.start_mark.line + 1
        )


class _CheckedComposer(Composer):
    def compose_node(self, parent: Any, index: Any) -> Any:
        _check_node(self.parser.peek_event(), self.depth + 1)
        return super().compose_node(parent, index)


def _checked_plain_load(text: str) -> Any:
    """PyYAML's C parser: plain dicts and lists, about ten times faster than the round trip."""
    depth = 0
    for event in pyyaml.parse(text, Loader=_PLAIN_LOADER):
        if isinstance(event, pyyaml.CollectionStartEvent):
            depth += 1
            _check_node(event, depth)
        elif isinstance(event, pyyaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, pyyaml.NodeEvent):
            _check_node(event, depth + 1)
    return pyyaml.load(text, Loader=_PLAIN_LOADER)


# YAML 1.1 reads these as booleans, null or infinities (some readers in any case: yEs, NULL).
_YAML11_WORDS = re.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~|[-+]?\.(inf|nan)")
_YAML11 = pyyaml.resolver.Resolver()


def _misread_in_yaml11(value: str) -> bool:
    """Would a YAML 1.1 reader take this plain scalar for something other than this string?"""
    # PyYAML's own resolver: sexagesimal 1:30, octal 0777, dates, = and << too
    plain_tag = _YAML11.resolve(pyyaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return plain_tag != "tag:yaml.org,2002:str" or _YAML11_WORDS.fullmatch(value) is not None


class _Representer(RoundTripRepresenter):
    def represent_str(self, data: str) -> Any:
        if any(mark in data for mark in "\x85\u2028\u2029"):  # line breaks a quoted string folds: escape them
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        if _misread_in_yaml11(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


_Representer.add_representer(str, _Representer.represent_str)


class _Emitter(RoundTripEmitter):
    def analyze_scalar(self, scalar: Any) -> Any:
        analysis = super().analyze_scalar(scalar)
        if "?" in scalar or ":" in scalar:  # YAML 1.1 ends a plain scalar there inside { } and [ ]
            analysis.allow_flow_plain = False
        return analysis


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.Composer = _CheckedComposer
    yaml.Representer = _Representer
    yaml.Emitter = _Emitter
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_text_file(path: Path, display: str, what: str = "file") -> str:
    """The UTF-8 text of ``path`` without a byte-order mark (Windows editors write one);
    a missing, unreadable or wrongly encoded file, or a folder, is a ValidationError."""
    if path.is_dir():
        raise ValidationError(f"{display}: is a folder, not a {what}; move it away or rename it")
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise ValidationError(f"{display}: {what} is missing") from error
    except UnicodeDecodeError as error:
        raise ValidationError(f"{display}: not UTF-8 text; save it as UTF-8") from error
    except OSError as error:
        raise ValidationError(
            f"{display}: cannot be read ({error.strerror or error}); check its permissions"
        ) from error


def load_yaml(path: Path, display: str, *, plain: bool = False) -> Any:
    """Parse ``path`` (see parse_yaml)."""
    return parse_yaml(read_text_file(path, display), display, plain=plain)


def parse_yaml(text: str, display: str, *, plain: bool = False) -> Any:
    """The one YAML reader: round-trip nodes that know their lines, or with ``plain`` plain data
    read fast (YAML 1.1: validate it, and read again without ``plain`` on any doubt); anchors,
    aliases and deep nesting are refused, and every error names the file (and line when known)."""
    try:
        return _checked_plain_load(text) if plain else _yaml().load(text)
    except _Refused as error:
        raise ValidationError(f"{display}:{error.line}: {error}") from None
    except (MarkedYAMLError, pyyaml.MarkedYAMLError) as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ValidationError(f"{display}{line}: YAML syntax error: {problem}; fix the file or restore it") from error
    except (YAMLError, pyyaml.YAMLError) as error:
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
            existing = load_yaml(path, str(path))
        except ValidationError:
            existing = None  # a broken (or refused) file is replaced wholesale
    if isinstance(existing, CommentedMap):
        node = merge(existing, data)
    else:
        node = _styled(None, data)
        if header:
            node.yaml_set_start_comment(header)
    write_text_atomic(path, dump(node))
