"""How alike the works of a whole catalog are (同质化): related pairs, clusters, trope concentration.

Every pair of works gets the detector's verdict (evaluate.similarity.relation); works joined
by any verdict but "different" form a cluster, which an editor reads as "these are one
story told several times". The catalog-wide figures are the share of works that have such
a relative, the mean wording overlap (MinHash), the mean raw cosine per language, and how
concentrated the tropes are. The mean *centred* cosine is not reported: centring removes
the catalog's own mean, so it is near zero for any catalog by construction.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from microdrama.evaluate.similarity import (
    LSH_THRESHOLD,
    NAMED_PARAPHRASE_CENTRED,
    CatalogIndex,
    Relation,
    relation,
)

MAX_CLUSTER_PAIRS = 20  # pairs listed per cluster in the report (the strongest)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    relation: Relation
    minhash_jaccard: float
    centred: float
    name_overlap: float


@dataclass(frozen=True)
class Cluster:
    works: tuple[str, ...]
    pairs: tuple[Pair, ...]  # the strongest links, at most MAX_CLUSTER_PAIRS


@dataclass
class CatalogReport:
    folder: str
    works: int
    languages: dict[str, int]
    related_share: float  # works with at least one near-copy, template, paraphrase or translation
    relations: dict[str, int]  # pairs per verdict (without "different")
    mean_minhash_jaccard: float  # over all pairs of the same language
    mean_cosine: dict[str, float]  # raw cosine over pairs within each language (2+ works)
    clusters: list[Cluster]
    trope_shares: dict[str, float]  # trope id -> share of works tagged with it, most common first
    trope_concentration: float  # Herfindahl index of trope tags: 1/n for n equally used tropes
    untagged_share: float
    common_pairs: list[tuple[str, str, int]]  # trope pairs most often found together
    thin_languages: list[str]  # fewer than MIN_GROUP works: only wording and shared names decide there
    skipped: list[str] = field(default_factory=list)


def minhash_matrix(index: CatalogIndex) -> np.ndarray:
    """Estimated Jaccard of every pair's masked shingles (the diagonal is 1)."""
    hashes = index.minhashes
    matrix = np.ones((len(hashes), len(hashes)), dtype=np.float32)
    for row in range(len(hashes) - 1):
        values = (hashes[row + 1 :] == hashes[row]).mean(axis=1)
        matrix[row, row + 1 :] = values
        matrix[row + 1 :, row] = values
    return matrix


def related_pairs(index: CatalogIndex, jaccard: np.ndarray, centred: np.ndarray) -> list[Pair]:
    """Every pair the detector does not call "different", strongest first."""
    works = index.works
    names = [set(work.names) for work in works]
    # Only pairs past the lowest threshold can be related; names are compared for those alone.
    rows, cols = np.nonzero(np.triu((jaccard >= LSH_THRESHOLD) | (centred >= NAMED_PARAPHRASE_CENTRED), k=1))
    pairs = []
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        union = names[a] | names[b]
        overlap = len(names[a] & names[b]) / len(union) if union else 0.0
        verdict = relation(
            float(jaccard[a, b]),
            float(centred[a, b]),
            overlap,
            works[a].language == works[b].language,
            index.centred_on_own_language(works[a].language) and index.centred_on_own_language(works[b].language),
        )
        if verdict != "different":
            pairs.append(
                Pair(works[a].work_id, works[b].work_id, verdict, float(jaccard[a, b]), float(centred[a, b]), overlap)
            )
    return sorted(pairs, key=lambda p: (-max(p.minhash_jaccard, p.centred), p.first, p.second))


def clusters_of(pairs: list[Pair]) -> list[Cluster]:
    """Connected groups of related works, largest first (union-find over the pairs)."""
    parent: dict[str, str] = {}

    def root(work: str) -> str:
        parent.setdefault(work, work)
        while parent[work] != work:
            parent[work] = parent[parent[work]]
            work = parent[work]
        return work

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    members: dict[str, list[str]] = {}
    for work in parent:
        members.setdefault(root(work), []).append(work)
    links: dict[str, list[Pair]] = {}
    for pair in pairs:  # already strongest first
        links.setdefault(root(pair.first), []).append(pair)
    clusters = [Cluster(tuple(sorted(works)), tuple(links[key][:MAX_CLUSTER_PAIRS])) for key, works in members.items()]
    return sorted(clusters, key=lambda c: (-len(c.works), c.works))


def catalog_report(index: CatalogIndex, folder: str, skipped: list[str] | None = None) -> CatalogReport:
    languages = Counter(index.languages)
    jaccard = minhash_matrix(index)
    centred = index.centred_catalog() @ index.centred_catalog().T
    pairs = related_pairs(index, jaccard, centred)
    related = {p.first for p in pairs} | {p.second for p in pairs}
    language_of = np.array(index.languages)
    same_language = np.triu(language_of[:, None] == language_of[None, :], k=1)
    cosine = index.embeddings @ index.embeddings.T
    mean_cosine = {}
    for language, count in sorted(languages.items()):
        if count >= 2:
            mask = same_language & (language_of[:, None] == language)
            mean_cosine[language] = round(float(cosine[mask].mean()), 4)
    tropes = index.trope_sets()
    tags = Counter(trope for work in tropes for trope in work)
    total_tags = sum(tags.values())
    together = Counter(pair for work in tropes for pair in itertools.combinations(sorted(work), 2))
    return CatalogReport(
        folder=folder,
        works=len(index),
        languages=dict(sorted(languages.items())),
        related_share=len(related) / len(index),
        relations=dict(Counter(p.relation for p in pairs)),
        mean_minhash_jaccard=round(float(jaccard[same_language].mean()), 4) if same_language.any() else 0.0,
        mean_cosine=mean_cosine,
        clusters=clusters_of(pairs),
        trope_shares={trope: count / len(index) for trope, count in tags.most_common()},
        trope_concentration=sum((count / total_tags) ** 2 for count in tags.values()) if total_tags else 0.0,
        untagged_share=sum(1 for work in tropes if not work) / len(index),
        common_pairs=[(a, b, n) for (a, b), n in together.most_common(10)],
        thin_languages=index.thin_languages(),
        skipped=list(skipped or []),
    )
