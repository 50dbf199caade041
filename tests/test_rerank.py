"""The diversity-aware re-ranker: MMR and calibration against plain rankings, on generated interaction data."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from microdrama.errors import UsageError, ValidationError
from microdrama.evaluate.interactions import Interactions, read_interactions, split_holdout
from microdrama.evaluate.rerank import (
    METHODS,
    Catalog,
    MethodScores,
    RankingData,
    calibrated_rerank,
    catalog_coverage,
    evaluate_rankings,
    exposure,
    exposure_gini,
    format_scores,
    gini,
    intra_list_diversity,
    kl_divergence,
    mmr_rerank,
    novelty,
    personal_scores,
    precision_at_k,
    rank_all,
    rank_user,
    recommend,
    top_k,
    user_genre_mix,
)

GENRES = ("revenge", "ceo-romance", "rebirth", "palace", "urban-fantasy", "family", "mystery", "sweet-pet")
N_USERS, N_ITEMS, DIM = 300, 120, 16


# --- generated data ----------------------------------------------------------------------------


def make_catalog(rng: np.random.Generator) -> Catalog:
    """120 series in 8 genres, a third with a second trope; embeddings cluster around genre centroids."""
    centroids = rng.normal(size=(len(GENRES), DIM))
    genres: dict[str, list[str]] = {}
    embeddings: dict[str, np.ndarray] = {}
    for i in range(N_ITEMS):
        primary = i % len(GENRES)
        tags = [GENRES[primary]]
        vector = centroids[primary] + 0.6 * rng.normal(size=DIM)
        if rng.random() < 0.35:
            second = int(rng.integers(len(GENRES)))
            if second != primary:
                tags.append(GENRES[second])
                vector += 0.5 * centroids[second]
        genres[f"s{i:03d}"] = tags
        embeddings[f"s{i:03d}"] = vector
    return Catalog.from_items(genres, embeddings)


def write_interactions(rng: np.random.Generator, path: Path) -> int:
    """Users with one or two favourite genres pick series by taste × long-tail popularity; returns the row count."""
    popularity = 1.0 / np.arange(1, N_ITEMS + 1) ** 1.1
    popularity = popularity[rng.permutation(N_ITEMS)]
    primary = np.arange(N_ITEMS) % len(GENRES)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "item", "watch_seconds"])
        for u in range(N_USERS):
            taste = np.full(len(GENRES), 0.1 / len(GENRES))
            favourites = rng.choice(len(GENRES), size=2, replace=False)
            taste[favourites] += (0.6, 0.3)
            chance = popularity * taste[primary]
            picks = rng.choice(N_ITEMS, size=int(rng.integers(5, 25)), replace=False, p=chance / chance.sum())
            for i in picks:
                writer.writerow([f"u{u}", f"s{i:03d}", int(rng.integers(30, 600))])
                rows += 1
    return rows


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Interactions, int]:
    rng = np.random.default_rng(2024)
    catalog = make_catalog(rng)
    path = tmp_path_factory.mktemp("interactions") / "watches.csv"
    written = write_interactions(rng, path)
    return catalog, read_interactions(path, set(catalog.ids)), written


@pytest.fixture(scope="module")
def scores(world: tuple[Catalog, Interactions, int]) -> dict[str, MethodScores]:
    catalog, interactions, _ = world
    train, test = split_holdout(interactions, test_share=0.2, seed=1)
    results = evaluate_rankings(catalog, train, test, k=10, diversity=0.3)
    print("\n" + format_scores(results))
    return {result.method: result for result in results}


def test_generated_file_reads_back_whole(world: tuple[Catalog, Interactions, int]) -> None:
    _, interactions, written = world
    assert len(interactions.rows) == written
    assert interactions.skipped == ()
    assert len(interactions.users()) == N_USERS
    assert interactions.rows[0].line == 2  # line 1 is the header


def test_mmr_is_more_diverse_and_spreads_exposure(scores: dict[str, MethodScores]) -> None:
    popular, plain, mmr = scores["popularity"], scores["personalised"], scores["mmr"]
    assert mmr.diversity > plain.diversity
    assert mmr.coverage > popular.coverage
    assert mmr.exposure_gini < popular.exposure_gini
    assert mmr.novelty > popular.novelty
    # Popular series here are spread over every genre, so the popularity list is already more varied
    # than one user's taste; at λ = 0.3 MMR does not beat it on ILD (see the next test for larger λ).
    assert mmr.diversity < popular.diversity


def test_mmr_diversity_grows_with_lambda(world: tuple[Catalog, Interactions, int]) -> None:
    catalog, interactions, _ = world
    popular = evaluate_rankings(catalog, interactions, methods=["popularity"])[0]
    ild = [
        evaluate_rankings(catalog, interactions, diversity=lam, methods=["mmr"])[0].diversity for lam in (0, 0.3, 0.7)
    ]
    assert ild[0] < ild[1] < ild[2]
    assert ild[2] > popular.diversity


def test_calibrated_lists_match_the_users_genre_mix(scores: dict[str, MethodScores]) -> None:
    assert scores["calibrated"].miscalibration < scores["personalised"].miscalibration
    assert scores["calibrated"].miscalibration < scores["popularity"].miscalibration


def test_calibration_helps_most_users(world: tuple[Catalog, Interactions, int]) -> None:
    catalog, interactions, _ = world
    data = RankingData.from_interactions(catalog, interactions)
    plain, calibrated = rank_all(data, "personalised"), rank_all(data, "calibrated")

    def kl(user: int, items: np.ndarray) -> float:
        return float(kl_divergence(user_genre_mix(data, user), catalog.genre_shares[items].mean(axis=0)))

    better = sum(kl(u, calibrated[u]) <= kl(u, plain[u]) + 1e-12 for u in range(len(data.users)))
    assert better >= 0.9 * len(data.users)


def test_zero_diversity_is_the_plain_ranking(world: tuple[Catalog, Interactions, int]) -> None:
    catalog, interactions, _ = world
    data = RankingData.from_interactions(catalog, interactions)
    for u in range(len(data.users)):
        plain = top_k(personal_scores(data, u), 10, data.seen[u])
        assert list(rank_user(data, u, "mmr", diversity=0.0)) == list(plain)
        assert list(rank_user(data, u, "calibrated", diversity=0.0)) == list(plain)


def test_seen_items_are_never_recommended(world: tuple[Catalog, Interactions, int]) -> None:
    catalog, interactions, _ = world
    data = RankingData.from_interactions(catalog, interactions)
    for method in METHODS:
        for u, items in enumerate(rank_all(data, method, k=10)):
            assert len(items) == 10 and len(set(items)) == 10
            assert not data.seen[u, items].any()
    seen_by_u0 = {row.item for row in interactions.rows if row.user == "u0"}
    assert not seen_by_u0 & set(recommend(data, "u0"))
    assert recommend(data, "newcomer", k=3) == [catalog.ids[i] for i in np.argsort(-data.popularity, kind="stable")[:3]]


def test_precision_is_reported_with_held_out_data(scores: dict[str, MethodScores]) -> None:
    assert all(result.precision is not None and 0 <= result.precision <= 1 for result in scores.values())
    assert scores["personalised"].precision > 0  # type: ignore[operator]


# --- rankers on tiny hand-made cases -----------------------------------------------------------


def test_mmr_skips_a_near_duplicate() -> None:
    scores = np.array([1.0, 0.9, 0.1])
    similarity = np.array([[1.0, 0.95, 0.0], [0.95, 1.0, 0.0], [0.0, 0.0, 1.0]])
    nothing_seen = np.zeros(3, dtype=bool)
    # rel = [1, 8/9, 0]; after item 0: item 1 gains 0.5·8/9 − 0.5·0.95 < 0, item 2 gains 0.
    assert list(mmr_rerank(scores, similarity, 3, 0.5, nothing_seen)) == [0, 2, 1]
    assert list(mmr_rerank(scores, similarity, 3, 0.0, nothing_seen)) == [0, 1, 2]


def test_calibration_mixes_in_the_second_genre() -> None:
    scores = np.array([1.0, 0.9, 0.8, 0.1])
    shares = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    user_mix = np.array([0.5, 0.5])
    nothing_seen = np.zeros(4, dtype=bool)
    assert list(calibrated_rerank(scores, shares, user_mix, 2, 0.0, nothing_seen)) == [0, 1]
    assert list(calibrated_rerank(scores, shares, user_mix, 2, 0.5, nothing_seen)) == [0, 3]


def test_jaccard_similarity_without_embeddings() -> None:
    catalog = Catalog.from_items({"a": ["revenge", "ceo"], "b": ["ceo"], "c": ["palace"], "d": []})
    expected = [[1.0, 0.5, 0.0, 0.0], [0.5, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    assert catalog.similarity.tolist() == expected
    assert catalog.genre_shares[0].tolist() == [0.5, 0.0, 0.5]  # columns: ceo, palace, revenge


def test_embeddings_are_unit_normalised() -> None:
    catalog = Catalog.from_items({"a": [], "b": []}, {"a": np.array([3.0, 4.0]), "b": np.array([0.0, 2.0])})
    assert catalog.embeddings is not None and catalog.embeddings.dtype == np.float32
    assert np.allclose(np.linalg.norm(catalog.embeddings, axis=1), 1.0)
    assert catalog.similarity[0, 1] == pytest.approx(0.8)


def test_diversity_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(UsageError, match="between 0 and 1"):
        mmr_rerank(np.ones(2), np.eye(2), 2, 1.5, np.zeros(2, dtype=bool))


# --- metrics, exact values ---------------------------------------------------------------------


def test_intra_list_diversity_exact() -> None:
    similarity = np.array([[1.0, 0.8, 0.2], [0.8, 1.0, 0.5], [0.2, 0.5, 1.0]])
    # list [0,1,2]: mean(0.2, 0.8, 0.5) = 0.5; list [0,1]: 0.2; list [2] has no pair.
    assert intra_list_diversity([[0, 1, 2], [0, 1], [2]], similarity) == pytest.approx(0.35)


def test_coverage_exact() -> None:
    assert catalog_coverage([[0, 1], [1, 2]], 6) == pytest.approx(0.5)


def test_novelty_exact() -> None:
    counts = np.array([5.0, 1.0, 0.0, 0.0])  # shares with add-one: 6/10, 2/10, 1/10, 1/10
    expected = (-math.log2(0.6) - math.log2(0.1)) / 2
    assert novelty([[0, 2]], counts) == pytest.approx(expected)


def test_exposure_and_gini_exact() -> None:
    assert exposure([[2, 0]], 3).tolist() == pytest.approx([1 / math.log2(3), 0.0, 1.0])
    assert exposure([[2, 0], [2]], 3, discounted=False).tolist() == [1.0, 0.0, 2.0]
    assert gini(np.array([0.0, 0.0, 0.0, 4.0])) == pytest.approx(0.75)
    assert gini(np.array([1.0, 1.0, 1.0])) == 0.0
    # counts [0, 1, 3] sorted: (−2·0 + 0·1 + 2·3) / (3·4) = 0.5
    assert exposure_gini([[2, 1], [2], [2]], 3, discounted=False) == pytest.approx(0.5)


def test_precision_and_kl_exact() -> None:
    assert precision_at_k([[0, 1], [2, 3], [4, 5]], [{1}, {2, 3}, set()], 2) == pytest.approx(0.75)
    p, q = np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])
    smoothed = np.array([0.995, 0.005])
    expected = 0.5 * math.log(0.5 / smoothed[0]) + 0.5 * math.log(0.5 / smoothed[1])
    assert float(kl_divergence(p, q)) == pytest.approx(expected)
    assert float(kl_divergence(p, p)) == pytest.approx(0.0)


# --- reading interaction files -----------------------------------------------------------------

KNOWN = {"s1", "s2", "s3"}


def write(tmp_path: Path, text: str | bytes, name: str = "log.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_skipped_and_reported_by_line(tmp_path: Path) -> None:
    text = (
        "user,item,weight\n"
        "u1,s1,3\n"
        "u1,s2\n"  # line 3: too few columns
        "u2,x,1\n"  # line 4: unknown item
        "u2,s3,abc\n"  # line 5: not a number
        "u3,s1,-2\n"  # line 6: negative
        ",s2,1\n"  # line 7: empty user
        "\n"  # line 8: blank, ignored
        "u3,s2,\n"  # line 9: empty weight means 1
        "u4,s3,nan\n"  # line 10: not finite
    )
    interactions = read_interactions(write(tmp_path, text), KNOWN)
    assert [(r.user, r.item, r.weight, r.line) for r in interactions.rows] == [
        ("u1", "s1", 3.0, 2),
        ("u3", "s2", 1.0, 9),
    ]
    assert [(s.line, s.reason) for s in interactions.skipped] == [
        (3, "expected 3 columns, got 2"),
        (4, "unknown item 'x'"),
        (5, "weight 'abc' is not a number"),
        (6, "negative weight -2"),
        (7, "empty user id"),
        (10, "weight 'nan' is not a finite number"),
    ]
    summary = interactions.skipped_summary(limit=2)
    assert summary == "skipped 6 rows: line 3 expected 3 columns, got 2, line 4 unknown item 'x', and 4 more"


@pytest.mark.parametrize("column", ["rating", "watch_seconds", "Weight"])
def test_weight_column_names(tmp_path: Path, column: str) -> None:
    interactions = read_interactions(write(tmp_path, f"user,item,{column}\nu1,s1,42\n"), KNOWN)
    assert interactions.rows[0].weight == 42.0


def test_weight_column_is_optional(tmp_path: Path) -> None:
    interactions = read_interactions(write(tmp_path, "\ufeffitem,user\ns2,u1\ns3,u1\n"), KNOWN)
    assert [(r.user, r.item, r.weight) for r in interactions.rows] == [("u1", "s2", 1.0), ("u1", "s3", 1.0)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no rows"),
        ("\n\n", "no rows"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (b"user,item\nu1,\xff\xfe\n", "not UTF-8"),
        ("u1,s1,3\nu2,s2,1\n", "missing header"),
        ("user,item,weight\nu1,zzz,1\n", r"no usable interaction rows \(skipped 1 row: line 2 unknown item 'zzz'\)"),
        ("user,item,rating,weight\nu1,s1,1,1\n", "several weight columns"),
    ],
)
def test_unusable_files_raise(tmp_path: Path, content: str | bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        read_interactions(write(tmp_path, content), KNOWN)


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such file"):
        read_interactions(tmp_path / "absent.csv", KNOWN)


def test_holdout_keeps_every_user_in_train(world: tuple[Catalog, Interactions, int]) -> None:
    _, interactions, _ = world
    train, test = split_holdout(interactions, test_share=0.2, seed=3)
    assert len(train.rows) + len(test.rows) == len(interactions.rows)
    assert set(train.users()) == set(interactions.users())
    assert not {(r.user, r.item) for r in train.rows} & {(r.user, r.item) for r in test.rows}
