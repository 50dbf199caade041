"""Fonts that ship as wheels, so frames and subtitles render CJK text with no system fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from microdrama import assets

# Noto Sans SC covers Simplified Chinese, Latin and most punctuation.
FONT_FAMILY = "Noto Sans SC"


@cache
def font_dir() -> Path:
    """The folder holding the bundled fonts (for Pillow and for libass's fontsdir), checked once a process."""
    return assets.package_file("pylopdf-fonts-zh-cn", "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf").parent


def sans_font() -> Path:
    return font_dir() / "NotoSansSC-Regular.otf"


def serif_font() -> Path:
    return assets.package_file("pylopdf-fonts-zh-cn", "pylopdf_fonts_zh_cn/NotoSerifSC-Regular.otf")


# Subtitle fonts for other scripts, each in its own wheel (Noto Sans, OFL): language -> (package, family).
SCRIPT_FONTS = {
    "th": ("pylopdf_fonts_th", "Noto Sans Thai"),
    "ko": ("pylopdf_fonts_ko", "Noto Sans KR"),
    "ja": ("pylopdf_fonts_jp", "Noto Sans JP"),
    "zh-Hant": ("pylopdf_fonts_zh_tw", "Noto Sans TC"),
}


@cache
def subtitle_font_files(language: str) -> tuple[Path, ...]:
    """The sans fonts libass needs for subtitles in ``language``: Noto Sans SC (Chinese and
    Latin) plus the language's own script font (the package's pinned Sans files, checked).
    Only these go to libass, which reads every font file it is given."""
    files = [sans_font()]
    if language in SCRIPT_FONTS:
        package = SCRIPT_FONTS[language][0].replace("_", "-")
        files += sorted(path for path in assets.package_files(package).values() if "Sans" in path.name)
    return tuple(files)


def subtitle_font_family(language: str) -> str:
    """The family subtitles in ``language`` are set in (libass falls back per glyph to the others given)."""
    return SCRIPT_FONTS[language][1] if language in SCRIPT_FONTS else FONT_FAMILY
