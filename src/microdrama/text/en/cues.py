"""Lexicon cues: emotion, dramatic cues, settings, time of day, time jumps and age."""

from __future__ import annotations

import re
from collections import Counter

from microdrama.text.analysis import AgeGroup, Emotion, TimeOfDay
from microdrama.text.en.lexicon import NUMBER_WORDS


def _words(spec: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    table = {word: label for label, words in spec.items() for word in words.split()}
    alternation = "|".join(sorted(table, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE), table


_EMOTION, _EMOTION_OF = _words(
    {
        "angry": """angry anger angrily furious furiously fury rage raged raging shouted shouting roared
            roar snapped snarled growled hissed glared scowled slammed damn cursed swore indignant
            indignantly wrath enraged""",
        "sad": """wept weep weeping tears tearful sobbed sobbing sighed sigh sad sadly sorrow sorrowful
            grief grieve mourn mourned melancholy miserable despair wretched heartbroken""",
        "afraid": """afraid fear feared fearful terrified terror trembled trembling tremble shook shaking
            shake shuddered pale horror horrified dread frightened panic nervous nervously stammered""",
        "happy": """laughed laugh laughing laughter smiled smile smiling chuckled delighted delight joy
            joyful glad happy happily grinned cheerful cheerfully merrily""",
        "surprised": """cried exclaimed astonished astonishment amazed amazement surprised startled gasped
            incredulous""",
        "disgusted": """disgust disgusted sneered sneer contempt contemptuous loathed loathing revolting
            revolted scorn scornfully""",
    }
)
_EMOTION_ORDER: tuple[Emotion, ...] = ("angry", "afraid", "sad", "surprised", "disgusted", "happy")

_CUES = {
    "conflict": re.compile(
        r"\b(?:fight\w*|fought|struck|strike|hit|quarrel\w*|accus\w+|argu\w+|attack\w*|betray\w*|traitor"
        r"|enem(?:y|ies)|rival\w*|slap\w*|blame\w*|def(?:y|ied)|liar|cheat\w*|thie(?:f|ves)|steal\w*|stole"
        r"|stolen|arrest\w*|struggl\w+|seized|grappl\w+|swore|insult\w*|hate[ds]?|revenge|blackmail\w*"
        r"|rob|robbed|robbery)\b",
        re.IGNORECASE,
    ),
    "threat": re.compile(
        r"\b(?:kill\w*|murder\w*|dead|death|die[sd]?|blood\w*|knife|knives|blade|pistol|revolver|gun"
        r"|rifle|weapon\w*|danger\w*|ruin\w*|threat\w*|poison\w*|or else|hang(?:ed)?|gallows|hurt"
        r"|wound\w*|shoot|shot|strangl\w+|drown\w*|you(?: will|'ll|’ll) regret)\b",
        re.IGNORECASE,
    ),
    "reveal": re.compile(
        r"\b(?:secret\w*|truth|true name|confess\w*|admit\w*|discover\w*|reveal\w*|it was you"
        r"|it(?: is|'s|’s) you|all along|in reality|disguis\w+|unmask\w*|the real|my real|in truth"
        r"|found out|identity)\b",
        re.IGNORECASE,
    ),
    "reversal": re.compile(
        r"\b(?:but then|suddenly|sudden|instead|however|unexpected\w*|all at once|at that (?:moment|instant)"
        r"|to (?:my|our|his|her|their) (?:surprise|horror|astonishment|dismay|amazement)|turn(?:ed|s) out"
        r"|no longer|too late|on the contrary)\b",
        re.IGNORECASE,
    ),
}

_TIME_OF_DAY, _TIME_OF = _words(
    {
        "night": "night midnight nightfall moonlight moonlit night-time",
        "dusk": "evening dusk twilight sunset sundown",
        "dawn": "dawn daybreak sunrise",
        "day": "morning noon midday afternoon daylight sunshine sunlight breakfast luncheon",
    }
)
_TIME_SHIFT = re.compile(
    r"\b(?:(?:the\s+)?(?:next|following)\s+(?:morning|day|evening|night|afternoon|week|month|year)"
    r"|that\s+(?:evening|night|afternoon)|later\s+that\s+\w+|the\s+(?:day|morning|night|evening)\s+after"
    r"|(?:\w+|\d+)\s+(?:days|hours|weeks|months|years)\s+(?:later|afterwards?|passed|went\s+by)"
    r"|(?:an?|one)\s+(?:hour|day|week|month|year)\s+later)\b"
    r"|^(?:Later|Afterwards|Next\s+day)\b",
    re.IGNORECASE,
)
_AGE_NUMBER = re.compile(
    r"\b(\d{1,3}|[a-z]+(?:-[a-z]+)?)(?:[- ]years?[- ]old|\s+years\s+of\s+age)\b"
    r"|\b(?:girl|boy|man|woman|lad|lass|child|widow|widower|fellow|gentleman|lady)\s+of\s+"
    r"(\d{1,3}|[a-z]+(?:-[a-z]+)?)\b",
    re.IGNORECASE,
)
_AGE_NEAR = re.compile(r"\b([a-z-]+)\s+(?:(?:Mr|Mrs|Miss|Dr)\.?\s+)?$")
_AGE_WORDS, _AGE_OF = _words(
    {
        "adult": "middle-aged",
        "elder": """old elderly aged grey-haired gray-haired white-haired grandfather grandmother ancient
            white-bearded""",
        "young": "young youth youthful lad lass teenage",
        "child": "child infant baby toddler",
    }
)


def emotion_of(text: str, attribution: str = "", is_dialogue: bool = False) -> Emotion:
    """The strongest lexicon emotion; a tag ("he shouted") counts double; a bare "!" is surprise."""
    votes: Counter[str] = Counter()
    for word in _EMOTION.findall(attribution):
        votes[_EMOTION_OF[word.lower()]] += 2
    for word in _EMOTION.findall(text):
        votes[_EMOTION_OF[word.lower()]] += 1
    if votes:
        best = max(votes.values())
        return next(e for e in _EMOTION_ORDER if votes[e] == best)
    if is_dialogue and "!" in text:
        return "surprised"
    return "neutral"


def cues_of(text: str, attribution: str = "") -> frozenset[str]:
    found = {name for name, pattern in _CUES.items() if pattern.search(text)}
    if "?" in text:
        found.add("question")
    if attribution and _CUES["reversal"].search(attribution):
        found.add("reversal")
    return frozenset(found)


def time_of_day(text: str) -> TimeOfDay | None:
    match = _TIME_OF_DAY.search(text)
    if not match:
        return None
    value = _TIME_OF[match.group().lower()]
    return "night" if value == "night" else "dusk" if value == "dusk" else "dawn" if value == "dawn" else "day"


def time_shift(text: str) -> bool:
    return _TIME_SHIFT.search(text) is not None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    parts = word.lower().split("-")
    if all(p in NUMBER_WORDS for p in parts):
        return sum(NUMBER_WORDS[p] for p in parts)
    return None


def age_of(prefix: str, sentence: str) -> AgeGroup | None:
    """An age group from "a girl of sixteen" in the sentence, or "old Silas" right before the name.

    Age words count only just before the name or in a follow-up sentence, so "the old quay"
    in the same sentence does not age everyone on it.
    """
    match = _AGE_NUMBER.search(sentence)
    if match:
        years = _number(match.group(1) or match.group(2))
        if years is not None and 0 < years < 120:
            return "child" if years < 13 else "young" if years < 25 else "adult" if years < 60 else "elder"
    near = _AGE_NEAR.search(prefix)
    word = _AGE_WORDS.search(near.group(1)) if near else None
    if word is None:
        word = _AGE_WORDS.search(sentence, _follow_start(sentence))
    if word is None:
        return None
    value = _AGE_OF[word.group().lower()]
    return "adult" if value == "adult" else "elder" if value == "elder" else "young" if value == "young" else "child"


def _follow_start(sentence: str) -> int:
    # The follow-up sentence begins after the first sentence end; without one, nothing to search.
    end = re.search(r"[.!?]\s+(?:He|She|His|Her)\b", sentence)
    return end.end() - 3 if end else len(sentence)
