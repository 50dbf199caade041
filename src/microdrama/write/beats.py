"""Beats: the analysis flattened into one stream of utterances, the unit of planning.

Episodes are cut between beats, hooks and cliffhangers are beats, and a script
line is a beat; each keeps the span of the source it came from.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise

from microdrama.model import SourceSpan
from microdrama.text.analysis import Analysis, Utterance, spoken_seconds
from microdrama.text.document import SourceDocument

# Cue categories that make a beat a hook: something the viewer wants resolved.
HOOK_CUES = frozenset({"conflict", "threat", "reveal", "reversal", "question"})
# A longer utterance (a monologue, a page-long narration sentence group) is cut into
# beats of whole sentences, so condensing can keep part of it and an episode can end inside it.
MAX_BEAT_SECONDS = 12.0
# ... and at most this many characters (a run of symbols takes no time to say, but still fills a subtitle).
MAX_BEAT_CHARS = 500
# A date or signature line closing a story ("一九一九年四月。") is not a story beat.
_DATE_LINE = re.compile(
    r"^[\d一二三四五六七八九十〇○零]{2,4}年([\d一二三四五六七八九十]{1,2}月)?([\d一二三四五六七八九十]{1,3}日)?[。.]?$"
)
# Where a long utterance may be cut, strongest first: sentence ends, then clause ends.
_CUT_POINTS = {
    "zh": (re.compile(r"[。！？!?…]+[”’」』]*"), re.compile(r"[；;：:]"), re.compile(r"[，,、]")),
    "en": (
        re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?]+[\"'”’]*(?=\s)"),
        re.compile(r"[;:](?=\s)"),
        re.compile(r",(?=\s)"),
    ),
}


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
        if _DATE_LINE.match(paragraph.text.strip()):
            continue
        for whole in paragraph_analysis.utterances:
            for utterance in _bounded(whole, analysis.language):
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


def _bounded(utterance: Utterance, language: str) -> list[Utterance]:
    """The utterance, or consecutive runs of it each at most MAX_BEAT_SECONDS long,
    cut at sentence ends, or at clause ends inside an overlong sentence."""
    text = utterance.text
    pieces: list[Utterance] = []
    for begin, end in _runs(text, 0, len(text), language, 0):
        pieces.append(_piece(utterance, begin, end))
    return pieces


def _runs(text: str, begin: int, end: int, language: str, level: int) -> list[tuple[int, int]]:
    """Split text[begin:end] into runs that fit MAX_BEAT_SECONDS, using cut points of ``level`` and finer."""
    cut_points = _CUT_POINTS.get(language, _CUT_POINTS["en"])
    if spoken_seconds(text[begin:end], language) <= MAX_BEAT_SECONDS and end - begin <= MAX_BEAT_CHARS:
        return [(begin, end)]
    if level >= len(cut_points):  # no punctuation left to cut at (a run-on page): even pieces
        return _even_runs(text, begin, end, language)
    cuts = [begin + m.end() for m in cut_points[level].finditer(text[begin:end])]
    bounds = sorted({begin, *cuts, end})
    runs: list[tuple[int, int]] = []
    start = begin
    for previous, stop in pairwise(bounds):
        if spoken_seconds(text[start:stop], language) > MAX_BEAT_SECONDS and previous > start:
            runs.append((start, previous))
            start = previous
    runs.append((start, end))
    # a run still too long (one overlong sentence) is cut at the next finer level
    return [piece for run in runs for piece in _runs(text, run[0], run[1], language, level + 1)]


def _even_runs(text: str, begin: int, end: int, language: str) -> list[tuple[int, int]]:
    """text[begin:end] in near-equal runs that fit both limits, cut at a space where a language has them."""
    count = max(
        math.ceil(spoken_seconds(text[begin:end], language) / MAX_BEAT_SECONDS),
        math.ceil((end - begin) / MAX_BEAT_CHARS),
        1,
    )
    size = math.ceil((end - begin) / count)
    runs: list[tuple[int, int]] = []
    start = begin
    while start < end:
        stop = min(start + size, end)
        if stop < end and language != "zh":
            space = text.rfind(" ", start + size // 2, stop)
            stop = space if space > start else stop
        runs.append((start, stop))
        start = stop
    return runs


def _piece(utterance: Utterance, begin: int, end: int) -> Utterance:
    """Part of an utterance, with leading/trailing spaces trimmed and offsets kept exact."""
    text = utterance.text[begin:end]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    start = utterance.start + begin + lead
    return replace(utterance, text=text, start=start, end=start + len(text))
