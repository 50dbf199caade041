"""`--episodes 3`, `3-5`, `1,4-6`: which of a series' episodes a command works on.

A range is checked against the episodes the series has, never listed number by number,
so `1-99999999999` costs no more than `1-3` (and is refused for what it names that is
not there).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from microdrama.errors import UsageError

# More digits than any series has episodes; refused before int() (which caps its input at 4300 digits).
MAX_DIGITS = 9


def parse_episode_selection(text: str, available: list[int]) -> set[int]:
    """ "3", "3-5", "1,4-6" -> episode numbers; every one must exist."""
    have = sorted(set(available))
    span = f"1-{have[-1]}" if have else "none"
    chosen: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise UsageError(f"'{text}' is not an episode selection; write e.g. 3, 3-5 or 1,4-6")
        low, high = _number(first), _number(last or first)
        if low > high:
            raise UsageError(f"'{part}' runs backwards; write the lower number first")
        inside = have[bisect_left(have, low) : bisect_right(have, high)]
        if not inside:
            what = f"episode {first}" if not dash else f"episode in {part}"
            raise UsageError(f"no {what}; the series has episodes {span}")
        missing = _first_gap(inside, low, high)
        if missing is not None:
            raise UsageError(f"no episode {missing}; the series has episodes {span}")
        chosen.update(inside)
    if not chosen:
        raise UsageError(f"no episode {text}; the series has episodes {span}")
    return chosen


def _number(digits: str) -> int:
    """The number, or one past any episode when it has more digits than a series could need."""
    stripped = digits.lstrip("0") or "0"
    return int(stripped) if len(stripped) <= MAX_DIGITS else 10**MAX_DIGITS


def _first_gap(inside: list[int], low: int, high: int) -> int | None:
    """The first number from ``low`` to ``high`` missing from ``inside`` (sorted, all within the range)."""
    expected = low
    for number in inside:
        if number != expected:
            return expected
        expected += 1
    return expected if expected <= high else None
