"""What a parsed paragraph is made of, and the tag helpers attribution shares.

A paragraph becomes speeches (quoted dialogue or inner voice, and unquoted
thoughts after 心想：) and narration sentences; spans are offsets into the
paragraph's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from microdrama.text.zh.names import Mention
from microdrama.text.zh.segment import INNER, SPEECH, UNQUOTED_INNER, is_pure_tag, sentences, trim

_TO_ONESELF = re.compile(r"自言自语|心里说|暗自说|心道|暗道")
# Narration right after a quote that reacts to it rather than speaks it (老栓又吃一惊).
REACTION = re.compile(r"听|闻|惊|愣|怔|见|看|没有回答|没有作声|没有说话|不答|不语|没吭声|沉默")
BEAT_PRONOUN = re.compile(r"([他她])(?!们)(?:的)?")
BEAT_LEAD = re.compile(r"这是|原来是|正是|却是|便是")
VOICE_OF = re.compile(r"(?:似乎|好像|仿佛|原来|分明)?是(?:一个)?\w{0,6}的声音")
INTERJECTION = re.compile(r"[阿啊哎唉喂嘿哟呀咦哼豁哦噢嗨][呀哟]?[，,！!…—]+")
VOCATIVE_END = frozenset("，,！!—…：:？?")
# “一个故人留下的。我叫陆景川。” — a speaker who names himself.
_SELF_NAMING = re.compile(r"(?:我叫|我是|我就是|在下|本人)")


@dataclass
class Speech:
    """A quoted (or unquoted inner) speech with its speaker, before scoring."""

    kind: str  # "dialogue" or "inner"
    start: int  # span of the words, quote marks excluded
    end: int
    speaker: str | None = None
    attribution: str = ""
    tag: tuple[int, int] | None = None
    addressee: str | None = None
    relational: str = ""  # a relational vocative (小栓的爹) this speech opens with


@dataclass
class Parse:
    speeches: list[Speech]
    narration: list[tuple[int, int]]


def split_narration(
    text: str, cuts: list[tuple[int, int]], thinker: Callable[[int, int], str | None]
) -> tuple[list[tuple[int, int]], list[Speech]]:
    """Narration sentences outside ``cuts`` (quotes, bare tags), and the thoughts inside them.

    ``thinker(sentence_start, cue_start)`` names who thinks 这下完了 in 他心想：这下完了。
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for cut_start, cut_end in sorted(cuts):
        if cut_start > position:
            spans.extend(sentences(text, position, cut_start))
        position = max(position, cut_end)
    spans.extend(sentences(text, position, len(text)))
    narration: list[tuple[int, int]] = []
    thoughts: list[Speech] = []
    for begin, end in spans:
        match = UNQUOTED_INNER.search(text, begin, end)
        thought = trim(text, match.end(), end) if match else None
        if match is None or thought is None:
            narration.append((begin, end))
            continue
        lead = text[begin : match.end()]
        speaker = thinker(begin, match.start())
        thoughts.append(Speech("inner", thought[0], thought[1], speaker, lead.rstrip("：:，,"), (begin, match.end())))
        if not is_pure_tag(lead):
            narration.append((begin, match.start()))
    return narration, thoughts


def last_verb(text: str, begin: int, end: int) -> int:
    """Position of the speech/thought verb a pre-tag ends with (or of its colon)."""
    starts = [m.start() for pattern in (SPEECH, INNER) for m in pattern.finditer(text, begin, end)]
    if starts:
        return max(starts)
    colon = max(text.rfind("：", begin, end), text.rfind(":", begin, end))
    return colon if colon >= 0 else end


def speech_kind(text: str, tag: tuple[int, int], verb_at: int) -> str:
    """Inner voice when the tag's verb is a thought (想, 心想) or the words are to oneself."""
    if _TO_ONESELF.search(text, tag[0], tag[1]):
        return "inner"
    inner = INNER.match(text, verb_at)
    speech = SPEECH.match(text, verb_at)
    return "inner" if inner and not speech else "dialogue"


def self_named(text: str, mentions: list[Mention], speech: Speech) -> str | None:
    """The character a speech names as its speaker (我叫陆景川。), given the mentions inside it.

    The name must end its clause: 我是老陈的朋友 names nobody.
    """
    starts = {m.start: m for m in mentions if m.key}
    for match in _SELF_NAMING.finditer(text, speech.start, speech.end):
        mention = starts.get(match.end())
        if mention and (mention.end >= speech.end or text[mention.end] in "，。！？…—,.!?；;"):
            return mention.key
    return None
