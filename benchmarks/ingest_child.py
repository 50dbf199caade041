"""One ingest run (read + analyse + plan + script) of one file, in its own process.

Prints a JSON line with the seconds of each stage; the parent measures peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from microdrama.project.config import AdaptSettings
from microdrama.text.analysis import analyze
from microdrama.text.reader import read_source
from microdrama.write.adapt import adapt_document


def main(path: Path) -> None:
    times: dict[str, float] = {}
    start = time.perf_counter()
    document = read_source(path, recorded_path=f"source/{path.name}")
    times["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    analysis = analyze(document)
    times["analyse"] = time.perf_counter() - mark
    mark = time.perf_counter()
    adaptation = adapt_document(document, analysis, AdaptSettings(), document.title)
    times["plan_and_script"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - start
    times["characters"] = float(document.char_count)
    times["episodes"] = float(len(adaptation.episodes))
    times["cast"] = float(len(adaptation.bible.characters))
    print(json.dumps(times))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
