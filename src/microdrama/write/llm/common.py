"""What the LLM writer's stages share: language wording, length budgets, cast listings."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from microdrama.model import Bible, Character, Location
from microdrama.model.common import WrittenBy
from microdrama.text.analysis import UNITS_PER_MINUTE
from microdrama.write.llm.prompts import PROMPT_NAMES, Prompt, load_prompt

log = logging.getLogger("microdrama.write.llm")

# Share of an episode's time given to lines; the rest is action and air (as in write/adapt.py).
SPOKEN_SHARE = 0.85
LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
LANGUAGE_RULES = {
    "zh": (
        "Write every title, summary, description and line in Simplified Chinese (所有文字都用简体中文). "
        "Characters have Chinese names. Lines are short, spoken, colloquial Chinese."
    ),
    "en": (
        "Write every title, summary, description and line in English, even if the request quotes other "
        "languages. Lines are short, spoken, modern English."
    ),
}


def language_values(language: str) -> dict[str, str]:
    return {"language_name": LANGUAGE_NAMES[language], "language_rules": LANGUAGE_RULES[language]}


def spoken_units(seconds: float, language: str) -> int:
    return round(seconds * SPOKEN_SHARE * UNITS_PER_MINUTE.get(language, 150) / 60.0)


def budget_text(seconds: float, language: str) -> str:
    units = spoken_units(seconds, language)
    return f"about {units} Chinese characters (约{units}字)" if language == "zh" else f"about {units} words"


def cast_listing(characters: Iterable[Character]) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "name": c.name, "role": c.role, "gender": c.gender, "description": c.description[:120]}
        for c in characters
    ]


def location_listing(locations: Iterable[Location]) -> list[dict[str, Any]]:
    return [{"id": loc.id, "name": loc.name, "setting": loc.setting} for loc in locations]


def series_summary(bible: Bible) -> dict[str, Any]:
    series = bible.series
    return {"title": series.title, "logline": series.logline, "genres": series.genres, "tropes": series.tropes}


def prompts_for(root: Path | None, names: Iterable[str]) -> dict[str, Prompt]:
    """Every prompt a run needs, loaded first so a broken override fails before any model call."""
    prompts = {name: load_prompt(name, root) for name in names}
    for prompt in prompts.values():
        log.info("prompt %s (%s)", prompt.label, prompt.origin)
    return prompts


def prompt_versions(project_root: Path | None = None) -> dict[str, str]:
    """name -> "name@N" (``+project`` when the project overrides it), as provenance records them."""
    return {name: load_prompt(name, project_root).label for name in PROMPT_NAMES}


def written_by(gateway: object, stage: str, prompts: Iterable[Prompt]) -> WrittenBy | None:
    """Provenance for what ``stage`` wrote: the provider and model, and the prompts' versions."""
    find = getattr(gateway, "provider", None)
    provider = find(stage) if callable(find) else None
    if provider is None:
        return None
    model = str(getattr(provider, "model", "") or getattr(provider, "kind", "") or "unknown")
    return WrittenBy(provider=str(provider.name), model=model, prompt=",".join(p.label for p in prompts))
