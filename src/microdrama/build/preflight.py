"""Checks before a build spends any time: tools, fonts, inputs and disk space."""

from __future__ import annotations

from pathlib import Path

from microdrama.build.cache import disk_free_mb
from microdrama.errors import MicrodramaError, UsageError
from microdrama.project import Project, ProjectConfig

MIN_FREE_MB = 200


def check_before_build(project: Project, config: ProjectConfig, need_ffmpeg: bool) -> None:
    from microdrama.visuals.fonts import font_dir

    font_dir()
    if need_ffmpeg:
        from microdrama.render.ffmpeg import find_ffmpeg

        find_ffmpeg()
    if config.render.music:
        music = inside_project(project, config.render.music, "render.music")
        if not music.is_file():
            raise UsageError(f"the music file {config.render.music} (render.music in microdrama.toml) does not exist")
    project.build_dir.mkdir(parents=True, exist_ok=True)
    free = disk_free_mb(project.build_dir)
    if free < MIN_FREE_MB:
        raise MicrodramaError(
            f"only {free:.0f} MB free where {project.build_dir} is; "
            f"a build needs at least {MIN_FREE_MB} MB: free some space"
        )


def inside_project(project: Project, relative: str, setting: str) -> Path:
    """A path from the settings, refused if it leads outside the project folder."""
    root = project.root.resolve()
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise UsageError(f"{setting} = {relative!r} points outside the project; put the file inside the project folder")
    return path
