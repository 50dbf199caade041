"""Who the narrator is: the name other characters call "I".

A vocative names its addressee, who is usually the previous or the next speaker; so
a name used in a turn next to one of the narrator's own ("…, Watson." / "Seven!" I
answered) is a vote for that name. Names of people who speak under a tag of their
own are not the narrator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.en.cast import Cast
from microdrama.text.en.lexicon import word_set

NARRATOR = "I"
_ADDRESS_WORDS = word_set("your my dear mr mrs miss ms dr sir lady lord madam doctor")


@dataclass
class Turn:
    """One dialogue paragraph: who spoke last in it and whom it addressed."""

    speaker: str | None
    vocatives: list[str]


@dataclass
class NarratorEvidence:
    votes: Counter[str] = field(default_factory=Counter)  # group roots or bare names
    name: str | None = None

    def vote(
        self, cast: Cast, turns: list[Turn | None], named: set[str], names_ok: set[str], extras: Counter[str]
    ) -> None:
        """Count the vocatives of the last two turns if one of them is the narrator's."""
        if len(turns) < 2:
            return
        first, second = turns[-2], turns[-1]
        for turn, neighbour in ((first, second), (second, first)):
            if turn is None or neighbour is None or turn.speaker is None or neighbour.speaker is None:
                continue
            if cast.find(neighbour.speaker) != NARRATOR or cast.find(turn.speaker) == NARRATOR:
                continue
            for phrase in turn.vocatives:
                key = cast.lookup(phrase)
                if key is None:
                    bare = " ".join(w for w in phrase.split() if w.rstrip(".").lower() not in _ADDRESS_WORDS)
                    if bare in names_ok:
                        self.votes[bare] += 1
                    continue
                root = cast.find(key)
                if root not in named and root not in (NARRATOR, cast.find(turn.speaker)):
                    self.votes[root] += 1
        # Two votes are enough to settle early, so later turn-taking already knows "Watson" is "I".
        if self.name is None and self.votes and self.votes.most_common(1)[0][1] >= 2:
            self.settle(cast, extras)

    def settle(self, cast: Cast, extras: Counter[str]) -> str | None:
        """Give the narrator the name with most votes; merge that character into "I"."""
        if self.name is not None or not self.votes:
            return self.name
        winner = self.votes.most_common(1)[0][0]
        if winner in cast.groups or winner in extras:
            cast.parent[cast.find(winner)] = NARRATOR
            group = cast.groups.get(winner)
            self.name = group.key if group else winner
        else:
            cast.by_name[winner] = NARRATOR  # a name only ever used to address the narrator
            self.name = winner
        return self.name
