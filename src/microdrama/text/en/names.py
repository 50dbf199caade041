"""Finding capitalised name sequences (first pass) and the statistics that judge them.

One regex pass per paragraph finds runs like "Mr. Sherlock Holmes", "Count Von Kramm",
"the King of Bohemia"; each run keeps the little context the judging needs (is it
sentence-initial, what word precedes it, which pronoun follows it), so the text is
never scanned twice for names.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.en.lexicon import (
    OF_HEADS,
    SPEECH_VERBS,
    STANDALONE_TITLES,
    STOP_WORDS,
    TITLES,
    word_set,
)

_TOKEN = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-'’][A-Za-z]+)*|[A-Z]['’][A-Z][a-z]+|[A-Z]\.)"
_ABBR = r"(?:Mr|Mrs|Ms|Dr|St|Col|Capt|Lt|Gen|Prof|Rev|Sgt|Mme|Mlle)\."
_PART = r"(?:von|van|der|de|du|da|di|le|la|del)"
_SEQUENCE = re.compile(rf"(?<![\w'’-])(?:{_ABBR}\s+)*{_TOKEN}(?:\s+(?:{_PART}\s+)?(?:{_ABBR}\s+)?{_TOKEN})*(?![\w'’-])")
_OF_TAIL = re.compile(rf"\s+of\s+(?:the\s+)?(?:{_ABBR}\s+)?{_TOKEN}(?:[-\s]{_TOKEN})*")
_TOKEN_IN_RUN = re.compile(r"\S+")
_PRONOUN = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
# Only plain spacing between: in '"Hum!" said Holmes' the word "Hum" is not next to "said".
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")
_LOWER_TITLE = re.compile(r"\b[Tt]he\s+(" + "|".join(sorted(STANDALONE_TITLES)) + r")\b(?!\s+(?:of\b|[A-Z]))")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_FEMALE_PRONOUNS = word_set("she her hers herself")
PLACE_PREPOSITIONS = word_set("in at to from into near towards toward through across reached entered")


@dataclass(slots=True)
class Hit:
    """One capitalised run, later resolved to a name part and a title."""

    start: int
    end: int
    tokens: list[str]
    starts: list[int]
    initial: bool  # sentence-initial (so its capital proves nothing)
    prev: str  # the lowercase word just before, "the", "said", "in" ...
    nxt: str  # the lowercase word just after
    pronoun: str = ""  # "m"/"f": gender of the first pronoun after it
    title: str = ""  # canonical title ("Mr.", "King") or ""
    name: str = ""  # the name without the title ("Sherlock Holmes"), "" for a bare title


@dataclass
class NameStats:
    count: int = 0
    mid: int = 0  # occurrences not at a sentence start
    titles: Counter[str] = field(default_factory=Counter)
    prepositions: int = 0  # after in/at/to/...: evidence of a place
    speech: int = 0  # next to a speech verb: evidence of a person
    male: int = 0
    female: int = 0
    first: int = 0  # first paragraph index
    surfaces: Counter[str] = field(default_factory=Counter)


def _is_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"“‘'(—-":
        i -= 1
    return i < 0 or text[i] in ".!?:"


def scan_paragraph(text: str) -> list[Hit]:
    """Capitalised runs of one paragraph, stop words peeled off their edges."""
    hits: list[Hit] = []
    covered = 0  # end of the last run, which an "of" tail may have stretched
    for match in _SEQUENCE.finditer(text):
        if match.start() < covered:
            continue
        end = covered = match.end()
        last = match.group().rsplit(None, 1)[-1]
        if last.lower() in OF_HEADS:
            tail = _OF_TAIL.match(text, end)
            if tail:
                end = covered = tail.end()
        pieces = [(m.start(), m.group()) for m in _TOKEN_IN_RUN.finditer(text, match.start(), end)]
        prev_word = ""
        while pieces and pieces[0][1].rstrip(".").lower() in STOP_WORDS:
            if pieces[0][1].rstrip(".").lower() in TITLES:
                break  # "Miss Adler", "Lord Robert": the title stays
            prev_word = pieces.pop(0)[1].lower()
        while pieces and pieces[-1][1].lower() in STOP_WORDS and pieces[-1][1].lower() not in ("of",):
            pieces.pop()
        if not pieces:
            continue
        start = pieces[0][0]
        stop = pieces[-1][0] + len(pieces[-1][1])
        if not prev_word:
            before = _WORD_BEFORE.search(text, max(0, start - 24), start)
            prev_word = before.group(1).lower() if before else ""
        after = _WORD_AFTER.match(text, stop)
        hits.append(
            Hit(
                start=start,
                end=stop,
                tokens=[p[1] for p in pieces],
                starts=[p[0] for p in pieces],
                initial=_is_initial(text, start),
                prev=prev_word,
                nxt=after.group(1).lower() if after else "",
            )
        )
    for found in _LOWER_TITLE.finditer(text):
        word = found.group(1)
        hits.append(Hit(found.start(1), found.end(1), [word], [found.start(1)], False, "the", ""))
    hits.sort(key=lambda h: h.start)
    for i, hit in enumerate(hits):
        limit = min(hits[i + 1].start if i + 1 < len(hits) else len(text), hit.end + 100)
        pronoun = _PRONOUN.search(text, hit.end, limit)
        if pronoun:
            hit.pronoun = "f" if pronoun.group(1).lower() in _FEMALE_PRONOUNS else "m"
    return hits


def count_lowercase(text: str, counts: Counter[str]) -> None:
    """Add the lowercase words of ``text`` to ``counts`` (the common-word test needs them)."""
    counts.update(_LOWER_WORD.findall(text))


def resolve_hit(hit: Hit, common: set[str]) -> None:
    """Set ``hit.title``/``hit.name``: split off the title, drop a common sentence-initial word."""
    tokens = [_POSSESSIVE.sub("", t) if i == len(hit.tokens) - 1 else t for i, t in enumerate(hit.tokens)]
    tokens = [t for t in tokens if t]
    while hit.initial and len(tokens) > 1 and tokens[0].lower() in common and tokens[0].lower() not in TITLES:
        # "Suddenly Holmes": the first word is only capitalised because it starts the sentence.
        tokens.pop(0)
        hit.starts.pop(0)
        hit.start = hit.starts[0]
        hit.prev = ""
    if not tokens:
        return
    first = tokens[0].rstrip(".").lower()
    if first in TITLES and not (len(tokens) > 2 and tokens[1] == "of"):
        hit.title = TITLES[first][0]
        hit.name = " ".join(tokens[1:])
    elif first in TITLES:
        hit.title = TITLES[first][0]  # "King of Bohemia": the title is part of the name
        hit.name = " ".join(tokens)
    else:
        hit.name = " ".join(tokens)
    if hit.name and all(len(t) == 2 and t.endswith(".") for t in hit.name.split()):
        hit.name = ""  # only initials, or a stray "I."


def surface(hit: Hit) -> str:
    """How the text names the character here: "Mr. Holmes", "the King", "Irene Adler"."""
    if not hit.name:
        return f"the {hit.title}" if hit.prev == "the" else hit.title
    if hit.title and not hit.name.startswith(hit.title):
        return f"{hit.title} {hit.name}"
    return hit.name


def collect_stats(hits_by_paragraph: list[list[Hit]]) -> tuple[dict[str, NameStats], dict[str, Counter[str]]]:
    """Statistics per name part, and per title the surfaces of ``the <title>`` used alone."""
    stats: dict[str, NameStats] = {}
    bare_titles: dict[str, Counter[str]] = {}
    for index, hits in enumerate(hits_by_paragraph):
        for hit in hits:
            if not hit.name:
                if hit.title and hit.prev == "the" and hit.tokens[0].rstrip(".").lower() in STANDALONE_TITLES:
                    bare_titles.setdefault(hit.title, Counter())[f"the {hit.tokens[0]}"] += 1
                continue
            entry = stats.get(hit.name)
            if entry is None:
                entry = stats[hit.name] = NameStats(first=index)
            entry.count += 1
            entry.mid += not hit.initial
            entry.surfaces[surface(hit)] += 1
            if hit.title:
                entry.titles[hit.title] += 1
            if hit.prev in PLACE_PREPOSITIONS:
                entry.prepositions += 1
            if hit.prev in SPEECH_VERBS or hit.nxt in SPEECH_VERBS:
                entry.speech += 1
            if hit.pronoun == "m":
                entry.male += 1
            elif hit.pronoun == "f":
                entry.female += 1
    return stats, bare_titles
