"""What analysis finds in a source document, shared by the language analysers.

The language-specific work (names, dialogue attribution, cue lexicons) lives in
``text/zh`` and ``text/en``; both return this one ``Analysis`` so planning and
script writing never look at the language again, except through
``content_terms`` and ``spoken_units``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from microdrama.text.document import SourceDocument

UtteranceKind = Literal["dialogue", "narration", "inner"]
Emotion = Literal["neutral", "happy", "sad", "angry", "afraid", "surprised", "disgusted"]
TimeOfDay = Literal["day", "night", "dawn", "dusk"]
Gender = Literal["male", "female"]
AgeGroup = Literal["child", "young", "adult", "elder"]
# Cue categories that raise tension; see score_tension.
CUES = ("conflict", "threat", "reveal", "reversal", "question")


@dataclass
class Utterance:
    """A unit of a paragraph: one quote (dialogue/inner voice) or one narration sentence."""

    kind: UtteranceKind
    text: str  # what is said or narrated; quote marks stripped for dialogue
    start: int  # offset of ``text`` in the paragraph's normalised text
    end: int
    speaker: str | None = None  # CharacterInfo.key; None for narration or unknown speaker
    attribution: str = ""  # the tag/action around a quote: "老栓一面听，一面应", "said Holmes"
    emotion: Emotion = "neutral"
    cues: frozenset[str] = frozenset()
    tension: float = 0.0  # 0..1, from score_tension


@dataclass
class ParagraphAnalysis:
    index: int  # position in document.paragraphs()
    chapter: int  # Chapter.number
    utterances: list[Utterance]
    mentions: tuple[str, ...] = ()  # keys of characters named in the paragraph, in order
    tension: float = 0.0  # 0..1: the paragraph's strongest utterance, plus density
    place: str | None = None  # a setting named here ("茶馆", "Baker Street")
    time_of_day: TimeOfDay | None = None
    time_shift: bool = False  # a time jump starts here ("第二天", "next morning")


@dataclass
class CharacterInfo:
    key: str  # canonical surface form, e.g. "华老栓", "Sherlock Holmes"
    name: str  # display name (usually == key)
    aliases: list[str] = field(default_factory=list)  # other forms: "老栓", "小栓的爹", "Holmes"
    gender: Gender | None = None
    age: AgeGroup | None = None
    mentions: int = 0
    lines: int = 0  # dialogue lines attributed
    first_paragraph: int = 0
    description: str = ""  # an extractive sentence that introduces the character
    is_narrator: bool = False  # the first-person narrator ("我", "I")


@dataclass
class SceneSpan:
    first: int  # paragraph index, inclusive
    last: int  # inclusive
    location: str  # "" when unknown
    interior: bool | None
    time_of_day: TimeOfDay


@dataclass
class Analysis:
    language: str
    characters: list[CharacterInfo]
    paragraphs: list[ParagraphAnalysis]
    scenes: list[SceneSpan]
    cooccurrence: dict[tuple[str, str], int]

    def character(self, key: str) -> CharacterInfo | None:
        return next((c for c in self.characters if c.key == key), None)


def score_tension(cues: frozenset[str], exclamations: int, questions: int, is_dialogue: bool) -> float:
    """Tension of one utterance in 0..1 from its cue categories and punctuation.

    Threats and reversals weigh most: they are what a cliffhanger cuts on.
    """
    weights = {"conflict": 0.30, "threat": 0.40, "reveal": 0.35, "reversal": 0.35, "question": 0.15}
    score = sum(weights.get(cue, 0.0) for cue in cues)
    score += min(exclamations, 3) * 0.08 + min(questions, 2) * 0.06
    if is_dialogue:
        score += 0.05
    return min(score, 1.0)


def cooccurrence(paragraphs: list[ParagraphAnalysis]) -> dict[tuple[str, str], int]:
    """How often two characters appear in the same paragraph (key pairs sorted)."""
    counts: Counter[tuple[str, str]] = Counter()
    for paragraph in paragraphs:
        present = sorted(set(paragraph.mentions) | {u.speaker for u in paragraph.utterances if u.speaker})
        for i, first in enumerate(present):
            for second in present[i + 1 :]:
                counts[(first, second)] += 1
    return dict(counts)


def segment_scenes(
    document: SourceDocument,
    paragraphs: list[ParagraphAnalysis],
    interior_of: dict[str, bool | None],
    default_time: TimeOfDay = "day",
) -> list[SceneSpan]:
    """Split the paragraphs into scenes at chapter starts, scene breaks, time jumps and new places.

    ``interior_of`` maps a place name to interior (True), exterior (False) or unknown.
    A place named in the middle of a scene starts a new scene only when it differs
    from the current one and the scene already has a few paragraphs, so a passing
    mention does not shatter a scene.
    """
    flat = document.paragraphs()
    scenes: list[SceneSpan] = []
    current_place = ""
    current_time: TimeOfDay = default_time
    start = 0
    previous_chapter = paragraphs[0].chapter if paragraphs else 0
    for analysis in paragraphs:
        i = analysis.index
        new_chapter = analysis.chapter != previous_chapter
        breaks = i > start and (
            new_chapter
            or flat[i].scene_break_before
            or analysis.time_shift
            or (analysis.place is not None and analysis.place != current_place and i - start >= 3)
        )
        if breaks:
            scenes.append(SceneSpan(start, i - 1, current_place, interior_of.get(current_place), current_time))
            start = i
        if analysis.place and (breaks or i == start or not current_place):
            current_place = analysis.place
        if analysis.time_of_day:
            current_time = analysis.time_of_day
        previous_chapter = analysis.chapter
    if paragraphs:
        last = paragraphs[-1].index
        scenes.append(SceneSpan(start, last, current_place, interior_of.get(current_place), current_time))
    return scenes


_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def spoken_units(text: str, language: str) -> int:
    """Units the speaking-rate budget counts: CJK characters for zh, words for en."""
    if language == "zh":
        return len(_CJK.findall(text))
    return len(_WORD.findall(text))


# Spoken-length budget: 250 Chinese characters or 150 English words per minute.
UNITS_PER_MINUTE = {"zh": 250, "en": 150}


def spoken_seconds(text: str, language: str) -> float:
    return spoken_units(text, language) * 60.0 / UNITS_PER_MINUTE.get(language, 150)


def content_terms(text: str, language: str) -> set[str]:
    """Terms for sentence similarity (TextRank): CJK character bigrams, or lowercase words."""
    if language == "zh":
        chars = _CJK.findall(text)
        return {a + b for a, b in pairwise(chars)}
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3}


def analyze(document: SourceDocument) -> Analysis:
    """Analyse a document in its language (zh or en)."""
    if document.language == "zh":
        from microdrama.text.zh import analyze_zh

        return analyze_zh(document)
    from microdrama.text.en import analyze_en

    return analyze_en(document)
