"""Fonts that ship as wheels, so frames and subtitles render CJK text with no system fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from microdrama.errors import MicrodramaError

# Noto Sans SC covers Simplified Chinese, Latin and most punctuation.
FONT_FAMILY = "Noto Sans SC"


@cache
def font_dir() -> Path:
    """The folder holding the bundled fonts (for Pillow and for libass's fontsdir)."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as error:
        raise MicrodramaError(
            "the CJK font package is missing; reinstall microdrama (pip install microdrama) "
            "or pip install pylopdf-fonts-zh-cn"
        ) from error
    folder = Path(pylopdf_fonts_zh_cn.__file__).parent
    if not (folder / "NotoSansSC-Regular.otf").is_file():
        raise MicrodramaError(f"the bundled font is missing from {folder}; reinstall pylopdf-fonts-zh-cn")
    return folder


def sans_font() -> Path:
    return font_dir() / "NotoSansSC-Regular.otf"


def serif_font() -> Path:
    return font_dir() / "NotoSerifSC-Regular.otf"


# Subtitle fonts for other scripts, each in its own wheel (Noto Sans, OFL): language -> (package, family).
SCRIPT_FONTS = {
    "th": ("pylopdf_fonts_th", "Noto Sans Thai"),
    "ko": ("pylopdf_fonts_ko", "Noto Sans KR"),
    "ja": ("pylopdf_fonts_jp", "Noto Sans JP"),
    "zh-Hant": ("pylopdf_fonts_zh_tw", "Noto Sans TC"),
}
FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".otc")


@cache
def subtitle_font_files(language: str) -> tuple[Path, ...]:
    """The sans fonts libass needs for subtitles in ``language``: Noto Sans SC (Chinese and
    Latin) plus the language's own script font. Only these go to libass, which reads every
    font file it is given."""
    import importlib

    files = [sans_font()]
    if language in SCRIPT_FONTS:
        package = SCRIPT_FONTS[language][0]
        try:
            module = importlib.import_module(package)
        except ImportError as error:
            raise MicrodramaError(
                f"the font for {language} subtitles is missing; reinstall microdrama "
                f"(pip install {package.replace('_', '-')})"
            ) from error
        folder = Path(module.__file__ or "").parent
        files += sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES and "Sans" in p.name)
    return tuple(files)


def subtitle_font_family(language: str) -> str:
    """The family subtitles in ``language`` are set in (libass falls back per glyph to the others given)."""
    return SCRIPT_FONTS[language][1] if language in SCRIPT_FONTS else FONT_FAMILY
