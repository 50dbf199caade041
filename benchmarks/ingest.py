"""benchmarks/ingest: read + analyse + plan + script synthetic Chinese novels of 100k, 500k, 2M characters.

The novels are built from the shared corpus (Lu Xun's stories, with all their
quirks: hard wraps, full-width indents, footnote markers, notes sections) by
concatenating their chapters again and again under renumbered 第N章 headings.
Each size runs in a fresh process so its peak RSS is its own.

    .venv/bin/python -m benchmarks.ingest          # writes the table into benchmarks/RESULTS.md
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from benchmarks.common import corpus_folder, run_child, write_section
from microdrama.text.reader import read_source

SIZES = (100_000, 500_000, 2_000_000)
GOAL_SECONDS, GOAL_MB = 60.0, 2048.0
HEADING = re.compile(r"^[ 　]*第[一二三四五六七八九十百]+章.*$", re.M)


def chapters_of_corpus() -> list[str]:
    """Each story (or each chapter of a multi-chapter story) of the corpus, raw."""
    parts: list[str] = []
    for path in sorted(corpus_folder("zh").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        pieces = HEADING.split(text)
        parts.extend(piece for piece in pieces if len(piece.strip()) > 200)
    return parts


def normalised_share(parts: list[str], folder: Path) -> float:
    """Characters left after reading (notes, indents and wraps go) per raw character."""
    sample = folder / "sample.txt"
    raw = "".join(f"\n　　第{n}章\n\n{part}" for n, part in enumerate(parts, start=1))
    sample.write_text(raw, encoding="utf-8")
    return read_source(sample).char_count / len(raw)


def build_novel(target_chars: int, folder: Path) -> Path:
    """A novel of about ``target_chars`` characters *after* normalisation."""
    parts = chapters_of_corpus()
    raw_target = target_chars / normalised_share(parts, folder)
    out: list[str] = ["　　长篇测试小说\n\n"]
    size, number = 0, 0
    while size < raw_target:
        part = parts[number % len(parts)]
        number += 1
        heading = f"\n　　第{number}章\n\n"
        out.append(heading + part)
        size += len(heading) + len(part)
    path = folder / f"novel-{target_chars // 1000}k.txt"
    path.write_text("".join(out), encoding="utf-8")
    return path


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        for size in SIZES:
            path = build_novel(size, Path(temp))
            run = run_child("benchmarks.ingest_child", str(path))
            rows.append((size, run))
            print(f"{size:>9,} chars: {run.seconds:6.1f} s, peak {run.peak_rss_mb:7.0f} MB  {run.report}")
    base_size, base = rows[0]
    lines = [
        "## ingest — read + analyse + plan + script a synthetic Chinese novel",
        "",
        "Built from ../shared/corpus/zh (chapters concatenated and renumbered); default settings"
        " (episode count from length, 1.5 min); each size in its own process on this 2-core machine.",
        "",
        "| characters | episodes | read s | analyse s | plan+script s | in-process s per 100k chars |"
        " total s (wall, with start-up) | peak RSS MB | time ratio vs 100k | size ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, run in rows:
        r = run.report
        lines.append(
            f"| {int(r['characters']):,} | {int(r['episodes'])} | {r['read']:.1f} | {r['analyse']:.1f} |"
            f" {r['plan_and_script']:.1f} | {r['total'] * 100_000 / r['characters']:.2f} |"
            f" {run.seconds:.1f} | {run.peak_rss_mb:.0f} |"
            f" {run.seconds / base.seconds:.1f}x | {size / base_size:.0f}x |"
        )
    biggest = rows[-1][1]
    verdict = "met" if biggest.seconds < GOAL_SECONDS and biggest.peak_rss_mb < GOAL_MB else "NOT met"
    lines += ["", f"Goal (2M characters in < {GOAL_SECONDS:.0f} s and < 2 GB, roughly linear): **{verdict}**."]
    write_section("ingest", "\n".join(lines))


if __name__ == "__main__":
    main()
