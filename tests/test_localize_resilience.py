"""localize survives a refining pass that gives no usable reply, and sizes its replies so it need not.

Real components only: the CLI in a subprocess, the embedded 0.5B model, real ffmpeg for the build.
A reply is truly cut off by giving the adaptation stage its own provider (the same embedded model)
whose output limit is a handful of tokens: llama.cpp stops there and says finish_reason "length".
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from microdrama.localize.languages import language
from microdrama.localize.replies import NOTE_CAP, AdaptedReply, pinned, reply_tokens, text_cap
from microdrama.providers.base import ChatRequest
from microdrama.providers.local import LocalProvider
from microdrama.write.llm.prompts import as_json, load_prompt
from tests.conftest import STORIES, run_cli

pytestmark = pytest.mark.usefixtures("llm_model_dir")

CUT_OFF = "cut off at the length limit"
TIGHT_ADAPTER = """
[ai.stages]
"localize.adapt" = "tight"
"localize.shorten" = "tight"

[providers.tight]
kind = "local"
max_output_tokens = 12
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("l10n-resilience") / "series"
    assert run_cli("init", project, "--from", STORIES / "zh-story.txt").code == 0
    assert run_cli("adapt", project, "--episodes", "2", "--minutes", "0.5").code == 0
    result = run_cli("build", project)
    assert result.code == 0, result.err
    return project


def yaml_of(path: Path) -> dict[str, object]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def script_line_ids(project: Path, number: int) -> list[str]:
    episode = yaml_of(project / "episodes" / f"{number:03d}.yaml")
    return [
        f"{shot['id']}.{index}"
        for scene in episode["scenes"]  # type: ignore[attr-defined]
        for shot in scene["shots"]
        for index, _ in enumerate(shot.get("lines", []))
    ]


def test_a_cut_off_adaptation_keeps_the_faithful_lines_says_so_and_finishes_every_episode(built: Path) -> None:
    config = built / "microdrama.toml"
    config.write_text(config.read_text(encoding="utf-8") + TIGHT_ADAPTER, encoding="utf-8")

    result = run_cli("localize", built, "--to", "en", "--no-video", "--no-dub", timeout=1800)
    assert result.code == 0, result.err + result.out
    out = " ".join(result.out.split())  # rich wraps long notes
    assert "adaptation failed" in out and CUT_OFF in out, out

    fallback: list[tuple[int, str]] = []
    for number in (1, 2):
        path = built / "localize" / "en" / f"{number:03d}.yaml"
        lines = yaml_of(path)["lines"]
        assert [line["id"] for line in lines] == script_line_ids(built, number), f"episode {number}: every line"  # type: ignore[attr-defined]
        for line in lines:  # type: ignore[attr-defined]
            assert line["text"].strip(), line
            assert CUT_OFF in line["fallback"], line
            kept = [sentence for sentence in line["text"].split(". ") if sentence not in line["faithful"]]
            assert not kept, f"the faithful translation (at most with run-on sentences dropped): {line}"
            fallback.append((number, line["id"]))
        assert (built / "build" / "out" / "en" / f"ep{number:03d}.en.srt").exists()

    checked = run_cli("qc", built, "--lang", "en")
    assert checked.code == 1 and "fallback" in checked.out, checked.out + checked.err
    report = json.loads((built / "build" / "out" / "en" / "qc.json").read_text(encoding="utf-8"))
    listed = {(v["episode"], v["cue"]) for v in report["violations"] if v["rule"] == "fallback"}
    assert listed == set(fallback)
    assert all(CUT_OFF in v["detail"] for v in report["violations"] if v["rule"] == "fallback")


def filled(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every bounded string made exactly as long as its bound allows."""
    full = copy.deepcopy(schema)
    for item in full["properties"]["lines"]["prefixItems"]:
        for field in item["properties"].values():
            assert "const" in field or "maxLength" in field, f"an unbounded reply field: {field}"
            if "maxLength" in field:
                field["minLength"] = field["maxLength"]
            if "pattern" in field:
                field["pattern"] = re.sub(r"\{\d+,(\d+)\}\$$", r"{\1}$", field["pattern"])
    return full


def test_the_longest_adaptation_reply_the_schema_allows_is_never_cut_off(llm_model_dir: Path) -> None:
    """The cause of the failure: the reply asked for fewer tokens than its schema lets a model write
    (and the note had no bound at all). Here the real model must fill every text and note to its
    bound, so the reply is the longest the schema allows; it has to fit the tokens asked for."""
    target = language("en")
    lines = [  # source, a faithful translation, and what the line may count in its slot
        ("我冒了严寒，回到故乡去。", "I braved the bitter cold to go back home.", 130),
        ("你休息一两天，我们便可以走了。", "Rest a day or two, and then we can go.", 60),
        ("他不咬人么？", "Doesn't it bite?", 25),
    ]
    ids = [f"1-1-{n}.0" for n in range(1, len(lines) + 1)]
    reply_type = pinned(AdaptedReply, ids, [text_cap(units) for *_, units in lines], target.characters)
    schema = reply_type.model_json_schema()
    budget = reply_tokens(schema, target.counting)
    messages = load_prompt("adapt").render(
        source_name="Chinese",
        target_name="English",
        series="Hometown",
        glossary="(none in these lines)",
        lines=as_json([{"id": i, "source": s, "translation": t} for i, (s, t, _) in zip(ids, lines, strict=True)]),
    )
    provider = LocalProvider("local", "qwen2.5-coder-0.5b", n_ctx=4096, threads=1)
    result = provider.chat(ChatRequest(tuple(messages), filled(schema), budget, 0.2, 0))

    assert result.finish_reason == "stop", f"cut off after {result.completion_tokens} of {budget} tokens"
    reply = AdaptedReply.model_validate_json(result.text)
    assert [len(line.note) for line in reply.lines] == [NOTE_CAP] * len(lines), "the note is bounded"
    assert [len(line.text) for line in reply.lines] == [text_cap(units) for *_, units in lines]
