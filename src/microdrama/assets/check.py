"""The one checker every load site of packaged model data and native code goes through.

A file is hashed once per process and remembered by (size, mtime): later loads cost a stat, and
a file changed in between is hashed again. A wrong or missing file raises AssetError naming the
package, the file, the expected and the found digest, and how to reinstall.
"""

from __future__ import annotations

import hashlib
import threading
from importlib import metadata
from pathlib import Path

from microdrama.assets.manifest import PACKAGES, Pin
from microdrama.errors import AssetError

CHUNK = 4 * 1024 * 1024
REINSTALL = "rm -rf .venv && ./dev demo (or ./dev test) in a checkout, else pip install --force-reinstall --no-deps"

_LOCK = threading.Lock()
_verified: dict[Path, tuple[int, int]] = {}  # path -> (size, mtime_ns) when its digest last matched


def reinstall_hint(package: str) -> str:
    version = PACKAGES[package].version if package in PACKAGES else ""
    return f"reinstall it from the hashed lock: {REINSTALL} '{package}=={version}'"


def verify(path: Path, pin: Pin, what: str, fix: str) -> Path:
    """``path`` when its bytes are ``pin``'s; else AssetError saying ``what`` it is and ``fix``."""
    try:
        stat = path.stat()
    except OSError:
        raise AssetError(f"{what} is missing ({path}); {fix}") from None
    key = (stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        if _verified.get(path) == key:
            return path
        found = sha256_of(path)
        if found != pin.sha256:
            _verified.pop(path, None)
            raise AssetError(
                f"{what} has SHA-256 {found}, expected {pin.sha256} ({path}): it is corrupt or not the"
                f" reviewed upload; {fix}"
            )
        _verified[path] = key
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise AssetError(f"cannot read {path}: {error.strerror}") from error
    return digest.hexdigest()


def package_file(package: str, record_path: str) -> Path:
    """The verified installed file ``record_path`` (a RECORD path) of the pinned ``package``."""
    return package_files(package)[record_path]


def package_files(package: str) -> dict[str, Path]:
    """Every pinned file of ``package``, verified: RECORD path -> installed path."""
    pinned = PACKAGES[package]
    try:
        found = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise AssetError(
            f"{package} is not installed; install it from the hashed lock: ./dev demo (or ./dev test) in a"
            f" checkout, else pip install '{package}=={pinned.version}'"
        ) from None
    installed = found.version
    label = package if installed == pinned.version else f"{package} {installed} (reviewed: {pinned.version})"
    fix = reinstall_hint(package)
    return {
        record: verify(Path(str(found.locate_file(record))), pin, f"{Path(record).name} of {label}", fix)
        for record, pin in pinned.files.items()
    }
