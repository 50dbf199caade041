"""Resolving 他/她/伊 to a character, and the paragraph lookups attribution shares.

The antecedent is the nearest compatible subject: first in the paragraph
(clause-opening names; an unnamed person in between means "unknown"), then the
previous paragraph's last subject, then recent speakers and mentions. In a
reply's tag the pronoun is usually the one just addressed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from microdrama.text.zh.names import Mention
from microdrama.text.zh.subjects import Subject, find_subjects

NARRATOR = "我"
# How far back (characters) a subject or antecedent is looked for: keeps huge paragraphs linear.
LOOKBACK = 400

GenderOf = Callable[[str], str | None]


class Antecedents:
    """Mixed into ``Attributor``, whose state (declared here) it reads."""

    gender_of: GenderOf
    strict_pronouns: bool
    recent: list[str | None]
    last_addressee: str | None
    scene_speakers: set[str]
    previous_subject: Subject | None
    previous_keys: list[str]
    _quoted: list[tuple[int, int]]
    _quote_starts: list[int]
    _text: str
    _mentions: list[Mention]
    _starts: list[int]

    # -- lookups within the paragraph (bisect, so a huge paragraph stays linear) ----

    def _within(self, begin: int, end: int) -> list[Mention]:
        return self._mentions[bisect_left(self._starts, max(0, begin)) : bisect_left(self._starts, end)]

    def _subjects(self, begin: int, end: int) -> list[Subject]:
        begin = max(0, begin)
        return find_subjects(self._text, self._within(begin, end), begin, end)

    def _is_quoted(self, pos: int) -> bool:
        i = bisect_left(self._quote_starts, pos + 1) - 1
        return i >= 0 and self._quoted[i][0] <= pos < self._quoted[i][1]

    def _resolve(self, pronoun: str, pos: int, text: str, mentions: list[Mention], in_tag: bool = False) -> str | None:
        """他/她: the nearest compatible subject before it; an unnamed one (那老女人) means unknown.

        In a reply's tag the pronoun is usually the person just addressed:
        “孔乙己，你又偷了东西了！”……但他这回却不十分分辩 — 他 is 孔乙己.
        """
        if pronoun == "我":
            return NARRATOR
        if pronoun in ("她", "伊"):  # 伊: Lu Xun's "she"
            want: str | None = "female"
        else:
            want = "male" if self.strict_pronouns else None
        addressee = self.last_addressee
        replying = in_tag and addressee in self.scene_speakers and self.recent and self.recent[-1] != addressee
        if replying and addressee and self._fits(addressee, want, pronoun):
            return addressee  # the one just spoken to, who has spoken before, replies
        for scope in self._scopes(pos, text, mentions):
            if scope is None:
                return None  # 那老女人……他想了又想: an unnamed person is nearer
            keys = [k for k in scope if self._fits(k, want, pronoun)]
            # Lu Xun's 他 may be a woman, but within one scope a man is the likelier reading.
            preferred = [k for k in keys if self.gender_of(k) != "female"] if pronoun == "他" else keys
            if preferred or keys:
                return (preferred or keys)[0]
        return None

    def _unnamed_antecedent(self, pos: int, text: str, mentions: list[Mention]) -> bool:
        for scope in self._scopes(pos, text, mentions):
            if scope is None:
                return True
            if scope:
                return False
        return False

    def _fits(self, key: str, want: str | None, pronoun: str) -> bool:
        if key == NARRATOR:
            return False  # 他/她 is never the narrator
        gender = self.gender_of(key)
        return not (want and gender and gender != want)

    def _scopes(self, pos: int, text: str, mentions: list[Mention]) -> list[list[str] | None]:
        """Candidate antecedents, nearest scope first; None marks an unnamed subject in between."""
        window = max(0, pos - LOOKBACK)
        outside = [m for m in self._within(window, pos) if not self._is_quoted(m.start)]
        here: list[str] = []
        for subject in reversed([s for s in find_subjects(text, outside, window, pos) if not s.pronoun]):
            if subject.plural or not (subject.clause_start or subject.introduced):
                continue
            if subject.anonymous:
                return [here] if here else [None]
            if subject.key:
                here.append(subject.key)
        here += [m.key for m in reversed(outside) if m.start < pos and m.key]
        scopes: list[list[str] | None] = [here]
        previous = self.previous_subject
        if previous is not None:
            scopes.append(None if previous.anonymous and previous.clause_start else [previous.key or ""])
        scopes.append([*(k for k in reversed(self.recent) if k), *reversed(self.previous_keys)])
        return [[k for k in scope if k] if scope is not None else None for scope in scopes]
