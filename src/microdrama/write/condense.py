"""Condensing an episode's source to its time budget, extractively.

Nothing is rewritten: whole utterances are kept or dropped. Dialogue is favoured
(micro-dramas are carried by lines, not voice-over), tension raises any beat, and
narration is ranked by TextRank centrality so the sentences that hold the passage
together survive. TextRank runs on at most ``TEXTRANK_CANDIDATES`` sentences,
pre-selected by a linear centroid score, so a long episode segment costs O(n), not O(n²).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from microdrama.text.analysis import content_terms
from microdrama.write.beats import Beat

TEXTRANK_CANDIDATES = 80
TEXTRANK_ITERATIONS = 30
DAMPING = 0.85


def textrank(term_sets: list[set[str]]) -> list[float]:
    """TextRank scores (normalised to 0..1) of sentences given as term sets."""
    count = len(term_sets)
    if count == 0:
        return []
    weights: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            shared = len(term_sets[i] & term_sets[j])
            if not shared:
                continue
            norm = math.log(len(term_sets[i]) + 1) + math.log(len(term_sets[j]) + 1)
            weight = shared / norm if norm else 0.0
            weights[i].append((j, weight))
            weights[j].append((i, weight))
    out_sums = [sum(w for _, w in edges) or 1.0 for edges in weights]
    scores = [1.0] * count
    for _ in range(TEXTRANK_ITERATIONS):
        scores = [
            (1 - DAMPING) + DAMPING * sum(scores[j] * w / out_sums[j] for j, w in weights[i]) for i in range(count)
        ]
    top = max(scores)
    return [score / top for score in scores] if top else scores


def narration_salience(beats: list[Beat], language: str) -> dict[int, float]:
    """beat.index -> 0..1 centrality of each narration beat within the segment."""
    narration = [beat for beat in beats if beat.utterance.kind == "narration"]
    if not narration:
        return {}
    terms = [content_terms(beat.utterance.text, language) for beat in narration]
    frequency: Counter[str] = Counter(term for term_set in terms for term in term_set)
    centroid = [sum(frequency[t] for t in term_set) / (len(term_set) + 4) for term_set in terms]
    ranked = sorted(range(len(narration)), key=lambda i: centroid[i], reverse=True)[:TEXTRANK_CANDIDATES]
    ranks = textrank([terms[i] for i in ranked])
    salience = {beat.index: 0.0 for beat in narration}
    for position, score in zip(ranked, ranks, strict=True):
        salience[narration[position].index] = score
    return salience


def select_beats(
    beats: list[Beat],
    budget_seconds: float,
    language: str,
    importance: Callable[[Beat], float],
    keep: set[int],
    air: float = 0.0,
) -> list[Beat]:
    """The beats to script, in source order, within ``budget_seconds`` of screen time.

    Each beat costs its spoken seconds plus ``air`` (the pause after a line).
    ``keep`` holds beat indexes that must stay (the cliffhanger); ``importance`` adds
    what the caller knows (e.g. whether a main character speaks).
    """

    def cost(beat: Beat) -> float:
        return beat.seconds + air

    if sum(cost(beat) for beat in beats) <= budget_seconds:
        return list(beats)
    salience = narration_salience(beats, language)

    def value(beat: Beat) -> float:
        base = 0.55 if beat.utterance.kind != "narration" else 0.15 + 0.5 * salience.get(beat.index, 0.0)
        return base + beat.tension + importance(beat)

    chosen = {beat.index for beat in beats if beat.index in keep}
    used = sum(cost(beat) for beat in beats if beat.index in chosen)
    # Value per second, softened (sqrt) so one long, strong line can still beat two weak ones.
    for beat in sorted(beats, key=lambda b: value(b) / math.sqrt(cost(b)), reverse=True):
        if beat.index in chosen or cost(beat) > budget_seconds * 0.3:
            continue
        if used + cost(beat) <= budget_seconds:
            chosen.add(beat.index)
            used += cost(beat)
    return [beat for beat in beats if beat.index in chosen]
