"""Bounds on what project files may hold: sizes no real micro-drama reaches, and no control characters.

A file that breaks them is broken or hostile, and would otherwise fail late and obscurely: a
10 MB line keeps espeak-ng busy with no output, a NUL in a line or a 10 MB name ends a build
with a bare ValueError. Refusing it on load names the file, the line and the limit instead.
Each figure is several times what the longest real series needs.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# One spoken line. At a brisk 15 characters a second (English; Chinese speaks ~5) this is over two
# minutes of speech in one breath, longer than a whole 1-2 minute episode.
MAX_SPOKEN_CHARS = 2_000
# Descriptions, summaries, loglines, action lines: a full page of prose.
MAX_PROSE_CHARS = 5_000
# Series and episode titles, licence lines: a file name is at most 255 bytes, and titles come from them.
MAX_TITLE_CHARS = 300
# Names of characters and places, aliases, genre and trope tags, voice names.
MAX_NAME_CHARS = 100
# Paths inside the project (Linux allows 4096 bytes; nobody nests a story that deep).
MAX_PATH_CHARS = 1_000
# An episode number is its file's name (001.yaml); platforms cap a series at 100-ish episodes.
MAX_EPISODES = 500
# A 1-2 minute episode has 1-6 scenes, 10-40 shots and a few lines per shot; an episode may be 30 minutes.
MAX_SCENES_PER_EPISODE = 200
MAX_SHOTS_PER_SCENE = 500
MAX_LINES_PER_SHOT = 100
# Characters or locations in one bible (a sprawling web novel names a few hundred).
MAX_CAST = 2_000
# Tags, aliases, characters on screen in one shot or scene.
MAX_LIST_ITEMS = 100

# Unicode "Cc": C0 controls, DEL and C1 controls. Prose may keep newlines and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same rule for the JSON schema (ECMAScript regex), so an editor can flag it too.
_ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
_PROSE_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"


def _refuse_control(text: str, pattern: re.Pattern[str], allowed: str) -> str:
    found = pattern.search(text)
    if found is None:
        return text
    raise PydanticCustomError(
        "control_character",
        "contains the control character U+{code} at character {position}; remove it ({allowed})",
        {"code": f"{ord(found.group()):04X}", "position": found.start() + 1, "allowed": allowed},
    )


def one_line(text: str) -> str:
    return _refuse_control(text, _CONTROL, "no control characters, newlines or tabs here")


def prose(text: str) -> str:
    return _refuse_control(text, _CONTROL_IN_PROSE, "only newlines and tabs are allowed")


def _one_line_field(max_length: int, min_length: int | None = None) -> Any:
    return Field(min_length=min_length, max_length=max_length, json_schema_extra={"pattern": _ONE_LINE_PATTERN})


def _prose_field(max_length: int, min_length: int | None = None) -> Any:
    return Field(min_length=min_length, max_length=max_length, json_schema_extra={"pattern": _PROSE_PATTERN})


SpokenText = Annotated[str, _prose_field(MAX_SPOKEN_CHARS, 1), AfterValidator(prose)]
Prose = Annotated[str, _prose_field(MAX_PROSE_CHARS), AfterValidator(prose)]
Title = Annotated[str, _one_line_field(MAX_TITLE_CHARS, 1), AfterValidator(one_line)]
OptionalTitle = Annotated[str, _one_line_field(MAX_TITLE_CHARS), AfterValidator(one_line)]
Name = Annotated[str, _one_line_field(MAX_NAME_CHARS, 1), AfterValidator(one_line)]
Tag = Annotated[str, _one_line_field(MAX_NAME_CHARS), AfterValidator(one_line)]
ProjectPath = Annotated[str, _one_line_field(MAX_PATH_CHARS), AfterValidator(one_line)]


def fit_one_line(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """``text`` made a valid one-line field: control characters (newlines too) become spaces, cut to ``limit``.

    For text found rather than typed (a source file's title, the start of an idea)."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit].strip()
