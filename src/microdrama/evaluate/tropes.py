"""Trope tagging (套路) and how rare a work's combination of tropes is in a catalog.

The taxonomy is data (data/evaluate/tropes.yaml); docs/tropes.md explains every trope
and its cues. Tagging is a lexicon match, on purpose: it is fast, runs offline, and
every tag comes with the words that raised it, in context, for a person to check. A cue
is evidence, not proof, so hits carry a count and callers choose how many they need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from microdrama.errors import ValidationError
from microdrama.project.yamlio import parse_yaml, read_text_file
from microdrama.text.normalize import fold_fullwidth

TAXONOMY_RESOURCE = "data/evaluate/tropes.yaml"
CONTEXT_CHARS = 12
MAX_EXAMPLES = 3
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_EDGE = re.compile(r"\w")
# Letters of words written with spaces: a Chinese character next to "CEO" is no part of it.
_LATIN = r"0-9A-Za-z\u00c0-\u024f"


@dataclass(frozen=True)
class Trope:
    """One trope of the taxonomy, with the terms that suggest it."""

    id: str
    zh: str
    en: str
    description: str
    cues_zh: tuple[str, ...]
    cues_en: tuple[str, ...]
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class TropeHit:
    """The evidence for one trope in a text."""

    trope_id: str
    count: int  # cue occurrences, never overlapping
    cues: tuple[str, ...]  # the distinct words that matched, as written in the text
    examples: tuple[str, ...]  # up to MAX_EXAMPLES matches with CONTEXT_CHARS either side


@dataclass(frozen=True)
class Taxonomy:
    tropes: tuple[Trope, ...]

    def trope(self, trope_id: str) -> Trope:
        for trope in self.tropes:
            if trope.id == trope_id:
                return trope
        raise KeyError(trope_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(trope.id for trope in self.tropes)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The built-in taxonomy, or the one at `path`; a malformed file is a ValidationError."""
    if path is None:
        return _builtin_taxonomy()
    text = read_text_file(path, str(path), "trope taxonomy")
    return parse_taxonomy(text, str(path))


@cache
def _builtin_taxonomy() -> Taxonomy:
    text = resources.files("microdrama").joinpath(TAXONOMY_RESOURCE).read_text(encoding="utf-8")
    return parse_taxonomy(text, TAXONOMY_RESOURCE)


def parse_taxonomy(text: str, display: str) -> Taxonomy:
    """Read and check a taxonomy; every problem names the file and the trope."""
    data = parse_yaml(text, display)
    items = data.get("tropes") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{display}: expected a non-empty list under 'tropes'")
    tropes = tuple(_trope(item, f"{display}: trope {number}") for number, item in enumerate(items, start=1))
    seen: set[str] = set()
    for trope in tropes:
        if trope.id in seen:
            raise ValidationError(f"{display}: trope id '{trope.id}' is listed twice")
        seen.add(trope.id)
    return Taxonomy(tropes)


def _trope(item: Any, where: str) -> Trope:
    if not isinstance(item, dict):
        raise ValidationError(f"{where}: expected a mapping with id, zh, en, description, cues")
    trope_id = _text(item.get("id"), "id", where)
    if not _ID.match(trope_id):
        raise ValidationError(f"{where}: id '{trope_id}' must be lower-case ASCII letters, digits and _")
    where = f"{where} ({trope_id})"
    cues = item.get("cues")
    if not isinstance(cues, dict):
        raise ValidationError(f"{where}: 'cues' must map zh and en to lists of terms")
    trope = Trope(
        id=trope_id,
        zh=_text(item.get("zh"), "zh", where),
        en=_text(item.get("en"), "en", where),
        description=_text(item.get("description"), "description", where),
        cues_zh=_terms(cues.get("zh"), "cues.zh", where),
        cues_en=_terms(cues.get("en"), "cues.en", where),
        patterns=_terms(item.get("patterns", []), "patterns", where),
    )
    for pattern in trope.patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValidationError(f"{where}: pattern '{pattern}' is not a valid regular expression: {error}") from error
    if not (trope.cues_zh or trope.cues_en or trope.patterns):
        raise ValidationError(f"{where}: needs at least one cue")
    return trope


def _text(value: Any, field: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where}: '{field}' must be non-empty text")
    return value.strip()


def _terms(value: Any, field: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(term, str) and term.strip() for term in value):
        raise ValidationError(f"{where}: '{field}' must be a list of non-empty terms")
    return tuple(term.strip() for term in value)


def _english_cue(cue: str) -> str:
    # Whole words only ("heir" is not in "their"), yet found between Chinese characters
    # (知道CEO回来); a boundary is asked for only where the cue starts or ends with a letter,
    # so "ding!" still matches before a space.
    stem = cue.removesuffix("*")
    body = r"\s+".join(re.escape(word) for word in stem.split())
    head = f"(?<![{_LATIN}])" if _WORD_EDGE.match(stem[0]) else ""
    tail = f"[{_LATIN}]*" if cue.endswith("*") else (f"(?![{_LATIN}])" if _WORD_EDGE.match(stem[-1]) else "")
    return head + body + tail


@cache
def _matcher(trope: Trope) -> re.Pattern[str]:
    # One alternation per trope, longest first, so overlapping cues (重生 inside 重生回来)
    # count once.
    alternatives = sorted((re.escape(cue) for cue in trope.cues_zh), key=len, reverse=True)
    alternatives += sorted((_english_cue(cue) for cue in trope.cues_en), key=len, reverse=True)
    alternatives += [f"(?:{pattern})" for pattern in trope.patterns]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def tag_tropes(text: str, taxonomy: Taxonomy | None = None) -> dict[str, TropeHit]:
    """trope id -> the evidence, for every trope with at least one cue in `text`, in taxonomy order."""
    taxonomy = taxonomy or load_taxonomy()
    folded = fold_fullwidth(text)  # one code point for one, so offsets stay the text's own
    hits: dict[str, TropeHit] = {}
    for trope in taxonomy.tropes:
        matches = list(_matcher(trope).finditer(folded))
        if matches:
            hits[trope.id] = TropeHit(
                trope_id=trope.id,
                count=len(matches),
                cues=tuple(dict.fromkeys(text[m.start() : m.end()] for m in matches)),
                examples=tuple(_context(text, m.start(), m.end()) for m in matches[:MAX_EXAMPLES]),
            )
    return hits


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


def trope_set(hits: Mapping[str, TropeHit], min_count: int = 1) -> frozenset[str]:
    """The tropes with at least `min_count` cues: the set stored per work and compared."""
    return frozenset(trope_id for trope_id, hit in hits.items() if hit.count >= min_count)


def combination_rarity(tropes_of_work: Collection[str], catalog_trope_sets: Iterable[Collection[str]]) -> float:
    """How unusual this work's combination of tropes is, in bits: -log2 of a smoothed share.

    The share is that of catalog works whose tropes include all of this work's tropes
    (containment, not equality: almost every exact set is unique, which would make every
    work look rare). Laplace smoothing, (matches + 1) / (works + 2), keeps the value finite:
    a work without tropes scores near 0 bits, a combination no catalog work has scores
    log2(works + 2), and an empty catalog says 1 bit (no evidence either way).
    """
    wanted = frozenset(tropes_of_work)
    works = 0
    matches = 0
    for tropes in catalog_trope_sets:
        works += 1
        matches += wanted.issubset(tropes)
    return -math.log2((matches + 1) / (works + 2))


def trope_names(trope_ids: Sequence[str], taxonomy: Taxonomy | None = None) -> list[str]:
    """'重生 Rebirth'-style labels, for reports."""
    taxonomy = taxonomy or load_taxonomy()
    return [f"{taxonomy.trope(trope_id).zh} {taxonomy.trope(trope_id).en}" for trope_id in trope_ids]
