"""Deterministic clean-up of a model's translated line.

A small model sometimes runs on past the line it was given: it repeats a sentence in a loop
("Tidak perlu menunggu lagi. Tidak perlu menunggu lagi. …") or goes on to invent what comes
next ("I know. I can't stop my heart changing. Could you tell me…" for 我知道。). Both show as
more sentences than the source line has. Such a translation loses its repeats, and if it is
still too long to read in its time, the sentences beyond the source's count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A sentence ends at . ! ? (perhaps with a closing quote or bracket) before a space and a word
# that does not start in lower case; an ellipsis is a hesitation ("I… I know" is one sentence).
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’»)\]]))\s+(?![a-zà-ÿ])")
# Words whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset({
    "mr.", "mrs.", "ms.", "dr.", "sr.", "sra.", "srta.", "st.", "jr.", "prof.", "m.", "mme.", "mlle.", "hr.", "fr.",
    "bpk.", "sdr.",
})  # fmt: skip
_SOURCE_SENTENCE = re.compile(r"[^。！？!?…]+[。！？!?…]*")


def tidy(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (abbreviations such as "Mr." do not end one)."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(tidy(text)):
        if pieces and pieces[-1].split()[-1].lower() in _ABBREVIATIONS:
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif piece:
            pieces.append(piece)
    return pieces


def source_sentences(text: str) -> int:
    """How many sentences a (Chinese) source line has; at least one."""
    return max(1, sum(1 for piece in _SOURCE_SENTENCE.findall(text) if piece.strip("—-… ")))


def without_run_on(source: str, text: str, fits: Callable[[str], bool]) -> str:
    """``text`` without a run-on: when it has more sentences than ``source``, repeated
    sentences go, and if it still does not ``fit``, the sentences past the source's count."""
    parts = sentences(text)
    allowed = source_sentences(source)
    if len(parts) <= allowed:
        return tidy(text)
    unique = [part for index, part in enumerate(parts) if index == 0 or part.lower() != parts[index - 1].lower()]
    kept = " ".join(unique)
    if len(unique) > allowed and not fits(kept):
        kept = " ".join(unique[:allowed])
    return kept
