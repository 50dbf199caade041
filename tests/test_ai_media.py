"""Prompts, seeds, sizes and voices for provider-made frames and lines (pure functions)."""

from __future__ import annotations

from microdrama.build.ai_media import frame_prompt, image_size, provider_voice, reference_shot
from microdrama.model import Bible, Character, Line, Location, Scene, Series, Shot


def bible() -> Bible:
    return Bible(
        series=Series(title="T", language="en", minutes_per_episode=1, episode_count=1),
        characters=[
            Character(id="ann", name="Ann", gender="female", age="young", description="red coat, sharp eyes"),
            Character(id="bob", name="Bob", description="grey beard"),
        ],
        locations=[Location(id="dock", name="The dock", description="foggy harbour")],
    )


def shot(shot_id: str, speaker: str, framing: str = "medium") -> Shot:
    return Shot(id=shot_id, framing=framing, lines=[Line(speaker=speaker, text="Hello.", emotion="angry")], seconds=2)  # type: ignore[arg-type]


def test_a_character_keeps_one_seed_and_description_in_every_shot() -> None:
    first, second = shot("1-1-1", "ann"), shot("1-1-2", "ann", "close_up")
    scene = Scene(id="1-1", location="dock", time="night", shots=[first, second])
    a, b = frame_prompt(first, scene, bible()), frame_prompt(second, scene, bible())
    assert a.seed == b.seed and a.character == b.character == "ann"
    assert "Ann (female, young; red coat, sharp eyes)" in a.prompt and "foggy harbour" in a.prompt
    assert "close-up" in b.prompt and "mood: angry" in b.prompt and "night" in b.prompt
    other = frame_prompt(shot("1-1-3", "bob"), scene, bible())
    assert other.seed != a.seed


def test_the_reference_is_a_lone_close_up() -> None:
    reference, scene = reference_shot(bible(), "bob")
    assert reference.framing == "close_up" and reference.characters == ["bob"] and scene.location == "dock"


def test_the_size_closest_to_vertical_nine_sixteen_is_chosen() -> None:
    assert image_size(("1024x1024", "1024x1792", "1792x1024")) == (1024, 1792)
    assert image_size(()) == (768, 1344)
    assert image_size(("512x512", "bogus")) == (512, 512)


def test_provider_voices_follow_the_cast_order_and_the_narrator_takes_the_first() -> None:
    voices = ("narr", "v1", "v2")
    assert provider_voice(bible(), "narrator", voices) == "narr"
    assert provider_voice(bible(), "ann", voices) == "v1" and provider_voice(bible(), "bob", voices) == "v2"
    assert provider_voice(bible(), "ann", ()) == "default"
