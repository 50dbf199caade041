"""Dialogue tags, vocatives, self-introductions and entrances, found by regex.

These functions only read text; deciding *who* a "he" or "our visitor" is belongs
to ``dialogue.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from microdrama.text.en.lexicon import (
    PERSON_NOUNS,
    SPEECH_VERBS,
    STANDALONE_TITLES,
    STOP_WORDS,
    Gender,
    word_set,
)
from microdrama.text.en.segment import sentence_spans, trim

SubjectKind = Literal["I", "pronoun", "name", "noun", "other"]

_VERB = r"(?:went\s+on|spoke|" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")"
_ABBR = r"(?:Mr|Mrs|Ms|Dr|St|Col|Capt|Prof|Rev|Lt|Sgt)\."
_NAME = rf"(?:the\s+)?(?:{_ABBR}\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:von|van|de|of)\s+)?(?:{_ABBR}\s+)?[A-Z][\w'’-]*)*"
_NOUN_HEADS = "|".join(sorted(set(PERSON_NOUNS) | STANDALONE_TITLES, key=len, reverse=True))
_NOUN = rf"(?:the|our|my|his|her|their)\s+(?:[a-z-]+\s+){{0,2}}?(?:{_NOUN_HEADS})"
# Someone the text does not identify: "cried several voices", "shouted another", "said a woman".
_OTHER = r"(?:(?:[Aa]n?|[Ss]everal|[Ss]ome|[Oo]ne\s+of\s+the)\s+(?:[a-z-]+\s+){0,2}?[a-z]+|another|someone|somebody)"
_ROLE = r"(?:the|our|my|his|her|their)\s+[a-z-]+"  # "answered the assistant": a role we cannot resolve
_SUBJECT = rf"(?P<subj>\b(?:he|she|He|She|I)\b|{_NOUN}\b|{_OTHER}\b|{_ROLE}\b|{_NAME})"
_ADVERB = r"(?:\s+[a-z]+ly)?"
_LEAD = r"(?:(?:[Tt]hen|[Aa]nd|[Bb]ut|[Ss]o|[Aa]t\s+last|[Aa]t\s+length|[Ff]inally|[Pp]resently),?\s+)?"

_VERB_FIRST = re.compile(rf"(?P<verb>{_VERB}){_ADVERB}\s+{_SUBJECT}(?![\w'’-])")
_SUBJECT_FIRST = re.compile(rf"{_LEAD}{_SUBJECT}{_ADVERB}\s+(?P<verb>{_VERB})\b")
_SUBJECT_VERB = re.compile(rf"{_SUBJECT}(?:\s+[a-z]+ing)?{_ADVERB}\s+(?P<verb>{_VERB})\b")
_SUBJECT_THEN_VERB = re.compile(rf"{_LEAD}{_SUBJECT}\b[^\"“”]*?\b(?P<verb>{_VERB})\b[^\"“”]*[,:]\s*$")
_COLON = re.compile(rf"{_SUBJECT}\s*:\s*$")
_CLAUSE_END = re.compile(r"[;:]|--|—")
_NARRATOR_VOICE = re.compile(r"\b(?:I|me|my|myself)\b")

_VOCATIVE = re.compile(
    r"(?:^|[,;:!?]\s+|(?i:\bdear\s+|\boh?\s+))"
    r"(?P<v>(?:(?:[Yy]our|[Mm]y)\s+)?(?:(?:Mr|Mrs|Ms|Dr|Miss|Sir|Lady|Lord|Madam|Colonel|Captain|Inspector"
    r"|Doctor|Professor|Uncle|Aunt)\.?\s+)?[A-Z][a-z]+(?:[-'’][A-Za-z]+)*(?:\s+[A-Z][a-z]+)?)"
    r"(?=\s*(?:[,.!?;]|--|—|$))(?!,\s+(?:who|which|whom|whose)\b)"  # ", Dr. Watson, who…" is apposition
)
_ABBREVIATED = word_set("mr mrs ms dr st")  # "Dr" of "Dr. Watson" is no vocative
_FORMS_OF_ADDRESS = word_set("majesty highness lordship ladyship excellency grace")
_SELF_NAME = re.compile(
    r"(?i:\b(?:I\s+am|I['’]m|my\s+name\s+is|my\s+name['’]s|call\s+me|address\s+me\s+as|known\s+as))\s+"
    rf"(?:the\s+)?(?P<n>(?:{_ABBR}\s+|Miss\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:von|van|de)\s+)?[A-Z][\w'’-]*)*)"
)
_ENTRANCE = re.compile(
    r"\b(?:[Aa]n?)\s+(?:[a-z-]+,?\s+){0,4}?(?P<noun>man|woman|gentleman|lady|girl|boy|stranger|visitor"
    r"|fellow|youth|child|figure)\b(?:\s+[a-z]+){0,2}?\s+(?:who\s+)?(?:entered|came|appeared|walked|stepped"
    r"|rushed|burst|strode|approached|emerged|was\s+shown|was\s+standing|stood|waited|sat)\b"
)


@dataclass(frozen=True)
class Tag:
    start: int  # the tag clause in the paragraph text; it is attribution, not narration
    end: int
    subject: str
    verb: str
    kind: SubjectKind
    gender: Gender | None  # from the pronoun or the noun, when it says


def _classify(subject: str) -> tuple[SubjectKind, Gender | None]:
    word = subject.lower()
    if subject == "I":
        return "I", None
    if word in ("he", "she"):
        return "pronoun", "male" if word == "he" else "female"
    if re.fullmatch(_OTHER, subject):
        return "other", PERSON_NOUNS.get(word.rsplit(None, 1)[-1])
    if subject[0].islower() and not re.match(r"the\s+[A-Z]", subject):
        head = word.rsplit(None, 1)[-1]
        known = head in PERSON_NOUNS or head in STANDALONE_TITLES
        return ("noun" if known else "other"), PERSON_NOUNS.get(head)
    return "name", None


def _tag(match: re.Match[str], start: int, end: int) -> Tag | None:
    subject = match.group("subj")
    kind, gender = _classify(subject)
    if kind == "name" and subject.split()[-1].lower() in STOP_WORDS:
        return None
    verb = match.groupdict().get("verb") or ""  # the colon form "Crane: …" has none
    return Tag(start, end, subject, verb.lower(), kind, gender)


def tag_after(text: str, start: int, end: int) -> Tag | None:
    """A tag opening the narration after a quote: "said Holmes", "he answered", "I remarked"."""
    start, stop = trim(text, start, end)
    if start >= stop:
        return None
    match = _VERB_FIRST.match(text, start, stop) or _SUBJECT_FIRST.match(text, start, stop)
    if not match:
        return None
    spans = sentence_spans(text, start, stop)
    clause_end = spans[0][1] if spans else stop
    cut = _CLAUSE_END.search(text, match.end(), clause_end)
    if cut:
        clause_end = cut.start()
    return _tag(match, start, trim(text, start, clause_end, " \t,;:.")[1])


def tag_before(text: str, start: int, end: int) -> Tag | None:
    """A tag leading into a quote: "Holmes said," / "He turned and said:" / "Crane:"."""
    raw_end = end
    while raw_end > start and text[raw_end - 1] in " \t":
        raw_end -= 1
    if raw_end <= start or text[raw_end - 1] not in ",:":
        return None
    spans = sentence_spans(text, start, raw_end)
    if not spans:
        return None
    begin = spans[-1][0]
    cuts = list(_CLAUSE_END.finditer(text, begin, raw_end - 1))
    if cuts:
        begin = trim(text, cuts[-1].end(), raw_end)[0]
    match = _COLON.fullmatch(text, begin, raw_end) or _VERB_FIRST.match(text, begin, raw_end)
    if match is None:
        # "…, but Holmes said," — the subject right before the verb wins; else the clause's first one.
        match = next(reversed(list(_SUBJECT_VERB.finditer(text, begin, raw_end))), None)
    if match is None:
        match = _SUBJECT_THEN_VERB.fullmatch(text, begin, raw_end)
    if match is None:
        return None
    return _tag(match, begin, raw_end - 1)


_WORD_END = re.compile(r"[A-Za-z]\s*$")


def embedded(text: str, quote_start: int, quote_end: int) -> bool:
    """A word or two quoted inside a sentence ("a large 'E' with a small 'g'") is not speech."""
    if quote_start <= 1 or not _WORD_END.search(text, max(0, quote_start - 3), quote_start - 1):
        return False
    return len(text[quote_start:quote_end].split()) <= 3


_NESTED_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s\"(—-]))['‘](?=[A-Za-z0-9])")
_NESTED_CLOSE = re.compile(r"(?<=[A-Za-z0-9.,!?;:—-])['’](?=$|[\s.,;:!?\"—-])")


def own_words(text: str, start: int, end: int) -> str:
    """The quote with quotes inside it blanked: in Wilson's "'My name,' said he, 'is Mr. Duncan
    Ross'" neither the vocatives nor the self-introduction are Wilson's."""
    quote = text[start:end]
    if "'" not in quote and "‘" not in quote:
        return quote
    chars = list(quote)
    opened = -1
    for match in re.finditer(r"['‘’]", quote):
        pos = match.start()
        if opened < 0 and _NESTED_OPEN.match(quote, pos):
            opened = pos
        elif opened >= 0 and _NESTED_CLOSE.match(quote, pos):
            chars[opened : pos + 1] = " " * (pos + 1 - opened)
            opened = -1
    if opened >= 0:
        chars[opened:] = " " * (len(chars) - opened)
    return "".join(chars)


def vocatives(text: str, start: int, end: int) -> list[str]:
    """Names a quote addresses: "…, Watson," / "My dear Holmes" / "your Majesty"."""
    found: list[str] = []
    for match in _VOCATIVE.finditer(own_words(text, start, end)):  # a copy: "^" is the quote's start
        phrase = match.group("v")
        last = phrase.split()[-1].lower()
        if (last not in STOP_WORDS or last in _FORMS_OF_ADDRESS) and last not in _ABBREVIATED:
            found.append(phrase)
    return found


def self_names(text: str, start: int, end: int) -> list[str]:
    """Names a speaker gives himself: "I am the King", "address me as the Count Von Kramm"."""
    return [m.group("n") for m in _SELF_NAME.finditer(own_words(text, start, end))]


def entrances(text: str, start: int, end: int) -> list[tuple[int, Gender | None]]:
    """Unnamed people who arrive: "A man entered who…" (offset, gender)."""
    return [(m.start(), PERSON_NOUNS.get(m.group("noun"))) for m in _ENTRANCE.finditer(text, start, end)]


def first_person(text: str, start: int, end: int) -> int:
    """Offset of the narrator's "I/me/my" in narration, or -1."""
    match = _NARRATOR_VOICE.search(text, start, end)
    return match.start() if match else -1
