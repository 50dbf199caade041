"""Beats: the analysis flattened into one stream of utterances, the unit of planning.

Episodes are cut between beats, hooks and cliffhangers are beats, and a script
line is a beat; each keeps the span of the source it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from microdrama.model import SourceSpan
from microdrama.text.analysis import Analysis, Utterance, spoken_seconds
from microdrama.text.document import SourceDocument

# Cue categories that make a beat a hook: something the viewer wants resolved.
HOOK_CUES = frozenset({"conflict", "threat", "reveal", "reversal", "question"})


@dataclass(frozen=True)
class Beat:
    index: int  # position in the stream
    paragraph: int  # index into document.paragraphs()
    scene: int  # index into analysis.scenes
    utterance: Utterance
    seconds: float  # spoken (or read, for narration) seconds at the budget rate
    source: SourceSpan

    @property
    def tension(self) -> float:
        return self.utterance.tension

    @property
    def is_hook(self) -> bool:
        return bool(self.utterance.cues & HOOK_CUES)


def build_beats(document: SourceDocument, analysis: Analysis) -> list[Beat]:
    paragraphs = document.paragraphs()
    scene_starts = [scene.first for scene in analysis.scenes]
    beats: list[Beat] = []
    for paragraph_analysis in analysis.paragraphs:
        paragraph = paragraphs[paragraph_analysis.index]
        scene = max(bisect_right(scene_starts, paragraph_analysis.index) - 1, 0)
        for utterance in paragraph_analysis.utterances:
            if not utterance.text.strip():
                continue
            start, end = paragraph.span(utterance.start, utterance.end)
            beats.append(
                Beat(
                    index=len(beats),
                    paragraph=paragraph_analysis.index,
                    scene=scene,
                    utterance=utterance,
                    seconds=max(spoken_seconds(utterance.text, analysis.language), 0.5),
                    source=SourceSpan(file=document.path, start=start, end=end),
                )
            )
    return beats
