"""Who says each quote: tags, pronouns, topic chains and turn-taking.

A paragraph is read as quotes and the narration between them. A quote's tag is
the narration sentence that introduces it (老栓低低的叫道，“……”) or follows it
(“……”花白胡子说。); the speaker is the tag's subject (``subjects.py``). An
untagged quote goes to the subject of the narration just before it, else to
the person the previous turn addressed (“老栓，你……？” → 老栓 answers), else
alternates between the last two speakers. Unnamed speakers (那人说) stay None
rather than lending their lines to the last named character.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.zh.names import Mention
from microdrama.text.zh.pronouns import LOOKBACK, NARRATOR, Antecedents, GenderOf
from microdrama.text.zh.segment import (
    INNER,
    SPEECH,
    Quote,
    find_quotes,
    first_sentence_end,
    is_dialogue,
    is_pure_tag,
    is_speech_tag_end,
    last_sentence_start,
    trim,
)
from microdrama.text.zh.speech import (
    BEAT_LEAD,
    BEAT_PRONOUN,
    INTERJECTION,
    REACTION,
    VOCATIVE_END,
    VOICE_OF,
    Parse,
    Speech,
    last_verb,
    self_named,
    speech_kind,
    split_narration,
)
from microdrama.text.zh.subjects import ANONYMOUS, Subject, last_subject, tag_subject

# How many narration-only paragraphs may pass before a conversation is over.
_QUIET_LIMIT = 1


@dataclass
class Attributor(Antecedents):
    """Attribution state carried from paragraph to paragraph."""

    gender_of: GenderOf
    strict_pronouns: bool  # the text writes 她 for women (Lu Xun writes 他 for both)
    first_person: bool  # narrated by 我: an untagged reply to a lone speaker is the narrator's
    narrator_quiet: int = 99  # paragraphs since the narration last said 我
    recent: list[str | None] = field(default_factory=list)  # recent turns' speakers, None = unknown
    last_addressee: str | None = None
    scene_speakers: set[str] = field(default_factory=set)  # who has spoken since the scene began
    quiet: int = 99
    narration_run: int = 0  # narration-only paragraphs just before this one (scene breaks do not reset it)
    pending: tuple[str | None, str, str] | None = None  # (speaker, attribution, kind) of a tag ending a paragraph
    open_speaker: str | None = None  # speaker of a quote left open at the paragraph end
    previous_subject: Subject | None = None
    previous_keys: list[str] = field(default_factory=list)
    waiting_relational: list[tuple[str, str | None]] = field(default_factory=list)
    relational_votes: dict[str, Counter[str]] = field(default_factory=dict)
    _quoted: list[tuple[int, int]] = field(default_factory=list)
    _quote_starts: list[int] = field(default_factory=list)
    _text: str = ""
    _mentions: list[Mention] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def reset(self) -> None:
        """A scene break ends every conversation."""
        self.recent.clear()
        self.scene_speakers.clear()
        self.last_addressee = None
        self.quiet = 99
        self.pending = None
        self.open_speaker = None
        self.waiting_relational.clear()

    def parse(self, text: str, mentions: list[Mention]) -> Parse:
        quotes = [q for q in find_quotes(text) if is_dialogue(text, q)]
        self._quoted = [(q.start, q.end) for q in quotes]
        self._quote_starts = [q.start for q in quotes]
        self._text = text
        self._mentions = mentions
        self._starts = [m.start for m in mentions]
        if self.quiet > _QUIET_LIMIT:
            self.recent.clear()
            self.last_addressee = None
        pending, self.pending = self.pending, None
        speeches: list[Speech] = []
        removed: list[tuple[int, int]] = []  # bare tags, dropped from narration
        for i, quote in enumerate(quotes):
            previous = (quotes[i - 1], speeches[-1]) if i else None
            ceiling = quotes[i + 1].start if i + 1 < len(quotes) else len(text)
            speech = self._attribute(text, mentions, quote, previous, ceiling, pending)
            if speech.tag and is_pure_tag(text[speech.tag[0] : speech.tag[1]]):
                removed.append(speech.tag)
            # “一个故人留下的。”男人抬起头，“我叫陆景川。” — the man was 陆景川 all along.
            named_later = i and speech.speaker and speeches[-1].speaker is None and self._self_named(mentions, speech)
            if named_later and not any(m.key for m in self._within(quotes[i - 1].end, quote.start)):
                speeches[-1].speaker = speech.speaker
            speeches.append(speech)
            self._note(speech)
        tail = self._tail_tag(text, mentions, quotes)
        if tail is not None and is_pure_tag(text[tail:]):
            removed.append((tail, len(text)))
        narration, inner = self._narration(text, mentions, quotes, removed)
        speeches.extend(inner)
        speeches.sort(key=lambda s: s.start)
        self.quiet = 0 if quotes else self.quiet + 1
        self.narration_run = 0 if quotes else self.narration_run + 1
        narrator_here = any("我" in text[begin:end] for begin, end in narration)
        self.narrator_quiet = 0 if narrator_here else self.narrator_quiet + 1
        quoted_speeches = [s for s in speeches if s.start > quotes[-1].start] if quotes else []
        self.open_speaker = quoted_speeches[0].speaker if quotes and not quotes[-1].closed and quoted_speeches else None
        subject = last_subject(self._subjects(len(text) - LOOKBACK, len(text)), self._is_quoted)
        if subject and subject.pronoun:
            key = self._resolve(subject.pronoun, subject.pos, text, mentions)
            if key:
                subject = Subject(subject.pos, subject.end, key, True)
            elif self._unnamed_antecedent(subject.pos, text, mentions):
                subject = Subject(subject.pos, subject.end, None, True, anonymous=True)  # 那老女人……他: still her
            else:
                subject = None
        self.previous_subject = subject
        keys = [m.key for m in mentions if m.key and not self._is_quoted(m.start)]
        if keys:
            self.previous_keys = keys[-6:]
        return Parse(speeches, narration)

    # -- one quote ---------------------------------------------------------------

    def _attribute(
        self,
        text: str,
        mentions: list[Mention],
        quote: Quote,
        previous: tuple[Quote, Speech] | None,
        ceiling: int,
        pending: tuple[str | None, str, str] | None,
    ) -> Speech:
        begin, end = quote.inner
        speech = Speech("dialogue", begin, end)
        self._vocative(text, mentions, speech)
        floor = previous[0].end if previous else 0
        pre_start = last_sentence_start(text, floor, quote.start)
        post_end = first_sentence_end(text, quote.end, ceiling)
        verb = SPEECH.search(text, quote.end, post_end) or INNER.search(text, quote.end, post_end)
        settled = False  # True once the speaker is known, even if unnamed
        if is_speech_tag_end(text[pre_start : quote.start]) and trim(text, pre_start, quote.start):
            speech.tag = (pre_start, quote.start)
            verb_at = last_verb(text, pre_start, quote.start)
            carry = previous[1].speaker if previous else None
            speech.speaker = self._tag_speaker(text, mentions, speech.tag, verb_at, carry)
            speech.kind = speech_kind(text, speech.tag, verb_at)
        elif quote.start == 0 and pending:
            speech.speaker, speech.attribution, speech.kind = pending
            settled = True
            if speech.speaker is None and trim(text, quote.end, post_end):
                speech.speaker = self._beat(text, mentions, quote.end, post_end)[1]  # 似乎是蓝皮阿五的声音
        elif verb and trim(text, quote.end, post_end):
            speech.tag = (quote.end, post_end)
            speech.speaker = self._tag_speaker(text, mentions, speech.tag, verb.start())
            speech.kind = speech_kind(text, speech.tag, verb.start())
        elif trim(text, quote.end, post_end):
            settled, speech.speaker = self._beat(text, mentions, quote.end, post_end)
        if speech.tag and not speech.attribution:
            span = trim(text, *speech.tag)
            speech.attribution = text[span[0] : span[1]] if span else ""
        elif not settled:
            speech.speaker = self._untagged(text, mentions, quote, previous)
        if speech.speaker is None:
            speech.speaker = self._self_named(mentions, speech)
        if speech.speaker and speech.speaker == speech.addressee:
            speech.speaker = None  # “宝儿，你……” is not said by 宝儿
        return speech

    def _self_named(self, mentions: list[Mention], speech: Speech) -> str | None:
        return self_named(self._text, self._within(speech.start, speech.end), speech)

    def _vocative(self, text: str, mentions: list[Mention], speech: Speech) -> None:
        """A name opening the quote addresses someone: “老栓，你……” / “小栓的爹，你……” / “豁，阿Q，……”."""
        interjection = INTERJECTION.match(text, speech.start, speech.end)
        start = interjection.end() if interjection else speech.start
        for mention in self._within(start, start + 1):
            if text[mention.end : mention.end + 1] in VOCATIVE_END:
                if mention.relational:
                    speech.relational = mention.surface
                else:
                    speech.addressee = mention.key
                return

    def _tag_speaker(
        self, text: str, mentions: list[Mention], tag: tuple[int, int], verb_at: int, carry: str | None = None
    ) -> str | None:
        subject = tag_subject(text, self._subjects(tag[0], verb_at), tag[0], verb_at)
        if subject is None:
            # No subject in the tag (便又说道，): the topic of the narration before it carries over,
            # else the speaker of the quote just before (“……”便向着我说，“……”).
            subject = last_subject(self._subjects(tag[0] - LOOKBACK, tag[0]), self._is_quoted)
            if subject is None:
                return carry
        return self._key(subject, text, mentions, in_tag=True)

    def _key(self, subject: Subject | None, text: str, mentions: list[Mention], in_tag: bool = False) -> str | None:
        if subject is None or subject.anonymous:
            return None
        if subject.pronoun:
            return self._resolve(subject.pronoun, subject.pos, text, mentions, in_tag)
        return subject.key

    def _beat(self, text: str, mentions: list[Mention], begin: int, end: int) -> tuple[bool, str | None]:
        """Narration right after a quote, without a speech verb: (settled, speaker).

        “……”林峰脸色一沉。 — a name acting right after the quote spoke it, unless it
        reacts (听/惊); an unnamed person there (“……”坐在后排的一个人…) is the speaker.
        """
        voice = VOICE_OF.match(text, begin, end)
        if voice:
            inside = [m for m in self._within(begin, voice.end()) if m.key]
            return True, inside[0].key if inside else None
        clause_end = begin
        while clause_end < end and text[clause_end] not in "，。；！？,;!?":
            clause_end += 1
        lead = BEAT_LEAD.match(text, begin, clause_end)
        subject_at = lead.end() if lead else begin
        for mention in self._within(subject_at, subject_at + 1):
            if mention.key:
                if REACTION.search(text, mention.end, clause_end):
                    return False, None
                return True, mention.key  # also 这是驼背五少爷到了
        pronoun = BEAT_PRONOUN.match(text, subject_at, clause_end)
        if pronoun and not REACTION.search(text, pronoun.end(), clause_end):
            key = self._resolve(pronoun.group(1), subject_at, text, mentions)
            return key is not None, key  # “……”他笑着把篮子放在柜台上
        return bool(ANONYMOUS.search(text, begin, clause_end)), None

    def _untagged(
        self, text: str, mentions: list[Mention], quote: Quote, previous: tuple[Quote, Speech] | None
    ) -> str | None:
        if previous:
            last_quote, last = previous
            between = trim(text, last_quote.end, quote.start)
            if between is None:
                return self._turn()  # “……”“……”: a reply
            tag_closes = text[between[1] : between[1] + 1] in ("。", "！", "？", "!", "?")
            if last.tag and last.tag[0] == last_quote.end and last.tag[1] >= between[1] and tag_closes:
                return self._turn()  # “……”孔乙己说。“……” — the other party answers
            subject = last_subject(self._subjects(last_quote.end, quote.start), self._is_quoted)
            if subject:
                return self._key(subject, text, mentions)
            return last.speaker  # narration about the speaker, then more of the same speech
        if quote.start > 0:
            subject = last_subject(self._subjects(quote.start - LOOKBACK, quote.start), self._is_quoted)
            if subject:
                return self._key(subject, text, mentions)  # 老栓脸色一变。“……”
        if quote.start == 0 and self.open_speaker:
            return self.open_speaker
        focus = self.previous_subject
        if self.narration_run == 1 and focus is not None and focus.key and not focus.anonymous:
            return focus.key  # 我问问他的景况。他只是摇头。 / “非常难……” — who the narration just followed
        return self._turn()

    def _turn(self) -> str | None:
        """The next turn of a live conversation."""
        last = self.recent[-1] if self.recent else None
        if self.last_addressee and self.last_addressee != last:
            return self.last_addressee  # “老栓，你……？” — 老栓 answers
        if last is None:
            return None
        if len(self.recent) >= 2:
            return self.recent[-2]  # two people taking turns
        if self.first_person and self.narrator_quiet <= _QUIET_LIMIT + 1 and last != NARRATOR:
            return NARRATOR  # a first-person narrator on the scene answers a lone speaker
        return None

    # -- narration and unquoted thoughts ------------------------------------------

    def _narration(
        self, text: str, mentions: list[Mention], quotes: list[Quote], removed: list[tuple[int, int]]
    ) -> tuple[list[tuple[int, int]], list[Speech]]:
        def thinker(begin: int, colon: int) -> str | None:
            subject = last_subject(self._subjects(begin, colon), lambda _: False)
            subject = subject or last_subject(self._subjects(begin - LOOKBACK, begin), self._is_quoted)
            return self._key(subject, text, mentions)

        cuts = sorted([(q.start, q.end) for q in quotes] + removed)
        return split_narration(text, cuts, thinker)

    # -- state ---------------------------------------------------------------------

    def _note(self, speech: Speech) -> None:
        """Update the conversation after one quote."""
        if speech.kind != "dialogue":
            return
        if speech.speaker is None:
            self.waiting_relational.clear()
        elif any(speech.speaker != by for _, by in self.waiting_relational):
            # The first other person to speak after “小栓的爹，……” is 小栓的爹.
            for surface, by in self.waiting_relational:
                if speech.speaker != by:
                    self.relational_votes.setdefault(surface, Counter())[speech.speaker] += 1
            self.waiting_relational.clear()
        if speech.speaker:
            self.scene_speakers.add(speech.speaker)
        if not self.recent or self.recent[-1] != speech.speaker:
            self.recent.append(speech.speaker)
            del self.recent[:-4]
        if speech.relational:
            self.waiting_relational.append((speech.relational, speech.speaker))
        self.last_addressee = speech.addressee

    def _tail_tag(self, text: str, mentions: list[Mention], quotes: list[Quote]) -> int | None:
        """A paragraph ending in 康大叔走上前，拍他肩膀说： introduces the next paragraph's quote."""
        tail = last_sentence_start(text, quotes[-1].end if quotes else 0, len(text))
        if tail >= len(text) or not text.rstrip().endswith(("：", ":")) or not is_speech_tag_end(text[tail:]):
            return None
        verb_at = last_verb(text, tail, len(text))
        speaker = self._tag_speaker(text, mentions, (tail, len(text)), verb_at)
        span = trim(text, tail, len(text))
        attribution = text[span[0] : span[1]] if span else ""
        self.pending = (speaker, attribution, speech_kind(text, (tail, len(text)), verb_at))
        return tail
