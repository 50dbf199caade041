"""Turning the bytes of a text file into a string: binary sniffing and encoding detection.

Decoding is always strict. Legacy Chinese files decode without error under more
than one codec (Big5 bytes are nearly always valid GBK), so the CJK candidates
are ranked by how plausible the result is: the share of characters that belong
to the frequent tiers of the two national standards (GB2312 level 1 for
simplified, Big5 level 1 for traditional) plus a small list of the very commonest
characters. Western legacy text (cp1252) is told apart from CJK by the shape of
its non-ASCII characters: isolated accented letters and curly quotes, not pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from microdrama.errors import SourceError

# Magic numbers of files people rename to .txt by mistake, with what to tell them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Office (.doc) file"),
)
_UTF32_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"))
_UTF16_BOMS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SNIFF_BYTES = 65536
# Control bytes that never appear in text (tab, newlines, form feed and ESC do).
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27}

# The very commonest characters, simplified and traditional; right decodings are full of them.
_TOP = frozenset(
    "的一是不了人我在有他这個个们們中来來上大为為和到说說时時要就出会會也你对對能而子那得着著"
    "下自之过過后後里裡道然家事么麼去都看天还還好只想没沒心她把发發见見问問当當与與从從经經将將"
    "头頭样樣开開长長现現听聽让讓儿兒年生地起又小走老手眼声聲"
)
_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】—…·～　〔〕﹁﹂︰")


def sniff_binary(data: bytes, name: str) -> None:
    """Raise ``SourceError`` when ``data`` is evidently not text (magic number, control bytes).

    Call after ruling out UTF-16/32, whose NUL bytes are legitimate.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceError(f"{name} is {what}, not a text file: give the story as .txt, .md, .epub or .docx")
    if data[:4] == b"RIFF" or data[4:8] == b"ftyp":
        raise SourceError(f"{name} is an audio/video/image file, not text: give the story as .txt, .md, .epub or .docx")
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head or sum(head.count(bytes([c])) for c in _CONTROL) > len(head) // 20:
        raise SourceError(
            f"{name} looks like a binary file (it has control bytes no text has): "
            "give the story as .txt, .md, .epub or .docx"
        )


@dataclass(frozen=True)
class _Candidate:
    encoding: str
    text: str
    common: float  # share of non-ASCII characters that are frequent hanzi or CJK punctuation
    top: float  # share that are among the very commonest characters


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding)``.

    ``encoding`` re-decodes ``data`` to exactly ``text`` (``data.decode(encoding)``):
    a BOM is recorded as ``utf-8-sig``/``utf-16``/``utf-32``, which drop it.
    """
    for bom, codec in (*_UTF32_BOMS, (b"\xef\xbb\xbf", "utf-8-sig"), *_UTF16_BOMS):
        if data.startswith(bom):
            return _strict(data, codec, name), codec
    unmarked_utf16 = _guess_utf16(data)
    if unmarked_utf16 is not None:
        return unmarked_utf16
    sniff_binary(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    _refuse_broken_utf8(data, name, utf8_error)
    best_cjk: _Candidate | None = None
    for codec in ("gb18030", "big5", "cp950", "big5hkscs"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidate = _Candidate(codec, text, *_cjk_shares(text))
        if best_cjk is None or candidate.common + candidate.top > best_cjk.common + best_cjk.top:
            best_cjk = candidate
        if codec == "big5":
            break  # cp950 and HKSCS are supersets: only needed when plain Big5 fails
    cjk_common = best_cjk.common if best_cjk else 0.0
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    western_score = _western_score(western) if western is not None else 0.0
    if western is not None and western_score >= 0.7 and cjk_common < 0.7:
        return western, "cp1252"
    if best_cjk is not None and cjk_common >= 0.5:
        return best_cjk.text, best_cjk.encoding
    if western is not None and western_score >= 0.5:
        return western, "cp1252"
    raise SourceError(
        f"{name} is not readable text (not valid UTF-8 at byte {utf8_error.start}, nor GB18030, "
        "Big5 or Windows-1252): open it in a text editor and save it as UTF-8"
    )


def _refuse_broken_utf8(data: bytes, name: str, error: UnicodeDecodeError) -> None:
    """UTF-8 with a few bad bytes must not be guessed as another encoding (that gives mojibake)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = len(text.translate(_ASCII_DROP)) - bad
    if multibyte >= 10 * bad:
        raise SourceError(
            f"{name} is UTF-8 with {bad} broken byte sequence(s), the first at byte {error.start}: "
            "open it in a text editor, fix or delete the garbled characters and save it as UTF-8"
        )


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{name} starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
            f"(bad bytes at {error.start}): open it in a text editor and save it as UTF-8"
        ) from None


def _guess_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes, and one byte order that reads as plausible text.

    NULs alone do not tell the byte order (U+3000 indentation has a NUL low byte,
    a newline a NUL high byte), so both orders are decoded and judged.
    """
    if len(data) % 2 or data[:_SNIFF_BYTES].count(0) < 2:
        return None
    scores = {
        codec: _plausible_share(data[:_SNIFF_BYTES].decode(codec, errors="replace"))
        for codec in ("utf-16-le", "utf-16-be")
    }
    codec = max(scores, key=lambda name: scores[name])
    if scores[codec] < 0.9:
        return None
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        return None


def _plausible_share(sample: str) -> float:
    """Share of characters a story is made of: printable ASCII, Latin letters, punctuation, common hanzi."""
    if not sample:
        return 0.0
    common = _common_chars()
    good = 0
    for ch in sample:
        code = ord(ch)
        if (
            (32 <= code < 127 or ch in "\n\r\t")
            or ch in common
            or 0xC0 <= code < 0x250
            or 0x2000 <= code < 0x2070
            or 0xFF01 <= code < 0xFF5F
        ):
            good += 1
    return good / len(sample)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """GB2312 level 1 and Big5 level 1: the frequent hanzi of each standard, built from the codecs."""
    chars: set[str] = set(_CJK_PUNCT)
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for high in range(0xA4, 0xC7):
        for low in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (high << 8 | low) > 0xC67E:
                break
            try:
                chars.add(bytes((high, low)).decode("big5"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


# Deletes every ASCII code point, leaving only what needs judging.
_ASCII_DROP = dict.fromkeys(range(128))
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _cjk_shares(text: str) -> tuple[float, float]:
    """(common, top): how much of a decoding's non-ASCII text is ordinary Chinese."""
    counts = Counter(text[:200000].translate(_ASCII_DROP))
    total = sum(counts.values())
    if not total:
        return 0.0, 0.0
    common = _common_chars()
    common_share = sum(n for ch, n in counts.items() if ch in common) / total
    top_share = sum(n for ch, n in counts.items() if ch in _TOP) / total
    return common_share, top_share


def _western_score(text: str) -> float:
    """Share of non-ASCII chars in runs of one or two, as in "café", "Füße" or “quoted”.

    Chinese bytes read as Windows-1252 turn into long runs ("ÄãºÃ..."), one pair per hanzi.
    """
    sample = text[:200000]
    total = short = 0
    for match in _NON_ASCII_RUN.finditer(sample):
        length = match.end() - match.start()
        total += length
        if length <= 2:
            short += length
    return short / total if total else 0.0
