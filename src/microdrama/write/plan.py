"""The episode plan: how many episodes, where each one is cut, and where the paywall goes.

Micro-drama episodes end on a cliffhanger, so an episode boundary is not placed at
an even split of the source but at the strongest tension peak near it, cut right
after the peak and before its resolution. Each search window is bounded, so
planning stays linear in the length of the source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microdrama.errors import UsageError
from microdrama.project.config import PAYWALL_RANGES
from microdrama.write.beats import Beat

# Default episode count: one episode per this many seconds of source read aloud
# (about 8 minutes of source condensed into each 1–2 minute episode), 3 to 100 episodes.
SOURCE_SECONDS_PER_EPISODE = 480.0
MIN_DEFAULT_EPISODES, MAX_DEFAULT_EPISODES = 3, 100
MIN_BEATS_PER_EPISODE = 4


@dataclass(frozen=True)
class EpisodeCut:
    number: int
    first: int  # beat index, inclusive
    last: int  # beat index, inclusive


def default_episode_count(beats: list[Beat]) -> int:
    total = sum(beat.seconds for beat in beats)
    count = round(total / SOURCE_SECONDS_PER_EPISODE)
    return max(MIN_DEFAULT_EPISODES, min(MAX_DEFAULT_EPISODES, count))


def check_episode_count(requested: int, beats: list[Beat]) -> int:
    most = len(beats) // MIN_BEATS_PER_EPISODE
    if most < 1:
        raise UsageError("the source is too short to adapt: it needs at least a few sentences of story")
    if requested > most:
        raise UsageError(
            f"the source is too short for {requested} episodes (it has {len(beats)} sentences and lines); "
            f"use --episodes {most} or fewer"
        )
    return requested


def cut_episodes(beats: list[Beat], count: int) -> list[EpisodeCut]:
    """Split the beat stream into ``count`` episodes, each ending on a tension peak."""
    total = sum(beat.seconds for beat in beats)
    cumulative: list[float] = []
    running = 0.0
    for beat in beats:
        running += beat.seconds
        cumulative.append(running)
    cuts: list[int] = []  # index of the last beat of each episode but the final one
    position = 0
    previous = -1
    for number in range(1, count):
        target = total * number / count
        while position < len(beats) - 1 and cumulative[position] < target:
            position += 1
        remaining_episodes = count - number
        lowest = previous + MIN_BEATS_PER_EPISODE
        highest = len(beats) - 1 - remaining_episodes * MIN_BEATS_PER_EPISODE
        span = max(int((len(beats) / count) * 0.3), 2)
        window = range(max(lowest, position - span), min(highest, position + span) + 1)
        if len(window) == 0:
            best = max(min(position, highest), lowest)
        else:
            best = max(window, key=lambda i: _cut_score(beats, i, position, span))
        cuts.append(best)
        previous = best
    bounds = [-1, *cuts, len(beats) - 1]
    return [EpisodeCut(number=n + 1, first=bounds[n] + 1, last=bounds[n + 1]) for n in range(count)]


def _cut_score(beats: list[Beat], last: int, ideal: int, span: int) -> float:
    """How good a cliffhanger cutting after beat ``last`` makes, near the even split."""
    peak = beats[last]
    following = beats[last + 1] if last + 1 < len(beats) else None
    score = peak.tension
    if peak.is_hook:
        score += 0.2
    if following is not None and following.tension < peak.tension:
        score += 0.1  # the resolution comes next: cut before it
    if following is not None and following.paragraph == peak.paragraph and following.utterance.kind == "dialogue":
        score -= 0.1  # don't cut a speaker off mid-paragraph
    score -= 0.4 * abs(last - ideal) / max(span, 1)
    return score


def choose_paywall(cliffhanger_strengths: list[float], market: str, setting: int | str) -> int | None:
    """The paywall episode: the strongest cliffhanger within the market's usual range."""
    count = len(cliffhanger_strengths)
    if setting == "none" or count < 2:
        return None
    if isinstance(setting, int):
        if not 1 <= setting < count:
            raise UsageError(
                f"paywall episode {setting} is outside the series (episodes 1-{count - 1} can carry it); "
                "change adapt.paywall in microdrama.toml or --paywall"
            )
        return setting
    low, high = PAYWALL_RANGES[market]
    # Never the final episode: nothing after it to pay for. Short series use the range scaled down.
    high = min(high, count - 1)
    if low > high:
        low, high = max(1, math.ceil(count * 0.3)), count - 1
    candidates = range(low, high + 1)
    return max(candidates, key=lambda n: (cliffhanger_strengths[n - 1], -n))
