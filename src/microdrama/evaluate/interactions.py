"""Reading user–item interaction data (a CSV of who watched which series) for the re-ranker.

The file is ``user,item,weight`` with a header. The weight column is optional (every row then
weighs 1) and may instead be called ``rating`` or ``watch_seconds``; an empty weight cell also
means 1. Extra columns are ignored. Rows that cannot be used — wrong column count, empty ids, a
weight that is not a non-negative number, an item the catalog does not know — are skipped and
reported with their line numbers, so one bad export line does not throw away a day of logs.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Set
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from microdrama.errors import ValidationError

WEIGHT_COLUMNS = ("weight", "rating", "watch_seconds")
EXAMPLE_HEADER = "user,item,weight"


@dataclass(frozen=True)
class Interaction:
    user: str
    item: str
    weight: float
    line: int


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line} {self.reason}"


@dataclass(frozen=True)
class Interactions:
    rows: tuple[Interaction, ...]
    skipped: tuple[SkippedRow, ...] = ()

    def users(self) -> list[str]:
        """User ids in the order they first appear."""
        return list(dict.fromkeys(row.user for row in self.rows))

    def skipped_summary(self, limit: int = 5) -> str:
        """One line for the CLI's warning, e.g. "skipped 2 rows: line 5 unknown item 'x', line 9 ..."; '' if none."""
        return _summary(self.skipped, limit)


def read_interactions(path: Path, known_items: Set[str]) -> Interactions:
    """The usable rows of an interaction CSV, plus the rows skipped and why.

    Raises ValidationError when the file is missing, binary, not UTF-8, has no header naming
    ``user`` and ``item``, or has no usable row at all.
    """
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = _first_nonblank_row(reader)
        if header is None:
            raise ValidationError(f"{path}: no rows; expected a CSV whose first line is {EXAMPLE_HEADER}")
        user_col, item_col, weight_col = _header_columns(header, path)
        rows: list[Interaction] = []
        skipped: list[SkippedRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are layout, not data
            parsed = _parse_row(cells, len(header), user_col, item_col, weight_col, known_items)
            if isinstance(parsed, str):
                skipped.append(SkippedRow(reader.line_num, parsed))
            else:
                user, item, weight = parsed
                rows.append(Interaction(user, item, weight, reader.line_num))
    except csv.Error as error:
        raise ValidationError(f"{path}: line {reader.line_num} is not valid CSV ({error}); fix or remove it") from error
    if not rows:
        detail = f" ({_summary(skipped, 5)})" if skipped else ""
        raise ValidationError(
            f"{path}: no usable interaction rows{detail}; "
            "fix the rows listed or check that the items are in the catalog"
        )
    return Interactions(tuple(rows), tuple(skipped))


def split_holdout(
    interactions: Interactions, test_share: float = 0.2, seed: int = 0
) -> tuple[Interactions, Interactions]:
    """(train, test): a random ``test_share`` of each user's rows held out, each user keeping at least one in train."""
    rng = np.random.default_rng(seed)
    by_user: dict[str, list[Interaction]] = {}
    for row in interactions.rows:
        by_user.setdefault(row.user, []).append(row)
    train: list[Interaction] = []
    test: list[Interaction] = []
    for rows in by_user.values():
        held = min(len(rows) - 1, round(test_share * len(rows)))
        order = rng.permutation(len(rows))
        test.extend(rows[i] for i in order[:held])
        train.extend(rows[i] for i in order[held:])
    return Interactions(_in_file_order(train), interactions.skipped), Interactions(_in_file_order(test))


def _in_file_order(rows: Iterable[Interaction]) -> tuple[Interaction, ...]:
    return tuple(sorted(rows, key=lambda row: row.line))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file; give the path of an interaction CSV ({EXAMPLE_HEADER})") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ValidationError(f"{path}: cannot be read ({reason}); give the path of an interaction CSV") from None
    if b"\x00" in data:
        raise ValidationError(f"{path}: looks like a binary file, not a CSV; export the interactions as UTF-8 CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{path}: is not UTF-8 text (byte {error.start}); save the interactions as UTF-8 CSV"
        ) from None


def _first_nonblank_row(reader: Iterable[list[str]]) -> list[str] | None:
    for cells in reader:
        if any(cell.strip() for cell in cells):
            return cells
    return None


def _header_columns(header: list[str], path: Path) -> tuple[int, int, int | None]:
    names = [cell.strip().lower() for cell in header]
    if "user" not in names or "item" not in names:
        raise ValidationError(
            f"{path}: missing header; the first line must name the columns, e.g. {EXAMPLE_HEADER} "
            f"(found {','.join(header)!r})"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"{path}: header repeats column {', '.join(repeated)}; name each column once")
    weights = [name for name in WEIGHT_COLUMNS if name in names]
    if len(weights) > 1:
        raise ValidationError(f"{path}: header has several weight columns ({', '.join(weights)}); keep one")
    weight_col = names.index(weights[0]) if weights else None
    return names.index("user"), names.index("item"), weight_col


def _parse_row(
    cells: list[str], width: int, user_col: int, item_col: int, weight_col: int | None, known_items: Set[str]
) -> tuple[str, str, float] | str:
    """The row's (user, item, weight), or the reason it is skipped."""
    if len(cells) != width:
        return f"expected {width} columns, got {len(cells)}"
    user, item = cells[user_col].strip(), cells[item_col].strip()
    if not user:
        return "empty user id"
    if not item:
        return "empty item id"
    if item not in known_items:
        return f"unknown item {item!r}"
    raw_weight = cells[weight_col].strip() if weight_col is not None else ""
    if not raw_weight:
        return user, item, 1.0
    try:
        weight = float(raw_weight)
    except ValueError:
        return f"weight {raw_weight!r} is not a number"
    if not math.isfinite(weight):
        return f"weight {raw_weight!r} is not a finite number"
    if weight < 0:
        return f"negative weight {raw_weight}"
    return user, item, weight


def _summary(skipped: Iterable[SkippedRow], limit: int) -> str:
    rows = list(skipped)
    if not rows:
        return ""
    shown = ", ".join(map(str, rows[:limit]))
    more = f", and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"skipped {len(rows)} row{'s' if len(rows) != 1 else ''}: {shown}{more}"
