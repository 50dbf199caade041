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
