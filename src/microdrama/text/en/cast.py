"""From name statistics to a cast: which runs are people, which are places, who is who.

"Sherlock Holmes", "Holmes" and "Mr. Holmes" become one character because the
shorter forms are contiguous pieces of exactly one longer name; "the King" joins
the only character ever titled King. Identity evidence found later (a vocative
naming the narrator, "I am the King") merges groups through ``Cast.union``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from microdrama.text.en.lexicon import (
    FEMALE_NAMES,
    KNOWN_PLACES,
    MALE_NAMES,
    OF_HEADS,
    ORGANISATION_TAILS,
    PLACE_TAILS,
    STANDALONE_TITLES,
    STOP_WORDS,
    TITLES,
    Gender,
)
from microdrama.text.en.names import Hit, NameStats

_TITLE_GENDER: dict[str, Gender | None] = {display: gender for display, gender in TITLES.values()}
_ROYAL = {"majesty": ("King", "Queen", "Emperor", "Empress"), "highness": ("Prince", "Princess", "Duke")}


@dataclass
class Group:
    key: str
    names: list[str]  # name parts merged into this character
    surfaces: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)
    male: float = 0.0
    female: float = 0.0
    mentions: int = 0
    first: int = 0

    @property
    def gender(self) -> Gender | None:
        if self.male > self.female:
            return "male"
        if self.female > self.male:
            return "female"
        return None


@dataclass
class Cast:
    groups: dict[str, Group]
    by_name: dict[str, str]  # name part -> group key
    by_title: dict[str, str]  # canonical title used alone -> group key
    places: set[str]
    parent: dict[str, str] = field(default_factory=dict)  # union-find over keys and placeholders

    def find(self, key: str) -> str:
        root = key
        while root in self.parent:
            root = self.parent[root]
        while key != root:  # path compression keeps later look-ups cheap
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, keep: str, other: str) -> None:
        a, b = self.find(keep), self.find(other)
        if a != b:
            self.parent[b] = a

    def key_of(self, hit: Hit) -> str | None:
        if hit.name:
            return self.by_name.get(hit.name)
        if hit.title and hit.prev in ("the", "his", "her", "your", "my", "our"):
            return self.by_title.get(hit.title)
        return None

    def lookup(self, phrase: str) -> str | None:
        """Group key for a phrase from a tag or vocative: "Holmes", "Mr. Holmes", "the King"."""
        words = phrase.replace("’", "'").split()
        while words and words[0].lower() in ("the", "my", "our", "your", "his", "her", "dear", "o"):
            words.pop(0)
        if words and words[-1].endswith("'s"):
            words[-1] = words[-1][:-2]
        if not words:
            return None
        first = words[0].rstrip(".").lower()
        if len(words) == 1 and first in _ROYAL:
            keys = {self.by_title[t] for t in _ROYAL[first] if t in self.by_title}
            return keys.pop() if len(keys) == 1 else None
        name = " ".join(words)
        if name in self.by_name:
            return self.by_name[name]
        if first in TITLES:
            rest = " ".join(words[1:])
            if rest:
                return self.by_name.get(rest)
            return self.by_title.get(TITLES[first][0])
        return None

    def gender(self, key: str) -> Gender | None:
        group = self.groups.get(self.find(key))
        return group.gender if group else None


def common_words(hits_by_paragraph: list[list[Hit]], lowercase: Counter[str]) -> set[str]:
    """Capitalised words that are ordinary words too: they also appear in lowercase mid-sentence."""
    capitalised: Counter[str] = Counter(t.lower() for hits in hits_by_paragraph for h in hits for t in h.tokens)
    common = {w for w, n in capitalised.items() if lowercase[w] >= 2 and lowercase[w] >= 0.3 * n}
    return common | STOP_WORDS


def split_conflicting_titles(hits_by_paragraph: list[list[Hit]]) -> None:
    """ "Mr. Godfrey Norton" and "Mrs. Godfrey Norton" are two people: give the minority its own name."""
    votes: dict[str, Counter[str]] = {}
    for hits in hits_by_paragraph:
        for hit in hits:
            gender = _TITLE_GENDER.get(hit.title)
            if hit.name and gender:
                votes.setdefault(hit.name, Counter())[gender] += 1
    majority = {name: c.most_common(1)[0][0] for name, c in votes.items() if len(c) > 1}
    for hits in hits_by_paragraph:
        for hit in hits:
            if hit.name in majority and _TITLE_GENDER.get(hit.title) not in (None, majority[hit.name]):
                hit.name = f"{hit.title} {hit.name}"


def _is_place(name: str, stats: NameStats) -> bool:
    tokens = name.split()
    lower = [t.lower() for t in tokens]
    if stats.titles:
        return False
    if lower[-1].rsplit("-", 1)[-1] in PLACE_TAILS and (len(tokens) > 1 or "-" in lower[-1]):
        return True  # "Baker Street", "Serpentine-mews"
    if len(tokens) > 2 and "of" in lower and lower[0] in OF_HEADS and lower[0] not in TITLES:
        return True
    if name.lower() in KNOWN_PLACES:
        return True
    return stats.prepositions >= 2 and stats.prepositions * 2 >= stats.count and stats.speech == 0


def _plausible(name: str, stats: NameStats, common: set[str], everything: dict[str, NameStats]) -> bool:
    """Could this run be a person's name at all? (Counting comes later, per character.)"""
    lower = [t.lower() for t in name.split()]
    if stats.titles:
        return True
    if all(w in common for w in lower) or (len(lower) == 1 and lower[0] in PLACE_TAILS):
        return False
    if lower[-1].rsplit("-", 1)[-1] in ORGANISATION_TAILS:
        return False
    if len(lower) > 1 and not any(w in common for w in lower):
        # "Celia Marsh arrived" at a sentence start still counts if "Celia" is a name elsewhere.
        first = everything.get(name.split()[0])
        if lower[0] in MALE_NAMES or lower[0] in FEMALE_NAMES or (first is not None and first.mid > 0):
            return True
    return stats.mid > 0 or stats.speech > 0  # else only capitalised because it starts sentences


def _evidence(name: str, stats: NameStats) -> bool:
    """Something says it is a person: a title, a speech verb, a given name, he/she after it."""
    first = name.split()[0].lower()
    pronouns = stats.male + stats.female
    return (
        bool(stats.titles)
        or stats.speech > 0
        or first in MALE_NAMES
        or first in FEMALE_NAMES
        or (pronouns >= 2 and pronouns >= 0.3 * stats.count)
    )


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _titled(name: str) -> bool:
    # "Mrs. Godfrey Norton", "King of Bohemia": the title is part of the name; nobody's surname joins it.
    return name.split()[0].rstrip(".").lower() in TITLES


def _choose(candidates: list[Group]) -> Group | None:
    """The only candidate, or one that clearly dominates (twice the mentions of the next)."""
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(candidates, key=lambda g: -g.mentions)
    if len(ranked) > 1 and ranked[0].mentions >= 2 * ranked[1].mentions:
        return ranked[0]
    return None


def build_cast(
    stats: dict[str, NameStats], bare_titles: dict[str, Counter[str]], common: set[str], min_count: int
) -> Cast:
    places = {n for n, s in stats.items() if _is_place(n, s) and n.lower() not in common}
    plausible = {n for n, s in stats.items() if n not in places and _plausible(n, s, common, stats)}
    candidates = [n for n in stats if n not in places and not all(w.lower() in common for w in n.split())]
    # Longest names first, so "Holmes" meets "Sherlock Holmes" before it could stand alone.
    candidates.sort(key=lambda n: (-len(n.split()), -stats[n].count))
    groups: list[Group] = []
    proven: set[int] = set()  # ids of groups with person evidence or a speaking tag
    spoken: set[int] = set()
    for name in candidates:
        tokens = name.split()
        hosts = [g for g in groups if any(_contains(n.split(), tokens) for n in g.names if not _titled(n))]
        host = _choose(hosts)
        if host is None and (hosts or name not in plausible):
            continue  # "Vale" when there are two Vales is nobody's; "Crane:" alone proves nothing
        if host is None:
            host = Group(key=name, names=[], first=stats[name].first)
            groups.append(host)
        entry = stats[name]
        host.names.append(name)
        host.surfaces.update(entry.surfaces)
        host.titles.update(entry.titles)
        host.mentions += entry.count
        host.first = min(host.first, entry.first)
        host.male += entry.male
        host.female += entry.female
        if _evidence(name, entry):
            proven.add(id(host))
        if entry.speech:
            spoken.add(id(host))
    # Thresholds apply to a character, not to each of its forms ("Jonas Crane" once, "Crane" once).
    groups = [g for g in groups if id(g) in proven and (g.mentions >= min_count or id(g) in spoken)]
    title_hosts: dict[str, Group] = {}
    for title in {t for g in groups for t in g.titles} | set(bare_titles):
        if title.lower().rstrip(".") not in STANDALONE_TITLES and title != "Dr.":
            continue
        surfaces = bare_titles.get(title, Counter())
        used = sum(surfaces.values())
        host = _choose([g for g in groups if title in g.titles])
        if host is None and used >= max(3, min_count):
            host = Group(key=surfaces.most_common(1)[0][0], names=[], first=0)  # "the colonel" as a name
            groups.append(host)
        if host is not None:
            title_hosts[title] = host
            host.surfaces.update(surfaces)
            host.mentions += used
    for group in groups:
        _settle(group)
    by_name = {name: g.key for g in groups for name in g.names}
    by_title = {title: g.key for title, g in title_hosts.items()}
    return Cast({g.key: g for g in groups}, by_name, by_title, places)


def _settle(group: Group) -> None:
    """Key = the fullest untitled name; gender from titles, then given names, then pronouns."""
    if group.names:
        group.key = max(group.names, key=lambda n: (len(n.split()), group.surfaces[n], -len(n)))
    for title, n in group.titles.items():
        gender = _TITLE_GENDER.get(title)
        if gender == "male":
            group.male += 3 * n
        elif gender == "female":
            group.female += 3 * n
    for name in group.names:
        given = name.split()[0].lower()
        group.male += 2 * (given in MALE_NAMES)
        group.female += 2 * (given in FEMALE_NAMES)
