"""The series bible from the analysis: characters ranked by presence, locations, logline, tags."""

from __future__ import annotations

from pypinyin import lazy_pinyin

from microdrama.model import Bible, Character, Location, Series, SourceSpan
from microdrama.model.common import Role, Setting, slugify
from microdrama.text.analysis import Analysis, CharacterInfo, SceneSpan
from microdrama.text.document import SourceDocument
from microdrama.write.beats import Beat
from microdrama.write.condense import narration_salience
from microdrama.write.tags import GENRES, TROPES, tag_text

UNKNOWN_LOCATION = "somewhere"
SOMEONE = "someone"  # speaker of lines whose speaker the analysis could not tell
LOGLINE_MAX = {"zh": 80, "en": 160}


def identifier(name: str, taken: set[str], fallback: str) -> str:
    """A readable, unique id: pinyin for Chinese names, a slug for Latin ones."""
    romanised = "".join(lazy_pinyin(name)) if any("\u3400" <= ch <= "\u9fff" for ch in name) else name
    base = slugify(romanised, fallback)
    if base == "narrator":
        base = "narrator_character"
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}_{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def presence(info: CharacterInfo) -> float:
    return info.mentions + 2.0 * info.lines


def assign_roles(characters: list[CharacterInfo], analysis: Analysis) -> dict[str, Role]:
    """Protagonist: most present. Antagonist: a leading character whose scenes with the
    protagonist are the most conflict- and threat-laden. The rest by presence."""
    ranked = sorted(characters, key=presence, reverse=True)
    if not ranked:
        return {}
    lead = ranked[0]
    roles: dict[str, Role] = {lead.key: "protagonist"}
    conflict: dict[str, float] = {}
    for paragraph in analysis.paragraphs:
        involved = set(paragraph.mentions) | {u.speaker for u in paragraph.utterances if u.speaker}
        if lead.key not in involved:
            continue
        heat = sum(1 for u in paragraph.utterances if u.cues & {"conflict", "threat"})
        for key in involved - {lead.key}:
            conflict[key] = conflict.get(key, 0.0) + heat
    contenders = [c for c in ranked[1:5] if not c.is_narrator and conflict.get(c.key, 0.0) >= 2]
    if contenders:
        roles[max(contenders, key=lambda c: conflict[c.key]).key] = "antagonist"
    for info in ranked[1:]:
        if info.key not in roles:
            roles[info.key] = "supporting" if presence(info) >= 0.15 * presence(lead) else "minor"
    return roles


def build_characters(
    document: SourceDocument, analysis: Analysis, beats: list[Beat]
) -> tuple[list[Character], dict[str, str]]:
    """Bible characters, and the map from analysis key to character id."""
    paragraphs = document.paragraphs()
    roles = assign_roles(analysis.characters, analysis)
    taken: set[str] = set()
    characters: list[Character] = []
    ids: dict[str, str] = {}
    for info in sorted(analysis.characters, key=presence, reverse=True):
        character_id = identifier(info.name, taken, f"character_{len(characters) + 1}")
        ids[info.key] = character_id
        first = paragraphs[info.first_paragraph] if info.first_paragraph < len(paragraphs) else None
        characters.append(
            Character(
                id=character_id,
                name=info.name,
                aliases=[alias for alias in info.aliases if alias != info.name],
                role=roles.get(info.key, "minor"),
                gender=info.gender or "unknown",
                age=info.age or "unknown",
                description=info.description,
                first_appearance=SourceSpan(file=document.path, start=first.start, end=first.end) if first else None,
                is_narrator=info.is_narrator,
            )
        )
    needs_someone = any(b.utterance.kind != "narration" and b.utterance.speaker not in ids for b in beats)
    if needs_someone:
        ids[""] = SOMEONE
        name = "某人" if analysis.language == "zh" else "Someone"
        characters.append(Character(id=SOMEONE, name=name, role="minor", description="Speaker not named in the source"))
    return characters, ids


def setting_of(interior: bool | None) -> Setting:
    return "INT/EXT" if interior is None else ("INT" if interior else "EXT")


def build_locations(
    document: SourceDocument, scenes: list[SceneSpan], language: str
) -> tuple[list[Location], dict[str, str]]:
    """Bible locations, and the map from analysis place name to location id."""
    paragraphs = document.paragraphs()
    taken: set[str] = set()
    locations: list[Location] = []
    ids: dict[str, str] = {}
    for scene in scenes:
        name = scene.location
        if name in ids:
            continue
        if not name:
            ids[""] = UNKNOWN_LOCATION
            taken.add(UNKNOWN_LOCATION)
            label = "未注明的地点" if language == "zh" else "Unspecified place"
            locations.append(Location(id=UNKNOWN_LOCATION, name=label, setting="INT/EXT"))
            continue
        location_id = identifier(name, taken, f"location_{len(locations) + 1}")
        ids[name] = location_id
        first = paragraphs[scene.first]
        locations.append(
            Location(
                id=location_id,
                name=name,
                setting=setting_of(scene.interior),
                first_appearance=SourceSpan(file=document.path, start=first.start, end=first.end),
            )
        )
    return locations, ids


def logline(title: str, beats: list[Beat], lead_key: str | None, language: str) -> str:
    """The most central, tense narration sentence of the opening third that involves the lead."""
    opening = beats[: max(len(beats) // 3, 1)][:600]
    salience = narration_salience(opening, language)
    candidates = [beat for beat in opening if beat.utterance.kind == "narration"]
    if lead_key:
        involving = [b for b in candidates if lead_key in b.utterance.text]
        candidates = involving or candidates
    if not candidates:
        return title
    best = max(candidates, key=lambda b: salience.get(b.index, 0.0) + b.tension)
    sentence = best.utterance.text.strip()
    limit = LOGLINE_MAX.get(language, 160)
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rstrip() + "…"
    return sentence


def build_bible(
    document: SourceDocument,
    analysis: Analysis,
    beats: list[Beat],
    title: str,
    minutes: float,
    episode_count: int,
    paywall: int | None,
) -> tuple[Bible, dict[str, str], dict[str, str]]:
    characters, character_ids = build_characters(document, analysis, beats)
    locations, location_ids = build_locations(document, analysis.scenes, analysis.language)
    lead = (
        next((c for c in analysis.characters if character_ids.get(c.key) == characters[0].id), None)
        if characters
        else None
    )
    sample = "\n".join(p.text for p in document.paragraphs()[:4000])
    series = Series(
        title=title,
        logline=logline(title, beats, lead.name if lead else None, analysis.language),
        genres=tag_text(sample, analysis.language, GENRES),
        tropes=tag_text(sample, analysis.language, TROPES),
        language="zh" if analysis.language == "zh" else "en",
        minutes_per_episode=minutes,
        episode_count=episode_count,
        paywall_episode=paywall,
        sources=[document.path],
    )
    return Bible(series=series, characters=characters, locations=locations), character_ids, location_ids
