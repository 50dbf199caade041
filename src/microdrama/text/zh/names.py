"""Finding character names in Chinese fiction, and grouping their aliases.

jieba's person tags are poor on fiction, so names are found by where they stand:
a character is the subject of many clauses. Pass one counts the first 2-5
characters of every clause; a prefix is a name when it recurs, is *complete*
(no single next character follows it most of the time, which rules out 华大 of
华大妈) and is not a dictionary word of another kind unless it speaks.
Aliases are grouped by shape: 老栓 is a suffix of 华老栓 after a surname, 瑜儿 is
the diminutive of a name ending in 瑜, 老陈 is the familiar form of 陈德福.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeAlias

import jieba.posseg

from microdrama.text.zh.lexicon import (
    KIN,
    LEADING,
    NAME_PREFIXES,
    NON_FINAL,
    NON_INITIAL,
    ROLE_NOUNS,
    STOP_NAMES,
    SURNAMES,
    TITLE_SUFFIXES,
)
from microdrama.text.zh.segment import SPEECH, is_speech_tag_end

_CLAUSE = re.compile(r"[^，。；：！？、“”‘’「」『』\"'（）()《》<>,.;:!?\s…—·]+")
# Character sets, not strings: "" in "abc" is True, and clauses do end the text.
_OPEN_Q = frozenset('“「"')
_CLOSE_Q = frozenset('”」"')
_SENTENCE_BOUNDARY = frozenset('。！？!?…“”「」"')
_VOCATIVE_END = frozenset("，,！!—…")
_COLON = frozenset("：:")
_COMMA = frozenset("，,")
_PLACE_FINAL = frozenset("镇村庄城街店馆寺庙县省市乡巷家府狗猫鸡猪")
_NAME_CHARS = re.compile(r"[\u3400-\u9fff]+[A-Za-z]?")
# A name-shaped word after 的/个/叫… (斜对门的杨二嫂, 一个杨二嫂): minor characters
# are often introduced there rather than as subjects.
_INTRODUCED = re.compile("(?<=[的个叫和跟对见与同问找给让])[" + "".join(sorted(SURNAMES)) + "阿老小]")
_QUOTED = re.compile(r"“[^”]*(?:”|$)|「[^」]*(?:」|$)")
# Up to two leading adverbs/conjunctions (于是便…); group 1 is the last one, kept when nothing follows.
_LEADING_ALT = "|".join(sorted(LEADING, key=len, reverse=True))
_LEADING_RE = re.compile(f"(?:{_LEADING_ALT})?({_LEADING_ALT})")
# jieba tags that a recurring subject may carry and still be a character
# (阿Q is ``n``, 七斤 is ``m``): accepted only with speech evidence.
_SOFT_TAGS = frozenset({"n", "nz", "m", "j", "ng", "l", "i"})
# Familiar titles after a surname: 陈总, 林姐 -> the one full name with that surname.
_FAMILIAR_TITLES = (
    "总",
    "哥",
    "姐",
    "叔",
    "少",
    "董",
    "老",
    "先生",
    "小姐",
    "太太",
    "老板",
    "队",
    "警官",
    "医生",
    "律师",
)

MAX_NAME = 5


def strip_leading(clause: str) -> str:
    """The clause without leading conjunctions and adverbs; '' when it opens with 他的 (someone else's kin)."""
    lead = _LEADING_RE.match(clause)
    if lead and lead.end():
        clause = clause[lead.end() :] or clause[lead.end() - len(lead.group(1)) :]
    if clause.startswith("我的"):
        return clause[2:]
    if clause[:2] in ("他的", "她的", "你的", "他们", "她们"):
        return ""
    return clause


def name_shaped(name: str) -> bool:
    """Surname + given name, 阿/老/小 + name, or a name + title (赵太爷)."""
    if name[0] in SURNAMES and len(name) <= 3:
        return True
    if name[0] in NAME_PREFIXES and len(name) <= 3:
        return True
    return len(name) >= 3 and name.endswith(TITLE_SUFFIXES)


def plausible(name: str) -> bool:
    """Character-level filter: CJK (an ASCII letter may end 阿Q), no function word at the edges."""
    if not _NAME_CHARS.fullmatch(name) or name in STOP_NAMES:
        return False
    if name[0] in NON_INITIAL or name[-1] in NON_FINAL:
        return False
    if len(name) >= 4 and any(char in name for char in "和与及跟同"):
        return False  # 母亲和宏儿: two people
    if name[-1] in _PLACE_FINAL or (name.endswith("人") and not name.endswith(("夫人", "美人"))):
        return False  # 鲁镇, 赵家, 未庄人: places, households and kinds of people open clauses too
    return "的" not in name and not name.startswith("第") and not name.endswith(("起来", "出来", "过来", "下去"))


class NameCollector:
    """Pass one: clause-initial prefix statistics, fed paragraph by paragraph."""

    def __init__(self) -> None:
        self.prefixes: Counter[str] = Counter()
        self.evidence: Counter[str] = Counter()  # speaker positions and vocatives
        self.vocatives: Counter[str] = Counter()
        self.chars = 0
        self.female_pronouns = 0  # 她/伊: whether the text tells genders apart by pronoun
        self.male_pronouns = 0
        self.narrator_words = 0  # 我 outside quotes: a first-person narration

    def feed(self, text: str) -> None:
        self.chars += len(text)
        self.female_pronouns += text.count("她") + text.count("伊")
        self.male_pronouns += text.count("他")
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)] if "“" in text or "「" in text else []
        if "我" in text:
            self.narrator_words += text.count("我") - sum(text.count("我", a, b) for a, b in quoted)
        sentence_subject = ""
        credited = False
        after_quote = False  # the sentence started right after a closing quote: “……”圆规一面…，一面说
        next_quote = 0
        for match in _CLAUSE.finditer(text):
            start, end = match.start(), match.end()
            before = text[start - 1] if start else ""
            if not before or before in _SENTENCE_BOUNDARY:
                sentence_subject, credited = "", False
            if before in _CLOSE_Q:
                after_quote = True
            elif before in _SENTENCE_BOUNDARY or not before:
                after_quote = False
            clause = strip_leading(match.group())
            if not clause:
                continue
            after = text[end : end + 2]
            while next_quote < len(quoted) and quoted[next_quote][1] <= start:
                next_quote += 1  # clauses come in order: walk the quotes along with them
            if next_quote < len(quoted) and quoted[next_quote][0] < start:
                # Inside speech only a vocative counts (“老栓，你……”): talk opens clauses
                # with interjections, insults and song titles.
                if before in _OPEN_Q and len(clause) <= MAX_NAME and after[:1] in _VOCATIVE_END:
                    self.vocatives[clause] += 1
                    for n in range(2, len(clause) + 1):
                        self.prefixes[clause[:n]] += 1
                continue
            if not sentence_subject:
                sentence_subject = clause
            for n in range(2, min(MAX_NAME + 1, len(clause)) + 1):
                self.prefixes[clause[:n]] += 1
            # 他冷笑说：“…” (also with the quote in the next paragraph), or 他说，“…”
            introduces = after[:1] in _COLON and (len(after) == 1 or after[1] in _OPEN_Q)
            introduces = introduces or (after[:1] in _COMMA and after[1:2] in _OPEN_Q)
            speechy = (after_quote and SPEECH.search(clause) is not None) or (introduces and is_speech_tag_end(clause))
            if speechy and not credited:
                credited = True
                for n in range(2, min(MAX_NAME, len(sentence_subject)) + 1):
                    self.evidence[sentence_subject[:n]] += 1
        for match in _INTRODUCED.finditer(text):
            start = match.start()
            word = _CLAUSE.match(text, start, start + MAX_NAME + 1)
            for n in range(2, (word.end() - start if word else 0) + 1):
                self.prefixes[text[start : start + n]] += 1

    def names(self) -> list[str]:
        """Accepted names, most frequent first."""
        tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
        floor = max(2, self.chars // 50_000)
        top_child: dict[str, int] = {}
        for prefix, count in self.prefixes.items():
            if len(prefix) >= 3:
                parent = prefix[:-1]
                if count > top_child.get(parent, 0):
                    top_child[parent] = count
        accepted: list[tuple[int, str]] = []
        for name, count in self.prefixes.items():
            if len(name) > MAX_NAME or count < floor or not plausible(name):
                continue
            if top_child.get(name, 0) > 0.6 * count:
                continue  # incomplete: 华大 is almost always 华大妈
            evidence = self.evidence.get(name, 0)
            tag = tags.get(name)
            if len(name) == 3 and name[-1] == "子" and tags.get(name[1:]) == "n" and name[1:] not in ROLE_NOUNS:
                continue  # 黄缎子: colour + thing, not 黄 + given name
            if name in ROLE_NOUNS:
                ok = evidence >= 1 or count >= 3 * floor
            elif tag is None:
                # 闰土 or 花白胡子 have no name shape but act and speak; 别传 only recurs.
                spoke = evidence - self.vocatives[name]
                surname_given = name[0] in SURNAMES and len(name) in (2, 3) and not name.endswith(TITLE_SUFFIXES)
                shaped = surname_given or (name_shaped(name) and (evidence >= 1 or count >= 2 * floor))
                ok = shaped or spoke >= 1 or count >= 4 * floor
            elif tag.startswith("nr"):
                ok = True
            elif tag == "l" and len(name) == 4:
                ok = count >= 2 * floor  # 假洋鬼子: a set phrase used as a nickname
            elif tag in _SOFT_TAGS:
                # A common noun is rarely addressed or made to speak twice: 水生, 阿Q, 七斤 are.
                addressed = self.vocatives[name]
                ok = (evidence >= 2 or addressed >= 1) and (evidence + addressed) * 10 >= count
            else:
                ok = False
            if ok:
                accepted.append((count + 3 * evidence, name))
        names = {name for _, name in accepted}
        # 老栓一, 小栓坐: a name plus the next word, far rarer than the name alone.
        accepted = [
            (score, name)
            for score, name in accepted
            if not (name[:-1] in names and self.prefixes[name] < 0.35 * self.prefixes[name[:-1]])
        ]
        accepted.sort(key=lambda item: (-item[0], item[1]))
        return [name for _, name in accepted]


def group_aliases(names: list[str]) -> dict[str, str]:
    """Map every name to its group's canonical name (the fullest form)."""
    canonical = {name: name for name in names}
    full_names = [n for n in names if n[0] in SURNAMES and len(n) in (2, 3) and not n.endswith(TITLE_SUFFIXES)]
    for short in sorted(names, key=len):
        longer = [n for n in names if n != short and n.endswith(short)]
        with_surname = [n for n in longer if len(n) == len(short) + 1 and n[0] in SURNAMES]
        if len(with_surname) == 1:  # 老栓 -> 华老栓
            canonical[short] = with_surname[0]
            continue
        if len(longer) == 1 and len(short) >= 2 and name_shaped(short):  # 阿五 -> 蓝皮阿五, 七爷 -> 赵七爷
            canonical[short] = longer[0]
            continue
        if len(short) == 2 and short.endswith("儿"):  # 瑜儿 -> 夏瑜
            owners = [n for n in full_names if n.endswith(short[0]) and n != short]
            if len(owners) == 1:
                canonical[short] = owners[0]
                continue
        familiar = (len(short) == 2 and short[0] in "老小阿" and short[1:] in SURNAMES) or (
            short[0] in SURNAMES and short[1:] in _FAMILIAR_TITLES
        )
        if familiar:  # 老陈 / 陈总 / 陆先生 -> the one full name with that surname
            surname = short[1] if short[0] in "老小阿" else short[0]
            owners = [n for n in full_names if n[0] == surname and n != short and len(n) == 3]
            if len(owners) == 1:
                canonical[short] = owners[0]
    # Follow chains (a -> b -> c) so every name points at a root.
    for name in names:
        root = canonical[name]
        seen = {name}
        while canonical[root] != root and root not in seen:
            seen.add(root)
            root = canonical[root]
        canonical[name] = root
    return canonical


Trie: TypeAlias = dict[str, "Trie"]


def _trie_pattern(words: list[str]) -> str:
    """A regex alternation shaped as a trie: Python's ``re`` tries branches one by one."""
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def build(node: Trie) -> str:
        branches: list[str] = []
        optional = "" in node
        for char in sorted(k for k in node if k):
            branches.append(re.escape(char) + build(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return build(trie)


@dataclass
class Mention:
    start: int
    end: int
    key: str | None  # group key; None for an unresolved relational form
    surface: str  # as written, after folding (华老栓, 小栓的爹)
    relational: bool = False
    extension: str = ""  # a surname glued before a short name (华 of 华老栓)


@dataclass
class Cast:
    """The names found in pass one and how to spot them in pass two."""

    canonical: dict[str, str]  # surface -> group key
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        surfaces = sorted(self.canonical, key=len, reverse=True)
        if not surfaces:
            self.pattern = re.compile(r"(?!x)x")
            return
        extendable = "".join(sorted(SURNAMES))
        kin = "|".join(sorted(KIN, key=len, reverse=True))
        self.pattern = re.compile(
            rf"(?P<sur>[{extendable}])?(?P<name>{_trie_pattern(surfaces)})(?P<rel>(?:的|他|她)(?:{kin}))?"
        )

    def find(self, text: str) -> list[Mention]:
        mentions: list[Mention] = []
        for match in self.pattern.finditer(text):
            name = match.group("name")
            key = self.canonical[name]
            surname = match.group("sur") or ""
            if surname and (name[0] in SURNAMES or len(name) > 3):
                # Only short nicknames take a surname; otherwise it belongs to the previous word.
                start = match.start("name")
                surname = ""
            else:
                start = match.start()
            if match.group("rel"):
                surface = text[match.start("name") : match.end()]
                mentions.append(Mention(match.start("name"), match.end(), None, surface, relational=True))
                continue
            mentions.append(Mention(start, match.end("name"), key, surname + name, extension=surname))
        return mentions
