"""Resolving who a tag subject is: names, pronouns, role nouns, placeholders.

``SpeakerState`` is the conversation memory the attributor carries from paragraph
to paragraph; ``resolve`` applies, in order: speakers already found in the same
paragraph, people acting earlier in the paragraph, the other party of the ongoing
exchange, the topic of the surrounding narration, recent mentions, and finally a
new placeholder for someone the text has not named yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.en.cast import Cast
from microdrama.text.en.lexicon import STANDALONE_TITLES, STOP_WORDS, TITLES, Gender, word_set
from microdrama.text.en.narrator import NARRATOR, NarratorEvidence, Turn
from microdrama.text.en.tags import Tag

_RECENT = 16
_STRANGERS = word_set("visitor stranger client guest man woman fellow gentleman lady figure girl boy")


@dataclass
class SpeakerState:
    """Conversation state and the rules that turn a tag subject into a speaker key."""

    cast: Cast
    names_ok: set[str]  # capitalised words proven to be names (for vocatives outside the cast)
    style: str = "double"  # quote marks: "double" or British curly "single"
    recent: list[str] = field(default_factory=list)
    last_two: list[str] = field(default_factory=list)
    previous_was_dialogue: bool = False
    open_speaker: str | None = None
    pending_speaker: str | None = None  # "…someone passing said:" ends a paragraph; the quote follows
    last_addressee: str | None = None
    genders: dict[str, Gender | None] = field(default_factory=dict)  # placeholders and extras
    extras: Counter[str] = field(default_factory=Counter)  # speakers named by a tag but not in the cast
    explicit: dict[str, set[int]] = field(default_factory=dict)  # key -> scenes where a tag named it
    turns: list[Turn | None] = field(default_factory=list)
    narrator: NarratorEvidence = field(default_factory=NarratorEvidence)
    habits: Counter[tuple[str, str]] = field(default_factory=Counter)  # (speaker root, vocative) uses
    scene: int = 0
    topic: dict[str, str] = field(default_factory=dict)  # gender -> who narration is about lately
    chain: set[str] = field(default_factory=set)  # genders of "He…"/"She…" sentences just before
    # gender -> who spoke in this scene
    scene_speakers: dict[str, set[str]] = field(default_factory=dict)
    last_subject: str | None = None  # who acts last in the previous narration-only paragraph
    _placeholders: int = 0

    # -- keys and genders -------------------------------------------------------------
    def gender(self, key: str) -> Gender | None:
        root = self.cast.find(key)
        if root in self.cast.groups:
            return self.cast.groups[root].gender
        return self.genders.get(root)

    def _placeholder(self, gender: Gender | None) -> str:
        self._placeholders += 1
        key = f"?{self._placeholders}"
        self.genders[key] = gender
        return key

    def _name_key(self, phrase: str, claimed: bool = False) -> str | None:
        """Key for a name in a tag or a self-introduction; unknown names become extra speakers.

        A bare title ("said the Count") is a role and resolves like "the man", unless somebody
        introduced himself by it ("I am the Prince"): then it is that person's name.
        """
        key = self.cast.lookup(phrase)
        if key is not None:
            return key
        words = phrase.replace("the ", "").split()
        if not words or words[-1].lower() in STOP_WORDS or not words[-1][:1].isupper():
            return None
        title = TITLES.get(words[0].rstrip(".").lower())
        if len(words) == 1 and title is not None:
            name = f"the {words[0]}"
            if not claimed and name not in self.extras:
                return None
            self.genders.setdefault(name, title[1])
        else:
            name = " ".join(words)
            self.genders.setdefault(name, title[1] if title else None)
        self.extras[name] += 1
        return name

    def _remember(self, key: str) -> None:
        self.recent.append(key)
        if len(self.recent) > _RECENT:
            del self.recent[0]

    # -- pronouns -----------------------------------------------------------------------
    def _pick(self, keys: list[str], gender: Gender | None) -> str | None:
        """First key whose gender matches exactly, else first of unknown gender (never the narrator)."""
        keys = [k for k in keys if self.cast.find(k) != NARRATOR]
        for exact in (True, False):
            for key in keys:
                known = self.gender(key)
                if gender is None or known == gender or (not exact and known is None):
                    return key
        return None

    def resolve(
        self, tag: Tag, local: list[tuple[int, int, str]], said_here: list[str], called: tuple[str, ...] = ()
    ) -> str:
        """Key for a tag subject; ``local`` holds (sentence, offset, key) of this paragraph's narration.

        ``called`` are the quote's vocatives: whoever habitually says "Watson" probably says it again.
        """
        found = self.resolve_known(tag, local, said_here, called)
        return found if found is not None else self._placeholder(tag.gender)

    def resolve_known(
        self, tag: Tag, local: list[tuple[int, int, str]], said_here: list[str], called: tuple[str, ...] = ()
    ) -> str | None:
        """Like ``resolve`` but None instead of a new placeholder when nobody fits."""
        if tag.kind == "I":
            return NARRATOR
        if tag.kind == "other":  # "cried several voices": someone we cannot and need not name
            return self._placeholder(tag.gender)
        if tag.kind == "name" and tag.verb:  # a named tag also makes that person the topic
            key = self._name_key(tag.subject)
            gender = self.gender(key) if key else None
            if key is not None and gender is not None:
                self.topic[gender] = key
        if tag.kind == "name":
            key = self._name_key(tag.subject)
            if key is not None:
                self.explicit.setdefault(self.cast.find(key), set()).add(self.scene)
                return key
        if tag.kind == "noun":
            key = self.cast.lookup(tag.subject)  # "the inspector" may be a known title
            if key is not None:
                return key
            if tag.subject.rsplit(None, 1)[-1].lower() in STANDALONE_TITLES:
                return self._placeholder(tag.gender)  # "said the constable": a role nobody holds by name
        gender = tag.gender
        if tag.kind == "name":  # an unknown bare title: "said the Count"
            gender = TITLES.get(tag.subject.split()[-1].rstrip(".").lower(), ("", None))[1]
        found = self._pick(list(reversed(said_here)), gender) if gender else None
        if found is None:
            before = [c for c in local if c[1] < tag.start]
            for sentence in sorted({c[0] for c in before}, reverse=True):
                found = self._pick([c[2] for c in before if c[0] == sentence], gender)
                if found is not None:
                    break
        if found is None and called:
            found = self._habitual(called, gender)
        if found is None and self.previous_was_dialogue and self.last_two:
            found = self._pick(self._unnamed_first(self.last_two[:-1] + self.last_two[-1:], tag), gender)
        if found is None and gender is not None and tag.kind == "pronoun" and gender in self.chain:
            # The narration just went on about "She…" without a name: she is still its topic,
            # unless the topic is someone only talked about (a letter naming Celia) while one
            # other woman is doing the talking in this scene.
            topic = self.topic.get(gender)
            speakers = self.scene_speakers.get(gender, set())
            if topic is not None and not topic.startswith("?") and self.cast.find(topic) not in speakers:
                topic = next(iter(speakers)) if len(speakers) == 1 else topic
            found = self._pick([topic], gender) if topic is not None else None
        if found is None:
            found = self._pick(self._unnamed_first(list(reversed(self.recent)), tag), gender)
        return found

    def _unnamed_first(self, keys: list[str], tag: Tag) -> list[str]:
        """Order candidates for a noun subject.

        "our visitor", "the stranger": never the protagonist, and people not yet named by a
        tag in this scene first. "my companion", "my friend": the protagonist first.
        """
        if tag.kind != "noun":
            return keys
        head = tag.subject.rsplit(None, 1)[-1].lower()
        lead = self._protagonist()
        if head in ("companion", "friend") and tag.subject.lower().startswith("my "):
            return [k for k in keys if self.cast.find(k) == lead] + [k for k in keys if self.cast.find(k) != lead]
        if head not in _STRANGERS:
            return keys
        named = {self.cast.find(k) for k, scenes in self.explicit.items() if self.scene in scenes}
        others = [k for k in keys if self.cast.find(k) != lead] or keys
        return [k for k in others if self.cast.find(k) not in named] + [k for k in others if self.cast.find(k) in named]

    def _habitual(self, called: tuple[str, ...], gender: Gender | None) -> str | None:
        """The recent person who has most often used these vocatives (at least twice)."""
        phrases = {c.lower() for c in called}
        candidates = {self.cast.find(k) for k in self.recent[-8:]} | {self.cast.find(k) for k in self.last_two}
        scored = [
            (sum(n for (who, said), n in self.habits.items() if who == key and said in phrases), key)
            for key in candidates
            if key != NARRATOR
        ]
        best = max(scored, default=(0, ""))
        return self._pick([best[1]], gender) if best[0] >= 2 else None

    def _protagonist(self) -> str | None:
        groups = self.cast.groups.values()
        return max(groups, key=lambda g: g.mentions).key if groups else None
