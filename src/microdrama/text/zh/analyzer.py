"""The Chinese analyser: two linear passes over the paragraphs.

Pass one only counts clause openings to find names (``names.py``). Pass two
reads each paragraph once: mentions, quotes and speakers, one jieba cut for
cue words and places, time. Memory stays proportional to the output, and no
model is loaded beyond jieba's bundled dictionary.
"""

from __future__ import annotations

import jieba
import jieba.posseg

from microdrama.text.analysis import (
    Analysis,
    ParagraphAnalysis,
    Utterance,
    cooccurrence,
    score_tension,
    segment_scenes,
)
from microdrama.text.document import SourceDocument
from microdrama.text.zh.attribution import Attributor
from microdrama.text.zh.characters import RELATIONAL, Book, build_characters, final_keys
from microdrama.text.zh.cues import cues_of, emotion_of, in_span, label_hits, punctuation
from microdrama.text.zh.lexicon import FOLD
from microdrama.text.zh.names import Cast, Mention, NameCollector, group_aliases
from microdrama.text.zh.pronouns import NARRATOR
from microdrama.text.zh.setting import find_place, interior, time_of_day, time_shift
from microdrama.text.zh.speech import Parse

_OPENERS = '“「"'
# Each further cue-bearing utterance adds this much to a paragraph's tension.
_DENSITY = 0.05


def analyze_zh(document: SourceDocument) -> Analysis:
    """Characters, attributed dialogue, cues, places and scenes of a Chinese document."""
    jieba.setLogLevel(60)  # jieba prints its cache messages at INFO otherwise
    chapters = [(chapter.number, p) for chapter in document.chapters for p in chapter.paragraphs]

    collector = NameCollector()
    for _, paragraph in chapters:
        collector.feed(paragraph.text.translate(FOLD))
    canonical = group_aliases(collector.names())
    cast = Cast(canonical)

    book = Book()
    strict = collector.female_pronouns >= max(3, collector.male_pronouns // 20)
    first_person = collector.narrator_words >= max(5, collector.chars // 300)
    attributor = Attributor(gender_of=book.gender_hint, strict_pronouns=strict, first_person=first_person)
    tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
    results: list[ParagraphAnalysis] = []
    previous_chapter = chapters[0][0] if chapters else 0
    for index, (chapter, paragraph) in enumerate(chapters):
        text = paragraph.text.translate(FOLD)
        lead = min((i for i in (text.find(q) for q in _OPENERS) if i >= 0), default=len(text))
        shift = time_shift(text, [(0, lead)])  # in the narration before any quote
        if paragraph.scene_break_before or chapter != previous_chapter or shift:
            attributor.reset()
        previous_chapter = chapter
        mentions = cast.find(text)
        parse = attributor.parse(text, mentions)
        tokens = jieba.lcut(text, HMM=False)
        offsets = _offsets(tokens)
        utterances = _utterances(text, parse, label_hits(text, tokens))
        for utterance in utterances:
            if utterance.speaker and utterance.kind != "narration":
                book.spoke(utterance.speaker, index)
        book.observe(index, text, mentions, parse.narration)
        results.append(
            ParagraphAnalysis(
                index=index,
                chapter=chapter,
                utterances=utterances,
                mentions=_mention_keys(mentions, parse, text),
                tension=_paragraph_tension(utterances),
                place=find_place(_unnamed(tokens, offsets, mentions), offsets, tags, parse.narration),
                time_of_day=time_of_day(text, parse.narration),
                time_shift=shift,
            )
        )

    remap, aliases = final_keys(book, canonical, attributor.relational_votes)
    characters = build_characters(book, remap, aliases, collector.chars)
    kept = {c.key for c in characters}
    _apply_keys(results, remap, kept)
    places = {p.place for p in results if p.place}
    scenes = segment_scenes(document, results, {place: interior(place) for place in places}, "day")
    return Analysis("zh", characters, results, scenes, cooccurrence(results))


def _unnamed(tokens: list[str], offsets: list[int], mentions: list[Mention]) -> list[str]:
    """Tokens with character names blanked out: 赵德海 ends in 海 but is no sea."""
    if not mentions:
        return tokens
    covered = {i for m in mentions for i in range(m.start, m.end)}
    return ["#" if offset in covered else token for token, offset in zip(tokens, offsets, strict=True)]


def _offsets(tokens: list[str]) -> list[int]:
    offsets: list[int] = []
    position = 0
    for token in tokens:
        offsets.append(position)
        position += len(token)
    return offsets


def _utterances(text: str, parse: Parse, hits: list[tuple[int, str]]) -> list[Utterance]:
    utterances: list[Utterance] = []
    for speech in parse.speeches:
        words = text[speech.start : speech.end]
        labels = in_span(hits, speech.start, speech.end)
        tag_labels = in_span(hits, *speech.tag) if speech.tag else []
        cues = cues_of(words, labels, tag_labels)
        exclamations, questions = punctuation(words)
        utterances.append(
            Utterance(
                kind="inner" if speech.kind == "inner" else "dialogue",
                text=words,
                start=speech.start,
                end=speech.end,
                speaker=speech.speaker,
                attribution=speech.attribution,
                emotion=emotion_of(labels, tag_labels),
                cues=cues,
                tension=score_tension(cues, exclamations, questions, True),
            )
        )
    for begin, end in parse.narration:
        words = text[begin:end]
        labels = in_span(hits, begin, end)
        cues = cues_of(words, labels, [])
        exclamations, questions = punctuation(words)
        utterances.append(
            Utterance(
                kind="narration",
                text=words,
                start=begin,
                end=end,
                emotion=emotion_of(labels, []),
                cues=cues,
                tension=score_tension(cues, exclamations, questions, False),
            )
        )
    utterances.sort(key=lambda u: u.start)
    return utterances


def _mention_keys(mentions: list[Mention], parse: Parse, text: str) -> tuple[str, ...]:
    """Provisional keys named in the paragraph, in order; 我 in narration names the narrator."""
    keys = [m.key if m.key else RELATIONAL + m.surface for m in mentions]
    if any("我" in text[begin:end] for begin, end in parse.narration):
        keys.append(NARRATOR)
    return tuple(dict.fromkeys(keys))


def _paragraph_tension(utterances: list[Utterance]) -> float:
    if not utterances:
        return 0.0
    strongest = max(u.tension for u in utterances)
    charged = sum(1 for u in utterances if u.cues)
    return min(1.0, strongest + _DENSITY * max(0, charged - 1))


def _apply_keys(results: list[ParagraphAnalysis], remap: dict[str, str], kept: set[str]) -> None:
    """Replace provisional keys by final ones; characters that were dropped vanish."""

    def final(key: str | None) -> str | None:
        if key is None:
            return None
        target = remap.get(key)
        return target if target in kept else None

    for paragraph in results:
        keys = (final(k) for k in paragraph.mentions)
        paragraph.mentions = tuple(dict.fromkeys(k for k in keys if k))
        for utterance in paragraph.utterances:
            utterance.speaker = final(utterance.speaker)
