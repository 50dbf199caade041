"""Checks before a build spends any time: tools, fonts, inputs and disk space."""

from __future__ import annotations

from pathlib import Path

from microdrama.build.cache import disk_free_mb
from microdrama.errors import MicrodramaError, UsageError
from microdrama.project import Project, ProjectConfig
from microdrama.project.paths import OutsideProject
from microdrama.project.paths import inside_project as confine

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
    for folder in (project.build_dir, project.build_dir / "cache", project.out_dir):
        if folder.exists() and not folder.is_dir():
            raise MicrodramaError(f"{folder} is a file where the build keeps a folder; move it away and build again")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MicrodramaError(
                f"cannot create {folder}: {error.strerror}; check permissions and free space"
            ) from error
    free = disk_free_mb(project.build_dir)
    if free < MIN_FREE_MB:
        raise MicrodramaError(
            f"only {free:.0f} MB free where {project.build_dir} is; "
            f"a build needs at least {MIN_FREE_MB} MB: free some space"
        )


def inside_project(project: Project, relative: str, setting: str) -> Path:
    """A path from the settings, refused if it leads outside the project folder."""
    try:
        return confine(project.root, relative)
    except OutsideProject as error:
        raise UsageError(
            f"{setting} = {relative!r} points outside the project ({error}); put the file inside the project folder"
        ) from error
