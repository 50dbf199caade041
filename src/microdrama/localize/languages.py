"""Target languages and their subtitle rules, as data.

Figures are those of the Netflix Timed Text Style Guide (per-language pages): characters
per line, reading speed in characters per second, event duration from 5/6 s to 7 s, at
least 2 frames between events, at most 2 lines. How characters are counted differs by
script, and is part of each rule:

- "plain": every character counts 1 (Latin, Cyrillic…);
- "thai": combining vowel and tone marks sit above or below their consonant and take no
  width, so only spacing characters count;
- "wide": Chinese and Korean count a full-width character as 1 and Latin letters, digits,
  spaces and punctuation as half; Japanese likewise (the guide counts full-width
  characters and half-width ones as half).

Right-to-left languages are refused with the reason: the subtitle writers and the burn-in
have not been made and checked for bidirectional text yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from microdrama.errors import UsageError
from microdrama.render.layout import MAX_LINES as MAX_LINES  # the same rule as the source subtitles
from microdrama.render.layout import Counting, Measure
from microdrama.render.subtitles import GAP_FRAMES as GAP_FRAMES

MIN_EVENT_SECONDS = 5 / 6
MAX_EVENT_SECONDS = 7.0


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as the user types it: en, pt-BR, zh-Hant
    name: str
    chars_per_line: int
    chars_per_second: float
    counting: Counting
    segment_words: bool = False  # no spaces between words (Thai): a word segmenter finds the breaks
    characters: str = ""  # a regex class body of the characters its subtitles may use ("" = any)
    iso639_2: str = ""  # the three-letter code media containers tag tracks with

    def measure(self) -> Measure:
        """The layout measure for this language's subtitles (one-line cues preferred in 9:16)."""
        segment = _thai_words if self.segment_words else None
        glue = GLUE.get(self.code.split("-")[0], frozenset())
        return Measure(self.chars_per_line, self.counting, glue, segment, single_lines=True)

    def width(self, text: str) -> float:
        """How many characters ``text`` counts for against ``chars_per_line``."""
        return self.measure().width(text)

    def foreign_characters(self, text: str) -> str:
        """The characters of ``text`` its subtitles may not use, each once, in order (e.g. Chinese
        left in an English line)."""
        if not self.characters:
            return ""
        return "".join(dict.fromkeys(re.sub(f"[{self.characters}\n]+", "", text)))

    def reading_units(self, text: str) -> float:
        """What reading speed counts: the same units as line width, without line breaks."""
        return self.width(text.replace("\n", ""))


def _thai_words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize  # dictionary-based (newmm), ships its word list

    return list(word_tokenize(text, engine="newmm", keep_whitespace=True))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a subtitle line should not end with: they belong with the word after them.
GLUE: dict[str, frozenset[str]] = {
    "en": _words("a an the of to in on at for with by from into and but or nor my your his her its our their"),
    "es": _words("el la los las un una unos unas de del al a en y e o u que con por para su sus mi mis"),
    "pt": _words("o a os as um uma de do da dos das em no na nos nas e ou que com por para seu sua"),
    "id": _words("di ke dari yang dan atau untuk dengan pada si sang para"),
    "fr": _words("le la les un une des de du au aux et ou que en à sur pour par avec mon ma mes son sa ses"),
    "de": _words("der die das den dem des ein eine einen einem und oder zu mit von im am vom zum zur"),
    "vi": _words("của và với cho trong những các một"),
}


# What subtitles in a Latin-script language may contain: ASCII, Latin-1 and the Latin extensions
# (Vietnamese included), dashes, quotes, ellipsis. Decoding is held to it, so a Chinese name or
# phrase cannot be left untranslated. (A positive class: llama.cpp's grammar rejects negated ones.)
LATIN = " -~\u00a0-\u024f\u1e00-\u1eff\u2010-\u2027\u2030-\u205e"
THAI = LATIN + "\u0e00-\u0e7f"

# Reading speeds: en 20 cps, zh 9, ko 12, ja 4; the guide's other languages 17.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", 42, 20, "plain", characters=LATIN, iso639_2="eng"),
        Language("es", "Spanish", 42, 17, "plain", characters=LATIN, iso639_2="spa"),
        Language("pt-BR", "Brazilian Portuguese", 42, 17, "plain", characters=LATIN, iso639_2="por"),
        Language("id", "Indonesian", 42, 17, "plain", characters=LATIN, iso639_2="ind"),
        Language("fr", "French", 42, 17, "plain", characters=LATIN, iso639_2="fre"),
        Language("de", "German", 42, 17, "plain", characters=LATIN, iso639_2="ger"),
        Language("vi", "Vietnamese", 42, 17, "plain", characters=LATIN, iso639_2="vie"),
        Language("th", "Thai", 35, 17, "thai", segment_words=True, characters=THAI, iso639_2="tha"),
        Language("ja", "Japanese", 13, 4, "wide", iso639_2="jpn"),
        Language("ko", "Korean", 16, 12, "wide", iso639_2="kor"),
        Language("zh-Hans", "Simplified Chinese", 16, 9, "wide", iso639_2="chi"),
        Language("zh-Hant", "Traditional Chinese", 16, 9, "wide", iso639_2="chi"),
    )
}
RIGHT_TO_LEFT = {"ar": "Arabic", "he": "Hebrew", "fa": "Persian", "ur": "Urdu", "yi": "Yiddish", "ps": "Pashto"}
# What a user may type for a supported language.
ALIASES = {"pt": "pt-BR", "pt-br": "pt-BR", "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-tw": "zh-Hant", "in": "id"}


def language(code: str) -> Language:
    """The rules for ``code``, or a UsageError that lists what is supported."""
    cleaned = code.strip()
    lowered = cleaned.lower()
    found = next((lang for key, lang in LANGUAGES.items() if key.lower() == lowered), None)
    if found is None and lowered in ALIASES:
        found = LANGUAGES[ALIASES[lowered]]
    if found is not None:
        return found
    base = lowered.split("-")[0]
    if base in RIGHT_TO_LEFT:
        raise UsageError(
            f"{RIGHT_TO_LEFT[base]} ({cleaned}) is written right to left, which microdrama's subtitles do not "
            f"support yet (bidirectional layout is not checked); supported: {supported_list()}"
        )
    raise UsageError(f"unsupported language {cleaned!r}; supported: {supported_list()}")


def languages(codes: str) -> list[Language]:
    """A comma-separated list (``en,es,pt-BR``), each checked, duplicates dropped, order kept."""
    parts = [part for part in (piece.strip() for piece in codes.split(",")) if part]
    if not parts:
        raise UsageError(f"name at least one target language, e.g. --to en; supported: {supported_list()}")
    chosen: dict[str, Language] = {}
    for part in parts:
        found = language(part)
        chosen.setdefault(found.code, found)
    return list(chosen.values())


def supported_list() -> str:
    return ", ".join(f"{code} ({lang.name})" for code, lang in LANGUAGES.items())
