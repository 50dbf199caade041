"""Assign a visual identity to characters that the bible does not yet describe.

Choices are seeded by a stable hash of the id, so a rebuild gives the same look, and
scored against the looks already taken, so two people in one series never share a
silhouette and an outfit colour. Role follows drama conventions: leads wear bright,
warm or clean colours; antagonists dark clothes with cold accents; extras stay muted.
"""

from __future__ import annotations

import random

from microdrama.model import Bible, Character, CharacterLook
from microdrama.model.media import Accessory, Build, HairStyle
from microdrama.visuals.palette import RGB, distance, hex_rgb, hsl, mix, rgb_hex, rng
from microdrama.visuals.places import assign_location_look, resolve_setting

SKIN: tuple[RGB, ...] = ((248, 220, 196), (240, 205, 176), (232, 190, 156), (214, 168, 132), (196, 146, 110))
DARK_HAIR: tuple[RGB, ...] = ((34, 28, 30), (46, 36, 34), (62, 44, 36), (90, 60, 42), (28, 30, 44))
GREY_HAIR: tuple[RGB, ...] = ((196, 196, 200), (160, 158, 162), (222, 220, 216), (128, 124, 126))

STYLES: dict[str, tuple[HairStyle, ...]] = {
    "male": ("short", "crop", "short"),
    "female": ("long", "ponytail", "bob", "bun", "braids"),
    "unknown": ("short", "bob", "crop", "ponytail"),
}

# (hue choices in degrees, saturation range, lightness range) of the outfit, by role.
OUTFITS: dict[str, tuple[tuple[float, ...], tuple[float, float], tuple[float, float]]] = {
    "protagonist": ((0, 12, 350, 205, 215, 190, 330, 40), (0.5, 0.75), (0.42, 0.6)),
    "antagonist": ((270, 225, 150, 330, 0, 200), (0.25, 0.55), (0.14, 0.26)),
    "supporting": ((25, 60, 95, 120, 165, 185, 240, 285, 310), (0.3, 0.55), (0.36, 0.56)),
    "minor": ((20, 35, 80, 200, 220, 0), (0.06, 0.2), (0.34, 0.52)),
}


def _outfit_candidates(role: str, seed: random.Random) -> list[RGB]:
    hues, (s0, s1), (l0, l1) = OUTFITS.get(role, OUTFITS["supporting"])
    candidates = []
    for hue in hues:
        for _ in range(3):
            candidates.append(
                hsl(hue + seed.uniform(-8, 8), seed.uniform(s0, s1), seed.uniform(l0, l1)),
            )
    seed.shuffle(candidates)
    return candidates


def _accent(role: str, outfit: RGB, seed: random.Random) -> RGB:
    if role == "antagonist":  # cold: silver, ice blue, violet
        return seed.choice(((200, 206, 220), (120, 200, 230), (170, 130, 220), (150, 220, 200)))
    if role == "protagonist":  # warm gold, cream or white trim
        return seed.choice(((240, 196, 90), (250, 236, 210), (236, 120, 90), (255, 250, 244)))
    if role == "minor":
        return mix(outfit, (230, 220, 200), 0.45)
    return mix(outfit, seed.choice(((250, 230, 170), (236, 236, 240), (200, 60, 60))), 0.7)


def _hair_style(character: Character, taken: list[CharacterLook], seed: random.Random) -> HairStyle:
    options = list(STYLES.get(character.gender, STYLES["unknown"]))
    if character.age == "elder":
        options += ["bun"] if character.gender == "female" else ["bald", "crop"]
    if character.age == "child":
        options = [s for s in options if s not in ("bun", "bald")] or options
    seed.shuffle(options)
    used = [look.hair_style for look in taken]
    return min(options, key=used.count)  # least-used first; ties keep the seeded order


def _hair(character: Character, seed: random.Random) -> RGB:
    if character.age == "elder":
        return seed.choice(GREY_HAIR)
    return seed.choice(DARK_HAIR)


def _build(character: Character, seed: random.Random) -> Build:
    """Build shapes the silhouette; "small" is kept for children (the drawing gives it child proportions)."""
    if character.age == "child":
        return "small"
    if character.gender == "female":
        return seed.choice(("slim", "slim", "average"))
    if character.role == "antagonist":
        return seed.choice(("broad", "average", "broad"))
    return seed.choice(("average", "broad", "slim"))


def _accessory(character: Character, taken: list[CharacterLook], seed: random.Random) -> Accessory:
    options: list[Accessory] = ["none", "none"]
    if character.gender == "female":
        options += ["earrings", "hairpin", "scarf"]
    elif character.gender == "male":
        beards: list[Accessory] = ["beard", "beard"] if character.age in ("adult", "elder") else []
        options += ["glasses", "hat", "tie", *beards]
    else:
        options += ["glasses", "scarf"]
    if character.role == "antagonist" and character.gender != "female":
        options += ["tie", "glasses"]
    if character.age == "child":
        options = ["none", "scarf", "hairpin" if character.gender == "female" else "none"]
    seed.shuffle(options)
    used = [look.accessory for look in taken if look.accessory != "none"]
    return min(options, key=lambda a: used.count(a) if a != "none" else 0.5)


def look_distance(a: CharacterLook, b: CharacterLook) -> float:
    """How different two looks appear: outfit colour dominates, silhouette and hair add to it."""
    score = distance(hex_rgb(a.outfit), hex_rgb(b.outfit))
    score += 0.4 * distance(hex_rgb(a.hair), hex_rgb(b.hair))
    score += 0.3 * distance(hex_rgb(a.accent), hex_rgb(b.accent))
    score += 18 if a.hair_style != b.hair_style else 0
    score += 6 if a.accessory != b.accessory else 0
    return score


def assign_character_look(character: Character, taken: list[CharacterLook]) -> CharacterLook:
    """A look for ``character`` as unlike the ``taken`` ones as its role's palette allows."""
    seed = rng("character-look", character.id, character.gender, character.age, character.role)
    skin = seed.choice(SKIN if character.age != "elder" else SKIN[1:])
    hair = _hair(character, seed)
    style = _hair_style(character, taken, seed)
    build = _build(character, seed)
    accessory = _accessory(character, taken, seed)
    best: CharacterLook | None = None
    best_score = -1.0
    for outfit in _outfit_candidates(character.role, seed):
        look = CharacterLook(
            skin=rgb_hex(skin),
            hair=rgb_hex(hair),
            outfit=rgb_hex(outfit),
            accent=rgb_hex(_accent(character.role, outfit, seed)),
            hair_style=style,
            build=build,
            accessory=accessory,
        )
        score = min((look_distance(look, other) for other in taken), default=0.0)
        score += min((distance(outfit, hex_rgb(other.outfit)) for other in taken), default=0.0)
        if score > best_score:
            best, best_score = look, score
        if not taken:
            break
    assert best is not None
    return best


def bible_looks(bible: Bible) -> dict[str, CharacterLook]:
    """Every character's look: the bible's own, else assigned in bible order (as build does)."""
    looks: dict[str, CharacterLook] = {}
    taken = [c.look for c in bible.characters if c.look is not None]
    for character in bible.characters:
        if character.look is not None:
            looks[character.id] = character.look
        else:
            looks[character.id] = assign_character_look(character, taken)
            taken.append(looks[character.id])
    return looks


__all__ = ["assign_character_look", "assign_location_look", "bible_looks", "look_distance", "resolve_setting"]
