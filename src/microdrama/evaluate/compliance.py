"""Compliance flags for a micro-drama: terms a content reviewer would ask about, and the review tier.

The term list is data (data/evaluate/compliance.yaml), grouped in the categories of the
published review rules, each with its source and date; docs/compliance.md explains them.
Writers dodge filters with full-width letters, traditional characters, separators
(赌·场) and homophones (堵场), so the text is normalised first and every hit is mapped back
to the original text, with its context, for a person to judge. Nothing is ever changed
or removed: this module flags, it does not censor.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pypinyin import Style, lazy_pinyin

from microdrama.errors import ValidationError
from microdrama.project.yamlio import parse_yaml, read_text_file

MatchKind = Literal["exact", "normalised", "homophone"]
TierName = Literal["重点", "普通", "其他", "unknown"]

RULES_RESOURCE = "data/evaluate/compliance.yaml"
CONTEXT_CHARS = 15
RULE_FIELDS = ("id", "name_zh", "name_en", "source", "date", "note", "terms")

# Clause and sentence marks (after NFKC) stop a term from being read across two clauses:
# "他去赌，场面大乱" must not become 赌场. Every other separator between Han characters goes.
CLAUSE_MARKS = frozenset(",、。!?;:…\n\r\u2028\u2029")
# Characters too common to prove a homophone is a deliberate respelling: 码的 is not 妈的.
GENERIC_CHARS = frozenset("的了是人子一不个儿们着么之在有也就")
# Terms this long are rarely homophones of ordinary words, so no shared character is needed.
FREE_HOMOPHONE_SYLLABLES = 3
# A term spelled in pinyin letters is looked for only when the spelling is this long:
# shorter ones (dubo, zisha) are too often something else.
MIN_PINYIN_SPELLING = 6

KEY_TIER_MIN_YUAN = 1_000_000
ORDINARY_TIER_MIN_YUAN = 300_000
TIER_SOURCE = "NRTA (国家广播电视总局) 分类分层审核 rules for 网络微短剧, effective 2024-06-01"


@dataclass(frozen=True)
class Rule:
    """One category of the term list (or one title rule), with where it comes from."""

    id: str
    name_zh: str
    name_en: str
    source: str
    date: str
    note: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """A term found in the text, for a person to judge in context."""

    category: str  # the rule's id
    term: str  # the term as listed
    matched: str  # the original text that matched
    kind: MatchKind
    where: str  # e.g. "episode 3, line 3-2-1.0"
    start: int  # offsets of `matched` in the checked text
    end: int
    context: str  # up to CONTEXT_CHARS of original text either side, and the match
    context_start: int  # where `matched` begins inside `context`

    @property
    def marked(self) -> str:
        """The context on one line with the match in 【】, for a report."""
        after = self.context_start + len(self.matched)
        text = f"{self.context[: self.context_start]}【{self.matched}】{self.context[after:]}"
        return text.replace("\r\n", "⏎").replace("\n", "⏎")


@dataclass(frozen=True)
class Tier:
    """The review tier a declared budget points to, and why."""

    name: TierName
    explanation: str


@dataclass(frozen=True)
class Normalised:
    """Text as the matcher sees it; origin[i] is the offset in the original of character i."""

    text: str
    origin: list[int]


# --- normalisation -----------------------------------------------------------------------


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _fold(char: str) -> str:
    """Full-width to half-width (NFKC), lowercase, traditional to simplified."""
    folded = unicodedata.normalize("NFKC", char).lower()
    return folded if folded.isascii() else str(_t2s().convert(folded))


def _is_separator(char: str) -> bool:
    if char in CLAUSE_MARKS:
        return False
    return char.isspace() or unicodedata.category(char)[0] in "PSZ" or unicodedata.category(char) == "Cf"


def _joins(left: str, right: str, run: Sequence[str]) -> bool:
    """Whether a separator run between `left` and `right` was put there to split a word."""
    if is_han(left) and is_han(right):
        return True
    # Latin keeps its spaces (they separate words) but not c*a*s*i*n*o-style marks.
    latin = left.isascii() and left.isalnum() and right.isascii() and right.isalnum()
    return latin and not any(char.isspace() for char in run)


def normalise(text: str) -> Normalised:
    """Fold every character, then drop separators that split a word."""
    chars: list[str] = []
    origin: list[int] = []
    pending: list[tuple[str, int]] = []  # a run of separators not yet kept or dropped
    for offset, raw in enumerate(text):
        for char in _fold(raw):
            if _is_separator(char):
                pending.append((char, offset))
                continue
            if pending and not (chars and _joins(chars[-1], char, [sep for sep, _ in pending])):
                chars.extend(sep for sep, _ in pending)
                origin.extend(at for _, at in pending)
            pending = []
            chars.append(char)
            origin.append(offset)
    chars.extend(sep for sep, _ in pending)
    origin.extend(at for _, at in pending)
    return Normalised("".join(chars), origin)


# --- matching ----------------------------------------------------------------------------


@cache
def _reading(char: str) -> str:
    """The usual toneless reading of a Han character; "" for anything else.

    Rare readings (市 as fu, 不 as fou) are left out: with them every other phrase sounds
    like some term.
    """
    return str(lazy_pinyin(char, style=Style.NORMAL)[0]) if is_han(char) else ""


@cache
def _dictionary() -> frozenset[str]:
    """The words of jieba's bundled dictionary, read only when a homophone needs them.

    Read directly: a word list is all this needs, and it loads faster than jieba itself.
    """
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines())


@dataclass(frozen=True)
class _Entry:
    key: str  # the normalised form looked for
    term: str  # the term as listed
    categories: tuple[str, ...]
    spelled_in_pinyin: bool = False


@dataclass(frozen=True)
class _Sound:
    key: str
    term: str
    categories: tuple[str, ...]
    syllables: tuple[str, ...]


def _latin_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _whole_word(text: str, start: int, end: int) -> bool:
    """Latin terms must stand alone: "bet" is not in "alphabet"."""
    if _latin_edge(text[start]) and start > 0 and _latin_edge(text[start - 1]):
        return False
    return not (_latin_edge(text[end - 1]) and end < len(text) and _latin_edge(text[end]))


def _is_word(text: str) -> bool:
    return text in _dictionary()


def _plausible_respelling(text: str, start: int, end: int, key: str) -> bool:
    """Whether text[start:end], which sounds like `key`, reads as a deliberate respelling.

    It must keep a telling character of a short term (码的 is not 妈的), not be a word
    itself (开放 is not 开房), respell with no common function character (部分是 is not
    分尸), and no respelled character may belong to a word running past the span (一条河
    is not 跳河, 法兰克福 is not 克夫). Kept characters may: 堵场子 still reads as 赌场.
    """
    span = text[start:end]
    if len(key) < FREE_HOMOPHONE_SYLLABLES and not (set(span) & set(key)) - GENERIC_CHARS:
        return False
    respelled = [at for at in range(start, end) if text[at] != key[at - start]]
    if any(text[at] in GENERIC_CHARS for at in respelled) or _is_word(span):
        return False
    return not any(_in_crossing_word(text, at, start, end) for at in respelled)


def _in_crossing_word(text: str, at: int, start: int, end: int) -> bool:
    """Whether text[at] is part of a dictionary word (2-4 characters) that crosses the span's edge."""
    for first in range(max(0, at - 3), at + 1):
        for last in range(at + 1, min(len(text), first + 4) + 1):
            if (first < start or last > end) and last - first >= 2 and _is_word(text[first:last]):
                return True
    return False


class _Matcher:
    """All terms of some rules, indexed by first character and by first syllable."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        entries = _entries(rules)
        self._by_char: dict[str, list[_Entry]] = {}
        self._by_syllable: dict[str, list[_Sound]] = {}
        for entry in entries:
            self._by_char.setdefault(entry.key[0], []).append(entry)
            if len(entry.key) > 1 and all(is_han(char) for char in entry.key):
                self._index_sound(entry)

    def _index_sound(self, entry: _Entry) -> None:
        # Read character by character, as the text is, so that kept characters always match.
        syllables = tuple(_reading(char) for char in entry.key)
        sound = _Sound(entry.key, entry.term, entry.categories, syllables)
        self._by_syllable.setdefault(syllables[0], []).append(sound)
        # Spelled out, a term is written as it is said, polyphonic characters included.
        said = lazy_pinyin(entry.key, style=Style.NORMAL)
        if len("".join(said)) >= MIN_PINYIN_SPELLING:
            for spelling in ("".join(said), " ".join(said)):
                alias = _Entry(spelling, entry.term, entry.categories, spelled_in_pinyin=True)
                self._by_char.setdefault(spelling[0], []).append(alias)

    def literal(self, text: str) -> Iterator[tuple[int, int, _Entry]]:
        for start, char in enumerate(text):
            for entry in self._by_char.get(char, ()):
                end = start + len(entry.key)
                if text.startswith(entry.key, start) and _whole_word(text, start, end):
                    yield start, end, entry

    def homophones(self, text: str) -> Iterator[tuple[int, int, _Sound]]:
        for start, char in enumerate(text):
            for sound in self._by_syllable.get(_reading(char), ()):
                end = start + len(sound.syllables)
                if end > len(text) or text[start:end] == sound.key:
                    continue
                sounds_alike = all(_reading(text[at]) == sound.syllables[at - start] for at in range(start + 1, end))
                if sounds_alike and _plausible_respelling(text, start, end, sound.key):
                    yield start, end, sound


def _entries(rules: Sequence[Rule]) -> list[_Entry]:
    """One entry per normalised term; a term listed in two categories belongs to both."""
    terms: dict[str, str] = {}
    categories: dict[str, list[str]] = {}
    for rule in rules:
        for term in rule.terms:
            key = normalise(term).text
            terms.setdefault(key, term)
            categories.setdefault(key, [])
            if rule.id not in categories[key]:
                categories[key].append(rule.id)
    return [_Entry(key, terms[key], tuple(categories[key])) for key in sorted(terms, key=len, reverse=True)]


# --- rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The content categories, the title rules, and the file they came from."""

    categories: tuple[Rule, ...]
    title_rules: tuple[Rule, ...]
    origin: str

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in (*self.categories, *self.title_rules) if rule.id == rule_id)

    @cached_property
    def content_matcher(self) -> _Matcher:
        return _Matcher(self.categories)

    @cached_property
    def title_matcher(self) -> _Matcher:
        return _Matcher(self.title_rules)


def load_rules(path: Path | None = None) -> Rules:
    """The built-in term list, or the one at `path`; a malformed file is a ValidationError."""
    if path is None:
        return _builtin_rules()
    text = read_text_file(path, str(path), "compliance term list")
    return parse_rules(text, str(path))


@cache
def _builtin_rules() -> Rules:
    text = resources.files("microdrama").joinpath(RULES_RESOURCE).read_text(encoding="utf-8")
    return parse_rules(text, f"microdrama/{RULES_RESOURCE}")


def parse_rules(text: str, display: str) -> Rules:
    """Rules from YAML text; `display` names the file in error messages."""
    document = parse_yaml(text, display)
    if not isinstance(document, dict):
        raise ValidationError(f"{display}: expected a mapping with 'categories' and 'title_rules'")
    unknown = set(document) - {"version", "categories", "title_rules"}
    if unknown:
        raise ValidationError(f"{display}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    if document.get("version") != 1:
        raise ValidationError(f"{display}: 'version' must be 1")
    categories = _rule_list(document.get("categories"), "categories", display)
    if not categories:
        raise ValidationError(f"{display}: 'categories' must list at least one category")
    title_rules = _rule_list(document.get("title_rules", []), "title_rules", display)
    ids = [rule.id for rule in (*categories, *title_rules)]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise ValidationError(f"{display}: rule id(s) used twice: {', '.join(duplicates)}")
    return Rules(categories, title_rules, display)


def _rule_list(value: Any, key: str, display: str) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        raise ValidationError(f"{display}: '{key}' must be a list of rules")
    return tuple(_rule(item, f"{display}: {key}[{index}]") for index, item in enumerate(value))


def _rule(item: Any, where: str) -> Rule:
    if not isinstance(item, dict):
        raise ValidationError(f"{where}: expected a mapping with {', '.join(RULE_FIELDS)}")
    if isinstance(item.get("id"), str):
        where = f"{where} ({item['id']})"
    missing = [field for field in RULE_FIELDS if field not in item]
    extra = sorted(str(field) for field in item if field not in RULE_FIELDS)
    if missing or extra:
        raise ValidationError(f"{where}: missing field(s) {missing or 'none'}; unknown field(s) {extra or 'none'}")
    texts = {field: _text(item[field], field, where) for field in RULE_FIELDS if field != "terms"}
    if not re.search(r"\b(19|20)\d{2}\b", texts["date"]):
        raise ValidationError(f"{where}: 'date' must contain a year, e.g. 2024-06-01 or 2025 (as reported)")
    return Rule(**texts, terms=_terms(item["terms"], where))


def _text(value: Any, field: str, where: str) -> str:
    if field == "date" and isinstance(value, date):
        value = value.isoformat()  # an unquoted 2024-06-01 is read as a date
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where}: '{field}' must be non-empty text")
    return value.strip()


def _terms(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValidationError(f"{where}: 'terms' must be a non-empty list of text")
    seen: dict[str, str] = {}
    for term in value:
        key = normalise(term).text.strip() if isinstance(term, str) else ""
        if not key:
            raise ValidationError(f"{where}: term {term!r} is not text; quote it or remove it")
        if key in seen:
            raise ValidationError(f"{where}: term {term!r} is listed twice (as {seen[key]!r})")
        seen[key] = term
    return tuple(seen.values())


# --- checks ------------------------------------------------------------------------------


def check_text(text: str, rules: Rules, where: str = "") -> list[Finding]:
    """Every content-category term in `text`, in order, with context from the original."""
    return _check(text, [rules.content_matcher], where)


def check_title(title: str, rules: Rules, where: str = "title") -> list[Finding]:
    """Title rules (霸总…) and the content categories, both applied to a series or episode title."""
    return _check(title, [rules.title_matcher, rules.content_matcher], where)


def _check(text: str, matchers: Sequence[_Matcher], where: str) -> list[Finding]:
    normalised = normalise(text)
    findings: list[Finding] = []
    for start, end, term, categories, kind in _hits(text, normalised, matchers):
        span = _original_span(normalised, start, end)
        findings += [_finding(text, span, term, category, kind, where) for category in categories]
    return _outermost(findings)


def _hits(
    text: str, normalised: Normalised, matchers: Sequence[_Matcher]
) -> Iterator[tuple[int, int, str, tuple[str, ...], MatchKind]]:
    """(start, end) in the normalised text, the listed term, its categories and how it matched."""
    for matcher in matchers:
        for start, end, entry in matcher.literal(normalised.text):
            original = text[normalised.origin[start] : normalised.origin[end - 1] + 1]
            yield start, end, entry.term, entry.categories, _literal_kind(original, entry)
        for start, end, sound in matcher.homophones(normalised.text):
            yield start, end, sound.term, sound.categories, "homophone"


def _original_span(normalised: Normalised, start: int, end: int) -> tuple[int, int]:
    return normalised.origin[start], normalised.origin[end - 1] + 1


def _literal_kind(original: str, entry: _Entry) -> MatchKind:
    if entry.spelled_in_pinyin:
        return "homophone"
    return "exact" if original == entry.term else "normalised"


def _finding(text: str, span: tuple[int, int], term: str, category: str, kind: MatchKind, where: str) -> Finding:
    start, end = span
    context_from = max(0, start - CONTEXT_CHARS)
    context = text[context_from : end + CONTEXT_CHARS]
    return Finding(category, term, text[start:end], kind, where, start, end, context, start - context_from)


def _outermost(findings: list[Finding]) -> list[Finding]:
    """One finding per place and category: 砍死 inside 砍死人 adds nothing."""
    findings.sort(key=lambda finding: (finding.start, -finding.end))
    kept: list[Finding] = []
    reach: dict[str, int] = {}  # per category, the furthest end of a kept finding (all start earlier)
    for finding in findings:
        if reach.get(finding.category, -1) < finding.end:
            kept.append(finding)
            reach[finding.category] = finding.end
    return kept


# --- review tier -------------------------------------------------------------------------


def review_tier(budget_yuan: float | None) -> Tier:
    """The 分类分层审核 tier a declared production budget points to (an estimate, not a ruling)."""
    thresholds = (
        f"重点 (key) from {KEY_TIER_MIN_YUAN:,} yuan, 普通 (ordinary) from {ORDINARY_TIER_MIN_YUAN:,} "
        f"to under {KEY_TIER_MIN_YUAN:,}, 其他 (other) below {ORDINARY_TIER_MIN_YUAN:,}; source: {TIER_SOURCE}"
    )
    if budget_yuan is None or not math.isfinite(budget_yuan) or budget_yuan < 0:
        return Tier("unknown", f"no valid budget declared, so no tier can be estimated ({thresholds})")
    name: TierName = "其他"
    if budget_yuan >= KEY_TIER_MIN_YUAN:
        name = "重点"
    elif budget_yuan >= ORDINARY_TIER_MIN_YUAN:
        name = "普通"
    amount = f"{int(budget_yuan):,}" if budget_yuan == int(budget_yuan) else f"{budget_yuan:,}"  # never rounds up
    return Tier(name, f"declared budget {amount} yuan: {name} tier ({thresholds})")
