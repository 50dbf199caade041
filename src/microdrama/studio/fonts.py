"""Chinese text on machines without a Chinese font: each page gets a web font cut down to the
characters it shows.

The bundled Noto Sans SC (from the pylopdf-fonts-zh-cn wheel the renderer already uses) is
8 MB; the subset of a page's few hundred characters is ~100-200 KB as WOFF. The face is
declared for Chinese code points only and names common local Chinese fonts first, so a
machine that has one never fetches it. Subsets are cut once per character set and kept in
build/cache/studio-fonts/.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections import OrderedDict
from pathlib import Path

from microdrama.errors import MicrodramaError
from microdrama.project.atomic import write_bytes_atomic
from microdrama.visuals.fonts import sans_font

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d\u2026]")
KEEP = 512  # character sets remembered (a page each); older ones are cut again if asked for
ALWAYS = "0123456789"  # digits beside Chinese text render in the same face


def font_file() -> Path:
    return sans_font()  # the renderer's checked copy


class FontSubsets:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._sets: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def key_for(self, html: str) -> str | None:
        """The subset key for the wide characters of `html` (None when it has none)."""
        chars = "".join(sorted(set(_WIDE.findall(html))))
        if not chars:
            return None
        key = hashlib.sha256(f"{font_file().name}:{chars}".encode()).hexdigest()[:20]
        with self._lock:
            self._sets[key] = chars
            self._sets.move_to_end(key)
            while len(self._sets) > KEEP:
                self._sets.popitem(last=False)
        return key

    def woff(self, key: str) -> bytes | None:
        """The subset for `key`, cut now or read from the cache; None for a key never seen."""
        path = self.cache_dir / f"{key}.woff"
        if path.is_file():
            return path.read_bytes()
        with self._lock:
            chars = self._sets.get(key)
        if chars is None:
            return None
        data = _subset(chars + ALWAYS)
        with contextlib.suppress(MicrodramaError):  # a read-only project: served, cut again next time
            write_bytes_atomic(path, data)
        return data


def _subset(text: str) -> bytes:
    import io

    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["kern", "vert"]
    font = TTFont(font_file(), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
