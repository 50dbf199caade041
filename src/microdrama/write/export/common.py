"""What every export format needs: episode order, file names, names of things."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from microdrama.errors import UsageError
from microdrama.model import NARRATOR, Bible, Episode, Line, Scene, Shot


@dataclass(frozen=True)
class Options:
    draft_date: str
    shot_notes: bool = True


def ordered(episodes: Sequence[Episode]) -> list[Episode]:
    """Episodes by number; two with one number would overwrite each other's file."""
    result = sorted(episodes, key=lambda ep: ep.number)
    for before, after in itertools.pairwise(result):
        if before.number == after.number:
            raise UsageError(f"two episodes are numbered {after.number}; renumber one before exporting")
    return result


def stem(episode: Episode) -> str:
    return f"ep{episode.number:03d}"


def one_line(text: str) -> str:
    """Text on a single line: both formats give a line break a meaning of its own."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.splitlines() if part.strip()]


def location_name(bible: Bible, scene: Scene) -> str:
    location = bible.location(scene.location)
    return location.name if location else scene.location


def is_narrator(line: Line) -> bool:
    return line.speaker == NARRATOR


def off_screen(line: Line, shot: Shot) -> bool:
    """A dialogue line from someone the shot does not show (only when the shot lists who it shows)."""
    return (
        line.kind == "dialogue"
        and not is_narrator(line)
        and bool(shot.characters)
        and line.speaker not in shot.characters
    )


def is_paywall(bible: Bible, episode: Episode) -> bool:
    """The episode whose cliffhanger is the pay point; either field may carry it."""
    return episode.is_paywall or episode.number == bible.series.paywall_episode


def sources(bible: Bible) -> str:
    return ", ".join(bible.series.sources)
