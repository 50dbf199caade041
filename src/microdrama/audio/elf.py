"""Find a shared library's internal (static) variables from its ELF symbol table.

Used for one thing: libespeak-ng keeps a little synthesis state in static variables
(the pitch-flutter phase, the gain control, a cycle counter) that carries from one
utterance into the next, so the same text sounds a few samples different depending on
what was spoken before. Resetting those variables before each utterance makes espeak-ng
a pure function of its input. The library offers no call for it, so we locate them here;
when they cannot be found (a stripped or non-ELF build) synthesis still works, just
without byte-for-byte repeatability.
"""

from __future__ import annotations

import struct
from pathlib import Path

_ELF_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")
_SECTION = struct.Struct("<IIQQQQIIQQ")
_SYMBOL = struct.Struct("<IBBHQQ")
_SHT_SYMTAB = 2


def _cstring(table: bytes, offset: int) -> str:
    end = table.find(b"\0", offset)
    return table[offset : end if end >= 0 else len(table)].decode("ascii", "replace")


def symbols(path: Path, wanted: set[str]) -> dict[str, tuple[int, int]]:
    """{name: (value, size)} for the wanted names in a 64-bit little-endian ELF's .symtab.

    A wanted name also matches the compiler's name for a function's static local
    variable ("Flutter_ix" matches "Flutter_ix.5965"). Returns {} for anything that is
    not such a file, and leaves out names that are missing or ambiguous.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return {}
    if len(data) < _ELF_HEADER.size or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    header = _ELF_HEADER.unpack_from(data)
    section_offset, section_size, section_count = header[6], header[11], header[12]
    if section_size != _SECTION.size or section_offset + section_count * section_size > len(data):
        return {}
    sections = [_SECTION.unpack_from(data, section_offset + i * section_size) for i in range(section_count)]
    found: dict[str, list[tuple[int, int]]] = {}
    for section in sections:
        if section[1] != _SHT_SYMTAB or section[6] >= len(sections):
            continue
        strings = sections[section[6]]
        table = data[strings[4] : strings[4] + strings[5]]
        start, size = section[4], section[5]
        for offset in range(start, min(start + size, len(data)) - _SYMBOL.size + 1, _SYMBOL.size):
            name_offset, _info, _other, _index, value, length = _SYMBOL.unpack_from(data, offset)
            name = _cstring(table, name_offset)
            base = name.split(".", 1)[0]
            if name in wanted or (base in wanted and name[len(base) + 1 :].isdigit()):
                found.setdefault(base, []).append((value, length))
    return {name: hits[0] for name, hits in found.items() if len(set(hits)) == 1}
