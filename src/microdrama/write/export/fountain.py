"""Fountain (fountain.io) screenplay text.

Fountain guesses an element's type from its shape (an all-caps line before
dialogue is a cue, a line starting with "INT." is a heading), so text from the
story is escaped or forced wherever its shape could be misread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from microdrama.model import Bible, Episode, Line, Scene, Shot
from microdrama.write.export import common
from microdrama.write.export.labels import Words, seconds, words

SUFFIX = ".fountain"
# Invisible, and breaks "[[" so a parser does not drop the rest as a note.
_ZWSP = "\u200b"
_HEADING_RE = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E)[ .]", re.IGNORECASE)
# Cues parsers accept without "@": plain upper-case Latin names.
_PLAIN_CUE_RE = re.compile(r"^[A-Z][A-Z0-9 .'-]*$")
# First characters that start another element: forced action, cue, section,
# synopsis or page break, lyric, transition or centered text, heading, note.
_MARKERS = "!@#=~>.["


def render(bible: Bible, episodes: Sequence[Episode], options: common.Options, *, subtitle: str = "") -> str:
    vocabulary = words(bible.series.language)
    blocks = [_title_page(bible, options, vocabulary, subtitle)]
    for index, episode in enumerate(episodes):
        if index:
            blocks.append("===")
        blocks.extend(_episode(bible, episode, options, vocabulary))
    return "\n\n".join(blocks) + "\n"


def episode_subtitle(bible: Bible, episode: Episode) -> str:
    vocabulary = words(bible.series.language)
    return vocabulary.episode.format(number=episode.number, title=common.one_line(episode.title))


def escape(text: str) -> str:
    """Escape emphasis, boneyard and note syntax inside one line of text."""
    text = text.replace("*", r"\*")
    # A lone "_" cannot underline anything; leaving it keeps file names readable.
    if text.count("_") > 1:
        text = text.replace("_", r"\_")
    return text.replace("[[", "[" + _ZWSP + "[").replace("]]", "]" + _ZWSP + "]")


def misreadable(line: str) -> bool:
    """Could this action line be taken for another element?"""
    return (
        line[0] in _MARKERS
        or line.isupper()  # a cue, or a transition ("CUT TO:")
        or _HEADING_RE.match(line) is not None
    )


def action(text: str) -> str | None:
    lines = [escape(line) for line in common.paragraphs(text)]
    if not lines:
        return None
    # "!" is stripped from every line of an action paragraph, so a line that
    # really starts with "!" needs a second one, and each risky line gets one.
    return "\n".join("!" + line if misreadable(line) else line for line in lines)


def cue(name: str, extension: str = "") -> str:
    upper = common.one_line(name).upper()
    plain = _PLAIN_CUE_RE.match(upper) is not None and _HEADING_RE.match(upper) is None
    text = upper if plain else "@" + upper
    return f"{text} ({extension})" if extension else text


def _note(text: str) -> str:
    return "[[" + common.one_line(text).replace("]]", "]" + _ZWSP + "]") + "]]"


def _title_page(bible: Bible, options: common.Options, vocabulary: Words, subtitle: str) -> str:
    series = bible.series
    titles = [escape(common.one_line(series.title))]
    if subtitle:
        titles.append(escape(subtitle))
    # Multi-line title page values go indented under a bare key.
    title = f"Title: {titles[0]}" if len(titles) == 1 else "Title:\n" + "\n".join("    " + t for t in titles)
    source = common.sources(bible)
    author = "Adapted by microdrama" + (f" from {source}" if source else "")
    lines = [title]
    if series.episode_count:  # 0 while the series is still an idea: say nothing rather than "0 episodes"
        lines.append("Credit: " + vocabulary.credit.format(count=series.episode_count))
    lines += ["Author: " + escape(common.one_line(author)), "Draft date: " + options.draft_date]
    return "\n".join(lines)


def _episode(bible: Bible, episode: Episode, options: common.Options, vocabulary: Words) -> list[str]:
    blocks = [
        "# " + escape(episode_subtitle(bible, episode)),
        "= " + escape(common.one_line(episode.hook.text)),
    ]
    if episode.summary.strip():
        blocks.append(_note(vocabulary.summary + vocabulary.colon + episode.summary))
    for scene in episode.scenes:
        blocks.extend(_scene(bible, episode, scene, options, vocabulary))
    if common.is_paywall(bible, episode):
        blocks.append(f"> {vocabulary.paywall} <")
    return blocks


def heading(bible: Bible, scene: Scene) -> str:
    vocabulary = words(bible.series.language)
    # "#" would end the heading early: Fountain reads "#1-1#" as the scene number.
    name = escape(common.one_line(common.location_name(bible, scene)).replace("#", "＃"))
    setting, time = vocabulary.settings[scene.setting], vocabulary.times[scene.time]
    # English headings start with INT./EXT. and are recognised as they are;
    # Chinese ones (内/外) are forced with a leading ".".
    lead = "" if bible.series.language == "en" else "."
    return f"{lead}{setting} {name.upper()} - {time} #{scene.id}#"


def _scene(bible: Bible, episode: Episode, scene: Scene, options: common.Options, vocabulary: Words) -> list[str]:
    blocks = []
    if scene.cold_open:
        blocks.append(_note(vocabulary.cold_open))
    blocks.append(heading(bible, scene))
    for shot in scene.shots:
        if options.shot_notes:
            blocks.append(_note(_shot_note(shot, vocabulary)))
        described = action(shot.description)
        if described:
            blocks.append(described)
        blocks.extend(_dialogue(bible, line, shot, vocabulary) for line in shot.lines)
        if shot.id == episode.cliffhanger.shot:
            blocks.append(_note(vocabulary.cliffhanger + vocabulary.colon + episode.cliffhanger.text))
    return blocks


def _shot_note(shot: Shot, vocabulary: Words) -> str:
    parts = [shot.id, vocabulary.framings[shot.framing], vocabulary.cameras[shot.camera]]
    return " · ".join([*parts, seconds(shot.seconds, vocabulary)])


def _dialogue(bible: Bible, line: Line, shot: Shot, vocabulary: Words) -> str:
    extension = ""
    if common.is_narrator(line) or line.kind in ("narration", "inner"):
        extension = "V.O."
    elif common.off_screen(line, shot):
        extension = "O.S."
    notes = [vocabulary.inner] if line.kind == "inner" else []
    if line.emotion != "neutral":
        notes.append(vocabulary.emotions[line.emotion])
    block = [cue(bible.speaker_name(line.speaker), extension)]
    if notes:
        block.append("(" + vocabulary.comma.join(notes) + ")")
    for text in common.paragraphs(line.text):
        text = escape(text)
        # A dialogue line starting with "(" would be read as a parenthetical.
        block.append(_ZWSP + text if text.startswith("(") else text)
    return "\n".join(block)
