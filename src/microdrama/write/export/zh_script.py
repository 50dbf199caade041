"""中文剧本: the Chinese screenplay layout, written as Markdown.

Layout (English series use the same layout with English words)::

    # 剧名
    ## 人物表            - 华老栓（主角，男，老年）：描述
    ## 第1集 标题        【钩子】…  【梗概】…
    ### 1-1 夜 内 茶馆   人物：华老栓、华大妈
    【镜头 1-1-1 全景 推 4秒】
    △ 动作
    华大妈（惊）：台词 / 旁白：… / 华老栓（OS）：…
    【卡点】… or, on the paywall episode, 【付费卡点】…

Every element is its own paragraph, so a Markdown viewer shows one per line,
and story text is backslash-escaped so it never turns into Markdown syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from microdrama.model import Bible, Character, Episode, Line, Scene, Shot
from microdrama.write.export import common
from microdrama.write.export.labels import Words, seconds, words

SUFFIX = ".md"
# Inline syntax: code, emphasis, links, HTML and entities, tables,
# strikethrough, and "#" which would close an ATX heading.
_INLINE_RE = re.compile(r"([\\`*_\[\]<>&|~#])")
# Block syntax that only matters at the start of a line: quotes, lists,
# setext underlines; an ordered list ("1." / "1)") is escaped at its dot.
_BLOCK_START_RE = re.compile(r"^([>+=-])")
_ORDERED_RE = re.compile(r"^(\d+)([.)])")


def render(bible: Bible, episodes: Sequence[Episode], options: common.Options, *, front_matter: bool = True) -> str:
    vocabulary = words(bible.series.language)
    blocks = ["# " + md(bible.series.title)]
    if front_matter:  # logline and cast list: once, in the series file
        blocks.extend(_header(bible, vocabulary))
        blocks.extend(_cast(bible, vocabulary))
    for episode in episodes:
        blocks.extend(_episode(bible, episode, options, vocabulary))
    return "\n\n".join(blocks) + "\n"


def md(text: str) -> str:
    """One line of story text, escaped for use inside a Markdown paragraph."""
    return _INLINE_RE.sub(r"\\\1", common.one_line(text))


def md_start(text: str) -> str:
    """Like md, for text that starts a line (a speaker's name)."""
    return _ORDERED_RE.sub(r"\1\\\2", _BLOCK_START_RE.sub(r"\\\1", md(text)))


def _marker(vocabulary: Words, label: str, text: str = "") -> str:
    return f"{vocabulary.open}{label}{vocabulary.close}{md(text)}".rstrip()


def _tags(vocabulary: Words, tags: list[str]) -> str:
    return f"{vocabulary.paren_open}{vocabulary.comma.join(tags)}{vocabulary.paren_close}" if tags else ""


def _header(bible: Bible, vocabulary: Words) -> list[str]:
    series = bible.series
    blocks = []
    if series.logline.strip():
        blocks.append(_marker(vocabulary, vocabulary.logline, series.logline))
    if series.genres:
        blocks.append(_marker(vocabulary, vocabulary.genres, vocabulary.list_sep.join(series.genres)))
    if series.tropes:
        blocks.append(_marker(vocabulary, vocabulary.tropes, vocabulary.list_sep.join(series.tropes)))
    if series.sources:
        blocks.append(_marker(vocabulary, vocabulary.adapted, common.sources(bible)))
    return blocks


def _cast(bible: Bible, vocabulary: Words) -> list[str]:
    if not bible.characters:
        return []
    return ["## " + vocabulary.cast, "\n".join(_cast_entry(c, vocabulary) for c in bible.characters)]


def _cast_entry(character: Character, vocabulary: Words) -> str:
    facts = [vocabulary.roles[character.role], vocabulary.genders[character.gender], vocabulary.ages[character.age]]
    tags = [md(fact) for fact in facts if fact]
    if character.aliases:
        # "/" because the tags are already separated by commas.
        tags.append(md(vocabulary.aliases + " / ".join(character.aliases)))
    entry = f"- {md_start(character.name)}{_tags(vocabulary, tags)}"
    description = md(character.description)
    return f"{entry}{vocabulary.colon}{description}" if description else entry


def _episode(bible: Bible, episode: Episode, options: common.Options, vocabulary: Words) -> list[str]:
    title = vocabulary.episode.format(number=episode.number, title=md(episode.title))
    blocks = ["## " + title, _marker(vocabulary, vocabulary.hook, episode.hook.text)]
    if episode.summary.strip():
        blocks.append(_marker(vocabulary, vocabulary.summary, episode.summary))
    for scene in episode.scenes:
        blocks.extend(_scene(bible, scene, options, vocabulary))
    label = vocabulary.paywall if common.is_paywall(bible, episode) else vocabulary.cliffhanger
    blocks.append(_marker(vocabulary, label, episode.cliffhanger.text))
    return blocks


def heading(bible: Bible, scene: Scene) -> str:
    vocabulary = words(bible.series.language)
    parts = [scene.id, vocabulary.times[scene.time], vocabulary.settings[scene.setting]]
    return "### " + " ".join([*parts, md(common.location_name(bible, scene))])


def _scene(bible: Bible, scene: Scene, options: common.Options, vocabulary: Words) -> list[str]:
    blocks = [heading(bible, scene)]
    if scene.cold_open:
        blocks.append(_marker(vocabulary, vocabulary.cold_open))
    if scene.characters:
        names = vocabulary.list_sep.join(md(bible.speaker_name(c)) for c in scene.characters)
        blocks.append(f"{vocabulary.present}{vocabulary.colon}{names}")
    for shot in scene.shots:
        if options.shot_notes:
            blocks.append(_marker(vocabulary, _shot_note(shot, vocabulary)))
        # One △ per line of the description: its line breaks are the writer's.
        blocks.extend("△ " + md(part) for part in common.paragraphs(shot.description))
        blocks.extend(_line(bible, line, shot, vocabulary) for line in shot.lines)
    return blocks


def _shot_note(shot: Shot, vocabulary: Words) -> str:
    parts = [vocabulary.shot, shot.id, vocabulary.framings[shot.framing], vocabulary.cameras[shot.camera]]
    return " ".join([*parts, seconds(shot.seconds, vocabulary)])


def _line(bible: Bible, line: Line, shot: Shot, vocabulary: Words) -> str:
    tags: list[str] = []
    if common.is_narrator(line):
        name = vocabulary.narrator
    else:
        name = bible.speaker_name(line.speaker)
        if line.kind == "inner":
            tags.append(vocabulary.os)
        elif line.kind == "narration":
            tags.append(vocabulary.narrating)
        elif common.off_screen(line, shot):
            tags.append(vocabulary.off_screen)
    if line.emotion != "neutral":
        tags.append(vocabulary.emotions[line.emotion])
    return f"{md_start(name)}{_tags(vocabulary, tags)}{vocabulary.colon}{md(line.text)}"
