"""``python -m microdrama.assets``: check every pinned asset that is installed (exit 1 on a mismatch).

``--print`` prints the manifest entries of the installed versions instead, for docs/assets.md's
refresh steps: paste them into manifest.py after reviewing the new uploads.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from microdrama.assets.check import package_files, sha256_of
from microdrama.assets.manifest import PACKAGES
from microdrama.errors import AssetError


def main(argv: list[str]) -> int:
    failed = False
    for name, pinned in PACKAGES.items():
        try:
            found = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if "--print" not in argv:
                print(f"-    {name}: not installed (optional)")
            continue
        if "--print" in argv:
            print(f'    "{name}": Package(\n        "{found.version}",\n        {{')
            for record in pinned.files:
                path = Path(str(found.locate_file(record)))
                print(f'            "{record}": Pin({path.stat().st_size}, "{sha256_of(path)}"),')
            print("        },\n    ),")
            continue
        try:
            package_files(name)
            print(f"ok   {name} {pinned.version}: {len(pinned.files)} files")
        except AssetError as error:
            print(f"FAIL {error}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
