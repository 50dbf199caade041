"""Takes and locks: another version of one shot or line, the choice among them, and approved
shots and lines that later builds never change — with the real drawing, espeak-ng and build."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomlkit

from microdrama.audio.casting import take_reading
from microdrama.build.cache import canonical
from microdrama.build.ledger import Ledger
from microdrama.build.pipeline import build_project
from microdrama.build.takes import Takes, TakeTarget, make_take
from microdrama.errors import UsageError
from microdrama.model import Episode, Line, Shot
from microdrama.project import Project
from microdrama.studio.edits import choose_take, file_version, set_locked
from tests.conftest import adapt_sample, run_cli
from tests.fakes.openai_server import OpenAIFake, running_openai_fake


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return adapt_sample(tmp_path_factory.mktemp("takes"), episodes=1)


def first_speaking_shot(root: Path) -> Shot:
    project = Project.open(root)
    episode = project.load_episodes(project.load_bible())[0]
    return next(shot for shot in episode.shots() if shot.lines and shot.framing != "insert")


def episode_one(root: Path) -> tuple[Project, Episode, str]:
    project = Project.open(root)
    path = project.episodes_dir / "001.yaml"
    return project, project.load_episode(path, project.load_bible()), file_version(path)


def timeline_paths(root: Path) -> dict[str, str]:
    timeline = json.loads((root / "build" / "out" / "ep001.timeline.json").read_text(encoding="utf-8"))
    return {clip["shot"]: clip["image"] for clip in timeline["clips"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_and_cache_keys_without_takes_stay_as_they_were() -> None:
    line = Line(speaker="narrator", text="风起。")
    shot = Shot(id="1-1-1", seconds=2, lines=[line])
    assert "take" not in shot.model_dump() and "locked" not in line.model_dump()
    assert shot.model_copy(update={"take": 2, "locked": True}).model_dump()["take"] == 2
    assert '"take"' not in canonical({"shot": shot})


def test_a_new_take_is_another_picture_and_the_chosen_take_is_what_the_build_uses(project: Path) -> None:
    shot = first_speaking_shot(project)
    target = TakeTarget(shot.id)
    quote = Takes(project, target).quote()
    assert (quote.take, quote.engine, quote.paid, quote.cost) == (1, "procedural", False, 0.0), "nothing built yet"
    build_project(project, preview_only=True)
    assert Takes(project, target).quote().take == 2
    first = timeline_paths(project)[shot.id]
    made = make_take(project, target, 2)
    assert digest(project / made.path) != digest(project / first), "take 2 is drawn differently"
    assert [(c.take, c.chosen) for c in Takes(project, target).candidates()] == [(1, True), (2, False)]
    assert Takes(project, target).quote().take == 3, "the next new take after 2 is 3"

    files, _, version = episode_one(project)
    choose_take(files, 1, version, target, 2)
    assert "take: 2" in (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    report = build_project(project, preview_only=True)
    assert timeline_paths(project)[shot.id] == made.path
    assert report.made.get("frame", 0) == 0, "the chosen take was already made: nothing is drawn again"


def test_a_take_that_was_not_made_cannot_be_chosen(project: Path) -> None:
    files, _, version = episode_one(project)
    with pytest.raises(Exception, match="has not been made"):
        choose_take(files, 1, version, TakeTarget(first_speaking_shot(project).id), 5)


def test_another_take_of_a_line_is_read_at_another_pace(project: Path) -> None:
    shot = first_speaking_shot(project)
    target = TakeTarget(shot.id, 0)
    first, second = make_take(project, target, 1), make_take(project, target, 2)
    lengths = [json.loads((project / c.path).with_suffix(".json").read_text())["seconds"] for c in (first, second)]
    speed = take_reading(2)[0]
    assert lengths[1] == pytest.approx(lengths[0] / speed, rel=0.15), "quicker or slower as the take says"
    assert digest(project / first.path) != digest(project / second.path)
    assert take_reading(2) == take_reading(2) and take_reading(1) == (1.0, 0)


def test_locked_shots_and_lines_survive_a_cleared_cache_and_new_looks(project: Path) -> None:
    shot = first_speaking_shot(project)
    frame, line = TakeTarget(shot.id), TakeTarget(shot.id, 0)
    with pytest.raises(UsageError, match="has not been made"):
        files, _, version = episode_one(project)
        set_locked(files, 1, version, frame, True)
    build_project(project, preview_only=True)
    approved = digest(project / timeline_paths(project)[shot.id])
    for target in (frame, line):
        files, _, version = episode_one(project)
        set_locked(files, 1, version, target, True)
    text = (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    assert text.count("locked: true") == 2

    shutil.rmtree(project / "build")  # derived: may be deleted any time
    files = Project.open(project)
    bible = files.load_bible()
    for character in bible.characters:  # everyone dressed anew: every unlocked frame changes
        assert character.look is not None
        character.look = character.look.model_copy(update={"outfit": "#123456"})
    files.update_bible(bible)
    report = build_project(project, preview_only=True)
    used = timeline_paths(project)[shot.id]
    assert used == f"locks/frames/{shot.id}.png" and digest(project / used) == approved
    assert report.made["frame"] >= 1, "the other shots were drawn again"

    with pytest.raises(UsageError, match="is locked"):
        make_take(project, frame, 2)

    episode_file = project / "episodes" / "001.yaml"
    words = episode_one(project)[1].shots()
    spoken = next(s for s in words if s.id == shot.id).lines[0].text
    episode_file.write_text(episode_file.read_text(encoding="utf-8").replace(spoken, "改过的台词。", 1), "utf-8")
    report = build_project(project, preview_only=True)
    assert report.episodes[0].status == "failed"
    assert "changed since it was approved" in report.episodes[0].errors[0]

    files, _, version = episode_one(project)
    set_locked(files, 1, version, line, False)
    assert not (project / "locks" / "voices" / f"{shot.id}.0.wav").exists()
    assert build_project(project, preview_only=True).episodes[0].status == "previewed"


def test_a_missing_kept_copy_is_named_with_what_to_do(project: Path) -> None:
    build_project(project, preview_only=True)
    shot = first_speaking_shot(project)
    files, _, version = episode_one(project)
    set_locked(files, 1, version, TakeTarget(shot.id), True)
    (project / "locks" / "frames" / f"{shot.id}.png").unlink()
    outcome = build_project(project, preview_only=True).episodes[0]
    assert outcome.status == "failed"
    assert f"locks/frames/{shot.id}.png is missing" in outcome.errors[0] and "unlock" in outcome.errors[0]
    checked = run_cli("validate", project)
    assert checked.code != 0 and f"episode 1: shot {shot.id} is locked but its approved copy" in checked.err


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIFake]:
    monkeypatch.setenv("TAKES_TEST_KEY", "sk-takes-0123456789")
    with running_openai_fake(api_key="sk-takes-0123456789") as server:
        yield server


def use_image_provider(root: Path, url: str) -> None:
    config = root / "microdrama.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    document["ai"]["image"] = "remote"  # type: ignore[index]
    provider = tomlkit.table()
    provider.update(
        {
            "kind": "openai",
            "base_url": url,
            "model": "fake-image",
            "api_key_env": "TAKES_TEST_KEY",
            "image_sizes": ["768x1344"],
            "retry_base_seconds": 0.01,
            "price": {"per_image": 0.04},
        }
    )
    document.setdefault("providers", tomlkit.table())["remote"] = provider  # type: ignore[index]
    config.write_text(tomlkit.dumps(document), encoding="utf-8")


def test_a_provider_take_is_priced_before_it_runs_and_paid_once(project: Path, fake: OpenAIFake) -> None:
    use_image_provider(project, fake.url)
    target = TakeTarget(first_speaking_shot(project).id)
    quote = Takes(project, target).quote(2)
    assert (quote.engine, quote.model, quote.paid, quote.cached) == ("remote", "fake-image", True, False)
    assert quote.cost == pytest.approx(0.04)
    assert not [r for r in fake.requests if r.path.endswith("/images/generations")], "a quote sends nothing"
    make_take(project, target, 2)
    make_take(project, target, 2)
    calls = [r for r in fake.requests if r.path.endswith("/images/generations")]
    assert len(calls) == 1 and calls[0].json is not None and calls[0].json.get("seed") is not None
    assert Takes(project, target).quote(2).cached and Takes(project, target).quote(2).cost == 0.0
    ledger = Ledger(project / "build" / "ledger.sqlite").calls()
    assert [(c.stage, c.status, c.cost) for c in ledger] == [("frames", "ok", pytest.approx(0.04))]


def test_the_take_command_quotes_makes_chooses_and_locks(project: Path) -> None:
    shot = first_speaking_shot(project).id
    first = run_cli("take", project, shot)
    assert first.code == 0 and f"Take 1 of shot {shot} by procedural: free" in first.out, first.err
    second = run_cli("take", project, shot)
    assert second.code == 0 and "Take 2" in second.out and " * take 1:" in second.out and "   take 2:" in second.out
    assert run_cli("take", project, shot, "--use", "2", "--lock").code == 0
    text = (project / "episodes" / "001.yaml").read_text(encoding="utf-8")
    assert "take: 2" in text and "locked: true" in text and (project / "locks" / "frames" / f"{shot}.png").is_file()
    refused = run_cli("take", project, shot)
    assert refused.code != 0 and "is locked; unlock it" in refused.err and "Traceback" not in refused.err
    for bad, message in (
        ("7-1-1", "episode 7 does not exist"),
        ("1-1", "names no shot or line"),
        (f"{shot}:40", "has no line 41"),
    ):
        result = run_cli("take", project, bad)
        assert result.code != 0 and message in result.err, result.err


def test_a_paid_take_is_not_made_unasked(project: Path, fake: OpenAIFake) -> None:
    use_image_provider(project, fake.url)
    shot = first_speaking_shot(project).id
    refused = run_cli("take", project, shot, "--take", "2")
    assert refused.code != 0 and "estimated 0.0400 USD" in refused.out and "add --yes" in refused.err
    assert not [r for r in fake.requests if r.path.endswith("/images/generations")]
    paid = run_cli("take", project, shot, "--take", "2", "--yes")
    assert paid.code == 0 and len([r for r in fake.requests if r.path.endswith("/images/generations")]) == 1
