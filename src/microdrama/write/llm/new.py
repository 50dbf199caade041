"""A series from a one-line idea: idea -> bible -> outline -> episode scripts.

Each step is one structured call per unit of work (the bible once, the outline in
chunks of at most ten episodes, one script per episode), so a failed or interrupted
run resumes from the gateway's cache and no call carries the whole series.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from microdrama.errors import UsageError
from microdrama.model import Bible, Episode
from microdrama.project.config import PAYWALL_RANGES
from microdrama.providers.gateway import Gateway
from microdrama.text.language import detect_language
from microdrama.write.llm.common import (
    budget_text,
    cast_listing,
    language_values,
    location_listing,
    prompts_for,
    series_summary,
    written_by,
)
from microdrama.write.llm.mapping import bible_from_draft, episode_from_drafts, mark_first_episodes, strength
from microdrama.write.llm.prompts import as_json, quote
from microdrama.write.llm.replies import (
    MAX_CAST,
    MAX_PLACES,
    OutlineEpisodeDraft,
    Shape,
    check_series,
    outline_check,
    outline_reply_type,
    script_check,
    script_reply_type,
    series_reply_type,
)
from microdrama.write.plan import choose_paywall

MAX_IDEA_CHARACTERS = 2_000
MAX_EPISODES = 200
OUTLINE_CHUNK = 10  # episodes per outline call: small enough for a small model to keep count
STORY_SO_FAR = 10  # previous summaries passed to the next outline chunk
Progress = Callable[[str, int, int], None]


def check_idea(idea: str) -> str:
    """The idea, stripped; a UsageError for an empty one or a whole text pasted as an idea."""
    text = idea.strip()
    if not text:
        raise UsageError(
            'give a one-line idea, e.g. microdrama new "A maid discovers she is the heir of the family that '
            'humiliated her" --episodes 60'
        )
    if any(ord(char) < 32 and char not in "\n\t\r" for char in text):
        raise UsageError("the idea contains control characters (binary data?); give it as plain text")
    if len(text) > MAX_IDEA_CHARACTERS:
        raise UsageError(
            f"the idea is {len(text):,} characters long (at most {MAX_IDEA_CHARACTERS:,}): an idea is a line or "
            "a paragraph. To adapt a long text such as a novel, save it to a file and run "
            "`microdrama init PROJECT --from FILE`, then `microdrama adapt PROJECT`"
        )
    return text


def resolve_language(language: str, idea: str) -> str:
    if language == "auto":
        return detect_language(idea)
    if language not in ("zh", "en"):
        raise UsageError(f"language '{language}' is not supported; use zh, en or auto")
    return language


def resolve_market(market: str | None, language: str) -> str:
    if market in (None, "", "auto"):
        return "domestic" if language == "zh" else "overseas"
    if market not in PAYWALL_RANGES:
        raise UsageError(f"unknown market '{market}'; use one of: {', '.join(PAYWALL_RANGES)}")
    return market


def cast_size(episodes: int) -> tuple[int, int]:
    """How many characters and locations a series of this length may have."""
    return min(MAX_CAST, 4 + episodes // 15), min(MAX_PLACES, 3 + episodes // 20)


def write_series(
    idea: str,
    *,
    language: str,
    episodes: int,
    minutes_per_episode: float,
    market: str,
    gateway: Gateway,
    progress: Progress | None = None,
    project_root: Path | None = None,
) -> tuple[Bible, list[Episode]]:
    """Write a whole series from a one-line idea; returns the bible and every episode, validated.

    ``language`` is "zh", "en" or "auto" (from the idea's share of CJK characters);
    ``market`` "domestic", "overseas" or "auto" sets the paywall range. Prompt overrides
    are read from ``project_root`` (default: the gateway's project).
    """
    text = check_idea(idea)
    lang = resolve_language(language, text)
    if not 1 <= episodes <= MAX_EPISODES:
        raise UsageError(f"--episodes must be between 1 and {MAX_EPISODES}, not {episodes}")
    if not 0.25 < minutes_per_episode <= 30:
        raise UsageError(f"minutes per episode must be more than 0.25 and at most 30, not {minutes_per_episode:g}")
    chosen_market = resolve_market(market, lang)
    root = project_root if project_root is not None else getattr(gateway, "root", None)
    prompts = prompts_for(root, ("series", "outline", "script"))

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    # 1. the bible
    report("series", 0, 1)
    max_characters, max_locations = cast_size(episodes)
    messages = prompts["series"].render(
        **language_values(lang),
        idea=quote(text),
        episodes=episodes,
        minutes=f"{minutes_per_episode:g}",
        max_supporting=max_characters - 2,
        max_locations=max_locations,
    )
    draft = gateway.structured(
        "write.series",
        messages,
        series_reply_type(max_characters, max_locations, lang),
        max_tokens=1200,
        temperature=0.8,
        check=check_series,
    )
    bible = bible_from_draft(draft, language=lang, minutes_per_episode=minutes_per_episode, episodes=episodes)
    bible.series.written_by = written_by(gateway, "write.series", [prompts["series"], prompts["outline"]])
    episode_provenance = written_by(gateway, "write.script", [prompts["script"]])
    report("series", 1, 1)

    # 2. the outline, in chunks
    outline = write_outline(bible, episodes, chosen_market, gateway, prompts["outline"].render, report)

    # 3. the paywall, on the outline's cliffhangers, so its script can be told
    paywall = choose_paywall([strength(o.cliffhanger, lang) for o in outline], chosen_market, "auto")
    bible.series.paywall_episode = paywall

    # 4. the scripts
    seconds = minutes_per_episode * 60.0
    character_ids = [c.id for c in bible.characters]
    location_ids = [loc.id for loc in bible.locations]
    shape = Shape.for_episode(seconds, lang)
    reply_type = script_reply_type(character_ids, location_ids, shape)
    check = script_check(character_ids, location_ids, lang, seconds)
    common = {
        **language_values(lang),
        "series": as_json(series_summary(bible)),
        "cast": as_json(cast_listing(bible.characters)),
        "locations": as_json(location_listing(bible.locations)),
        "episodes": episodes,
        "seconds": round(seconds),
        "budget": budget_text(seconds, lang),
        "line_limit": shape.line_limit(lang),
        "max_scenes": shape.scenes,
        "max_shots": shape.shots,
    }
    written: list[Episode] = []
    report("script", 0, episodes)
    for number, planned in enumerate(outline, start=1):
        previous = outline[number - 2].cliffhanger if number > 1 else ""
        messages = prompts["script"].render(
            **common,
            number=number,
            outline=as_json(planned.model_dump()),
            previous_cliffhanger=quote(previous) if previous else "(none: this is the first episode)",
            paywall_note=_paywall_note(lang) if number == paywall else "",
        )
        script = gateway.structured(
            "write.script",
            messages,
            reply_type,
            episode=number,
            max_tokens=shape.max_tokens(lang),
            check=check,
        )
        written.append(
            episode_from_drafts(
                number,
                script.scenes,
                bible,
                title=planned.title,
                summary=planned.summary,
                hook=planned.hook,
                cliffhanger=planned.cliffhanger,
                is_paywall=number == paywall,
                written_by=episode_provenance,
            )
        )
        report("script", number, episodes)
    mark_first_episodes(bible, written)
    return Bible.model_validate(bible.model_dump()), [Episode.model_validate(e.model_dump()) for e in written]


def write_outline(
    bible: Bible,
    episodes: int,
    market: str,
    gateway: Gateway,
    render: Callable[..., list[tuple[str, str]]],
    report: Progress,
) -> list[OutlineEpisodeDraft]:
    """The outline of every episode, OUTLINE_CHUNK at a time, each chunk told the story so far."""
    lang = bible.series.language
    low, high = PAYWALL_RANGES[market]
    outline: list[OutlineEpisodeDraft] = []
    report("outline", 0, episodes)
    for first in range(1, episodes + 1, OUTLINE_CHUNK):
        last = min(first + OUTLINE_CHUNK - 1, episodes)
        count = last - first + 1
        so_far = [
            {"episode": n, "summary": o.summary, "cliffhanger": o.cliffhanger} for n, o in enumerate(outline, start=1)
        ][-STORY_SO_FAR:]
        messages = render(
            **language_values(lang),
            series=as_json(series_summary(bible)),
            cast=as_json(cast_listing(bible.characters)),
            locations=as_json(location_listing(bible.locations)),
            episodes=episodes,
            first=first,
            last=last,
            count=count,
            story_so_far=as_json(so_far) if so_far else "(nothing yet: this is the beginning)",
            arc_note=_arc_note(first, last, episodes, low, min(high, episodes - 1)),
        )
        chunk = gateway.structured(
            "write.outline",
            messages,
            outline_reply_type(count, lang),
            max_tokens=min(6144, 300 + 260 * count),
            check=outline_check(count, first),
        )
        outline.extend(chunk.episodes[:count])
        report("outline", len(outline), episodes)
    return outline


def _arc_note(first: int, last: int, episodes: int, paywall_low: int, paywall_high: int) -> str:
    notes: list[str] = []
    if first == 1:
        notes.append("Episode 1 throws the hero into the main conflict at once.")
    if paywall_low <= paywall_high and first <= paywall_high and last >= paywall_low:
        notes.append(
            f"One of episodes {paywall_low}-{paywall_high} ends on the biggest reversal so far: "
            "the moment viewers pay to see what happens next."
        )
    if last == episodes:
        notes.append(f"Episode {episodes} is the finale: pay off the main conflict.")
    else:
        notes.append("Every episode raises the stakes.")
    return " ".join(notes)


def _paywall_note(language: str) -> str:
    return (
        "This is the paywall episode (付费卡点): end on the strongest cliffhanger of the series so far."
        if language == "zh"
        else "This is the paywall episode: end on the strongest cliffhanger of the series so far."
    )
