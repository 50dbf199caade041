"""Paths named by a settings file or a browser, kept inside the project folder.

One rule for every such path (microdrama.toml's source files and music, the studio's file
links, a script's source spans): relative, no "..", and no symlink that leads out, checked
where it really ends up after every link is followed.
"""

from __future__ import annotations

from pathlib import Path


class OutsideProject(ValueError):
    """A path that would leave the project folder; the message says how, in a few words."""


def inside_project(root: Path, relative: str) -> Path:
    """``relative`` resolved inside ``root`` (symlinks followed), or OutsideProject."""
    if not relative or "\x00" in relative:
        raise OutsideProject("empty, or a NUL in it")
    if relative.startswith(("/", "\\")) or Path(relative).is_absolute():
        raise OutsideProject("an absolute path")
    if any(part in ("..", "") for part in Path(relative).parts):
        raise OutsideProject("it uses '..'")
    base = root.resolve()
    try:
        target = (base / relative).resolve()  # every symlink followed: where it really leads
    except (OSError, RuntimeError) as error:  # a symlink loop
        raise OutsideProject("a symlink loop") from error
    if target != base and base not in target.parents:
        raise OutsideProject("a symlink leads out")
    return target
