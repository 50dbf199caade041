"""Catalog folders: what is read and skipped, the saved index kept up to date, the detector's
verdicts, and the homogeneity of a whole catalog — on the real embedding model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from microdrama.errors import ValidationError
from microdrama.evaluate.catalog import STATE_DIR, index_dir, open_catalog, read_catalog
from microdrama.evaluate.homogeneity import Pair, catalog_report, clusters_of
from microdrama.evaluate.recommend import ranking_catalog
from microdrama.evaluate.similarity import INDEX_ARRAYS, INDEX_JSON, relation
from tests.conftest import STORIES, run_cli
from tests.test_similarity import EN_CONTRACT, EN_PARAPHRASE, EN_TEMPLATE, ZH_BABY, ZH_REBIRTH, ZH_SYSTEM, ZH_TEMPLATE

SCRIPTS = {
    "rebirth.txt": ZH_REBIRTH,
    "rebirth-template.md": ZH_TEMPLATE,
    "baby.txt": ZH_BABY,
    "system.txt": ZH_SYSTEM,
    "contract.txt": EN_CONTRACT,
    "contract-paraphrase.txt": EN_PARAPHRASE,
    "contract-template.txt": EN_TEMPLATE,
}


def write_catalog(folder: Path, scripts: dict[str, str] = SCRIPTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_catalog(tmp_path_factory.mktemp("catalog") / "catalog")
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "blank.md").write_text("  \n\n", encoding="utf-8")
    (folder / "drafts").mkdir()
    (folder / ".DS_Store").write_bytes(b"\x00\x00")
    return folder


def test_every_script_is_read_and_everything_else_skipped_with_the_reason(catalog: Path) -> None:
    works, skipped = read_catalog(catalog)
    assert sorted(w.work_id for w in works) == sorted(SCRIPTS)
    reasons = {s.name: s.reason for s in skipped}
    assert set(reasons) == {"cover.png", "binary.txt", "blank.md", "drafts"}  # hidden files pass silently
    assert "binary" in reasons["binary.txt"] and "empty" in reasons["blank.md"]
    assert "not a project folder" in reasons["cover.png"] and "(folder)" in reasons["drafts"]


def test_a_missing_empty_or_unusable_catalog_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such catalog folder"):
        open_catalog(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError, match="the catalog has no works; put project folders"):
        open_catalog(tmp_path / "empty")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(ValidationError, match=r"no works \(1 entries skipped: a.pdf"):
        open_catalog(junk)
    with pytest.raises(ValidationError, match="is a file, not a catalog folder"):
        open_catalog(junk / "a.pdf")


def test_the_index_is_saved_and_only_new_or_changed_works_are_embedded(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "catalog", {k: SCRIPTS[k] for k in ("rebirth.txt", "baby.txt", "system.txt")})
    first = open_catalog(folder)
    assert first.embedded == 3 and first.saved
    assert (index_dir(folder) / INDEX_JSON).is_file() and (index_dir(folder) / INDEX_ARRAYS).is_file()
    again = open_catalog(folder)
    assert again.embedded == 0 and len(again.index) == 3
    assert np.array_equal(again.index.embeddings, first.index.embeddings)
    (folder / "baby.txt").write_text(ZH_BABY.replace("许念", "许安"), encoding="utf-8")
    (folder / "contract.txt").write_text(EN_CONTRACT, encoding="utf-8")
    (folder / "system.txt").unlink()
    changed = open_catalog(folder)
    assert changed.embedded == 2
    assert sorted(w.work_id for w in changed.index.works) == ["baby.txt", "contract.txt", "rebirth.txt"]
    untouched = changed.index.works.index(next(w for w in changed.index.works if w.work_id == "rebirth.txt"))
    before = first.index.works.index(next(w for w in first.index.works if w.work_id == "rebirth.txt"))
    assert np.array_equal(changed.index.chunk_matrix(untouched), first.index.chunk_matrix(before))


def test_a_damaged_index_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "catalog", {"rebirth.txt": ZH_REBIRTH, "baby.txt": ZH_BABY})
    open_catalog(folder)
    (index_dir(folder) / INDEX_ARRAYS).write_bytes(b"not an npz")
    rebuilt = open_catalog(folder)
    assert rebuilt.embedded == 2 and len(rebuilt.index) == 2
    assert open_catalog(folder).embedded == 0  # and the rebuilt one is good


def test_the_detector_reads_the_layers_and_the_names() -> None:
    assert relation(0.9, 0.9, 1.0, True) == "near-copy"
    assert relation(0.7, 0.2, 0.0, True) == "same template"  # same wording under new names
    assert relation(0.0, 0.7, 0.8, True) == "paraphrase"
    assert relation(0.0, 0.15, 0.8, True) == "paraphrase"  # the same people, told otherwise
    assert relation(0.0, 0.4, 0.0, True) == "same template"  # the same story under new names
    assert relation(0.0, 0.4, 0.0, False) == "translation"
    assert relation(0.0, 0.2, 0.0, True) == relation(0.0, 0.2, 0.0, False) == "different"
    assert relation(0.0, 0.15, 0.2, True) == "different"


def test_a_catalog_report_clusters_the_variants_of_one_story(catalog: Path) -> None:
    loaded = open_catalog(catalog)
    report = catalog_report(loaded.index, str(catalog), [str(s) for s in loaded.skipped])
    groups = [set(c.works) for c in report.clusters]
    assert {"rebirth.txt", "rebirth-template.md"} in groups
    assert {"contract.txt", "contract-paraphrase.txt", "contract-template.txt"} in groups
    assert report.related_share == pytest.approx(5 / 7)
    assert report.relations["same template"] >= 2 and report.relations["paraphrase"] >= 1
    assert report.languages == {"en": 3, "zh": 4} and set(report.mean_cosine) == {"en", "zh"}
    assert 0 < report.trope_concentration <= 1 and report.trope_shares["rebirth"] > 0
    assert len(report.skipped) == 4


def test_clusters_join_works_through_their_links() -> None:
    pairs = [
        Pair("a", "b", "paraphrase", 0.0, 0.8, 1.0),
        Pair("b", "c", "same template", 0.7, 0.3, 0.0),
        Pair("x", "y", "near-copy", 0.9, 0.9, 1.0),
    ]
    clusters = clusters_of(pairs)
    assert [c.works for c in clusters] == [("a", "b", "c"), ("x", "y")]
    assert [p.first for p in clusters[0].pairs] == ["a", "b"]
    assert clusters_of([]) == []


def test_recommendation_similarity_stays_between_0_and_1(catalog: Path) -> None:
    similarity = ranking_catalog(open_catalog(catalog).index).similarity
    assert similarity.min() >= 0.0 and similarity.max() <= 1.0 + 1e-6


def test_catalog_commands_end_to_end(catalog: Path, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    shutil.copytree(catalog, folder)
    result = run_cli("catalog", folder, "--report")
    assert result.code == 0, result.err
    assert "skipped 4 catalog entries" in result.err and "binary.txt" in result.err
    assert "cluster 1:" in result.out
    page = (folder / STATE_DIR / "catalog-report.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "rebirth-template.md" in page

    interactions = tmp_path / "interactions.csv"
    rows = ["user,item,weight"] + [f"u{u},{name},{1 + u % 3}" for u in range(12) for name in list(SCRIPTS)[u % 4 :][:3]]
    rows += ["u1,unknown.txt,1", "u2,baby.txt,many", "u3"]
    interactions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("catalog", folder, "--recommend", interactions, "--diversity", "0.5", "--top", "3")
    assert result.code == 0, result.err
    assert "skipped 3 rows" in result.err and "unknown item 'unknown.txt'" in result.err
    assert "popularity" in result.out and "mmr" in result.out
    lines = (folder / STATE_DIR / "recommendations.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "user,rank,item,title" and len(lines) == 1 + 12 * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "say what to do"),
        (("--report", "--diversity", "2"), "not in the range"),
    ],
)
def test_catalog_usage_errors(catalog: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("catalog", catalog, *args)
    assert result.code != 0 and message in result.err and "Traceback" not in result.err


def test_an_empty_catalog_folder_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("catalog", tmp_path / "empty", "--report")
    assert result.code != 0 and "the catalog has no works" in result.err and "Traceback" not in result.err
    project = tmp_path / "series"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    result = run_cli("evaluate", project, "--against", tmp_path / "empty")
    assert result.code != 0 and "adapt" in result.err and "Traceback" not in result.err  # the project first
    assert run_cli("adapt", project, "--episodes", "2", "--minutes", "1").code == 0
    result = run_cli("evaluate", project, "--against", tmp_path / "empty")
    assert result.code != 0 and "the catalog has no works" in result.err and "Traceback" not in result.err
