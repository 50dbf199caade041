"""Script exports parse back: Fountain through screenplain, 中文剧本 through a
Markdown parser, JSON through the models and the committed JSON Schema."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Action, Dialog, PageBreak, Section, Slug

from microdrama.errors import UsageError
from microdrama.model import NARRATOR, Beat, Bible, Character, Episode, Line, Location, Scene, Series, Shot
from microdrama.model.schema import SeriesExport
from microdrama.write.export import FORMATS, export_series
from microdrama.write.export.zh_script import md_start

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"
ZWSP = "\u200b"
DATE = "2025-01-02"

# Action text that Fountain would misread if written as it is.
RISKY_ACTION = [
    "NOBODY MOVES.",
    "!Bang goes the door.",
    "INT. this is not a heading",
    "# not a section",
    "= not a synopsis",
    "> not centered <",
    "@not a cue",
    "~not a lyric",
    ".not forced",
    "CUT TO:",
    "a [[not a note]] and /* not boneyard */ and *not italic*",
]


def _bible(language: str) -> Bible:
    zh = language == "zh"
    return Bible(
        series=Series(
            title="药" if zh else "The Cure",
            logline="老栓为儿子买药。" if zh else "A father buys a cure.",
            genres=["悬疑", "家庭"] if zh else ["mystery", "family"],
            language=language,  # type: ignore[arg-type]
            minutes_per_episode=1.5,
            episode_count=2,
            paywall_episode=2,
            sources=["source/yao.txt"],
        ),
        characters=[
            Character(
                id="shuan",
                name="华老栓" if zh else "Old Shuan",
                aliases=["老栓"] if zh else ["Shuan"],
                role="protagonist",
                gender="male",
                age="elder",
                description="茶馆老板" if zh else "Teahouse owner",
            ),
            Character(id="hua", name="华大妈" if zh else "Mrs. Hua", gender="female", age="adult"),
            # A Chinese name in either language: a Fountain cue must force it with "@".
            Character(id="xiao", name="华小栓", role="supporting"),
        ],
        locations=[
            Location(id="teahouse", name="茶馆" if zh else "Teahouse", setting="INT"),
            Location(id="street", name="丁字街" if zh else "T Street", setting="EXT"),
        ],
    )


def _episodes(language: str) -> list[Episode]:
    zh = language == "zh"

    def text(chinese: str, english: str) -> str:
        return chinese if zh else english

    first = Episode(
        number=1,
        title=text("夜半", "Midnight"),
        summary=text("老栓出门。", "Shuan goes out."),
        hook=Beat(shot="1-1-1", text=text("灯亮了。", "The lamp flares."), cues=["question"]),
        cliffhanger=Beat(shot="1-2-1", text=text("黑影来了。", "A shadow comes."), cues=["threat"]),
        seconds=20,
        scenes=[
            Scene(
                id="1-1",
                location="teahouse",
                time="night",
                setting="INT",
                characters=["shuan", "hua"],
                cold_open=True,
                shots=[
                    Shot(
                        id="1-1-1",
                        framing="wide",
                        camera="push_in",
                        description=text("!灯下，老栓数着洋钱。", "\n".join(RISKY_ACTION)),
                        characters=["shuan", "hua"],
                        seconds=6,
                        lines=[
                            Line(speaker=NARRATOR, kind="narration", text=text("秋天的后半夜。", "Autumn night.")),
                            Line(speaker="hua", emotion="surprised", text=text("你去么？", "You're going?")),
                            Line(speaker="shuan", kind="inner", text=text("一定要拿到。", "I must get it.")),
                        ],
                    ),
                    Shot(
                        id="1-1-2",
                        framing="close_up",
                        description=text("小栓咳嗽。", "Xiao coughs."),
                        characters=["shuan"],
                        seconds=4,
                        lines=[
                            # Off screen: the shot shows only Shuan.
                            Line(speaker="xiao", text=text("爹……", "Father...")),
                            Line(speaker="shuan", emotion="angry", text=text("!别吵", "STOP THAT NOISE")),
                        ],
                    ),
                ],
            ),
            Scene(
                id="1-2",
                location="street",
                time="dawn",
                setting="EXT",
                shots=[
                    Shot(
                        id="1-2-1",
                        description=text("街上黑沉沉的。", "The street is dark."),
                        seconds=5,
                        lines=[
                            Line(
                                speaker="hua",
                                emotion="afraid",
                                text=text("(小声)快回来。", "(whispers) I *swear* [it] <b>"),
                            )
                        ],
                    )
                ],
            ),
        ],
    )
    second = Episode(
        number=2,
        title=text("人血馒头", "The Bun"),
        hook=Beat(shot="2-1-1", text=text("他接过了包。", "He takes the parcel.")),
        cliffhanger=Beat(shot="2-1-1", text=text("药，是血。", "The cure is blood.")),
        is_paywall=True,
        seconds=10,
        scenes=[
            Scene(
                id="2-1",
                location="street",
                time="dusk",
                setting="INT/EXT",
                shots=[
                    Shot(
                        id="2-1-1",
                        description=text("老栓接过纸包。", "Shuan takes the parcel."),
                        seconds=10,
                        lines=[Line(speaker="shuan", kind="narration", text=text("我拿到了。", "I have it."))],
                    )
                ],
            )
        ],
    )
    # Out of order on purpose: the export sorts by number.
    return [second, first]


# --- Fountain ---------------------------------------------------------------------------------


def _parse_fountain(text: str) -> Any:
    return fountain_parser.parse(io.StringIO(text))


def _plain(rich: object) -> str:
    return str(rich).replace(ZWSP, "")


def _expected_cue(bible: Bible, line: Line, shot: Shot) -> str:
    name = bible.speaker_name(line.speaker).upper()
    if line.speaker == NARRATOR or line.kind != "dialogue":
        return f"{name} (V.O.)"
    if shot.characters and line.speaker not in shot.characters:
        return f"{name} (O.S.)"
    return name


@pytest.mark.parametrize("language", ["zh", "en"])
def test_fountain_parses_back_to_the_script(language: str) -> None:
    bible, episodes = _bible(language), _episodes(language)
    files = export_series(bible, episodes, "fountain", draft_date=DATE)
    assert list(files) == ["series.fountain", "ep001.fountain", "ep002.fountain"]

    play = _parse_fountain(files["series.fountain"])
    assert play.title_page["Title"] == [bible.series.title]
    assert play.title_page["Author"] == ["Adapted by microdrama from source/yao.txt"]
    assert play.title_page["Draft date"] == [DATE]
    assert "Credit" in play.title_page

    ordered = sorted(episodes, key=lambda ep: ep.number)
    sections = [p for p in play if isinstance(p, Section)]
    assert [p.level for p in sections] == [1, 1]
    assert [p.synopsis for p in sections] == [ep.hook.text for ep in ordered]
    assert str(sections[0].text) == ("第1集 夜半" if language == "zh" else "Episode 1: Midnight")

    slugs = [p for p in play if isinstance(p, Slug)]
    assert [str(s.scene_number) for s in slugs] == ["1-1", "1-2", "2-1"]
    expected_slugs = {
        "zh": ["内 茶馆 - 夜", "外 丁字街 - 晨", "内外 丁字街 - 昏"],
        "en": ["INT. TEAHOUSE - NIGHT", "EXT. T STREET - DAWN", "INT./EXT. T STREET - DUSK"],
    }[language]
    assert [str(s.line) for s in slugs] == expected_slugs

    dialogs = [p for p in play if isinstance(p, Dialog)]
    expected = [
        (_expected_cue(bible, line, shot), line.text) for ep in ordered for shot in ep.shots() for line in shot.lines
    ]
    parsed = [(_plain(d.character), " ".join(_plain(text) for paren, text in d.blocks if not paren)) for d in dialogs]
    assert parsed == expected
    # Non-Latin cues come back without the "@" that forced them.
    assert any(cue.startswith("华小栓") for cue, _ in parsed)

    parentheticals = [[_plain(text) for paren, text in d.blocks if paren] for d in dialogs]
    inner, emotion = ("内心", "惊") if language == "zh" else ("inner", "surprised")
    assert [f"({emotion})"] in parentheticals
    assert [f"({inner})"] in parentheticals

    actions = [p for p in play if isinstance(p, Action) and not p.centered]
    texts = ["\n".join(_plain(line) for line in a.lines) for a in actions]
    assert texts == [shot.description for ep in ordered for shot in ep.shots()]

    centered = [p for p in play if isinstance(p, Action) and p.centered]
    assert [_plain(c.lines[0]) for c in centered] == ["付费卡点" if language == "zh" else "PAYWALL"]
    assert play.paragraphs[-1] is centered[0]  # after the paywall episode's cliffhanger
    assert sum(isinstance(p, PageBreak) for p in play) == 1


def test_fountain_source_shows_forcing_and_notes() -> None:
    zh = export_series(_bible("zh"), _episodes("zh"), "fountain", draft_date=DATE)["series.fountain"]
    assert "\n@华大妈\n(惊)\n你去么？\n" in zh
    assert "\n.内 茶馆 - 夜 #1-1#\n" in zh
    assert "\n[[1-1-1 · 全景 · 推 · 6秒]]\n" in zh
    assert "\n[[卡点：黑影来了。]]\n" in zh
    assert "\n\n===\n\n# 第2集 人血馒头\n" in zh
    en = export_series(_bible("en"), _episodes("en"), "fountain", draft_date=DATE)["series.fountain"]
    assert "\nMRS. HUA\n(surprised)\nYou're going?\n" in en
    assert "\nINT. TEAHOUSE - NIGHT #1-1#\n" in en
    assert "\n!!Bang goes the door.\n" in en
    assert "\n> PAYWALL <\n" in en
    # Shot notes are Fountain notes: the parser drops them, so no action reads "WIDE".
    assert "[[1-1-1 · WIDE · PUSH IN · 6s]]" in en
    without = export_series(_bible("en"), _episodes("en"), "fountain", draft_date=DATE, shot_notes=False)
    assert "WIDE" not in without["series.fountain"]


def test_fountain_episode_file_is_one_episode() -> None:
    files = export_series(_bible("en"), _episodes("en"), "fountain", episode=2, draft_date=DATE)
    assert list(files) == ["ep002.fountain"]
    play = _parse_fountain(files["ep002.fountain"])
    assert play.title_page["Title"] == ["The Cure", "Episode 2: The Bun"]
    assert [str(s.text) for s in play if isinstance(s, Section)] == ["Episode 2: The Bun"]
    assert not any(isinstance(p, PageBreak) for p in play)


# --- 中文剧本 -----------------------------------------------------------------------------------

LABELS = {
    "zh": {
        "present": "人物：",
        "narrator": "旁白",
        "hook": "【钩子】",
        "cliffhanger": "【卡点】",
        "paywall": "【付费卡点】",
        "shot": "【镜头",
        "line": r"^(?P<name>[^（：]+)(?:（(?P<tags>[^）]*)）)?：(?P<text>.+)$",
        "sep": "，",
        "list_sep": "、",
    },
    "en": {
        "present": "Characters: ",
        "narrator": "Narrator",
        "hook": "[HOOK] ",
        "cliffhanger": "[CLIFFHANGER] ",
        "paywall": "[PAYWALL] ",
        "shot": "[SHOT",
        "line": r"^(?P<name>[^(:]+?)(?: \((?P<tags>[^)]*)\))?: (?P<text>.+)$",
        "sep": ", ",
        "list_sep": ", ",
    },
}


def _markdown_blocks(text: str) -> list[tuple[str, str]]:
    """(kind, plain text) per block: h1-h3, p (paragraph) or li (list item)."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    blocks: list[tuple[str, str]] = []
    in_list = 0
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            in_list += 1
        elif token.type == "list_item_close":
            in_list -= 1
        elif token.type == "inline":
            # Anything but plain text means story text turned into Markdown syntax.
            kinds = {child.type for child in token.children or []}
            assert kinds <= {"text"}, f"{token.content!r} parsed as {kinds}"
            opener = tokens[index - 1]
            kind = opener.tag if opener.type == "heading_open" else "li" if in_list else "p"
            blocks.append((kind, "".join(child.content for child in token.children or [])))
    return blocks


def _script_lines(blocks: list[tuple[str, str]], language: str) -> list[tuple[str, str, str]]:
    """(speaker, tags, text) of every dialogue paragraph."""
    labels = LABELS[language]
    markers = ("△", labels["present"], labels["hook"][0])
    found = []
    for kind, text in blocks:
        if kind != "p" or text.startswith(markers):
            continue
        match = re.match(labels["line"], text)
        assert match, f"not a 人物：台词 line: {text!r}"
        found.append((match["name"], match["tags"] or "", match["text"]))
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_zh_script_parses_back_to_the_script(language: str) -> None:
    bible, episodes = _bible(language), _episodes(language)
    labels = LABELS[language]
    files = export_series(bible, episodes, "zh-script")
    assert list(files) == ["series.md", "ep001.md", "ep002.md"]
    blocks = _markdown_blocks(files["series.md"])

    headings = [(kind, text) for kind, text in blocks if kind.startswith("h")]
    expected_headings = {
        "zh": [
            "药",
            "人物表",
            "第1集 夜半",
            "1-1 夜 内 茶馆",
            "1-2 晨 外 丁字街",
            "第2集 人血馒头",
            "2-1 昏 内外 丁字街",
        ],
        "en": [
            "The Cure",
            "Characters",
            "Episode 1: Midnight",
            "1-1 NIGHT INT. Teahouse",
            "1-2 DAWN EXT. T Street",
            "Episode 2: The Bun",
            "2-1 DUSK INT./EXT. T Street",
        ],
    }[language]
    assert [text for _, text in headings] == expected_headings
    assert [kind for kind, _ in headings] == ["h1", "h2", "h2", "h3", "h3", "h2", "h3"]

    cast = [text for kind, text in blocks if kind == "li"]
    assert [re.split(r"[（(]", entry)[0].strip() for entry in cast] == [c.name for c in bible.characters]
    assert cast[0].endswith("茶馆老板" if language == "zh" else "Teahouse owner")

    ordered = sorted(episodes, key=lambda ep: ep.number)
    lines = _script_lines(blocks, language)
    narrator = labels["narrator"]
    expected = [
        (narrator if line.speaker == NARRATOR else bible.speaker_name(line.speaker), line.text)
        for ep in ordered
        for line in ep.lines()
    ]
    assert [(name, text) for name, _, text in lines] == expected
    tags = [tag for _, tag, _ in lines]
    sep = labels["sep"]
    assert (
        tags
        == {
            "zh": ["", "惊", "OS", "画外", "怒", "惧", "旁白"],
            "en": ["", "surprised", f"V.O.{sep}inner", "O.S.", "angry", "afraid", "V.O."],
        }[language]
    )

    paragraphs = [text for kind, text in blocks if kind == "p"]
    actions = [text[2:] for text in paragraphs if text.startswith("△ ")]
    assert actions == [part for ep in ordered for shot in ep.shots() for part in shot.description.splitlines()]
    assert [p for p in paragraphs if p.startswith(labels["hook"])] == [labels["hook"] + ep.hook.text for ep in ordered]
    # The paywall episode's cliffhanger is marked 付费卡点 instead of 卡点.
    cliffhangers = [p for p in paragraphs if p.startswith(labels["cliffhanger"])]
    assert cliffhangers == [labels["cliffhanger"] + ordered[0].cliffhanger.text]
    assert paragraphs[-1] == labels["paywall"] + ordered[1].cliffhanger.text
    assert sum(p.startswith(labels["shot"]) for p in paragraphs) == 4
    present = labels["list_sep"].join(bible.speaker_name(c) for c in ordered[0].scenes[0].characters)
    assert labels["present"] + present in paragraphs

    # An episode file holds that episode's scenes and lines, and no cast list.
    episode_blocks = _markdown_blocks(files["ep001.md"])
    assert not [text for kind, text in episode_blocks if kind == "li"]
    assert [(n, t) for n, _, t in _script_lines(episode_blocks, language)] == expected[:6]


@pytest.mark.parametrize("name", ["1. Li", "2) Li", "- Li", "+ Li", "> Li", "# Li", "=Li", "`Li`", "*Li*"])
def test_speaker_names_never_become_markdown_syntax(name: str) -> None:
    assert _markdown_blocks(md_start(name) + "：台词") == [("p", name + "：台词")]


def test_paywall_comes_from_the_series_or_the_episode() -> None:
    bible = _bible("zh")
    bible.series.paywall_episode = 1  # episode 2 still says is_paywall
    files = export_series(bible, _episodes("zh"), "zh-script")
    assert files["series.md"].count("【付费卡点】") == 2


# --- JSON ---------------------------------------------------------------------------------------


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_json_validates_and_loads_back(language: str) -> None:
    bible, episodes = _bible(language), _episodes(language)
    files = export_series(bible, episodes, "json")
    assert list(files) == ["series.json", "ep001.json", "ep002.json"]

    series = json.loads(files["series.json"])
    _validator("series.schema.json").validate(series)
    loaded = SeriesExport.model_validate(series)
    assert loaded.bible == bible
    assert loaded.episodes == sorted(episodes, key=lambda ep: ep.number)

    episode_validator = _validator("episode.schema.json")
    for ep in loaded.episodes:
        data = json.loads(files[f"ep{ep.number:03d}.json"])
        episode_validator.validate(data)
        assert Episode.model_validate(data) == ep

    # The schema check is live: a document the models would reject is rejected.
    del series["episodes"][0]["hook"]
    with pytest.raises(jsonschema.ValidationError):
        _validator("series.schema.json").validate(series)
    if language == "zh":
        assert "华老栓" in files["series.json"]  # readable, not \\u escapes


# --- the API ------------------------------------------------------------------------------------


def test_every_format_exports_one_episode_on_request() -> None:
    bible, episodes = _bible("zh"), _episodes("zh")
    for fmt in FORMATS:
        files = export_series(bible, episodes, fmt, episode=1, draft_date=DATE)
        assert len(files) == 1 and next(iter(files)).startswith("ep001.")


def test_export_is_stable_given_a_draft_date() -> None:
    bible = _bible("en")
    first = export_series(bible, _episodes("en"), "fountain", draft_date=DATE)
    assert first == export_series(bible, list(reversed(_episodes("en"))), "fountain", draft_date=DATE)


def test_user_errors_say_what_to_do() -> None:
    bible, episodes = _bible("zh"), _episodes("zh")
    with pytest.raises(UsageError, match="choose one of: fountain, zh-script, json"):
        export_series(bible, episodes, "pdf")
    with pytest.raises(UsageError, match=r"episode 7 is not in this series \(episodes: 1, 2\)"):
        export_series(bible, episodes, "json", episode=7)
    with pytest.raises(UsageError, match="two episodes are numbered 2"):
        export_series(bible, [*episodes, episodes[0]], "json")
