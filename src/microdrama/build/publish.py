"""Publishing an output (an episode's MP4, its storyboard) only while its inputs are still wanted.

A build records, for each output it manages, the key of the inputs it wants (``claim``),
and reads in the same step the key the current file was made for. A worker that finishes
an output renames it into place only if the key it was made for is still the wanted one,
and then records that key as made (``publish``). Both steps hold one lock, so a render
left over from a killed or older build can never replace the output of newer inputs, and
"up to date" is judged by the key recorded when the file was put in place.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from microdrama.build.cache import read_json, write_json_atomic
from microdrama.errors import MicrodramaError
from microdrama.project.filelock import exclusive_lock


@dataclass(frozen=True)
class Outputs:
    state: Path  # the project's build/state folder

    @property
    def made_file(self) -> Path:
        return self.state / "renders.json"  # output name ("render:3") -> key its file was made for

    @property
    def wanted_file(self) -> Path:
        return self.state / "wanted.json"  # output name -> key the latest build asked for

    def claim(self, wanted: dict[str, str]) -> dict[str, str]:
        """Record the keys this build wants; the keys the current files were made for."""
        with self._locked():
            record = _keys(self.wanted_file)
            if any(record.get(name) != key for name, key in wanted.items()):
                write_json_atomic(self.wanted_file, record | wanted)
            return _keys(self.made_file)

    def publish(self, name: str, key: str, made: Path, out: Path) -> bool:
        """Rename ``made`` over ``out`` if ``key`` is still wanted for ``name``; False (and untouched) if not."""
        with self._locked():
            wanted = _keys(self.wanted_file).get(name)
            if wanted is not None and wanted != key:
                return False
            os.replace(made, out)  # first the file, then its key: a kill in between only costs a re-render
            write_json_atomic(self.made_file, _keys(self.made_file) | {name: key})
            return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Held for a few file operations; the kernel releases it if the holder is killed."""

        def cannot(error: OSError) -> MicrodramaError:
            return MicrodramaError(f"cannot write in {self.state}: {error.strerror}; check permissions")

        try:
            self.state.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise cannot(error) from error
        with exclusive_lock(self.state / ".publish.lock", cannot):
            yield


def _keys(path: Path) -> dict[str, str]:
    record = read_json(path)
    return {str(name): str(key) for name, key in record.items()} if isinstance(record, dict) else {}
