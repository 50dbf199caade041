"""`adapt --writer llm`: the deterministic adaptation's episodes, rewritten punchier by the model.

The model sees one episode's current script and the source passages that episode
was cut from, never the whole novel, so the cost of a rewrite does not grow with the
length of the book. It rewrites the episode scene by scene, in one call: scene N of
the reply rewrites scene N of the script, so every rewritten shot can inherit the
source span of the scene it came from, and the episode keeps its place in the book.

One call per episode rather than one per scene: the cast, the places and the passages
are sent once instead of once per scene (an episode has 3-8 scenes, so that is most
of the prompt), and the model sees the whole episode, which it needs to put the hook
in the first seconds and the cliffhanger at the very end.
"""

from __future__ import annotations

from pathlib import Path

from microdrama.errors import ValidationError
from microdrama.model import Bible, Character, Episode, Location, Scene, SourceSpan
from microdrama.project.paths import OutsideProject, inside_project
from microdrama.providers.gateway import Gateway
from microdrama.text.reader import source_text
from microdrama.write.llm.common import (
    budget_text,
    cast_listing,
    language_values,
    location_listing,
    prompts_for,
    series_summary,
    written_by,
)
from microdrama.write.llm.mapping import SceneFrame, cover, episode_from_drafts
from microdrama.write.llm.prompts import as_json, quote
from microdrama.write.llm.replies import Shape, rewrite_check, rewrite_reply_type

# Passages are joined when the source between them is this short (code points).
MERGE_GAP = 200
MAX_PASSAGE = 1_500  # one passage, code points
MAX_PASSAGES_TOTAL = 4_000  # all of an episode's passages
MAX_REWRITE_CAST = 16
MAX_REWRITE_PLACES = 10


def episode_passages(episode: Episode, project_root: Path) -> list[str]:
    """The source text the episode adapts: its lines' spans, neighbours merged, in source order.

    Shots without line spans count by their own span, and an episode with neither by its
    span. Long passages are cut to MAX_PASSAGE and the whole to MAX_PASSAGES_TOTAL, so a
    rewrite stays cheap however long the book is.
    """
    spans = [line.source for line in episode.lines() if line.source is not None]
    if not spans:
        spans = [shot.source for shot in episode.shots() if shot.source is not None]
    if not spans and episode.source is not None:
        spans = [episode.source]
    by_file: dict[str, list[SourceSpan]] = {}
    for span in spans:
        by_file.setdefault(span.file, []).append(span)
    passages: list[str] = []
    total = 0
    for name, file_spans in by_file.items():
        try:
            path = inside_project(project_root, name)
        except OutsideProject as error:
            raise ValidationError(
                f"episode {episode.number}: source file '{name}' is outside the project folder ({error})"
            ) from error
        text, _ = source_text(path)
        for start, end in _merged(file_spans):
            passage = text[start:end].strip()
            if not passage:
                continue
            if len(passage) > MAX_PASSAGE:
                passage = passage[: MAX_PASSAGE - 1] + "…"
            if total + len(passage) > MAX_PASSAGES_TOTAL:
                room = MAX_PASSAGES_TOTAL - total
                if room > 100:
                    passages.append(passage[: room - 1] + "…")
                return passages
            passages.append(passage)
            total += len(passage)
    return passages


def _merged(spans: list[SourceSpan]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if ranges and span.start - ranges[-1][1] <= MERGE_GAP:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], span.end))
        else:
            ranges.append((span.start, span.end))
    return ranges


def scene_source(scene: Scene) -> SourceSpan | None:
    """The source a scene adapts: the cover of its shots' and lines' spans."""
    spans = [shot.source for shot in scene.shots]
    spans += [line.source for shot in scene.shots for line in shot.lines]
    return cover(spans)


def current_script(episode: Episode) -> list[dict[str, object]]:
    """The episode as the prompt shows it, compactly: per scene, one string per shot,
    "framing | what we see | speaker: line | speaker: line" (no ids, timings or spans)."""
    scenes: list[dict[str, object]] = []
    for number, scene in enumerate(episode.scenes, start=1):
        shots = []
        for shot in scene.shots:
            parts = [shot.framing, *([shot.description] if shot.description else [])]
            parts += [f"{line.speaker}: {line.text}" for line in shot.lines]
            shots.append(" | ".join(parts))
        scenes.append({"scene": number, "location": scene.location, "time": scene.time, "shots": shots})
    return scenes


def relevant_cast(episode: Episode, bible: Bible, passages: list[str]) -> list[Character]:
    """Who the rewrite may use: the episode's people, the leads, and who the passages name."""
    text = "\n".join(passages)
    present = {line.speaker for line in episode.lines()} | {c for s in episode.scenes for c in s.characters}
    present |= {c for shot in episode.shots() for c in shot.characters}

    def rank(character: Character) -> int:
        if character.id in present:
            return 0
        if character.role in ("protagonist", "antagonist"):
            return 1
        return 2 if any(name and name in text for name in (character.name, *character.aliases)) else 3

    ranked = sorted(bible.characters, key=rank)  # stable: bible order within a rank
    chosen = [c for c in ranked if rank(c) < 3][:MAX_REWRITE_CAST]
    return chosen or bible.characters[:MAX_REWRITE_CAST]


def relevant_locations(episode: Episode, bible: Bible, passages: list[str]) -> list[Location]:
    text = "\n".join(passages)
    used = {scene.location for scene in episode.scenes}
    chosen = [loc for loc in bible.locations if loc.id in used]
    chosen += [loc for loc in bible.locations if loc.id not in used and loc.name in text]
    return chosen[:MAX_REWRITE_PLACES] or bible.locations[:MAX_REWRITE_PLACES]


def rewrite_episode(
    episode: Episode,
    bible: Bible,
    passages: list[str],
    *,
    gateway: Gateway,
    project_root: Path | None = None,
) -> Episode:
    """The episode rewritten as a punchier micro-drama, scene by scene, using only the bible's cast and places.

    Kept: the number, summary, paywall flag and source span, each scene's time and
    cold-open flag, and (on every rewritten shot) the source span of the scene it
    rewrites; a scene the model leaves empty (or only repeats earlier text in) stays
    as it was. The title may improve. Prompt overrides come from ``project_root``
    (default: the gateway's project).
    """
    language = bible.series.language
    root = project_root if project_root is not None else getattr(gateway, "root", None)
    prompt = prompts_for(root, ("rewrite",))["rewrite"]
    characters = relevant_cast(episode, bible, passages)
    locations = relevant_locations(episode, bible, passages)
    character_ids = [c.id for c in characters]
    location_ids = [loc.id for loc in locations]
    scene_count = len(episode.scenes)
    seconds = bible.series.minutes_per_episode * 60.0
    shape = Shape.for_episode(seconds, language, scene_count)
    shown_passages = [p for p in passages if p.strip()]
    messages = prompt.render(
        **language_values(language),
        series=as_json(series_summary(bible)),
        cast=as_json(cast_listing(characters)),
        locations=as_json(location_listing(locations)),
        number=episode.number,
        title=quote(episode.title),
        script=as_json(current_script(episode)),
        passages=as_json(shown_passages) if shown_passages else "(none)",
        scene_count=scene_count,
        budget=budget_text(seconds, language),
        line_limit=shape.line_limit(language),
        max_shots=shape.shots,
    )
    draft = gateway.structured(
        "write.rewrite",
        messages,
        rewrite_reply_type(character_ids, location_ids, shape, language),
        episode=episode.number,
        max_tokens=shape.max_tokens(language),
        check=rewrite_check(character_ids, location_ids, language, seconds, scene_count),
    )
    frames = [
        SceneFrame(source=scene_source(scene), time=scene.time, cold_open=scene.cold_open, original=scene)
        for scene in episode.scenes
    ]
    rewritten = episode_from_drafts(
        episode.number,
        draft.scenes[:scene_count],
        bible,
        title=draft.title or episode.title,
        summary=episode.summary,
        hook=draft.hook,
        cliffhanger=draft.cliffhanger,
        is_paywall=episode.is_paywall,
        frames=frames,
        source=episode.source,
        written_by=written_by(gateway, "write.rewrite", [prompt]),
    )
    return Episode.model_validate(rewritten.model_dump())
