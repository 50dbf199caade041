"""Splitting a Chinese paragraph into quotes, speech tags and narration sentences.

All positions are offsets into the paragraph's text, so utterances map back to
the source exactly. Nothing here knows the cast; ``attribution.py`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One quote: “…” / 「…」 / "…". An unclosed opener runs to the paragraph end, which
# is how Chinese typesetting continues a speech over several paragraphs.
_QUOTE = re.compile(r"“[^”]*(?:”|$)|「[^」]*(?:」|$)|\"[^\"]*(?:\"|$)")
_CLOSERS = '”」"'

SPEECH_WORDS = (
    "冷笑道|笑道|说道|问道|答道|叫道|喊道|嚷道|骂道|喝道|怒道|叹道|哭道|吼道|回道|惊道|喊|嚷|骂|吼|叫|问|答|"
    "回答|应道|答应|应|插嘴|接口|吩咐|嘱咐|命令|解释|嘀咕|念叨|喃喃|咕哝|告诉|开口|叹|说"
)
# Inner voice: thinking aloud, or to oneself.
INNER_WORDS = "心想|心里想|暗想|想道|心道|暗道|心里说|暗自说|自言自语|寻思|暗忖|想"
# Compounds that contain a speech verb but do not introduce speech.
_NOT_SPEECH = (
    r"(?<!听)(?<!小)(?<!据)(?<!虽)(?<!传)(?<!所)(?<!解)(?<!演)(?<!学)(?<!游)(?<!不消)(?<!知)(?<!反)(?<!相)(?<!答)"
)
_NOT_SPEECH_AFTER = r"(?!明|不出|不定|话声|法|题|候|做|化|该|当|酬|付|起|到)"
# A bare 道 is a speech verb only when punctuation follows (老陈闷声道，), not in 知道/道路.
_BARE_DAO = r"(?<![知味难一报街车轨大小人])道(?=[，。,.：:！？!?“]|$)"
SPEECH = re.compile(rf"{_NOT_SPEECH}(?:{SPEECH_WORDS}){_NOT_SPEECH_AFTER}|{_BARE_DAO}")
# 想 alone is a thought only outside 理想/思想/梦想… and not 想起/想到/想要.
INNER = re.compile(rf"(?<![理思梦幻空感构设预假联猜])(?:{INNER_WORDS})(?!起|到|了想|法|必|要|不到|念)")
# A pre-tag ends with the verb (and 着/了/起来/道), then an optional comma or colon.
_PRE_END = re.compile(
    rf"(?:(?:{SPEECH_WORDS}|{INNER_WORDS}|(?<![知味难一])道)(?:着|了|起来|道|说)?(?:了?一句|了?一声)?|[：:])\s*[：:，,]?\s*$"
)
_SENTENCE_END = "。！？!?…"
_CLAUSE_PUNCT = "，,；;：:、"
_HAS_PUNCT = re.compile(r"[，。！？…—；：,.!?~～]")
_WORDY = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
# Unquoted inner voice: 心想：这下完了。
UNQUOTED_INNER = re.compile(r"(?:心想|心里想|暗想|想道|心道|暗道)[：:，,]")


@dataclass
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset past the closing mark (== len(text) when unclosed)
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end


def find_quotes(text: str) -> list[Quote]:
    """Every quote of the paragraph (dialogue or not)."""
    quotes: list[Quote] = []
    for match in _QUOTE.finditer(text):
        closed = len(match.group()) > 1 and text[match.end() - 1] in _CLOSERS
        quotes.append(Quote(match.start(), match.end(), closed))
    return quotes


def is_speech_tag_end(narration: str) -> bool:
    """True when narration ends like a tag that introduces a quote: 他说： / 低低的叫道，"""
    return bool(_PRE_END.search(narration))


def is_dialogue(text: str, quote: Quote) -> bool:
    """Tell a spoken quote from a quoted term (“八”字, 叫他“孔乙己”).

    Speech has punctuation or length, opens the paragraph, or sits next to a tag.
    """
    begin, end = quote.inner
    inner = text[begin:end]
    if not inner.strip() or text[quote.end : quote.end + 1] == "的":
        return False  # “哑——”的一声: a sound modifying a noun, not a line
    if quote.start == 0 or _HAS_PUNCT.search(inner) or len(inner) > 10:
        return True
    before = text[max(0, quote.start - 12) : quote.start]
    if before.endswith(("：", ":")) or (before.endswith(("，", ",")) and is_speech_tag_end(before)):
        return True
    after = text[quote.end : quote.end + 8]
    return bool(SPEECH.match(after) or re.match(r"^[他她我你]?\w{0,4}(?:说|道|问)[。，,.！]", after))


def last_sentence_start(text: str, begin: int, end: int) -> int:
    """Start of the sentence that ends at ``end`` (searching back no further than ``begin``)."""
    i = end - 1
    while i >= begin and text[i] in _SENTENCE_END + "”」":
        i -= 1
    while i >= begin:
        if text[i] in _SENTENCE_END:
            return i + 1
        i -= 1
    return begin


def first_sentence_end(text: str, begin: int, end: int) -> int:
    """End (exclusive) of the sentence starting at ``begin``, not past ``end``."""
    i = begin
    while i < end:
        if text[i] in _SENTENCE_END:
            while i < end and text[i] in _SENTENCE_END:
                i += 1
            return i
        i += 1
    return end


def sentences(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Narration sentences in ``text[begin:end]``, trimmed of stray punctuation and space."""
    spans: list[tuple[int, int]] = []
    i = begin
    while i < end:
        stop = first_sentence_end(text, i, end)
        while stop < end and text[stop] in "”」’』）)":
            stop += 1
        span = trim(text, i, stop)
        if span:
            spans.append(span)
        i = stop
    return spans


def trim(text: str, begin: int, end: int) -> tuple[int, int] | None:
    """Strip space and clause punctuation at both ends; None when nothing wordy is left."""
    while begin < end and (text[begin].isspace() or text[begin] in _CLAUSE_PUNCT + "——"):
        begin += 1
    while end > begin and (text[end - 1].isspace() or text[end - 1] in _CLAUSE_PUNCT):
        end -= 1
    if end <= begin or not _WORDY.search(text, begin, end):
        return None
    return begin, end


def is_pure_tag(tag: str) -> bool:
    """A bare tag (一个花白胡子的人说) carries no action worth keeping as narration."""
    core = tag.strip("，,。：:；;！!？? ")
    return len(core) <= 12 and not re.search(r"[，,；;]", core)
