"""Metrics of one episode script, each with the passage that produced it.

Runtime is estimated as the project budgets it everywhere (250 Chinese characters or 150
English words per spoken minute) plus the action of shots without lines. Cues (conflict,
threat, reveal, reversal, question) come from the same lexicons the adapter uses
(text/zh/cues.py, text/en/cues.py), so a script is judged by the rules it was written by.

- hook latency: spoken seconds before the first line with a conflict, threat or reveal cue,
  or played charged (angry, afraid, surprised, disgusted: the emotion the script gives the
  line), or an open question not asked lightly: "你什么意思？" is a hook, "今天幼儿园好玩吗？"
  is small talk. This is what must come in the first seconds;
- cliffhanger strength: how unresolved the final beat is. A threat, reveal, reversal or
  question left open scores high, and so do the devices episodes end on (an arrival or an
  interruption, a reveal marker such as 竟/原来, a frozen reaction, an answer withheld) and a
  last line played charged; words of closure (终于, 从此, went home) score low;
- emotional swing: the mean change of emotional valence from one line to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from microdrama.model.script import Episode, Line
from microdrama.text.analysis import spoken_seconds
from microdrama.write.llm.mapping import strength, text_cues

HOOK_CUES = frozenset({"conflict", "threat", "reveal"})
CHARGED = frozenset({"angry", "afraid", "surprised", "disgusted"})  # high-arousal emotions
# Open questions challenge or puzzle ("你什么意思？"); closed ones are often routine ("下班啦？").
_OPEN_QUESTION = re.compile(r"谁|什么|为什么|怎么|凭什么|到底|究竟|哪|\b(?:who|what|why|how|where|whose|which)\b", re.I)
# Valence of each emotion the scripts use (-1 very negative .. +1 very positive).
VALENCE = {
    "happy": 0.8,
    "neutral": 0.0,
    "surprised": 0.3,
    "sad": -0.6,
    "angry": -0.8,
    "afraid": -0.9,
    "disgusted": -0.7,
}
# Words that close a story off rather than leave it open.
CLOSURE = {
    "zh": ("终于", "从此", "圆满", "幸福地", "大结局", "一切都结束", "释然", "和好", "团圆", "睡下", "睡觉", "回家"),
    "en": ("finally", "happily", "ever after", "at last", "at peace", "the end", "forgave", "reunited",
           "went home", "went to sleep", "shook hands", "smoothly"),
}  # fmt: skip
CLOSURE_PENALTY = 0.3
# Cliffhanger devices the cue lexicons (made for novel prose) do not list: an arrival or an
# interruption, a reveal marker, a frozen reaction, an answer withheld.
CLIFF_DEVICES = {
    "zh": ("竟", "原来", "一模一样", "真正的", "另一个", "推开", "门外", "走出来", "走进来", "还没开口", "话音未落",
           "就在这时", "突然", "僵在", "愣住", "惨白", "到底", "究竟", "身份", "真相"),
    "en": ("suddenly", "just then", "walked in", "door opened", "before she could", "before he could", "froze",
           "went pale", "the real ", "really", "belonged to", "whose", "who paid", "the answer", "the truth",
           "has come for", "was alive"),
}  # fmt: skip
DEVICE_WEIGHT = 0.15  # per device found, at most two
CHARGED_ENDING = 0.15  # the last line played charged
_OPEN_ENDING = re.compile(r"[?？…—]+[”」』\"']*\s*$|\.\.\.\s*$")


@dataclass(frozen=True)
class Evidence:
    where: str  # a shot id, or "cliffhanger"
    text: str


@dataclass
class EpisodeMetrics:
    number: int
    title: str
    runtime_seconds: float
    spoken_seconds: float
    hook_latency_seconds: float | None  # None: no hook cue anywhere in the episode
    hook: Evidence | None
    conflicts_per_minute: float
    reversals_per_minute: float
    cliffhanger_strength: float
    cliffhanger: Evidence
    dialogue_share: float  # of spoken time, dialogue (not narration or inner voice)
    lines: int
    speakers: int
    scenes: int
    locations: int
    emotional_swing: float
    is_paywall: bool
    cue_counts: dict[str, int] = field(default_factory=dict)
    tension_points: list[tuple[float, int]] = field(default_factory=list)  # (spoken second, cues in the line)


def episode_metrics(episode: Episode, language: str) -> EpisodeMetrics:
    spoken = [(shot.id, line, spoken_seconds(line.text, language)) for shot in episode.shots() for line in shot.lines]
    action = sum(shot.seconds for shot in episode.shots() if not shot.lines)
    speech = sum(seconds for _, _, seconds in spoken)
    minutes = max((speech + action) / 60.0, 1e-9)
    counts = {cue: 0 for cue in ("conflict", "threat", "reveal", "reversal", "question")}
    latency: float | None = None
    hook: Evidence | None = None
    elapsed = 0.0
    points: list[tuple[float, int]] = []
    for shot_id, line, seconds in spoken:
        cues = text_cues(line.text, language)
        points.append((round(elapsed, 1), len(cues)))
        for cue in cues:
            counts[cue] = counts.get(cue, 0) + 1
        if latency is None and is_hook(cues, line.text, line.emotion):
            latency, hook = elapsed, Evidence(shot_id, line.text)
        elapsed += seconds
    dialogue = sum(seconds for _, line, seconds in spoken if line.kind == "dialogue")
    return EpisodeMetrics(
        number=episode.number,
        title=episode.title,
        runtime_seconds=round(speech + action, 1),
        spoken_seconds=round(speech, 1),
        hook_latency_seconds=None if latency is None else round(latency, 1),
        hook=hook,
        conflicts_per_minute=round((counts["conflict"] + counts["threat"]) / minutes, 2),
        reversals_per_minute=round((counts["reversal"] + counts["reveal"]) / minutes, 2),
        cliffhanger_strength=round(cliffhanger_strength(final_beat(episode), language, _last_emotion(episode)), 2),
        cliffhanger=Evidence("cliffhanger", final_beat(episode)),
        dialogue_share=round(dialogue / speech, 2) if speech else 0.0,
        lines=len(spoken),
        speakers=len({line.speaker for _, line, _ in spoken}),
        scenes=len(episode.scenes),
        locations=len({scene.location for scene in episode.scenes}),
        emotional_swing=round(emotional_swing([line for _, line, _ in spoken]), 2),
        is_paywall=episode.is_paywall,
        cue_counts=counts,
        tension_points=points,
    )


def is_hook(cues: frozenset[str], text: str, emotion: str) -> bool:
    """A conflict, threat or reveal cue; a line played charged; or an open question not asked
    lightly ("你什么意思？" yes, "今天幼儿园好玩吗？" or one asked happily no)."""
    if cues & HOOK_CUES or emotion in CHARGED:
        return True
    asked = "question" in cues and ("?" in text or "？" in text)
    return asked and emotion != "happy" and bool(_OPEN_QUESTION.search(text))


def _last_emotion(episode: Episode) -> str | None:
    lines = episode.lines()
    return lines[-1].emotion if lines else None


def final_beat(episode: Episode) -> str:
    """What the episode ends on: its cliffhanger beat, and its last line when that differs."""
    lines = episode.lines()
    last = lines[-1].text if lines else ""
    beat = episode.cliffhanger.text
    return beat if not last or last in beat else f"{beat} {last}"


def cliffhanger_strength(text: str, language: str, last_emotion: str | None = None) -> float:
    """0..1: the tension of the final beat, raised when it ends open (?, …, —), for each
    cliffhanger device, and when the last line is played charged; lowered when it closes the
    story off."""
    lowered = text.lower()
    score = strength(text, language)
    if _OPEN_ENDING.search(text.strip()):
        score += 0.1
    devices = sum(device in lowered for device in CLIFF_DEVICES.get(language, CLIFF_DEVICES["en"]))
    score += DEVICE_WEIGHT * min(devices, 2)
    if last_emotion in CHARGED:
        score += CHARGED_ENDING
    if any(word in lowered for word in CLOSURE.get(language, CLOSURE["en"])):
        score -= CLOSURE_PENALTY
    return min(1.0, max(0.0, score))


def emotional_swing(lines: list[Line]) -> float:
    """Mean absolute change of valence between consecutive lines (0 = flat, 1.7 = whiplash)."""
    values = [VALENCE.get(line.emotion, 0.0) for line in lines]
    if len(values) < 2:
        return 0.0
    return sum(abs(b - a) for a, b in pairwise(values)) / (len(values) - 1)
