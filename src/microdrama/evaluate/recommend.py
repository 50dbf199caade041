"""Diversity-aware recommendations over a catalog's works, judged against plain popularity.

Items are the catalog's works (their ids: file or folder names). Their genres are the tropes
tagged in them, and the similarity MMR diversifies against is the centred cosine of their
meaning vectors, the same score that finds near-duplicates: two template fills of one hit
count as the same item twice, which is the sameness a diverse list avoids.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from microdrama.evaluate.interactions import read_interactions
from microdrama.evaluate.rerank import (
    Catalog,
    Method,
    MethodScores,
    RankingData,
    check_ranking_args,
    evaluate_rankings,
    rank_all,
)
from microdrama.evaluate.similarity import CatalogIndex
from microdrama.project.atomic import write_text_atomic

BASELINES: tuple[Method, ...] = ("popularity", "personalised")


@dataclass
class Recommendations:
    method: Method
    diversity: float
    k: int
    lists: dict[str, list[str]]  # user -> work ids, best first
    scores: list[MethodScores]  # the baselines, then the chosen method
    skipped: str  # interaction rows not used, summarised ('' when none)
    skipped_rows: int


def ranking_catalog(index: CatalogIndex) -> Catalog:
    return Catalog(
        ids=tuple(work.work_id for work in index.works),
        genres=tuple(work.tropes for work in index.works),
        embeddings=index.centred_catalog(),
    )


def recommend_from_catalog(
    index: CatalogIndex, interactions_csv: Path, *, diversity: float, k: int, method: Method
) -> Recommendations:
    check_ranking_args(k, diversity)
    catalog = ranking_catalog(index)
    interactions = read_interactions(interactions_csv, set(catalog.ids))
    data = RankingData.from_interactions(catalog, interactions)
    lists = rank_all(data, method, k, diversity)
    methods = [*BASELINES, method] if method not in BASELINES else list(BASELINES)
    return Recommendations(
        method=method,
        diversity=diversity,
        k=k,
        lists={user: [catalog.ids[i] for i in ranked] for user, ranked in zip(data.users, lists, strict=True)},
        scores=evaluate_rankings(catalog, interactions, k=k, diversity=diversity, methods=methods),
        skipped=interactions.skipped_summary(),
        skipped_rows=len(interactions.skipped),
    )


def write_recommendations(result: Recommendations, index: CatalogIndex, out_dir: Path) -> tuple[Path, Path]:
    """recommendations.csv (user, rank, item, title) and recommendations.json (lists and metrics)."""
    titles = {work.work_id: work.title for work in index.works}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["user", "rank", "item", "title"])
    for user, items in result.lists.items():
        for rank, item in enumerate(items, start=1):
            writer.writerow([user, rank, item, titles.get(item, "")])
    csv_path, json_path = out_dir / "recommendations.csv", out_dir / "recommendations.json"
    write_text_atomic(csv_path, buffer.getvalue())
    write_text_atomic(json_path, json.dumps(asdict(result), ensure_ascii=False, indent=1) + "\n")
    return csv_path, json_path
