"""Finding the subject of a clause: who acts (or speaks) in a stretch of narration.

Chinese drops subjects and puts objects before verbs with 对/向/把, so "the
first name" is often wrong. A subject here is a name, pronoun or unnamed person
that opens a clause (after optional adverbs: 便/又/于是, or a possessive 我的),
or that stands right before the verb without an object marker (有人问他).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from microdrama.text.zh.lexicon import LEADING, OBJECT_MARKERS
from microdrama.text.zh.names import Mention

BOUNDARY = '，。；：！？、…—“”「」"!?,;: '
_CLAUSE_CHARS = r"[^，。；：！？、“”「」\s]"
# A modifier before 的人 holds no verb of handling or moving (便拖出躲在背后的孩子来 is an object).
_MODIFIER = r"[^，。；：！？、“”「」\s把将被拖拉推出进到在给让叫看见]"
_LEADING_RUN = re.compile(
    "(?:" + "|".join(sorted(LEADING, key=len, reverse=True)) + ")*(?:我的|他的|她的|你的|我们的|他们的)?"
)
_KIN_HEADS = (
    "女人|男人|母亲|父亲|妻子|丈夫|儿子|女儿|朋友|孩子|娘|爹|妈|儿媳|媳妇|老婆|曾孙|孙|哥|姐|弟|妹|伙计|徒弟|同伴|家人|"
    "手下|主人|师父|丫头|仆人"
)
# 他的态度…叫道 is 他 speaking; 他的母亲说 is someone else (an unnamed subject below).
_PRONOUN = re.compile(rf"(?:[他她我]|伊(?![万朗拉斯始犁丽莎甸利]))(?!们)(?!的(?:{_KIN_HEADS}))")
# People the text does not name: 那人, 一个花白胡子的人, 黑的人, 他的女人, 一个声音.
# They speak too, and must not lend their lines to the last named character.
_PERSON = (
    "人|女人|男人|老女人|汉子|壮汉|大汉|男子|女子|少女|老头|孩子|青年|少年|姑娘|家伙|驼背|老者|妇人|后生|"
    "警官|警察|医生|护士|司机|保安|伙计|店员|服务员|声音|怪声|声"
)
ANONYMOUS = re.compile(
    rf"(?:那|这|一个|几个|两个|有个|一种|一阵)(?:{_CLAUSE_CHARS}{{0,8}}?的)?(?:{_PERSON})"
    rf"|{_MODIFIER}{{1,8}}?的(?:{_PERSON})"
    r"|(?<=[得见])人(?=[说道问叫喊])"
    rf"|有人|众人|大家|别人|对方|旁人|人们|他们|她们|我们|你们|有的|[他她你我]的(?:{_KIN_HEADS})"
)
_INDEFINITE = re.compile(r"一个|有个|几个|两个|一种|一阵|有人")
# Groups never answer to 他/她 and rarely speak as one.
_PLURAL = re.compile(r"众人|大家|别人|旁人|人们|他们|她们|我们|你们|有的|几个|两个|所有")
_TWO_CHAR_MARKERS = ("向着", "对着", "朝着", "望着", "看着", "冲着", "指着", "跟着", "拉着", "告诉")
_PIVOTS = frozenset("叫让请派劝求逼催使令招")
# A subject this close before the verb is the speaker, whatever opened the clause (有人问他).
_ADJACENT = 3


@dataclass
class Subject:
    pos: int
    end: int
    key: str | None  # a character's provisional key; None for pronouns (resolve them) and unnamed people
    clause_start: bool
    pronoun: str = ""  # 他 / 她 / 我 when the subject is a pronoun
    anonymous: bool = False
    plural: bool = False  # 他们, 众人: an unnamed group
    introduced: bool = False  # named inside a description (一个花白胡子的人)
    indefinite: bool = False  # 一个…的人 brought in mid-sentence: a newcomer, who takes over the topic


def opens_clause(text: str, pos: int, floor: int) -> bool:
    j = pos - 1
    while j >= floor and text[j] not in BOUNDARY:
        j -= 1
    between = text[j + 1 : pos]
    return not between or _LEADING_RUN.fullmatch(between) is not None


def object_marked(text: str, pos: int, floor: int) -> bool:
    """对老栓 / 向着我: the word at ``pos`` is an object, not a subject."""
    if pos <= floor:
        return False
    if text[pos - 1] in OBJECT_MARKERS:
        return True
    if text[pos - 1] in "着了" and text[pos - 2 : pos] not in ("接着", "随着", "趁着", "为了", "除了"):
        return True  # 拖着吴妈, 打了阿Q
    return pos - 2 >= floor and text[pos - 2 : pos] in _TWO_CHAR_MARKERS


def find_subjects(text: str, mentions: list[Mention], begin: int, end: int) -> list[Subject]:
    """Names, pronouns and unnamed people in ``text[begin:end]``, in order."""
    found: list[Subject] = []
    for mention in mentions:
        if begin <= mention.start < end and not mention.relational:
            # 母亲叫闰土坐，他…: the object of a pivot verb acts next, like a subject.
            pivot = mention.start > begin and text[mention.start - 1] in _PIVOTS
            opens = pivot or opens_clause(text, mention.start, begin)
            found.append(Subject(mention.start, mention.end, mention.key, opens))
    # Search a little past ``end`` so lookaheads see the verb (听得人说); keep matches starting before it.
    reach = min(len(text), end + 2)
    for match in _PRONOUN.finditer(text, begin, reach):
        if match.start() >= end:
            break
        opens = opens_clause(text, match.start(), begin)
        found.append(Subject(match.start(), match.end(), None, opens, pronoun=match.group()))
    for match in ANONYMOUS.finditer(text, begin, reach):
        if match.start() >= end:
            break
        named = [x for x in found if not x.pronoun and match.start() <= x.pos < match.end()]
        if named:  # 一个花白胡子的人: the designation inside is the person
            named[0].clause_start = named[0].clause_start or opens_clause(text, match.start(), begin)
            named[0].end = match.end()
            named[0].introduced = True
            continue
        opens = opens_clause(text, match.start(), begin)
        plural = _PLURAL.match(match.group()) is not None
        indefinite = _INDEFINITE.match(match.group()) is not None
        found.append(
            Subject(match.start(), match.end(), None, opens, anonymous=True, plural=plural, indefinite=indefinite)
        )
    found.sort(key=lambda x: x.pos)
    return found


def _has_subject_before(text: str, subjects: list[Subject], target: Subject) -> bool:
    return any(
        other.pos < target.pos and not any(text[i] in BOUNDARY for i in range(other.end, target.pos))
        for other in subjects
    )


def tag_subject(text: str, subjects: list[Subject], begin: int, verb_at: int) -> Subject | None:
    """The subject of the speech verb at ``verb_at`` in a tag starting at ``begin``."""
    before = [x for x in subjects if x.pos < verb_at]
    near = [
        x
        for x in before
        if x.end >= verb_at - _ADJACENT
        and not any(text[i] in BOUNDARY for i in range(x.end, verb_at))
        and not object_marked(text, x.pos, begin)
        and (x.introduced or text[x.end : x.end + 1] != "的")  # 七斤嫂的对面说: a place, not a speaker
    ]
    if near:
        return near[-1]  # 有人问他 / 一个花白胡子的人说
    # 一定走出一个男人来，…摇手道: a newcomer brought in mid-sentence takes the turn,
    # unless its clause already has a subject (阿Q指着近旁的一个孩子: an object).
    opening = [x for x in before if x.clause_start or (x.indefinite and not _has_subject_before(text, before, x))]
    singular = [x for x in opening if not x.plural]
    if singular:
        return singular[-1]  # 我暗想我和掌柜…，而且我们掌柜…答他道: still 我
    if opening:
        return opening[-1]  # 他们又故意的高声嚷道: a group, no one speaker
    free = [x for x in before if not x.pronoun and not x.anonymous and not object_marked(text, x.pos, begin)]
    return free[0] if free else None


def last_subject(subjects: list[Subject], quoted: Callable[[int], bool]) -> Subject | None:
    """The last clause-opening (or newly introduced) subject outside quotes; groups are skipped."""
    for subject in reversed(subjects):
        if subject.plural or quoted(subject.pos):
            continue
        if subject.clause_start or subject.introduced or subject.indefinite:
            return subject
    return None
