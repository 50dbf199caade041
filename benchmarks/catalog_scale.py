"""benchmarks/catalog_scale: evaluate a 100-episode series against a 1,000-work catalog.

- The series: a synthetic Chinese novel of 300,000 characters (benchmarks.ingest's builder,
  from ../shared/corpus/zh) adapted by the deterministic writer into 100 episodes of 1.5 min.
- The catalog: 1,000 script files of about 1,000 characters (3-4 passages each), made by
  recombining the corpus's Chinese and English sentences with a seeded generator (900 zh,
  100 en). Their content only has to be text; this measures time.

Timed side by side in one run: building the index from scratch (not part of the goal),
opening it again unchanged, `evaluate --against` (metrics, compliance, report, fingerprinting
the series, nearest works with passages), the same evaluation without a catalog, and the
catalog's homogeneity report. Goal: evaluate --against under 60 s on 2 cores once the index
is built.

    .venv/bin/python -m benchmarks.catalog_scale            # writes RESULTS.md
    .venv/bin/python -m benchmarks.catalog_scale --no-write --works 200
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.common import corpus_folder, write_section
from benchmarks.ingest import build_novel
from microdrama import api
from microdrama.evaluate.homogeneity import catalog_report

GOAL_SECONDS = 60.0
T = TypeVar("T")
NOVEL_CHARS = 300_000
EPISODES = 100
WORK_CHARS = 1_000
ENGLISH_SHARE = 0.1
_SENTENCE = re.compile(r"[^。！？!?.]+[。！？!?.]+[”’\"']?")


def sentences(language: str) -> list[str]:
    suffix = "*.md" if language == "zh" else "*.txt"
    pool: list[str] = []
    for path in sorted(corpus_folder(language).glob(suffix)):
        text = " ".join(path.read_text(encoding="utf-8").split())
        pool += [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 8]
    return pool


def write_catalog(folder: Path, works: int) -> None:
    """`works` files of about WORK_CHARS weighted characters, each a seeded draw of sentences."""
    pools = {"zh": sentences("zh"), "en": sentences("en")}
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for number in range(works):
        language = "en" if number < works * ENGLISH_SHARE else "zh"
        budget = WORK_CHARS if language == "zh" else WORK_CHARS * 3  # an English token is ~3 characters
        picked: list[str] = []
        while sum(map(len, picked)) < budget:
            picked.append(rng.choice(pools[language]))
        separator = "" if language == "zh" else " "
        (folder / f"work-{number:04d}.txt").write_text(separator.join(picked), encoding="utf-8")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=1_000, help="catalog size (default 1,000)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave RESULTS.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        novel = build_novel(NOVEL_CHARS, root)
        series = root / "series"
        api.init_project(series, novel)
        _, adapt_seconds = timed(lambda: api.adapt_project(series, episodes=EPISODES, minutes=1.5))
        catalog = root / "catalog"
        write_catalog(catalog, args.works)
        built, build_seconds = timed(lambda: api.open_catalog(catalog))
        reopened, reopen_seconds = timed(lambda: api.open_catalog(catalog))
        (plain, _), plain_seconds = timed(lambda: api.evaluate(series))
        (report, _), against_seconds = timed(lambda: api.evaluate(series, against=catalog))
        homogeneity, homogeneity_seconds = timed(lambda: catalog_report(reopened.index, str(catalog)))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    novelty = report.novelty
    assert novelty is not None
    verdict = "met" if against_seconds < GOAL_SECONDS else "NOT met"
    lines = [
        f"## catalog_scale — a {plain.series.episodes}-episode series against a {len(built.index):,}-work catalog",
        "",
        f"Series: {plain.series.episodes} episodes, {plain.series.runtime_seconds / 60:.0f} min of script, adapted"
        f" from a {NOVEL_CHARS:,}-character synthetic novel in {adapt_seconds:.1f} s. Catalog: {len(built.index):,}"
        f" generated scripts of about {WORK_CHARS:,} characters ({built.index.chunk_starts[-1]:,} passages),"
        " 2 cores, one process.",
        "",
        "| step | seconds | vs evaluate alone |",
        "|---|---:|---:|",
        *(
            f"| {step} | {seconds:.1f} | {seconds / plain_seconds:.1f}x |"
            for step, seconds in (
                ("build the catalog index from scratch (once)", build_seconds),
                ("open the unchanged index (digests checked)", reopen_seconds),
                ("`evaluate` (no catalog)", plain_seconds),
                ("`evaluate --against` the catalog", against_seconds),
                (f"catalog homogeneity report ({len(built.index):,}² pairs)", homogeneity_seconds),
            )
        ),
        "",
        f"The generated catalog's homogeneity: {homogeneity.related_share:.0%} of works related to another"
        f" (sentences recombined from one small corpus share wording), mean wording overlap"
        f" {homogeneity.mean_minhash_jaccard:.3f}.",
        f"Nearest work: {novelty.neighbours[0].work_id} ({novelty.neighbours[0].relation},"
        f" score {novelty.neighbours[0].score:.2f}); peak RSS of the whole run {peak_mb:,.0f} MB.",
        f"Goal (evaluate --against under {GOAL_SECONDS:.0f} s once the index is built): **{verdict}**.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("catalog_scale", text)


if __name__ == "__main__":
    main()
