"""The translator's kit: the script's lines as XLIFF 1.2 for a CAT tool, back again, and the glossary as TBX.

Choices:

- One ``<file>`` per episode, ``original="<series id>/ep003"``, and each trans-unit's ``id`` is the line id
  (``3-2-1.0``): CAT tools show files as documents, so a translator sees episodes, and the pair (file, id)
  names a line uniquely. The series id in ``original`` is what tells a kit from another series apart.
- Each trans-unit carries ``maxwidth`` with ``size-unit="char"``, and notes: the speaker, "max N
  characters", and the glossary pairs found in the line. A CAT tool counts every character as 1, which is
  never less than the language's own counting (Latin letters count half in Chinese, Japanese and Korean;
  Thai vowel and tone marks count nothing), so its length check can warn too early but never too late.
- Existing translations are targets in state "translated" but not approved: they may be the model's
  draft, and an approved segment is locked or skipped in some CAT tools. Empty ones are "needs-translation".
- Import is strict, all or nothing: a kit that does not match the script line for line (missing, extra,
  repeated or untranslated units, or a source the script no longer has) is refused with what to do, rather
  than half-applied. Units are matched by (episode, id), so a tool that reorders them is fine; sources are
  compared with whitespace collapsed, since a tool that drops ``xml:space`` may reflow them.
- XML safety: a kit comes from outside. A DOCTYPE with an internal subset (where entities are declared)
  is refused before any tree is built, by a prolog scan that stops at the DOCTYPE; XLIFF needs no DTD, and
  this shuts out entity expansion ("billion laughs") and external entities alike. The document is then
  parsed with entities unresolved, DTDs not loaded, no network and libxml2's size limits, and refused if
  it declares an entity after all (a prolog expat could not read), before translate-toolkit sees it. A
  bare external DOCTYPE, as some tools still write, is harmless (never loaded) and accepted.
- The TBX has one termEntry per decided glossary entry (source and target langSet), with the kind as a
  note; variants to avoid are listed as deprecated target terms, so a terminology check can flag them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.parsers import expat

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information
from translate.storage import tbx, xliff

from microdrama.errors import UsageError, ValidationError
from microdrama.localize.languages import LANGUAGES
from microdrama.localize.model import Glossary

XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
# translate-toolkit's own skeleton is XLIFF 1.1; starting from a 1.2 document makes it write 1.2 throughout.
_SKELETON = (
    f'<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="{XLIFF_NAMESPACE}">'
    '<file original="NoName" source-language="en" datatype="plaintext"><body/></file></xliff>'
).encode()
NOTE_FROM = "microdrama"
SHOWN = 5  # ids listed in an error before "and N more"
_ORIGINAL = re.compile(r"^(?P<series>.*)/ep(?P<episode>\d+)$")
_DOCTYPE = (
    "{display}: the file declares a DTD (<!DOCTYPE ... [...]>), which XLIFF does not use and which is refused "
    "for safety (entity definitions); save the XLIFF from your CAT tool without one"
)
_COUNTING_NOTES = {
    "plain": "",
    "wide": " (a full-width character counts 1; Latin letters, digits, spaces and punctuation count half)",
    "thai": " (vowel and tone marks above or below a consonant do not count)",
}

Key = tuple[int, str]  # (episode, line id)


@dataclass(frozen=True)
class KitLine:
    """One line to hand to translators."""

    episode: int
    id: str  # line id like "3-2-1.0"
    speaker: str
    source: str
    target: str  # current translation ("" if none)
    max_characters: int  # the reading-speed limit for this line, in the language's counting
    glossary: list[tuple[str, str]]  # (source form, target form) entries occurring in the line

    @property
    def key(self) -> Key:
        return (self.episode, self.id)


def file_name(series_id: str, episode: int) -> str:
    """The ``original`` of an episode's ``<file>``."""
    return f"{series_id}/ep{episode:03d}"


def export_xliff(lines: Sequence[KitLine], *, series_id: str, source_language: str, target_language: str) -> bytes:
    """The lines as one XLIFF 1.2 document, a ``<file>`` per episode, in the order given."""
    if not lines:
        raise UsageError("there are no lines to export; localize the series first")
    if not series_id or "\x04" in series_id:
        raise ValueError(f"unusable series id {series_id!r}")
    repeated = _repeated([line.key for line in lines])
    if repeated:
        raise ValueError(f"lines appear twice: {_listed(repeated)}")
    counting = LANGUAGES[target_language].counting if target_language in LANGUAGES else "plain"
    store: Any = xliff.xlifffile(BytesIO(_SKELETON))
    store.setsourcelanguage(source_language)
    store.settargetlanguage(target_language)
    for line in lines:
        unit: Any = store.addsourceunit(line.source, filename=file_name(series_id, line.episode), createifmissing=True)
        unit.setid(line.id)
        unit.settarget(line.target)
        if line.target:
            unit.markapproved(False)  # settarget approves; a draft is not approved until a translator says so
        else:
            unit.set_state_n(unit.S_NEEDS_TRANSLATION)
        unit.xmlelement.set("maxwidth", str(line.max_characters))
        unit.xmlelement.set("size-unit", "char")
        if line.speaker:
            unit.addnote(f"speaker: {line.speaker}", origin=NOTE_FROM)
        unit.addnote(f"max {line.max_characters} characters{_COUNTING_NOTES[counting]}", origin=NOTE_FROM)
        for source, target in line.glossary:
            unit.addnote(f"glossary: {source} = {target}", origin=NOTE_FROM)
    # Units are made in the toolkit's 1.1 namespace and renamed into 1.2; drop the declarations left behind.
    etree.cleanup_namespaces(store.document)
    return bytes(store)


def import_xliff(
    data: bytes, *, series_id: str, target_language: str, expected: Sequence[KitLine], display: str
) -> dict[Key, str]:
    """The translations in a kit returned by a translator, keyed by (episode, line id) in the order of
    ``expected``; a ValidationError naming ``display`` unless it matches the lines exported, one for one."""
    _check_document(data, display)
    try:
        store: Any = xliff.xlifffile(BytesIO(data))
    except (etree.LxmlError, ValueError, AssertionError, StopIteration) as error:
        raise ValidationError(f"{display}: not a usable XLIFF 1.2 file ({error}); export the kit again") from error

    files = list(store.document.getroot().iterchildren(store.namespaced("file")))
    for node in files:
        _check_file(node, series_id, target_language, display)

    units: list[tuple[Key, Any]] = []
    for unit in store.units:
        original, _, line_id = str(unit.getid()).partition("\x04")
        match = _ORIGINAL.match(original)
        if match is None:  # every <file> was checked, so this unit is outside one
            raise ValidationError(
                f"{display}: trans-unit {unit.xmlelement.get('id')!r} is outside an episode's <file>; "
                "import the XLIFF as exported"
            )
        units.append(((int(match["episode"]), line_id), unit))

    wanted = {line.key: line for line in expected}
    found = dict(units)
    repeated = _repeated([key for key, _ in units])
    if repeated:
        raise ValidationError(
            f"{display}: {_count(repeated, 'line appears', 'lines appear')} more than once: {_listed(repeated)}; "
            "keep one unit per line (or export the kit again)"
        )
    unknown = [key for key in found if key not in wanted]
    if unknown:
        raise ValidationError(
            f"{display}: {_count(unknown, 'unit is', 'units are')} not in this series' script: {_listed(unknown)}; "
            "the kit was exported before the script changed or from other episodes; export the kit again"
        )
    missing = [key for key in wanted if key not in found]
    if missing:
        raise ValidationError(
            f"{display}: {_count(missing, 'line is', 'lines are')} missing: {_listed(missing)}; "
            "import the whole kit as it was exported (every line, translated)"
        )
    changed = [key for key, line in wanted.items() if _collapsed(found[key].source or "") != _collapsed(line.source)]
    if changed:
        first = changed[0]
        raise ValidationError(
            f"{display}: the source of {_listed(changed)} differs from the script (first: {_name(first)} is "
            f"{found[first].source!r} in the file, {wanted[first].source!r} in the script); the script changed "
            "since the export: export the kit again and translate the changed lines"
        )
    result = {key: str(found[key].target or "").strip() for key in wanted}
    empty = [key for key, text in result.items() if not text]
    if empty:
        raise ValidationError(
            f"{display}: {_count(empty, 'line has', 'lines have')} no translation: {_listed(empty)}; "
            "translate every line, then import again"
        )
    return result


def export_tbx(glossary: Glossary, *, source_language: str) -> bytes:
    """The decided glossary entries as TBX: source and target term, the kind (and the entry's note) as notes,
    and variants to avoid as deprecated target terms."""
    store: Any = tbx.tbxfile(sourcelanguage=source_language, targetlanguage=glossary.language)
    seen: set[str] = set()
    for entry in glossary.entries:
        # Glossary allows an entry repeated with the same target; a term base wants it once.
        if not entry.target.strip() or entry.source in seen:
            continue
        seen.add(entry.source)
        unit: Any = store.addsourceunit(entry.source)
        unit.setid(f"term-{len(seen)}")
        unit.settarget(entry.target)
        avoid = [variant for variant in entry.avoid if variant.strip()]
        if avoid:
            unit.set_target_terms([entry.target, *avoid])
            _deprecate(unit, avoid)
        unit.addnote(f"kind: {entry.kind}")
        if entry.note:
            unit.addnote(entry.note)
    return bytes(store)


def _deprecate(unit: Any, variants: list[str]) -> None:
    """Mark the variants' target terms deprecated (TBX-Basic's administrativeStatus); translate-toolkit
    reads the status but has no setter."""
    language = unit.target_dom
    for tig in language.iterchildren(unit.namespaced("tig")):
        term = tig.find(unit.namespaced("term"))
        if term is not None and term.text in variants:
            status = etree.SubElement(tig, unit.namespaced("termNote"), type="administrativeStatus")
            status.text = "deprecatedTerm-admn-sts"


def _check_document(data: bytes, display: str) -> None:
    """Refuse what is not an XLIFF 1.x document, and any entity declaration, before translate-toolkit parses it."""
    if not data.strip():
        raise ValidationError(f"{display}: the file is empty; import the XLIFF file your CAT tool exported")
    if _declares_dtd(data):
        raise ValidationError(_DOCTYPE.format(display=display))
    # translate-toolkit's own parser settings plus no DTD loading; libxml2 also stops runaway expansion.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as error:
        raise ValidationError(
            f"{display}: not an XML file ({error}); import the XLIFF file (.xlf) your CAT tool exported"
        ) from error
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ValidationError(_DOCTYPE.format(display=display))
    name = etree.QName(root)
    namespace = str(name.namespace or "")
    version = str(root.get("version") or namespace.rpartition(":")[2])
    if name.localname != "xliff" or not namespace.startswith("urn:oasis:names:tc:xliff:document:"):
        raise ValidationError(
            f"{display}: this is XML but not XLIFF (root element <{name.localname}>); import the XLIFF 1.2 "
            "file exported with the kit"
        )
    if not version.startswith("1."):
        raise ValidationError(
            f"{display}: this is XLIFF {version or '(no version)'}, the kit is XLIFF 1.2; save it from your CAT "
            "tool as XLIFF 1.2"
        )
    if root.find(f"{{{namespace}}}file") is None:
        raise ValidationError(f"{display}: the XLIFF has no <file>, so no lines; import the kit's XLIFF file")


class _Stop(Exception):
    """Ends the prolog scan."""

    def __init__(self, declares: bool) -> None:
        super().__init__()
        self.declares = declares


def _declares_dtd(data: bytes) -> bool:
    """Whether the document opens with a DOCTYPE that has an internal subset. Expat calls the DOCTYPE
    handler before it reads the subset, and the scan stops there (or at the root element), so no entity
    declaration is ever processed."""

    def doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: bool) -> None:
        raise _Stop(bool(has_internal_subset))

    def root(name: str, attributes: Any) -> None:
        raise _Stop(False)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _Stop as stop:
        return stop.declares
    except (expat.ExpatError, ValueError, LookupError):
        return False  # not XML to expat, or an encoding it lacks (GB18030): the parse below decides
    return False


def _check_file(node: Any, series_id: str, target_language: str, display: str) -> None:
    original = str(node.get("original") or "")
    match = _ORIGINAL.match(original)
    if match is None:
        raise ValidationError(
            f"{display}: <file original={original!r}> is not an episode of a microdrama kit; import the XLIFF "
            "exported with the kit, without merging other files into it"
        )
    if match["series"] != series_id:
        raise ValidationError(
            f"{display}: this kit is for series {match['series']!r}, not {series_id!r}; import it into the "
            "project it was exported from, or export a kit from this one"
        )
    language = str(node.get("target-language") or "")
    if not _same_language(language, target_language):
        raise ValidationError(
            f"{display}: {original} is a translation into {language or '(no target-language)'}, not "
            f"{target_language}; import it as {language or 'its language'}, or export a kit for {target_language}"
        )


def _same_language(found: str, wanted: str) -> bool:
    """Tags compare without case or ``_``/``-`` difference, and a region a CAT tool adds to a bare language
    is the same language (en-US for en); a differing script or region is not (zh-Hant for zh-Hans)."""
    found, wanted = found.replace("_", "-").lower(), wanted.replace("_", "-").lower()
    return found == wanted or ("-" not in wanted and found.split("-")[0] == wanted)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _repeated(keys: Sequence[Key]) -> list[Key]:
    return [key for key, count in Counter(keys).items() if count > 1]


def _name(key: Key) -> str:
    """A line as a CAT tool shows it: the episode's file, then the unit id."""
    return f"ep{key[0]:03d}/{key[1]}"


def _listed(keys: Sequence[Key]) -> str:
    shown = ", ".join(_name(key) for key in keys[:SHOWN])
    return shown + (f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else "")


def _count(keys: Sequence[Key], one: str, many: str) -> str:
    return f"1 {one}" if len(keys) == 1 else f"{len(keys)} {many}"
