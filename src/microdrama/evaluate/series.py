"""Metrics of a whole series, from its episodes' metrics and scripts.

- payoff cadence: micro-drama is paced by payoffs (爽点): a small one every 1-2 episodes,
  a bigger one every 3-5, the biggest just before the finale. An episode's payoff is the
  number of lines with a reveal or a reversal; "bigger" means at least the series' 75th
  percentile, "biggest" its maximum.
- tension arc: per episode, conflicts + reversals per minute plus the cliffhanger's pull.
- character network: who speaks how much (line share, and its concentration as the
  Herfindahl index: 1 = one voice carries everything) and who shares scenes with whom.
- lexical diversity: moving-average type-token ratio (MATTR) over words (jieba for
  Chinese), which unlike a plain ratio does not fall just because a series is long.
- repetition: Jaccard overlap of character 5-grams between consecutive episodes (a
  template repeated episode after episode scores high).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations, pairwise

from microdrama.evaluate.episode import EpisodeMetrics
from microdrama.evaluate.tropes import tag_tropes
from microdrama.model.bible import Bible
from microdrama.model.common import NARRATOR
from microdrama.model.script import Episode
from microdrama.write.llm.mapping import text_cues

MATTR_WINDOW = 200
SHINGLE = 5
BIG_PAYOFF_QUANTILE = 0.75
FINALE_STRETCH = 0.2  # the last fifth of the series is "before the finale"


@dataclass(frozen=True)
class PayoffCadence:
    per_episode: list[int]
    small_every_two: float  # share of 2-episode windows with at least one payoff (goal 1.0)
    longest_gap_between_big: int  # episodes between bigger payoffs (goal at most 5)
    biggest_episode: int
    biggest_before_finale: bool  # the biggest payoff falls in the final stretch


@dataclass(frozen=True)
class CharacterShare:
    id: str
    name: str
    lines: int
    share: float


@dataclass
class SeriesMetrics:
    episodes: int
    runtime_seconds: float
    paywall_episode: int | None
    paywall_cliffhanger_strength: float | None
    payoff: PayoffCadence
    tension_arc: list[float]
    characters: list[CharacterShare]
    line_concentration: float  # Herfindahl index of line shares
    scene_pairs: list[tuple[str, str, int]]  # characters sharing scenes, most often first
    lexical_diversity: float
    tropes: dict[str, int]
    trope_entropy: float  # bits: 0 = a single trope, higher = more varied
    repetition: list[float]  # Jaccard between episode n and n+1
    mean_hook_latency: float | None
    mean_cliffhanger_strength: float


def series_metrics(bible: Bible, episodes: list[Episode], metrics: list[EpisodeMetrics]) -> SeriesMetrics:
    language = bible.series.language
    text = "\n".join(line.text for episode in episodes for line in episode.lines())
    paywall = next((m for m in metrics if m.is_paywall), None)
    hooks = [m.hook_latency_seconds for m in metrics if m.hook_latency_seconds is not None]
    tropes = {trope: hit.count for trope, hit in tag_tropes(text).items()}
    shares, concentration = character_shares(bible, episodes)
    return SeriesMetrics(
        episodes=len(episodes),
        runtime_seconds=round(sum(m.runtime_seconds for m in metrics), 1),
        paywall_episode=paywall.number if paywall else None,
        paywall_cliffhanger_strength=paywall.cliffhanger_strength if paywall else None,
        payoff=payoff_cadence([payoffs(episode, language) for episode in episodes]),
        tension_arc=[tension(m) for m in metrics],
        characters=shares,
        line_concentration=concentration,
        scene_pairs=scene_pairs(bible, episodes),
        lexical_diversity=round(mattr(words(text, language)), 3),
        tropes=tropes,
        trope_entropy=round(entropy(list(tropes.values())), 2),
        repetition=[round(jaccard(shingles(a), shingles(b)), 3) for a, b in pairwise(episodes)],
        mean_hook_latency=round(sum(hooks) / len(hooks), 1) if hooks else None,
        mean_cliffhanger_strength=round(sum(m.cliffhanger_strength for m in metrics) / max(1, len(metrics)), 2),
    )


def tension(metrics: EpisodeMetrics) -> float:
    """Cues per minute plus the cliffhanger's pull (strength 1.0 weighs as 10 cues a minute)."""
    return round(metrics.conflicts_per_minute + metrics.reversals_per_minute + 10 * metrics.cliffhanger_strength, 2)


def payoffs(episode: Episode, language: str) -> int:
    return sum(1 for line in episode.lines() if text_cues(line.text, language) & {"reveal", "reversal"})


def payoff_cadence(per_episode: list[int]) -> PayoffCadence:
    count = len(per_episode)
    windows = [max(pair) > 0 for pair in pairwise(per_episode)] or [bool(per_episode and per_episode[0])]
    threshold = max(1.0, quantile(per_episode, BIG_PAYOFF_QUANTILE))
    big = [index for index, value in enumerate(per_episode) if value >= threshold]
    edges = [-1, *big, count]  # gaps before the first and after the last bigger payoff count too
    longest = max((b - a - 1 for a, b in pairwise(edges)), default=count)
    biggest = max(range(count), key=lambda index: (per_episode[index], index)) if count else 0
    finale_from = count - max(1, math.ceil(count * FINALE_STRETCH))
    return PayoffCadence(
        per_episode=per_episode,
        small_every_two=round(sum(windows) / len(windows), 2),
        longest_gap_between_big=longest,
        biggest_episode=biggest + 1,
        biggest_before_finale=count > 0 and biggest >= finale_from,
    )


def character_shares(bible: Bible, episodes: list[Episode]) -> tuple[list[CharacterShare], float]:
    names = {character.id: character.name for character in bible.characters}
    counts = Counter(line.speaker for episode in episodes for line in episode.lines() if line.speaker != NARRATOR)
    total = sum(counts.values())
    shares = [
        CharacterShare(speaker, names.get(speaker, speaker), lines, round(lines / total, 3))
        for speaker, lines in counts.most_common()
    ]
    concentration = sum((lines / total) ** 2 for lines in counts.values()) if total else 0.0
    return shares, round(concentration, 3)


def scene_pairs(bible: Bible, episodes: list[Episode], limit: int = 20) -> list[tuple[str, str, int]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for episode in episodes:
        for scene in episode.scenes:
            present = set(scene.characters) | {line.speaker for shot in scene.shots for line in shot.lines}
            present.discard(NARRATOR)
            pairs.update(combinations(sorted(present), 2))
    return [(a, b, n) for (a, b), n in pairs.most_common(limit)]


_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def words(text: str, language: str) -> list[str]:
    if language == "zh":
        import jieba

        jieba.setLogLevel(60)
        return [token for token in jieba.lcut(text) if _CJK.search(token)]
    return [word.lower() for word in _WORD.findall(text)]


def mattr(tokens: list[str], window: int = MATTR_WINDOW) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010); plain TTR below one window."""
    if not tokens:
        return 0.0
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    counts = Counter(tokens[:window])
    total = len(counts)
    for outgoing, incoming in zip(tokens, tokens[window:], strict=False):
        counts[incoming] += 1
        counts[outgoing] -= 1
        if counts[outgoing] == 0:
            del counts[outgoing]
        total += len(counts)
    return total / (len(tokens) - window + 1) / window


def shingles(episode: Episode) -> set[str]:
    text = re.sub(r"\s+", "", "".join(line.text for line in episode.lines()))
    return {text[i : i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def entropy(counts: list[int]) -> float:
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts if c) if total else 0.0


def quantile(values: list[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
