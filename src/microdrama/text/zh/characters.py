"""Building the final character list from what pass two observed.

Pass two works with provisional group keys (老栓); only here do they become the
canonical names (华老栓, found as a surname glued before the nickname), gain
their relational aliases (小栓的爹, voted for by who answers that vocative), a
gender, an age and a describing sentence, and get ranked or dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.analysis import AgeGroup, CharacterInfo, Gender
from microdrama.text.zh.lexicon import (
    ELDER_MARKERS,
    FEMALE_MARKERS,
    MALE_MARKERS,
    ROLE_NOUNS,
    SURNAMES,
    YOUNG_MARKERS,
)
from microdrama.text.zh.names import Mention
from microdrama.text.zh.pronouns import NARRATOR

RELATIONAL = "\x00"  # prefix of a provisional key that is a relational form, not a name
_AGE = re.compile(r"([一二两三四五六七八九十\d]{1,3})岁")
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DESCRIPTION_LIMIT = 160
# A pronoun nearby that is not an object (在她面前, 握住她的手).
_NEARBY = re.compile(r"(?<![在对向把被给让叫跟和与同替为住着了见看到])([他她伊])(?![们的])")
_CARRIED = re.compile(r"[，；,;]\s*(?:便|又|也|就|却|才|正|只|还|终于|忽然|一面|一边)?([他她伊])(?![们的])")


def name_gender(name: str) -> Gender | None:
    """Gender from the shape of a name or title alone (华大妈, 赵太爷, 小栓的爹)."""
    female = name.endswith(FEMALE_MARKERS)
    male = name.endswith(MALE_MARKERS)
    if female != male:
        return "female" if female else "male"
    return None


def _chinese_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)
    return _DIGITS.get(text[:1], 0)


@dataclass
class Book:
    """Per-character observations from pass two, keyed by provisional key."""

    mentions: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)
    first: dict[str, int] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Counter[str]] = field(default_factory=dict)
    surfaces: dict[str, Counter[str]] = field(default_factory=dict)
    female_cues: Counter[str] = field(default_factory=Counter)
    male_cues: Counter[str] = field(default_factory=Counter)
    narrator_words: int = 0

    def gender_hint(self, key: str) -> str | None:
        """Gender while pass two runs: the name's shape, else the pronouns seen so far."""
        shaped = name_gender(key)
        if shaped:
            return shaped
        female, male = self.female_cues[key], self.male_cues[key]
        if female >= 4 and female - male >= 2:
            return "female"
        if male >= 4 and male - female >= 2:
            return "male"
        return None

    def observe(self, index: int, text: str, mentions: list[Mention], narration: list[tuple[int, int]]) -> None:
        narration_starts = [begin for begin, _ in narration]
        for i, mention in enumerate(mentions):
            key = mention.key if mention.key else RELATIONAL + mention.surface
            self.mentions[key] += 1
            self.first.setdefault(key, index)
            self.surfaces.setdefault(key, Counter())[mention.surface] += 1
            if mention.extension:
                self.extensions.setdefault(key, Counter())[mention.surface] += 1
            if mention.key and _inside(mention.start, narration, narration_starts):
                # 陈德福今年六十岁了，他坐在…: a pronoun opening the next clause continues
                # the subject; 在她面前 (an object) says nothing about who acted.
                stop = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
                carried = _CARRIED.search(text, mention.end, min(stop, mention.end + 24))
                window = text[mention.end : min(stop, mention.end + 16)].split("。")[0]
                nearby = _NEARBY.search(window)
                if carried:
                    pronoun, weight = carried.group(1), 4
                else:
                    pronoun, weight = (nearby.group(1), 2) if nearby else ("", 0)
                if pronoun in ("她", "伊"):
                    self.female_cues[mention.key] += weight
                elif pronoun == "他":
                    self.male_cues[mention.key] += weight
        starts = [m.start for m in mentions]
        for begin, end in narration:
            sentence = text[begin:end]
            if "我" in sentence:
                self.narrator_words += sentence.count("我")
                self.first.setdefault(NARRATOR, index)
                self.description.setdefault(NARRATOR, sentence[:_DESCRIPTION_LIMIT])
            for mention in mentions[bisect_left(starts, begin) : bisect_left(starts, end)]:
                key = mention.key if mention.key else RELATIONAL + mention.surface
                if key not in self.description and len(sentence) >= len(mention.surface) + 4:
                    self.description[key] = sentence[:_DESCRIPTION_LIMIT]  # not a bare title line

    def spoke(self, key: str, index: int) -> None:
        self.lines[key] += 1
        self.first.setdefault(key, index)


def final_keys(
    book: Book, canonical: dict[str, str], relational_votes: dict[str, Counter[str]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Provisional key -> final key, and final key -> aliases."""
    remap: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for surface, root in canonical.items():
        groups.setdefault(root, []).append(surface)
    for root, members in groups.items():
        final = root
        extended = book.extensions.get(root)
        if extended:
            best, count = extended.most_common(1)[0]
            if count * 3 >= sum(extended.values()) * 2 and len(best) > len(root):
                final = best  # 老栓 seen once as 华老栓: the full name is the key
        remap[root] = final
        used = [s for s, _ in book.surfaces.get(root, Counter()).most_common()]
        forms = [*members, *used]
        aliases[final] = [s for s in dict.fromkeys(forms) if s != final]
    for surface, votes in relational_votes.items():
        best, count = votes.most_common(1)[0]
        if count * 3 >= sum(votes.values()) * 2 and best in remap:
            target = remap[best]
            remap[RELATIONAL + surface] = target
            aliases[target].append(surface)
    if book.lines[NARRATOR] or book.narrator_words >= 5:
        remap[NARRATOR] = NARRATOR
        aliases[NARRATOR] = []
    return remap, aliases


def build_characters(
    book: Book, remap: dict[str, str], aliases: dict[str, list[str]], char_count: int
) -> list[CharacterInfo]:
    """Merge observations under final keys, infer gender and age, rank, drop noise."""
    merged: dict[str, CharacterInfo] = {}
    female: Counter[str] = Counter()
    male: Counter[str] = Counter()
    keys = set(book.mentions) | set(book.lines) | {NARRATOR}
    for provisional in sorted(keys, key=lambda k: book.first.get(k, 1 << 30)):
        final = remap.get(provisional)
        if final is None:
            continue
        info = merged.get(final)
        if info is None:
            info = CharacterInfo(key=final, name=final, aliases=aliases.get(final, []))
            info.first_paragraph = book.first.get(provisional, 0)
            info.description = book.description.get(provisional, "")
            info.is_narrator = final == NARRATOR
            merged[final] = info
        info.mentions += book.narrator_words if provisional == NARRATOR else book.mentions[provisional]
        info.lines += book.lines[provisional]
        if not info.description:
            info.description = book.description.get(provisional, "")
        female[final] += book.female_cues[provisional]
        male[final] += book.male_cues[provisional]
    floor = max(3, char_count // 20_000)
    kept = [
        info
        for info in merged.values()
        if info.is_narrator
        or (info.key in ROLE_NOUNS and info.lines >= 1)  # 掌柜 who speaks; not 老爷 only addressed
        or (info.key not in ROLE_NOUNS and (info.mentions + 2 * info.lines >= floor or info.lines >= 2))
    ]
    if not any(i.is_narrator for i in kept) and NARRATOR in merged and merged[NARRATOR].lines:
        kept.append(merged[NARRATOR])
    for info in kept:
        info.gender = _gender(info, female[info.key], male[info.key])
        info.age = _age(info)
    kept.sort(key=lambda i: (-(i.mentions + 2 * i.lines), i.first_paragraph))
    return kept


def _gender(info: CharacterInfo, female: int, male: int) -> Gender | None:
    for form in (info.key, *info.aliases):
        shaped = name_gender(form)
        if shaped:
            return shaped
    if info.is_narrator:
        return None
    # A pronoun carrying the subject on (…，他坐在) weighs 4, one nearby 2; objects (在她面前) none.
    if female >= 4 and female - male >= 2:
        return "female"
    if male >= 4 and male - female >= 2:
        return "male"
    return None


def _age(info: CharacterInfo) -> AgeGroup | None:
    forms = (info.key, *info.aliases)
    # 老栓 is old and 小栓 young, but 老陈/小陈 are only familiar forms of a surname.
    familiar = [form for form in forms if form[:1] in "老小" and form[1:] not in SURNAMES]
    if any(form.endswith(ELDER_MARKERS) for form in forms) or any(f.startswith("老") for f in familiar):
        return "elder"
    if any(form.endswith(YOUNG_MARKERS) for form in forms):
        return "young"
    if any(len(form) == 2 and form.endswith("儿") for form in forms) or any(f.startswith("小") for f in familiar):
        return "child"
    match = _AGE.search(info.description)
    # 陈德福今年六十岁 / 八岁的侄儿宏儿: the age must sit next to the name.
    if match and info.key in info.description[max(0, match.start() - 8) : match.end() + 8]:
        years = _chinese_number(match.group(1))
        if years:
            return "child" if years < 14 else "young" if years < 25 else "adult" if years < 60 else "elder"
    return None


def _inside(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether ``position`` falls in one of the sorted, disjoint ``spans`` (``starts`` are their starts)."""
    i = bisect_right(starts, position) - 1
    return i >= 0 and position < spans[i][1]
