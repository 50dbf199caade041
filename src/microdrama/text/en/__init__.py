"""The English analyser: characters, dialogue attribution, cues, settings and scenes.

Deterministic and offline: regexes and word lists only. Two linear passes:
names are gathered and judged over the whole text first (a capitalised word is
only a name if the text never uses it as a common word), then dialogue is
attributed paragraph by paragraph with a small conversation state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from microdrama.text.analysis import (
    Analysis,
    CharacterInfo,
    ParagraphAnalysis,
    TimeOfDay,
    Utterance,
    cooccurrence,
    score_tension,
    segment_scenes,
)
from microdrama.text.document import SourceDocument
from microdrama.text.en.cast import Cast, build_cast, common_words, split_conflicting_titles
from microdrama.text.en.cues import cues_of, emotion_of, time_of_day, time_shift
from microdrama.text.en.dialogue import Attributor, Segment
from microdrama.text.en.names import (
    Hit,
    collect_stats,
    count_lowercase,
    resolve_hit,
    scan_paragraph,
)
from microdrama.text.en.narrator import NARRATOR
from microdrama.text.en.people import Person, character_info, note_mention, settle_people
from microdrama.text.en.places import interior, setting
from microdrama.text.en.segment import quote_style

__all__ = ["analyze_en"]

# A name must recur this often per this many words to count (at least twice).
_WORDS_PER_MENTION = 30000


def analyze_en(document: SourceDocument) -> Analysis:
    """Analyse an English document; see ``microdrama.text.analysis`` for what comes back."""
    paragraphs = document.paragraphs()
    texts = [p.text for p in paragraphs]
    chapters = [c.number for c in document.chapters for _ in c.paragraphs]

    # Pass 1: names over the whole text.
    lowercase: Counter[str] = Counter()
    hits_by_paragraph = [scan_paragraph(text) for text in texts]
    for text in texts:
        count_lowercase(text, lowercase)
    common = common_words(hits_by_paragraph, lowercase)
    for hits in hits_by_paragraph:
        for hit in hits:
            resolve_hit(hit, common)
    split_conflicting_titles(hits_by_paragraph)
    stats, bare_titles = collect_stats(hits_by_paragraph)
    words = sum(lowercase.values()) + sum(len(h) for h in hits_by_paragraph)
    cast = build_cast(stats, bare_titles, common, max(2, words // _WORDS_PER_MENTION))
    names_ok = {
        n
        for n, s in stats.items()
        if s.mid and n not in cast.places and not all(w.lower() in common for w in n.split())
    }

    # Pass 2: dialogue and attribution, paragraph by paragraph.
    attributor = Attributor(cast, names_ok, quote_style("".join(texts[:400])))
    segments: list[list[Segment]] = []
    first_person: list[bool] = []
    # A chapter the reader cut by length (no title) does not end a conversation; a real one does.
    titled = {c.number for c in document.chapters if c.title}
    for index, paragraph in enumerate(paragraphs):
        new_chapter = index > 0 and chapters[index] != chapters[index - 1] and chapters[index] in titled
        if index and (paragraph.scene_break_before or new_chapter):
            attributor.new_scene()
        found, voiced = attributor.paragraph(paragraph.text, hits_by_paragraph[index])
        segments.append(found)
        first_person.append(voiced)

    narrator_exists = any(s.speaker is not None and cast.find(s.speaker) == NARRATOR for ps in segments for s in ps)
    narrator_name = attributor.narrator.settle(cast, attributor.extras) if narrator_exists else None
    people = settle_people(attributor, narrator_name, narrator_exists)

    # A venue ("dinner at the Lantern") is a proven name that is nobody's name or part of one.
    personal = {token for group in cast.groups.values() for name in group.names for token in name.split()}
    ctx = _Context(cast, people, {n for n in names_ok if not personal & set(n.split())})
    opens = [i == 0 or p.scene_break_before or chapters[i] != chapters[i - 1] for i, p in enumerate(paragraphs)]
    analyses = [
        _paragraph(i, chapters[i], texts[i], segments[i], hits_by_paragraph[i], opens[i], ctx)
        for i in range(len(paragraphs))
    ]
    narrator = people.get(NARRATOR)
    if narrator is not None:
        for index, voiced in enumerate(first_person):
            if voiced and NARRATOR not in analyses[index].mentions:
                analyses[index].mentions += (NARRATOR,)
                narrator.mentions += 1
                narrator.first = index if narrator.first < 0 else min(narrator.first, index)
    characters = _characters(people, narrator_name, texts, analyses)
    interiors = {a.place: interior(a.place) for a in analyses if a.place}
    start_time: TimeOfDay = next((a.time_of_day for a in analyses if a.time_of_day), "day")
    scenes = segment_scenes(document, analyses, interiors, start_time)
    return Analysis("en", characters, analyses, scenes, cooccurrence(analyses))


@dataclass
class _Context:
    """What every paragraph's analysis needs from the whole-text passes."""

    cast: Cast
    people: dict[str, Person]
    names_ok: set[str]


def _paragraph(
    index: int, chapter: int, text: str, segments: list[Segment], hits: list[Hit], opens: bool, ctx: _Context
) -> ParagraphAnalysis:
    cast, people = ctx.cast, ctx.people
    utterances: list[Utterance] = []
    previous: Segment | None = None
    for segment in segments:
        person = people.get(cast.find(segment.speaker)) if segment.speaker else None
        said = text[segment.start : segment.end]
        spoken = segment.kind != "narration"
        cues = cues_of(said, segment.attribution)
        # An action beat right before a quote ("Lucy laughed.") colours the line.
        beat = text[previous.start : previous.end] if previous and previous.kind == "narration" and spoken else ""
        previous = segment
        if person is not None and segment.kind == "dialogue":
            person.lines += 1
            if person.first < 0 or index < person.first:
                person.first = index
        utterances.append(
            Utterance(
                kind=segment.kind,
                text=said,
                start=segment.start,
                end=segment.end,
                speaker=person.key if person else None,
                attribution=segment.attribution,
                emotion=emotion_of(said, f"{segment.attribution} {beat}", spoken),
                cues=cues,
                tension=score_tension(cues, said.count("!"), said.count("?"), spoken),
            )
        )
    quoted = [(u.start, u.end) for u in utterances if u.kind != "narration"]
    mentions: list[str] = []
    for hit in hits:
        key = cast.key_of(hit)
        person = people.get(cast.find(key)) if key is not None else None
        if person is not None:
            note_mention(person, index, text, hit, any(a <= hit.start < b for a, b in quoted))
            if person.key not in mentions:
                mentions.append(person.key)
    narration = [u for u in utterances if u.kind == "narration"]
    cued = sum(1 for u in utterances if u.cues)
    strongest = max((u.tension for u in utterances), default=0.0)
    opening = " ".join(u.text for u in narration if u.start < 300)
    spans = [(u.start, u.end) for u in narration]
    return ParagraphAnalysis(
        index=index,
        chapter=chapter,
        utterances=utterances,
        mentions=tuple(mentions),
        tension=min(1.0, strongest + 0.05 * max(0, cued - 1)),
        place=setting(text, spans, hits, cast, ctx.names_ok, opens),
        # Only the opening narration sets the clock; "at midnight" later on is usually a plan.
        time_of_day=time_of_day(narration[0].text) if narration and narration[0].start < 300 else None,
        time_shift=bool(opening) and time_shift(opening),
    )


def _characters(
    people: dict[str, Person], narrator_name: str | None, texts: list[str], analyses: list[ParagraphAnalysis]
) -> list[CharacterInfo]:
    unique = {id(p): p for p in people.values()}.values()
    first_lines: dict[str, str] = {}
    for analysis in analyses:
        for u in analysis.utterances:
            if u.speaker and u.kind == "dialogue":
                first_lines.setdefault(u.speaker, u.text)
    # A character matters when named a few times or heard at least once and named again.
    kept = [p for p in unique if p.key == NARRATOR or p.mentions + 2 * p.lines >= 3]
    kept.sort(key=lambda p: (-(p.mentions + p.lines), max(p.first, 0)))
    return [character_info(p, narrator_name, texts, first_lines.get(p.key, "")) for p in kept]
