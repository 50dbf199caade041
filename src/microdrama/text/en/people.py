"""Settling identities after attribution: the narrator's name, merged keys, character records."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.analysis import AgeGroup, CharacterInfo, Gender
from microdrama.text.en.cues import age_of
from microdrama.text.en.dialogue import Attributor
from microdrama.text.en.lexicon import TITLES
from microdrama.text.en.names import Hit
from microdrama.text.en.narrator import NARRATOR
from microdrama.text.en.segment import sentence_around, sentence_spans

_FOLLOW_UP = re.compile(r"(?:He|She|His|Her)\b")
_OTHER_NAME = re.compile(r"\s[A-Z][a-z]")


@dataclass
class Person:
    key: str
    members: list[str]
    aliases: Counter[str] = field(default_factory=Counter)
    male: float = 0.0
    female: float = 0.0
    mentions: int = 0
    lines: int = 0
    first: int = -1
    first_hit: tuple[int, int, int] | None = None  # (rank, paragraph, offset) of the best first mention
    age: AgeGroup | None = None
    age_checked: int = 0


def settle_people(att: Attributor, narrator_name: str | None, narrator_exists: bool) -> dict[str, Person]:
    """Final people keyed by every raw key that belongs to them (placeholders left unnamed map nowhere)."""
    cast = att.cast
    keys = set(cast.groups) | set(att.extras) | set(att.genders) | set(cast.parent)
    if narrator_exists:
        keys.add(NARRATOR)
    by_root: dict[str, list[str]] = {}
    for key in keys:
        by_root.setdefault(cast.find(key), []).append(key)
    people: dict[str, Person] = {}
    for root, members in by_root.items():
        if root == NARRATOR and not narrator_exists:
            continue
        named = [m for m in members if m in cast.groups or m in att.extras]
        if root != NARRATOR and not named:
            continue  # an unnamed placeholder: its lines keep speaker None
        weight = {m: cast.groups[m].mentions if m in cast.groups else att.extras[m] for m in named}
        person = Person(NARRATOR if root == NARRATOR else max(named, key=lambda m: (weight[m], m)), members)
        for member in members:
            group = cast.groups.get(member)
            if group is not None:
                person.aliases.update(group.surfaces)
                person.aliases[group.key] += 1
                person.male += group.male
                person.female += group.female
            elif member in att.extras:
                person.aliases[member] += att.extras[member]
            else:
                gender = att.genders.get(member)
                person.male += gender == "male"
                person.female += gender == "female"
        if root == NARRATOR and narrator_name:
            person.aliases[narrator_name] += 1
        for member in members:
            people[member] = person
    return people


def note_mention(person: Person, paragraph: int, text: str, hit: Hit, quoted: bool) -> None:
    """Count a mention; remember the first ones and look for an age cue near the first few.

    The description prefers narration that names the person ("Celia Marsh arrived…") over
    dialogue ("Julian is your son.") and over a bare title ("the inspector").
    """
    person.mentions += 1
    rank = 0 if hit.name and not quoted else 1 if hit.name else 2
    if person.first_hit is None or rank < person.first_hit[0]:
        person.first_hit = (rank, paragraph, hit.start)
    if person.first < 0 or paragraph < person.first:
        person.first = paragraph
    if person.age is None and person.age_checked < 6:
        person.age_checked += 1
        person.age = age_of(*_age_window(text, hit))


def _age_window(text: str, hit: Hit) -> tuple[str, str]:
    """(words just before the name, its sentence plus a following "She was a girl of sixteen.")."""
    prefix = text[max(0, hit.start - 24) : hit.start]
    sentence = text[hit.start : hit.end]
    spans = sentence_spans(text)
    for i, (start, end) in enumerate(spans):
        if start <= hit.start < end:
            sentence = text[start:end]
            follow = text[spans[i + 1][0] : spans[i + 1][1]] if i + 1 < len(spans) else ""
            # "She was a girl of sixteen." describes the person just named, unless it names another.
            if _FOLLOW_UP.match(follow) and not _OTHER_NAME.search(follow):
                sentence += " " + follow
            break
    return prefix, sentence


def _display_name(person: Person) -> str:
    """ "Inspector Hale", "Mr. Merryweather": a surname the text always titles keeps its title."""
    key = person.key
    if len(key.split()) > 1:
        return key
    titled = [
        (n, alias)
        for alias, n in person.aliases.items()
        if alias.endswith(" " + key) and len(alias.split()) == 2 and alias.split()[0].rstrip(".").lower() in TITLES
    ]
    if titled and max(titled)[0] >= person.aliases[key] - 1:  # the key itself was counted once extra
        return max(titled)[1]
    return key


def character_info(person: Person, narrator_name: str | None, texts: list[str], first_line: str) -> CharacterInfo:
    is_narrator = person.key == NARRATOR
    name = (narrator_name or NARRATOR) if is_narrator else _display_name(person)
    # Every form but the key, the display name included ("Watson" for "I", "Mr. Merryweather").
    aliases = [a for a, _ in person.aliases.most_common() if a and a != person.key]
    description = first_line
    if person.first_hit is not None:
        _, paragraph, offset = person.first_hit
        start, end = sentence_around(texts[paragraph], offset)
        description = texts[paragraph][start:end]
    gender: Gender | None = None
    if person.male != person.female:
        gender = "male" if person.male > person.female else "female"
    return CharacterInfo(
        key=person.key,
        name=name,
        aliases=aliases[:12],
        gender=gender,
        age=person.age,
        mentions=person.mentions,
        lines=person.lines,
        first_paragraph=max(person.first, 0),
        description=description,
        is_narrator=is_narrator,
    )
