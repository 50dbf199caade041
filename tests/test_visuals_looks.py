"""Character and location looks: deterministic, distinct, and following role conventions."""

from __future__ import annotations

import itertools

import pytest

from microdrama.model import Character, CharacterLook, Location
from microdrama.visuals import assign_character_look, assign_location_look, bible_looks, look_distance
from microdrama.visuals.palette import distance, hex_rgb, luminance
from microdrama.visuals.places import location_kind, resolve_setting
from tests.visuals_fixtures import small_bible


def _cast_looks() -> list[CharacterLook]:
    taken: list[CharacterLook] = []
    for character in small_bible().characters:
        taken.append(assign_character_look(character, taken))
    return taken


def test_same_character_gets_the_same_look() -> None:
    character = small_bible().characters[0]
    others = _cast_looks()[1:]
    assert assign_character_look(character, others) == assign_character_look(character, others)


def test_every_character_of_a_small_bible_looks_different() -> None:
    looks = _cast_looks()
    for a, b in itertools.combinations(looks, 2):
        assert look_distance(a, b) >= 30, (a, b)
        outfit_gap = distance(hex_rgb(a.outfit), hex_rgb(b.outfit))
        assert outfit_gap >= 12 or a.hair_style != b.hair_style, (a, b)


def test_antagonists_dress_darker_than_protagonists() -> None:
    for i in range(8):
        hero = assign_character_look(Character(id=f"hero{i}", name="甲", role="protagonist", gender="female"), [])
        villain = assign_character_look(Character(id=f"villain{i}", name="乙", role="antagonist", gender="male"), [])
        assert luminance(hex_rgb(villain.outfit)) < luminance(hex_rgb(hero.outfit))


def test_age_shows_in_hair_and_build() -> None:
    looks = dict(zip([c.id for c in small_bible().characters], _cast_looks(), strict=True))
    grey = hex_rgb(looks["laoqin"].hair)
    assert max(grey) - min(grey) < 24 and luminance(grey) > 0.42  # the elder is grey
    assert looks["dou"].build == "small"  # the child has child proportions
    assert all(luminance(hex_rgb(looks[c].hair)) < 0.42 for c in ("lanxin", "zhoupu"))


def test_looks_set_in_the_bible_are_kept() -> None:
    bible = small_bible()
    chosen = CharacterLook(
        skin="#f0d0b0", hair="#101010", outfit="#00ff00", accent="#ffffff", hair_style="bald", build="broad"
    )
    bible.characters[1].look = chosen
    looks = bible_looks(bible)
    assert looks["zhoupu"] == chosen
    assert looks["lanxin"].outfit != chosen.outfit


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("渡口茶馆", "shop"),
        ("悦来客栈", "shop"),
        ("河边小屋", "room"),
        ("办公室", "office"),
        ("村口", "street"),
        ("旧码头", "water"),
        ("后山树林", "nature"),
        ("城隍庙", "temple"),
        ("大堂", "hall"),
        ("马车", "vehicle"),
        ("the harbour office", "office"),
        ("the old quay", "water"),
        ("the kitchen of the inn", "room"),
        ("Main Street", "street"),
        ("somewhere", "generic"),
    ],
)
def test_location_kind_from_the_name(name: str, kind: str) -> None:
    assert location_kind(name) == kind


def test_location_look_is_stable_and_setting_resolves() -> None:
    place = Location(id="matou", name="旧码头", setting="INT/EXT")
    look = assign_location_look(place)
    assert look == assign_location_look(place)
    assert look.kind == "water" and len(look.palette) == 3
    assert resolve_setting("INT/EXT", look.kind) == "EXT"
    assert resolve_setting("INT/EXT", "shop") == "INT"
    assert resolve_setting("INT", "water") == "INT"
