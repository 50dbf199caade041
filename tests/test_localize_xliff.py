"""The translator's kit: XLIFF 1.2 out and back, TBX out; read back with translate-toolkit itself."""

from __future__ import annotations

import copy
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from translate.storage import tbx, xliff

from microdrama.errors import UsageError, ValidationError
from microdrama.localize.model import Glossary, GlossaryEntry
from microdrama.localize.xliff import KitLine, export_tbx, export_xliff, import_xliff

SERIES = "lin-wan-returns"
NS = "urn:oasis:names:tc:xliff:document:1.2"
FILE = "ep001.en.xlf"

LINES = [
    KitLine(1, "1-1-1.0", "林晚", "林晚，你终于回来了。", "Lin Wan, you're finally back.", 34, [("林晚", "Lin Wan")]),
    KitLine(
        1, "1-1-2.0", "顾言", "大小姐，顾氏集团等你很久了。", "", 40, [("大小姐", "Miss"), ("顾氏集团", "Gu Group")]
    ),
    KitLine(1, "1-2-1.0", "narrator", "三年前，她被赶出家门。", "Three years ago, she was thrown out.", 42, []),
    KitLine(2, "2-1-1.0", "林晚", "滚！", "", 21, []),
    KitLine(2, "2-1-1.1", "顾言", "我不走。", "I'm not leaving.", 21, []),
]
DONE = {
    (1, "1-1-1.0"): "Lin Wan, you're back at last.",
    (1, "1-1-2.0"): "Miss, the Gu Group has waited long for you.",
    (1, "1-2-1.0"): "Three years ago, she was thrown out.",
    (2, "2-1-1.0"): "Get out!",
    (2, "2-1-1.1"): "I'm not leaving.",
}


def kit(lines: list[KitLine] = LINES, target_language: str = "en") -> bytes:
    return export_xliff(lines, series_id=SERIES, source_language="zh-Hans", target_language=target_language)


def parse(data: bytes) -> Any:
    return xliff.xlifffile(BytesIO(data))


def units_by_key(store: Any) -> dict[tuple[int, str], Any]:
    found = {}
    for unit in store.units:
        original, _, line_id = unit.getid().partition("\x04")
        found[(int(original.rsplit("/ep", 1)[1]), line_id)] = unit
    return found


def translated(edit: Callable[[Any], None] | None = None, lines: list[KitLine] = LINES) -> bytes:
    """The kit as a CAT tool hands it back: every target filled in (some rewritten), then ``edit``."""
    store = parse(kit(lines))
    for key, unit in units_by_key(store).items():
        if key in DONE and unit.target != DONE[key]:
            unit.target = DONE[key]
    if edit is not None:
        edit(store)
    return bytes(store)


def load(data: bytes, expected: list[KitLine] = LINES, target_language: str = "en") -> dict[tuple[int, str], str]:
    return import_xliff(data, series_id=SERIES, target_language=target_language, expected=expected, display=FILE)


def unit_elements(store: Any) -> list[Any]:
    return list(store.document.getroot().iter(f"{{{NS}}}trans-unit"))


# -- export --------------------------------------------------------------------------------------------


def test_export_is_xliff_1_2_with_a_file_per_episode() -> None:
    data = kit()
    store = parse(data)
    root = store.document.getroot()
    assert root.get("version") == "1.2"
    assert root.nsmap[None] == NS
    assert b"document:1.1" not in data  # no stray declarations of the toolkit's default namespace
    files = list(root.iterchildren(f"{{{NS}}}file"))
    assert [f.get("original") for f in files] == [f"{SERIES}/ep001", f"{SERIES}/ep002"]
    assert {(f.get("source-language"), f.get("target-language")) for f in files} == {("zh-Hans", "en")}
    assert store.getsourcelanguage() == "zh-Hans"
    assert store.gettargetlanguage() == "en"


def test_export_units_carry_source_target_state_limits_and_notes() -> None:
    units = units_by_key(parse(kit()))
    assert list(units) == [line.key for line in LINES]
    for line in LINES:
        unit = units[line.key]
        assert unit.source == line.source
        assert unit.target == line.target
        assert unit.xmlelement.get("maxwidth") == str(line.max_characters)
        assert unit.xmlelement.get("size-unit") == "char"
        assert not unit.isapproved()  # a model draft is not approved for the translator
        state = unit.xmlelement.find(f"{{{NS}}}target").get("state")
        assert state == ("translated" if line.target else "needs-translation")
    notes = units[(1, "1-1-2.0")].getnotes().splitlines()
    assert notes == [
        "speaker: 顾言",
        "max 40 characters",
        "glossary: 大小姐 = Miss",
        "glossary: 顾氏集团 = Gu Group",
    ]
    assert units[(1, "1-1-2.0")].getnotes(origin="microdrama") == "\n".join(notes)
    assert "glossary: 林晚 = Lin Wan" in units[(1, "1-1-1.0")].getnotes()
    assert units[(1, "1-1-1.0")].get_state_n() == units[(1, "1-1-1.0")].S_TRANSLATED
    assert units[(2, "2-1-1.0")].get_state_n() == units[(2, "2-1-1.0")].S_NEEDS_TRANSLATION


def test_export_explains_the_count_for_wide_and_thai_scripts() -> None:
    ja = units_by_key(parse(kit(target_language="ja")))[(1, "1-1-1.0")].getnotes()
    assert "max 34 characters (a full-width character counts 1; Latin letters" in ja
    th = units_by_key(parse(kit(target_language="th")))[(1, "1-1-1.0")].getnotes()
    assert "vowel and tone marks" in th


def test_export_without_lines_is_refused() -> None:
    with pytest.raises(UsageError, match="no lines to export"):
        kit([])


# -- round trip ----------------------------------------------------------------------------------------


def test_round_trip_through_a_cat_tool() -> None:
    assert load(translated()) == DONE


def test_round_trip_keeps_text_with_markup_characters() -> None:
    tricky = {**DONE, (2, "2-1-1.0"): 'Get out & "stay" <out>!'}

    def edit(store: Any) -> None:
        units_by_key(store)[(2, "2-1-1.0")].target = tricky[(2, "2-1-1.0")]

    assert load(translated(edit)) == tricky


def test_reordered_units_and_files_are_matched_by_episode_and_id() -> None:
    def reorder(store: Any) -> None:
        root = store.document.getroot()
        files = list(root.iterchildren(f"{{{NS}}}file"))
        for file in files:
            body = file.find(f"{{{NS}}}body")
            units = list(body)
            for unit in units:
                body.remove(unit)
            for unit in reversed(units):
                body.append(unit)
            root.remove(file)
        for file in reversed(files):
            root.append(file)

    data = translated(reorder)
    assert [u.get("id") for u in unit_elements(parse(data))] == ["2-1-1.1", "2-1-1.0", "1-2-1.0", "1-1-2.0", "1-1-1.0"]
    result = load(data)
    assert result == DONE
    assert list(result) == [line.key for line in LINES]  # in the script's order, whatever the file's


def test_same_line_id_in_two_episodes_stays_apart() -> None:
    lines = [
        KitLine(1, "1-1-1.0", "林晚", "你好。", "Hello.", 20, []),
        KitLine(2, "1-1-1.0", "林晚", "再见。", "Goodbye.", 20, []),
    ]
    assert load(kit(lines), expected=lines) == {(1, "1-1-1.0"): "Hello.", (2, "1-1-1.0"): "Goodbye."}


def test_a_regional_tag_for_a_bare_target_language_is_the_same_language() -> None:
    def regional(store: Any) -> None:
        for file in store.document.getroot().iterchildren(f"{{{NS}}}file"):
            file.set("target-language", "en-US")

    assert load(translated(regional)) == DONE


def test_a_bare_external_doctype_is_harmless_and_accepted() -> None:
    doctype = b'<!DOCTYPE xliff PUBLIC "-//XLIFF//DTD XLIFF//EN" "http://example.invalid/xliff.dtd">\n'
    data = translated()
    head, _, rest = data.partition(b"\n")
    assert load(head + b"\n" + doctype + rest) == DONE


# -- bad input -----------------------------------------------------------------------------------------


def refused(data: bytes, *fragments: str, expected: list[KitLine] = LINES, target_language: str = "en") -> str:
    with pytest.raises(ValidationError) as caught:
        load(data, expected=expected, target_language=target_language)
    message = str(caught.value)
    assert message.startswith(f"{FILE}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"  \n\t", "empty"),
        (bytes(range(256)) * 8, "not an XML file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not an XML file"),
        ("林晚，你终于回来了。".encode(), "not an XML file"),
        (b"<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file>", "not an XML file"),
        (b"<html><body>hello</body></html>", "not XLIFF (root element <html>)"),
        (b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh"/>', "XLIFF 2.0"),
        (b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>', "no <file>"),
    ],
)
def test_what_is_not_an_xliff_kit_is_refused(data: bytes, fragment: str) -> None:
    refused(data, fragment)


def test_a_tbx_is_not_an_xliff() -> None:
    glossary = Glossary(language="en", entries=[GlossaryEntry(source="林晚", kind="name", target="Lin Wan")])
    refused(export_tbx(glossary, source_language="zh-Hans"), "not XLIFF (root element <martif>)")


def test_a_kit_from_another_series_is_refused() -> None:
    data = translated().replace(f'original="{SERIES}/'.encode(), b'original="other-series/')
    refused(data, "series 'other-series'", f"not '{SERIES}'", "export a kit")


def test_a_file_not_made_by_microdrama_is_refused() -> None:
    data = translated().replace(f'original="{SERIES}/ep002"'.encode(), b'original="strings.json"')
    refused(data, "'strings.json'", "not an episode of a microdrama kit")


def test_a_unit_outside_any_file_is_refused() -> None:
    def stray(store: Any) -> None:
        unit = copy.deepcopy(unit_elements(store)[0])
        unit.set("id", "stray")
        store.document.getroot().append(unit)

    refused(translated(stray), "trans-unit 'stray' is outside an episode's <file>")


def test_a_missing_version_attribute_is_read_from_the_namespace() -> None:
    assert load(translated().replace(b' version="1.2"', b"", 1)) == DONE


def test_a_kit_for_another_target_language_is_refused() -> None:
    refused(translated(), "into en, not es", "export a kit for es", target_language="es")
    data = kit(target_language="zh-Hans")
    refused(data, "into zh-Hans, not zh-Hant", target_language="zh-Hant")


def test_missing_units_are_listed_five_at_most() -> None:
    lines = [KitLine(1, f"1-{n}-1.0", "林晚", f"第{n}句。", f"Line {n}.", 20, []) for n in range(1, 10)]

    def drop_seven(store: Any) -> None:
        for unit in unit_elements(store)[2:]:
            unit.getparent().remove(unit)

    message = refused(translated(drop_seven, lines), "7 lines are missing", "and 2 more", expected=lines)
    assert "ep001/1-3-1.0, ep001/1-4-1.0, ep001/1-5-1.0, ep001/1-6-1.0, ep001/1-7-1.0" in message
    assert "1-8-1.0" not in message


def test_a_missing_episode_is_refused() -> None:
    def drop_episode_two(store: Any) -> None:
        root = store.document.getroot()
        root.remove(list(root.iterchildren(f"{{{NS}}}file"))[1])

    refused(translated(drop_episode_two), "2 lines are missing: ep002/2-1-1.0, ep002/2-1-1.1", "whole kit")


def test_extra_units_are_refused() -> None:
    def add(store: Any) -> None:
        extra = copy.deepcopy(unit_elements(store)[0])
        extra.set("id", "1-9-9.0")
        unit_elements(store)[0].getparent().append(extra)

    refused(translated(add), "1 unit is not in this series' script: ep001/1-9-9.0", "export the kit again")


def test_a_kit_for_episodes_not_expected_is_refused() -> None:
    refused(translated(), "2 units are not in", "ep002/2-1-1.0, ep002/2-1-1.1", expected=LINES[:3])


def test_duplicate_units_are_refused() -> None:
    def duplicate(store: Any) -> None:
        first = unit_elements(store)[0]
        first.getparent().append(copy.deepcopy(first))

    refused(translated(duplicate), "1 line appears more than once: ep001/1-1-1.0", "one unit per line")


def test_an_empty_target_is_named() -> None:
    def blank(store: Any) -> None:
        units_by_key(store)[(1, "1-2-1.0")].target = "  "

    refused(translated(blank), "1 line has no translation: ep001/1-2-1.0", "translate every line")


def test_an_untouched_kit_names_the_untranslated_lines() -> None:
    refused(kit(), "2 lines have no translation: ep001/1-1-2.0, ep002/2-1-1.0")


def test_a_missing_target_element_is_an_empty_target() -> None:
    def remove(store: Any) -> None:
        unit = units_by_key(store)[(2, "2-1-1.1")].xmlelement
        unit.remove(unit.find(f"{{{NS}}}target"))

    refused(translated(remove), "no translation: ep002/2-1-1.1")


def test_a_source_changed_since_the_export_is_refused() -> None:
    now = [*LINES[:2], KitLine(1, "1-2-1.0", "narrator", "五年前，她被赶出家门。", "", 42, []), *LINES[3:]]
    refused(
        translated(),
        "the source of ep001/1-2-1.0 differs from the script",
        "'三年前，她被赶出家门。' in the file",
        "'五年前，她被赶出家门。' in the script",
        "export the kit again",
        expected=now,
    )


def test_a_source_reflowed_by_a_tool_is_still_the_same_source() -> None:
    lines = [KitLine(1, "1-1-1.0", "林晚", "等等  你说什么？", "", 20, [])]

    def reflow(store: Any) -> None:
        unit = unit_elements(store)[0]
        del unit.attrib["{http://www.w3.org/XML/1998/namespace}space"]
        unit.find(f"{{{NS}}}source").text = "等等\n   你说什么？"
        units_by_key(store)[(1, "1-1-1.0")].target = "Wait, what did you say?"

    assert load(translated(reflow, lines), expected=lines) == {(1, "1-1-1.0"): "Wait, what did you say?"}


# -- XML safety ------------------------------------------------------------------------------------------


def _laughs(levels: int = 10) -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels))
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE xliff [{entities}]>\n'
        f'<xliff version="1.2" xmlns="{NS}"><file original="{SERIES}/ep001" source-language="zh-Hans" '
        'target-language="en" datatype="plaintext"><body><trans-unit id="1-1-1.0">'
        f"<source>林晚，你终于回来了。</source><target>&lol{levels - 1};</target></trans-unit></body></file></xliff>"
    ).encode()


def test_billion_laughs_is_refused_before_anything_expands() -> None:
    refused(_laughs(), "declares a DTD", "refused for safety")


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        f'<xliff version="1.2" xmlns="{NS}"><file original="{SERIES}/ep001" source-language="zh-Hans" '
        'target-language="en" datatype="plaintext"><body><trans-unit id="1-1-1.0"><source>林晚，你终于回来了。</source>'
        "<target>&xxe;</target></trans-unit></body></file></xliff>"
    ).encode()
    message = refused(data, "declares a DTD", expected=LINES[:1])
    assert "TOP SECRET" not in message


def _encoded(data: bytes, encoding: str) -> bytes:
    text = data.decode().replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>', 1)
    return text.encode(encoding)


def test_an_entity_declared_in_utf16_is_refused_too() -> None:
    refused(_encoded(_laughs(3), "utf-16"), "declares a DTD")


def test_an_entity_in_an_encoding_the_prolog_scan_lacks_is_caught_after_parsing() -> None:
    # Python's expat cannot read GB18030, so the second check (entities declared in the parsed DTD) decides.
    refused(_encoded(_laughs(3), "gb18030"), "declares a DTD")
    refused(_encoded(_laughs(), "gb18030"))  # libxml2's amplification limit stops it first


def test_a_kit_saved_as_gb18030_round_trips() -> None:
    data = translated()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    gb = data.decode().replace('encoding="UTF-8"', 'encoding="GB18030"', 1).encode("gb18030")
    assert load(gb) == DONE


# -- TBX -------------------------------------------------------------------------------------------------


GLOSSARY = Glossary(
    language="en",
    entries=[
        GlossaryEntry(source="林晚", kind="name", target="Lin Wan", avoid=["Lin Wanwan"], note="the heroine"),
        GlossaryEntry(source="大小姐", kind="address", target="Miss"),
        GlossaryEntry(source="顾氏集团", kind="organisation", target="Gu Group"),
        GlossaryEntry(source="江城", kind="place", target=""),  # undecided: not a term yet
        GlossaryEntry(source="林晚", kind="name", target="Lin Wan"),  # repeated entry, same form
    ],
)


def test_tbx_parses_back_with_one_term_entry_per_decided_entry() -> None:
    data = export_tbx(GLOSSARY, source_language="zh-Hans")
    store = tbx.tbxfile(BytesIO(data), sourcelanguage="zh-Hans", targetlanguage="en")
    terms = {unit.source: unit for unit in store.units}
    assert list(terms) == ["林晚", "大小姐", "顾氏集团"]
    assert {source: unit.target for source, unit in terms.items()} == {
        "林晚": "Lin Wan",
        "大小姐": "Miss",
        "顾氏集团": "Gu Group",
    }
    assert terms["大小姐"].getnotes() == "kind: address"
    assert terms["林晚"].getnotes().splitlines() == ["kind: name", "the heroine"]
    assert len({unit.getid() for unit in store.units}) == 3
    for unit in store.units:
        languages = [node.get("{http://www.w3.org/XML/1998/namespace}lang") for node in unit.getlanguageNodes()]
        assert languages == ["zh-Hans", "en"]


def test_tbx_lists_variants_to_avoid_as_deprecated_terms() -> None:
    store = tbx.tbxfile(BytesIO(export_tbx(GLOSSARY, source_language="zh-Hans")))
    lin_wan = next(unit for unit in store.units if unit.source == "林晚")
    assert [(term.text, term.deprecated) for term in lin_wan.get_target_terms()] == [
        ("Lin Wan", False),
        ("Lin Wanwan", True),
    ]


def test_tbx_of_an_undecided_glossary_is_empty_but_valid() -> None:
    empty = Glossary(language="en", entries=[GlossaryEntry(source="江城", kind="place")])
    store = tbx.tbxfile(BytesIO(export_tbx(empty, source_language="zh-Hans")))
    assert store.units == []
