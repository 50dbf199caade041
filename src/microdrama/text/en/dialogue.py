"""Who says each quote: tags, pronouns, beats, continuations and turn-taking.

One ``Attributor`` walks the paragraphs in order and keeps a small conversation
state: the last two speakers, who was mentioned lately in narration, whether the
previous paragraph left a quote open, and whom the previous quote addressed.
A speaker nobody can name yet ("A man entered… 'You had my note?' he asked")
gets a placeholder key ("?1") that a later self-introduction can name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from microdrama.text.analysis import UtteranceKind
from microdrama.text.en.lexicon import THOUGHT_VERBS, Gender
from microdrama.text.en.names import Hit
from microdrama.text.en.narrator import NARRATOR, Turn
from microdrama.text.en.resolve import SpeakerState
from microdrama.text.en.segment import Quote, find_quotes, narration_spans, quote_gaps, sentence_spans, trim
from microdrama.text.en.tags import (
    Tag,
    embedded,
    entrances,
    first_person,
    self_names,
    tag_after,
    tag_before,
    vocatives,
)

_SENTENCE_END = re.compile(r"[.!?](?=\s)")
_OPENING_PRONOUN = re.compile(r"(He|She)\b")
_LATER_PRONOUN = re.compile(r"\b(?:[Aa]nd|[Tt]hen|[Bb]ut)\s+(he|she)\b")  # "Then it was gone, and he kissed her"
_SUBJECT_NAME = 12  # a name this close to a sentence start is its subject
_UNQUOTED_THOUGHT = re.compile(r"[,?!]\s+(?P<s>I|he|she)\s+(?:thought|wondered)\.?$")


@dataclass
class Segment:
    kind: UtteranceKind
    start: int
    end: int
    speaker: str | None = None  # raw key: group key, placeholder "?n", extra name or "I"
    attribution: str = ""


@dataclass
class Attributor(SpeakerState):
    """Walks the paragraphs in order; see the module docstring."""

    # -- one paragraph --------------------------------------------------------------------
    def new_scene(self) -> None:
        self.scene += 1
        self.scene_speakers.clear()
        self.last_two.clear()
        self.previous_was_dialogue = False
        self.open_speaker = None
        self.last_addressee = None
        self.turns.append(None)

    def paragraph(self, text: str, hits: list[Hit]) -> tuple[list[Segment], bool]:
        """Segments of one paragraph, and whether its narration speaks in the first person."""
        quotes = [q for q in find_quotes(text, self.style) if not (q.closed and embedded(text, q.start, q.end))]
        gaps = quote_gaps(text, quotes)
        ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        inside = [(q.start, q.end) for q in quotes]
        local: list[tuple[int, int, str]] = []
        for hit in hits:
            key = self.cast.key_of(hit)
            if key is not None and not any(a <= hit.start < b for a, b in inside):
                local.append((bisect_right(ends, hit.start), hit.start, key))
        for a, b in gaps:
            for offset, gender in entrances(text, a, b):
                newcomer = self._placeholder(gender)
                local.append((bisect_right(ends, offset), offset, newcomer))
                if gender is not None:
                    self.topic[gender] = newcomer  # "an elderly woman stood upon the steps. She…"
        local.sort(key=lambda c: c[1])
        voice = next((p for p in (first_person(text, a, b) for a, b in gaps) if p >= 0), -1)
        if not quotes:
            self._after_narration(text, local, voice)
            return _narration(text, [(0, len(text))], []), voice >= 0

        tags: list[Tag | None] = []
        for k in range(len(quotes)):
            tags.append(tag_after(text, *gaps[k + 1]) or tag_before(text, *gaps[k]))
        called = [tuple(vocatives(text, q.start, q.end)) for q in quotes]
        speakers: list[str | None] = []
        said_here: list[str] = []
        for tag, names in zip(tags, called, strict=True):
            key = self.resolve(tag, local, said_here, names) if tag else None
            speakers.append(key)
            if key is not None:
                said_here.append(key)
        attributions = [text[t.start : t.end] if t else "" for t in tags]
        how = [t.kind if t else "inferred" for t in tags]
        if not said_here and self.pending_speaker is not None and not trim(text, *gaps[0])[1]:
            said_here.append(self.pending_speaker)
            speakers[0] = self.pending_speaker
            how[0] = "pending"
        self.pending_speaker = None
        if not said_here:
            speaker, beat = self._infer(text, quotes, gaps, local)
            speakers = [speaker] * len(quotes)
            attributions = [beat] * len(quotes)
        else:
            fallback = said_here[0]
            first_how = how[speakers.index(fallback)]
            how = [first_how if s is None else h for s, h in zip(speakers, how, strict=True)]
            speakers = [s if s is not None else fallback for s in speakers]

        speakers = self._check(text, quotes, speakers, how, called)
        addressed = [name for names in called for name in names]
        self._after_dialogue(quotes, speakers, addressed, local, voice)
        self._note_topics(text, gaps, local)

        segments = _narration(text, gaps, [t for t in tags if t])
        for k, quote in enumerate(quotes):
            start, end = trim(text, quote.start, quote.end, " \t")
            if start >= end:
                continue
            tag = tags[k]
            kind: UtteranceKind = "inner" if tag is not None and tag.verb in THOUGHT_VERBS else "dialogue"
            segments.append(Segment(kind, start, end, speakers[k], attributions[k]))
        segments.sort(key=lambda s: s.start)
        self._thoughts(text, segments, local)
        return segments, voice >= 0

    def _check(
        self,
        text: str,
        quotes: list[Quote],
        speakers: list[str | None],
        how: list[str],
        called: list[tuple[str, ...]],
    ) -> list[str | None]:
        """Correct guessed speakers with what the quotes themselves say."""
        for k, quote in enumerate(quotes):
            speaker = speakers[k]
            if speaker is not None and how[k] != "name" and called[k]:
                # Nobody calls himself by name: a guessed speaker who is addressed here is wrong.
                roots = {self.cast.find(t) for t in map(self.cast.lookup, called[k]) if t is not None}
                if self.cast.find(speaker) in roots:
                    speakers = [self._placeholder(None) if s == speaker else s for s in speakers]
            for name in self_names(text, quote.start, quote.end):
                claimed = self._claim(speakers[k], how[k], name)
                if claimed is not None:  # a guessed speaker who names himself is that person
                    guessed = speakers[k]
                    speakers = [claimed if s == guessed else s for s in speakers]
        return speakers

    def _infer(
        self, text: str, quotes: list[Quote], gaps: list[tuple[int, int]], local: list[tuple[int, int, str]]
    ) -> tuple[str | None, str]:
        """Speaker of an untagged paragraph: continuation, action beat, addressee, then turn-taking."""
        lead = trim(text, *gaps[0])
        if self.open_speaker is not None and lead[0] >= lead[1]:
            return self.open_speaker, ""
        if lead[0] < lead[1]:
            sentence = sentence_spans(text, *lead)[-1]
            key = self._subject(text, sentence, local)
            if key is not None:
                return key, text[sentence[0] : sentence[1]]
        after = trim(text, *gaps[1]) if len(gaps) > 1 else (0, 0)
        if after[0] < after[1]:
            first = next((c for c in local if c[1] == after[0]), None)
            if first is not None:
                return first[2], ""
        if not self.previous_was_dialogue and self.last_subject is not None:
            # "…Then he turned to Nora and lowered his voice." / "'There's one more thing…'"
            return self.last_subject, ""
        addressed = vocatives(text, quotes[0].start, quotes[-1].end)
        excluded = {self.cast.find(k) for k in map(self.cast.lookup, addressed) if k is not None}
        last = self.last_two[-1] if self.last_two else None
        options: list[str] = []
        if self.last_addressee is not None and self.last_addressee != last:
            options.append(self.last_addressee)
        options.extend(self.last_two[:-1])
        options.extend(k for k in reversed(self.recent) if k != last)
        for key in options:
            if self.cast.find(key) not in excluded and (last is None or self.cast.find(key) != self.cast.find(last)):
                return key, ""
        return None, ""

    def _subject(self, text: str, sentence: tuple[int, int], local: list[tuple[int, int, str]]) -> str | None:
        """Who acts in an action beat: a name or "I"/"He"/"She" among its first words."""
        start, end = sentence
        head = text[start : min(end, start + 40)]
        if re.match(r"I\b", head):
            return NARRATOR
        first = next((c for c in local if start <= c[1] < start + _SUBJECT_NAME), None)
        if first is not None:
            return first[2]
        pronoun = _OPENING_PRONOUN.match(text, start, end) or _LATER_PRONOUN.search(text, start, end)
        if pronoun:
            gender: Gender = "male" if pronoun.group(1).lower() == "he" else "female"
            tag = Tag(pronoun.start(1), pronoun.end(1), pronoun.group(1), "", "pronoun", gender)
            return self.resolve_known(tag, local, [])
        return None

    def _claim(self, speaker: str | None, how: str, name: str) -> str | None:
        """ "I am the King": link the speaker to that person; returns a replacement for a guessed speaker."""
        target = self._name_key(name, claimed=True)
        if speaker is None or target is None:
            return target if how == "inferred" else None
        a, b = self.cast.find(target), self.cast.find(speaker)
        if a == b:
            return None
        if b.startswith("?"):  # an unnamed speaker gets a name (and lends it the gender we saw)
            if self.gender(a) is None and a not in self.cast.groups:
                self.genders[a] = self.genders.get(b)
            self.cast.union(target, speaker)
            return None
        if how == "inferred":
            return target
        if b == NARRATOR:  # "My name is Hollis," said I.
            self.narrator.votes[a] += 3
            return None
        named = {self.cast.find(k) for k in self.explicit}
        if None not in (self.gender(a), self.gender(b)) and self.gender(a) != self.gender(b):
            return target if how != "name" else None  # a woman is not "Mr. Holmes": the guess was wrong
        if how == "name" or b not in named:
            # Tagged by name, or never tagged by name before (a weak identity such as "the Count").
            if not self.explicit.get(a, set()) & self.explicit.get(b, set()):
                self.cast.union(target, speaker)
            return None
        return target  # "I am Mr. Holmes," answered my companion: the claim beats the guess

    def _note_topics(self, text: str, gaps: list[tuple[int, int]], local: list[tuple[int, int, str]]) -> None:
        """Remember, per gender, who the narration's sentences are about ("Nora took the page."),
        and whether the narration went on about "she"/"he" without naming anyone."""
        self.chain = set()
        for gap in gaps:
            for start, _ in sentence_spans(text, *gap):
                pronoun = _OPENING_PRONOUN.match(text, start)
                if pronoun:
                    self.chain.add("male" if pronoun.group(1) == "He" else "female")
                first = next((c for c in local if start <= c[1] < start + _SUBJECT_NAME), None)
                gender = self.gender(first[2]) if first else None
                if first is not None and gender is not None:
                    self.topic[gender] = first[2]

    def _after_narration(self, text: str, local: list[tuple[int, int, str]], voice: int) -> None:
        tag = tag_before(text, 0, len(text)) if text.rstrip().endswith(":") else None
        self.pending_speaker = self.resolve(tag, local, []) if tag else None
        spans = sentence_spans(text)
        self.last_subject = self._subject(text, spans[-1], local) if spans else None
        self._note_topics(text, [(0, len(text))], local)
        for _, _, key in local:
            self._remember(key)
        if voice >= 0:
            self._remember(NARRATOR)
        self.previous_was_dialogue = False
        self.open_speaker = None

    def _after_dialogue(
        self,
        quotes: list[Quote],
        speakers: list[str | None],
        addressed: list[str],
        local: list[tuple[int, int, str]],
        voice: int,
    ) -> None:
        for _, _, key in local:
            self._remember(key)
        if voice >= 0:
            self._remember(NARRATOR)
        for said in speakers:
            if said is None:
                continue
            self._remember(said)
            root = self.cast.find(said)
            self.last_two = [*[k for k in self.last_two if self.cast.find(k) != root][-1:], said]
        self.previous_was_dialogue = True
        self.last_subject = None
        for said in speakers:
            gender = self.gender(said) if said else None
            if said is not None and gender is not None:
                self.scene_speakers.setdefault(gender, set()).add(self.cast.find(said))
        self.open_speaker = speakers[-1] if not quotes[-1].closed else None
        targets = [self.cast.lookup(p) for p in addressed]
        self.last_addressee = next((t for t in reversed(targets) if t is not None), None)
        self.turns.append(Turn(speakers[-1], addressed))
        if speakers[-1] is not None:
            for phrase in addressed:
                self.habits[(self.cast.find(speakers[-1]), phrase.lower())] += 1
        named = {self.cast.find(k) for k in self.explicit}
        self.narrator.vote(self.cast, self.turns, named, self.names_ok, self.extras)

    def _thoughts(self, text: str, segments: list[Segment], local: list[tuple[int, int, str]]) -> None:
        """Unquoted thought in narration: "What was she hiding? I wondered." becomes inner voice."""
        for segment in segments:
            if segment.kind != "narration":
                continue
            match = _UNQUOTED_THOUGHT.search(text, segment.start, segment.end)
            if match:
                subject = match.group("s")
                if subject == "I":
                    segment.speaker = NARRATOR
                else:
                    gender: Gender = "male" if subject == "he" else "female"
                    tag = Tag(match.start("s"), match.end("s"), subject, "thought", "pronoun", gender)
                    segment.speaker = self.resolve(tag, local, [])
                segment.kind = "inner"
                segment.attribution = text[match.start("s") : segment.end].rstrip(".")
                segment.end = trim(text, segment.start, match.start())[1]


def _narration(text: str, gaps: list[tuple[int, int]], tags: list[Tag]) -> list[Segment]:
    """Narration sentences of the gaps, leaving out the tag clauses (they are attribution)."""
    spans = narration_spans(text, gaps, [(t.start, t.end) for t in tags])
    return [Segment("narration", start, end) for start, end in spans]
