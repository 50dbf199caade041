"""Complete the bible's cast: a look and a voice for every character, a look for every place.

Only what is missing is assigned (deterministically), so a look or voice a person set
in bible.yaml is never changed, and the same character looks and sounds the same in
every episode.
"""

from __future__ import annotations

from microdrama.model import NARRATOR, Bible, Voice


def complete_cast(bible: Bible) -> bool:
    """Fill in missing looks and voices; True when the bible changed."""
    from microdrama.audio import cast_voice, narrator_voice
    from microdrama.visuals import assign_character_look, assign_location_look

    language = bible.series.language
    changed = False
    looks = [c.look for c in bible.characters if c.look is not None]
    voices = [c.voice for c in bible.characters if c.voice is not None]
    if bible.narrator_voice is None:
        bible.narrator_voice = narrator_voice(language)
        changed = True
    voices.append(bible.narrator_voice)
    for character in bible.characters:
        if character.look is None:
            character.look = assign_character_look(character, looks)
            looks.append(character.look)
            changed = True
        if character.voice is None:
            character.voice = cast_voice(character, language, voices)
            voices.append(character.voice)
            changed = True
    for location in bible.locations:
        if location.look is None:
            location.look = assign_location_look(location)
            changed = True
    return changed


def voice_for(bible: Bible, speaker: str) -> Voice:
    """The voice of a line's speaker (after complete_cast)."""
    if speaker == NARRATOR:
        voice = bible.narrator_voice
    else:
        character = bible.character(speaker)
        voice = character.voice if character else bible.narrator_voice
    if voice is None:
        raise ValueError(f"no voice cast for '{speaker}'; complete_cast must run first")
    return voice


def neural_voice(bible: Bible, speaker: str) -> bool:
    """Piper is a neural voice model, so what it speaks counts as AI-made (decision 011)."""
    return voice_for(bible, speaker).engine == "piper"
