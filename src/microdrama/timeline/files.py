"""The built timeline of an episode (build/out/epNNN.timeline.json): where it lives and how it is read.

Build writes it; localize, evaluate and the studio read it. A file from an older version of
microdrama, or one damaged by hand, is a "build again" error here rather than a pydantic
traceback in each reader.
"""

from __future__ import annotations

from pathlib import Path

from microdrama.errors import ProjectError
from microdrama.timeline.model import Timeline


def timeline_path(out_dir: Path, number: int) -> Path:
    return out_dir / f"ep{number:03d}.timeline.json"


def read_timeline(path: Path) -> Timeline:
    """The timeline in `path`; ProjectError when it cannot be read or is not this version's shape."""
    try:
        return Timeline.model_validate_json(path.read_bytes())
    except OSError as error:
        raise ProjectError(
            f"cannot read {path.name}: {error.strerror or error}; run `microdrama build` again"
        ) from None
    except (ValueError, RecursionError):  # pydantic's ValidationError is a ValueError
        raise ProjectError(
            f"{path.name} was written by another version of microdrama or is damaged; "
            "run `microdrama build` again to remake it"
        ) from None
