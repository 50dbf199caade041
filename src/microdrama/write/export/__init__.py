"""Script exports: Fountain, 中文剧本 (Markdown) and JSON.

``export_series`` returns file names mapped to file contents and writes
nothing, so the caller chooses the folder and writes each file atomically.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Literal

from microdrama.errors import UsageError
from microdrama.model import Bible, Episode
from microdrama.write.export import common, fountain, json_export, zh_script

Format = Literal["fountain", "zh-script", "json"]
FORMATS: tuple[Format, ...] = ("fountain", "zh-script", "json")

__all__ = ["FORMATS", "Format", "export_series"]


def export_series(
    bible: Bible,
    episodes: Sequence[Episode],
    fmt: str,
    *,
    episode: int | None = None,
    draft_date: str | None = None,
    shot_notes: bool = True,
) -> dict[str, str]:
    """Render the series in ``fmt``: ``series.<ext>`` plus ``epNNN.<ext>`` per episode.

    With ``episode`` only that episode's file is returned. ``draft_date``
    (Fountain's title page) defaults to today; pass it for byte-stable output.
    ``shot_notes`` adds framing, camera move and duration per shot to the
    script formats.
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    ordered = common.ordered(episodes)
    if episode is not None:
        chosen = [ep for ep in ordered if ep.number == episode]
        if not chosen:
            have = ", ".join(str(ep.number) for ep in ordered) or "none"
            raise UsageError(f"episode {episode} is not in this series (episodes: {have}); pick one of them")
        ordered = chosen
    options = common.Options(
        draft_date=draft_date or datetime.date.today().isoformat(),
        shot_notes=shot_notes,
    )
    return renderer(bible, ordered, options, episode is None)


def _fountain(bible: Bible, episodes: list[Episode], options: common.Options, whole: bool) -> dict[str, str]:
    files = {f"series{fountain.SUFFIX}": fountain.render(bible, episodes, options)} if whole else {}
    for ep in episodes:
        subtitle = fountain.episode_subtitle(bible, ep)
        files[common.stem(ep) + fountain.SUFFIX] = fountain.render(bible, [ep], options, subtitle=subtitle)
    return files


def _zh_script(bible: Bible, episodes: list[Episode], options: common.Options, whole: bool) -> dict[str, str]:
    files = {f"series{zh_script.SUFFIX}": zh_script.render(bible, episodes, options)} if whole else {}
    for ep in episodes:
        files[common.stem(ep) + zh_script.SUFFIX] = zh_script.render(bible, [ep], options, front_matter=False)
    return files


def _json(bible: Bible, episodes: list[Episode], options: common.Options, whole: bool) -> dict[str, str]:
    files = {f"series{json_export.SUFFIX}": json_export.series(bible, episodes)} if whole else {}
    for ep in episodes:
        files[common.stem(ep) + json_export.SUFFIX] = json_export.episode(ep)
    return files


_RENDERERS: dict[str, Callable[[Bible, list[Episode], common.Options, bool], dict[str, str]]] = {
    "fountain": _fountain,
    "zh-script": _zh_script,
    "json": _json,
}
