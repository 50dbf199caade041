"""Diversity-aware re-ranking of series recommendations, and metrics to judge it (numpy only).

Base rankings: popularity (sum of interaction weights per item) and a personalised item-based
score (sum of similarities to the items a user has watched). Re-rankers on top of the
personalised score:

* MMR (Carbonell & Goldstein 1998): greedily pick argmax (1-λ)·rel(i) − λ·max_{j∈S} sim(i, j).
* Calibration (Steck 2018): greedily pick argmax (1-λ)·rel(i) − λ·KL(p ‖ q̃(S ∪ {i})), where p is
  the user's genre mix and q̃ = (1-α)·q + α·p the list's, smoothed so KL stays finite.

λ is the ``diversity`` argument (the CLI's ``--diversity``); λ = 0 gives the plain ranking.
Relevance is min-max normalised to [0, 1] over the candidates so λ means the same for any scale.
Items a user has already seen are never recommended to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from microdrama.errors import UsageError, ValidationError
from microdrama.evaluate.interactions import Interactions

Method = Literal["popularity", "personalised", "mmr", "calibrated"]
METHODS: tuple[Method, ...] = ("popularity", "personalised", "mmr", "calibrated")
CALIBRATION_SMOOTHING = 0.01  # Steck's α: keeps KL finite when the list lacks one of the user's genres

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
ItemList = Sequence[int] | IndexArray


# --- the catalog -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """Series in a fixed order: ids, genre/trope tags, and optional unit-length embeddings (one row each)."""

    ids: tuple[str, ...]
    genres: tuple[tuple[str, ...], ...]
    embeddings: NDArray[np.float32] | None = None
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.genres) != len(self.ids):
            raise ValueError(f"{len(self.ids)} ids but {len(self.genres)} genre lists")
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("catalog item ids repeat")
        if self.embeddings is not None and self.embeddings.shape[0] != len(self.ids):
            raise ValueError(f"{len(self.ids)} ids but {self.embeddings.shape[0]} embedding rows")
        object.__setattr__(self, "index", {item: i for i, item in enumerate(self.ids)})

    @classmethod
    def from_items(
        cls, genres: Mapping[str, Sequence[str]], embeddings: Mapping[str, NDArray[np.floating]] | None = None
    ) -> Catalog:
        """A catalog in ``genres``' order; embeddings (if any) are unit-normalised as float32."""
        ids = tuple(genres)
        matrix = None
        if embeddings is not None:
            missing = [item for item in ids if item not in embeddings]
            if missing:
                raise ValueError(f"no embedding for {', '.join(missing[:5])}")
            matrix = unit_rows(np.stack([np.asarray(embeddings[item], dtype=np.float32) for item in ids]))
        return cls(ids, tuple(tuple(tags) for tags in genres.values()), matrix)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def genre_names(self) -> tuple[str, ...]:
        return tuple(sorted({tag for tags in self.genres for tag in tags}))

    @cached_property
    def genre_membership(self) -> FloatArray:
        """items × genres, 1 where the item carries the tag."""
        column = {name: j for j, name in enumerate(self.genre_names)}
        membership = np.zeros((len(self.ids), len(self.genre_names)))
        for i, tags in enumerate(self.genres):
            membership[i, [column[tag] for tag in set(tags)]] = 1.0
        return membership

    @cached_property
    def genre_shares(self) -> FloatArray:
        """items × genres, p(g|i): an item's tags share its mass equally (rows sum to 1; untagged rows are 0)."""
        counts = self.genre_membership.sum(axis=1, keepdims=True)
        shares = np.divide(self.genre_membership, counts, out=np.zeros_like(self.genre_membership), where=counts > 0)
        return np.asarray(shares, dtype=np.float64)

    @cached_property
    def similarity(self) -> FloatArray:
        """items × items: cosine of embeddings (below 0 counts as 0: unlike is unlike), or Jaccard of tag sets
        when there are no embeddings. Both lie in [0, 1], so intra-list diversity (1 - similarity) does too."""
        if self.embeddings is not None:
            cosine = self.embeddings.astype(np.float64) @ self.embeddings.T.astype(np.float64)
            return np.clip(cosine, 0.0, 1.0)
        return jaccard_similarity(self.genre_membership)


def unit_rows(matrix: NDArray[np.floating]) -> NDArray[np.float32]:
    """Rows scaled to length 1 (all-zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0), dtype=np.float32)


def jaccard_similarity(membership: FloatArray) -> FloatArray:
    """|A∩B| / |A∪B| for every pair of rows of a 0/1 matrix; 0 when both are empty, 1 on the diagonal."""
    shared = membership @ membership.T
    sizes = membership.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    similarity = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    np.fill_diagonal(similarity, 1.0)
    return np.asarray(similarity, dtype=np.float64)


# --- interaction data as matrices --------------------------------------------------------------


@dataclass(frozen=True)
class RankingData:
    """Everything the rankers need, computed once: users × items weights and item popularity."""

    catalog: Catalog
    users: tuple[str, ...]
    weights: FloatArray  # users × items, summed over repeated rows
    seen: NDArray[np.bool_]  # users × items: any row at all, even with weight 0

    @classmethod
    def from_interactions(cls, catalog: Catalog, interactions: Interactions) -> RankingData:
        users = tuple(interactions.users())
        weights, seen = interaction_matrices(interactions, catalog, users)
        return cls(catalog, users, weights, seen)

    @cached_property
    def popularity(self) -> FloatArray:
        """Σ_u w(u, i): the popularity ranking's score."""
        return np.asarray(self.weights.sum(axis=0), dtype=np.float64)

    @cached_property
    def user_index(self) -> dict[str, int]:
        return {user: u for u, user in enumerate(self.users)}


def interaction_matrices(
    interactions: Interactions, catalog: Catalog, users: Sequence[str]
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """(weights, seen), both users × items, rows in ``users`` order; rows of other users are ignored."""
    row_of = {user: u for u, user in enumerate(users)}
    weights = np.zeros((len(users), len(catalog)))
    seen = np.zeros((len(users), len(catalog)), dtype=bool)
    for row in interactions.rows:
        if row.item not in catalog.index:
            raise ValidationError(f"line {row.line}: item {row.item!r} is not in the catalog; read the file again")
        u = row_of.get(row.user)
        if u is not None:
            i = catalog.index[row.item]
            weights[u, i] += row.weight
            seen[u, i] = True
    return weights, seen


def personal_scores(data: RankingData, user: int) -> FloatArray:
    """Σ_{j seen by user} sim(i, j) for every item i; popularity when the user has no history."""
    history = data.seen[user]
    if not history.any():
        return data.popularity
    return np.asarray(data.catalog.similarity[:, history].sum(axis=1), dtype=np.float64)


def user_genre_mix(data: RankingData, user: int) -> FloatArray:
    """p(g|u) = Σ_i w(u,i)·p(g|i) / Σ_i w(u,i) over the user's history (unweighted if all weights are 0)."""
    weights = data.weights[user]
    if weights.sum() <= 0:
        weights = data.seen[user].astype(np.float64)
    mass = weights @ data.catalog.genre_shares
    total = mass.sum()
    return np.asarray(mass / total if total > 0 else mass, dtype=np.float64)


# --- rankers -----------------------------------------------------------------------------------


def top_k(scores: FloatArray, k: int, exclude: NDArray[np.bool_]) -> IndexArray:
    """Indices of the k best-scoring items not excluded, best first; ties go to the lower index."""
    candidates = np.flatnonzero(~exclude)
    order = np.argsort(-scores[candidates], kind="stable")
    return candidates[order[:k]]


def normalised_relevance(scores: FloatArray, candidates: NDArray[np.bool_]) -> FloatArray:
    """Min-max scaled to [0, 1] over the candidates (all 0 if they score alike); others are left at 0."""
    relevance = np.zeros_like(scores, dtype=np.float64)
    if not candidates.any():
        return relevance
    low, high = scores[candidates].min(), scores[candidates].max()
    if high > low:
        relevance[candidates] = (scores[candidates] - low) / (high - low)
    return relevance


def mmr_rerank(
    scores: FloatArray, similarity: FloatArray, k: int, diversity: float, exclude: NDArray[np.bool_]
) -> IndexArray:
    """Maximal marginal relevance: each step takes argmax (1-λ)·rel(i) − λ·max_{j chosen} sim(i, j)."""
    check_ranking_args(k, diversity)
    available = ~exclude
    relevance = normalised_relevance(scores, available)
    closest = np.zeros(len(scores))  # nothing chosen yet: no redundancy penalty
    chosen: list[int] = []
    for _ in range(min(k, int(available.sum()))):
        gain = np.where(available, (1 - diversity) * relevance - diversity * closest, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        closest = similarity[best] if len(chosen) == 1 else np.maximum(closest, similarity[best])
    return np.array(chosen, dtype=np.intp)


def calibrated_rerank(
    scores: FloatArray,
    genre_shares: FloatArray,
    target_mix: FloatArray,
    k: int,
    diversity: float,
    exclude: NDArray[np.bool_],
    alpha: float = CALIBRATION_SMOOTHING,
) -> IndexArray:
    """Steck's calibration: each step takes argmax (1-λ)·rel(i) − λ·KL(p ‖ q̃(S ∪ {i})).

    The list's genre mix q(g|S) = Σ_{i∈S} p(g|i) / |S|. Since Σ rel over S is fixed by earlier
    steps, adding rel(i) is the greedy form of Steck's list objective. Without a target mix (no
    history) there is nothing to calibrate to, so this is the plain ranking.
    """
    check_ranking_args(k, diversity)
    if target_mix.sum() <= 0:
        return top_k(scores, k, exclude)
    available = ~exclude
    relevance = normalised_relevance(scores, available)
    list_mass = np.zeros(genre_shares.shape[1])
    chosen: list[int] = []
    for _ in range(min(k, int(available.sum()))):
        mixes = (list_mass + genre_shares) / (len(chosen) + 1)  # every candidate's list mix, one row each
        miscalibration = kl_divergence(target_mix, mixes, alpha)
        gain = np.where(available, (1 - diversity) * relevance - diversity * miscalibration, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        list_mass += genre_shares[best]
    return np.array(chosen, dtype=np.intp)


def kl_divergence(p: FloatArray, q: FloatArray, alpha: float = CALIBRATION_SMOOTHING) -> FloatArray:
    """KL(p ‖ q̃) = Σ_{g: p(g)>0} p(g)·ln(p(g) / q̃(g)), q̃ = (1-α)·q + α·p; q may hold one mix per row."""
    support = p > 0
    smoothed = (1 - alpha) * q[..., support] + alpha * p[support]
    return np.asarray(np.sum(p[support] * np.log(p[support] / smoothed), axis=-1), dtype=np.float64)


def check_ranking_args(k: int, diversity: float) -> None:
    if k < 1:
        raise UsageError(f"k must be at least 1 (got {k})")
    if not 0.0 <= diversity <= 1.0:
        raise UsageError(f"--diversity must be between 0 and 1 (got {diversity}); 0 is the plain ranking")


def rank_user(data: RankingData, user: int, method: Method, k: int = 10, diversity: float = 0.3) -> IndexArray:
    """One user's top-k item indices by ``method``, excluding what they have seen."""
    check_ranking_args(k, diversity)
    exclude = data.seen[user]
    if method == "popularity":
        return top_k(data.popularity, k, exclude)
    scores = personal_scores(data, user)
    if method == "personalised":
        return top_k(scores, k, exclude)
    if method == "mmr":
        return mmr_rerank(scores, data.catalog.similarity, k, diversity, exclude)
    if method == "calibrated":
        return calibrated_rerank(scores, data.catalog.genre_shares, user_genre_mix(data, user), k, diversity, exclude)
    raise UsageError(f"unknown ranking method {method!r}; choose one of {', '.join(METHODS)}")


def recommend(data: RankingData, user: str, method: Method = "mmr", k: int = 10, diversity: float = 0.3) -> list[str]:
    """Series ids for ``user``, best first (a user with no history gets the popular series)."""
    u = data.user_index.get(user)
    if u is None:
        exclude = np.zeros(len(data.catalog), dtype=bool)
        check_ranking_args(k, diversity)
        return [data.catalog.ids[i] for i in top_k(data.popularity, k, exclude)]
    return [data.catalog.ids[i] for i in rank_user(data, u, method, k, diversity)]


# --- metrics -----------------------------------------------------------------------------------


def intra_list_diversity(lists: Sequence[ItemList], similarity: FloatArray) -> float:
    """ILD = mean over lists L of  (2 / (|L|(|L|-1))) · Σ_{i<j in L} (1 − sim(i, j)).

    Lists with fewer than two items have no pairs and are left out; 0.0 if no list has a pair.
    With cosine similarity the value lies in [0, 2] (opposite embeddings count more than unrelated ones);
    with Jaccard in [0, 1].
    """
    per_list = []
    for items in lists:
        index = np.asarray(items, dtype=np.intp)
        if len(index) < 2:
            continue
        pairs = np.triu_indices(len(index), k=1)
        per_list.append(float(np.mean(1.0 - similarity[np.ix_(index, index)][pairs])))
    return float(np.mean(per_list)) if per_list else 0.0


def catalog_coverage(lists: Sequence[ItemList], n_items: int) -> float:
    """Coverage = |∪_L L| / |catalog|: the share of catalog items recommended to anyone."""
    shown = {int(i) for items in lists for i in items}
    return len(shown) / n_items


def novelty(lists: Sequence[ItemList], interaction_counts: FloatArray) -> float:
    """Novelty = mean over every recommended slot of −log2 share(i),
    share(i) = (c_i + 1) / (Σ_j c_j + |catalog|), c_i = how many users interacted with i.

    Add-one smoothing gives never-watched items a finite (and the highest) novelty.
    """
    counts = np.asarray(interaction_counts, dtype=np.float64)
    share = (counts + 1.0) / (counts.sum() + len(counts))
    slots = [int(i) for items in lists for i in items]
    return float(np.mean(-np.log2(share[slots]))) if slots else 0.0


def exposure(lists: Sequence[ItemList], n_items: int, discounted: bool = True) -> FloatArray:
    """Per item: Σ over slots it fills of 1/log2(rank+1), rank from 1 (rank 1 → 1, rank 3 → 0.5);
    with ``discounted=False``, a plain count of slots."""
    totals = np.zeros(n_items)
    for items in lists:
        index = np.asarray(items, dtype=np.intp)
        weight = 1.0 / np.log2(np.arange(2, len(index) + 2)) if discounted else np.ones(len(index))
        np.add.at(totals, index, weight)
    return totals


def gini(values: FloatArray) -> float:
    """Gini = Σ_{r=1..n} (2r − n − 1)·x_(r) / (n · Σ x), x sorted ascending; 0 = equal, (n−1)/n = one takes all."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = len(x), float(x.sum())
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(np.sum((2 * ranks - n - 1) * x) / (n * total))


def exposure_gini(lists: Sequence[ItemList], n_items: int, discounted: bool = True) -> float:
    """Gini of position-discounted exposure (see ``exposure``) over every catalog item, unshown ones included."""
    return gini(exposure(lists, n_items, discounted))


def precision_at_k(lists: Sequence[ItemList], held_out: Sequence[set[int]], k: int) -> float:
    """P@k = mean over users with held-out items of |L_u[:k] ∩ H_u| / k."""
    pairs = zip(lists, held_out, strict=True)
    hits = [len({int(i) for i in items[:k]} & wanted) / k for items, wanted in pairs if wanted]
    return float(np.mean(hits)) if hits else 0.0


def mean_miscalibration(data: RankingData, lists: Sequence[ItemList], alpha: float = CALIBRATION_SMOOTHING) -> float:
    """Mean over users with history of KL(p_u ‖ q̃(L_u)) (see ``kl_divergence``); lower = closer to their genre mix."""
    values = []
    for user, items in enumerate(lists):
        target = user_genre_mix(data, user)
        index = np.asarray(items, dtype=np.intp)
        if target.sum() <= 0 or len(index) == 0:
            continue
        mix = data.catalog.genre_shares[index].mean(axis=0)
        values.append(float(kl_divergence(target, mix, alpha)))
    return float(np.mean(values)) if values else 0.0


# --- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodScores:
    method: Method
    diversity: float  # intra-list diversity
    coverage: float
    novelty: float
    exposure_gini: float
    miscalibration: float
    precision: float | None  # None without held-out interactions


def rank_all(data: RankingData, method: Method, k: int = 10, diversity: float = 0.3) -> list[IndexArray]:
    """Every user's list, in ``data.users`` order."""
    return [rank_user(data, u, method, k, diversity) for u in range(len(data.users))]


def evaluate_rankings(
    catalog: Catalog,
    train: Interactions,
    held_out: Interactions | None = None,
    *,
    k: int = 10,
    diversity: float = 0.3,
    methods: Sequence[Method] = METHODS,
) -> list[MethodScores]:
    """Every metric for every method at the same k, over the users in ``train``."""
    check_ranking_args(k, diversity)
    data = RankingData.from_interactions(catalog, train)
    counts = data.seen.sum(axis=0).astype(np.float64)
    wanted = _held_out_sets(data, held_out) if held_out is not None else None
    results = []
    for method in methods:
        lists = rank_all(data, method, k, diversity)
        results.append(
            MethodScores(
                method=method,
                diversity=intra_list_diversity(lists, catalog.similarity),
                coverage=catalog_coverage(lists, len(catalog)),
                novelty=novelty(lists, counts),
                exposure_gini=exposure_gini(lists, len(catalog)),
                miscalibration=mean_miscalibration(data, lists),
                precision=precision_at_k(lists, wanted, k) if wanted is not None else None,
            )
        )
    return results


def _held_out_sets(data: RankingData, held_out: Interactions) -> list[set[int]]:
    wanted: list[set[int]] = [set() for _ in data.users]
    for row in held_out.rows:
        u = data.user_index.get(row.user)
        if u is not None and row.item in data.catalog.index:
            wanted[u].add(data.catalog.index[row.item])
    return wanted


def format_scores(results: Sequence[MethodScores]) -> str:
    """A plain-text table, one method per row."""
    lines = [f"{'method':<13}{'ILD':>7}{'cover':>7}{'novel':>7}{'gini':>7}{'KL':>7}{'P@k':>7}"]
    for r in results:
        precision = "-" if r.precision is None else f"{r.precision:.3f}"
        lines.append(
            f"{r.method:<13}{r.diversity:>7.3f}{r.coverage:>7.3f}{r.novelty:>7.2f}"
            f"{r.exposure_gini:>7.3f}{r.miscalibration:>7.3f}{precision:>7}"
        )
    return "\n".join(lines)
