"""The terminal every command prints through: text from users, files and servers shown, never obeyed.

Script text, file names, provider error messages and titles reach the terminal. Two things
in them must not act: control characters (an ESC or a C1 CSI starts a sequence that can
clear the screen, retitle the window or hide text) and Rich markup (a path like
``a[/]b`` is a markup error, ``[bold]`` restyles the line). Control characters are made
visible here, once, for every string any command prints; markup is escaped where a value
is put into a message (``escape``), and a path in a hint is quoted for the shell.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape
from rich.text import Text

# C0 controls but newline and tab, DEL, and C1 controls (U+0080-U+009F: CSI, OSC, DCS ...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with each control character written out as ``\\xNN``."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def json_line(value: object) -> str:
    """``value`` as one line of JSON that a terminal shows as text: json escapes C0 controls,
    and DEL and C1 controls (printed raw with ensure_ascii=False) are escaped here too."""
    text = json.dumps(value, ensure_ascii=False)
    return re.sub(r"[\x7f-\x9f]", lambda found: f"\\u{ord(found.group()):04x}", text)


class SafeConsole(Console):
    """A Rich console that shows control characters in every string it renders instead of
    sending them to the terminal (printed strings, table cells, rules and panel bodies all
    render here), and prints a message whose markup is broken as plain text, not a traceback."""

    def render_str(self, text: str, **options: Any) -> Text:
        try:
            return super().render_str(visible(text), **options)
        except MarkupError:
            return super().render_str(visible(text), **{**options, "markup": False})


console = SafeConsole()
errors = SafeConsole(stderr=True)


def shell_word(path: Path | str) -> str:
    """A path as it should be typed in a hint (quoted when the shell would split or expand it),
    escaped for Rich markup."""
    return escape(shlex.quote(str(path)))


def fit_columns(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    drop_first: Sequence[str],
    wrapping: Collection[str] = (),
) -> list[int]:
    """Indexes of the columns to show so the table fits ``width``: the columns in ``drop_first``
    are left out in that order (the least useful first) instead of every column being squeezed
    into "writ…". A column in ``wrapping`` may wrap, so only its longest word must fit."""

    def needed(index: int) -> int:
        cells = [Text.from_markup(row[index]).plain for row in rows]
        if columns[index] in wrapping:
            cells = [word for cell in cells for word in cell.split()]
        return max([len(columns[index]), *map(len, cells)])

    natural = [needed(index) for index in range(len(columns))]
    shown = list(range(len(columns)))
    for name in drop_first:
        if sum(natural[i] + 3 for i in shown) + 1 <= width:  # 3: a cell's padding and border, 1: the last border
            break
        shown.remove(columns.index(name))
    return shown
