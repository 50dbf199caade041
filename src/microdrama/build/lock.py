"""One build at a time per project: a second one is refused, not interleaved."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from microdrama.errors import MicrodramaError, UsageError
from microdrama.project.filelock import LockBusy, exclusive_lock


@contextlib.contextmanager
def build_lock(build_dir: Path, busy: str = "another build of this project is running") -> Iterator[None]:
    """Held for the whole of a build (or of anything a build must not run beside); `busy` says
    what cannot happen when another process holds it."""

    def cannot(error: OSError) -> MicrodramaError:
        return MicrodramaError(f"cannot write in {build_dir}: {error.strerror}; check permissions and free space")

    try:
        build_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot(error) from error
    try:
        with exclusive_lock(build_dir / ".lock", cannot, wait=False):
            yield
    except LockBusy:
        raise UsageError(f"{busy} (lock {build_dir / '.lock'}); wait for it") from None
