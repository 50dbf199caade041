"""Files under build/ written by another version, damaged or nested absurdly deep: a clear
one-line error or a quiet rebuild, never a traceback (issue 15, found while trying the rest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microdrama.build.cache import read_json
from microdrama.errors import ProjectError, ProviderError, ValidationError
from microdrama.evaluate.report import publication_checks
from microdrama.evaluate.similarity import INDEX_ARRAYS, INDEX_JSON, CatalogIndex
from microdrama.localize.languages import language
from microdrama.project.folder import Project
from microdrama.providers.comfyui import load_workflow
from microdrama.studio.review_l10n import _qc_by_line
from microdrama.timeline.files import read_timeline, timeline_path
from tests.conftest import adapt_sample

DEEP_JSON = "[" * 100_000 + "]" * 100_000  # past Python's recursion limit in json.loads


def test_a_timeline_of_another_version_says_build_again(tmp_path: Path) -> None:
    old = timeline_path(tmp_path, 1)
    old.write_text(json.dumps({"episode": 1, "clips": "not a list"}), encoding="utf-8")
    with pytest.raises(ProjectError, match=r"ep001.timeline.json was written by another version.*build"):
        read_timeline(old)
    old.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(ProjectError, match="damaged"):
        read_timeline(old)


def test_evaluate_publication_checks_name_an_old_timeline_instead_of_failing(tmp_path: Path) -> None:
    timeline_path(tmp_path, 1).write_text('{"version": 0}', encoding="utf-8")
    (tmp_path / "ep001.mp4").write_bytes(b"")  # never probed: the timeline is refused first
    checks = publication_checks(tmp_path, [1])
    assert "cannot check" in checks["published files"]
    assert "build" in checks["published files"]


def test_a_catalog_index_nested_too_deep_is_damaged_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / INDEX_JSON).write_text(DEEP_JSON, encoding="utf-8")
    (tmp_path / INDEX_ARRAYS).write_bytes(b"")
    with pytest.raises(ValidationError, match="damaged"):
        CatalogIndex.load(tmp_path)


def test_a_comfyui_workflow_nested_too_deep_is_refused(tmp_path: Path) -> None:
    workflow = tmp_path / "deep.json"
    workflow.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(ProviderError, match="nested too deeply"):
        load_workflow(workflow, "deep.json", "comfy")


def test_odd_build_records_are_ignored_not_fatal(tmp_path: Path) -> None:
    project = Project.open(adapt_sample(tmp_path, episodes=1))
    state = project.build_dir / "state" / "adapt-written.json"
    state.write_text(DEEP_JSON, encoding="utf-8")
    assert set(project.hand_edited()) >= {"bible.yaml"}  # no record: every file counts as edited
    qc = project.out_dir / "en" / "qc.json"
    qc.parent.mkdir(parents=True)
    for shape in ("[1, 2]", '{"violations": {"a": 1}}', '{"violations": [1, "x"]}', DEEP_JSON):
        qc.write_text(shape, encoding="utf-8")
        assert _qc_by_line(project, language("en"), 1) == {}


def test_a_build_record_nested_too_deep_reads_as_no_record(tmp_path: Path) -> None:
    record = tmp_path / "wanted.json"
    record.write_text(DEEP_JSON, encoding="utf-8")
    assert read_json(record) is None
