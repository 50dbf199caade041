"""The ComfyUI backend against a real local HTTP server speaking ComfyUI's routes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from microdrama.errors import ProviderError, TransientProviderError
from microdrama.providers.base import ImageRequest, ProviderSettings
from microdrama.providers.comfyui import ComfyUIProvider, fill_workflow
from microdrama.providers.registry import create_provider
from tests.fakes.comfyui_server import ComfyUIFake, running_comfyui_fake
from tests.fakes.openai_server import fake_png

WORKFLOW: dict[str, Any] = {
    "3": {
        "class_type": "KSampler",
        "inputs": {
            "seed": "{{seed}}",
            "steps": 20,
            "cfg": 7.0,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1.0,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "lowres, {{negative_prompt}}", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "shot_{{seed}}", "images": ["8", 0]}},
}
WITH_REFERENCE: dict[str, Any] = {
    **WORKFLOW,
    "10": {"class_type": "LoadImage", "inputs": {"image": "{{reference_image}}", "upload": "image"}},
}
REQUEST = ImageRequest("a heroine on a rainy rooftop", 72, 128, seed=424242, negative_prompt="blurry")
MakeProvider = Callable[..., ComfyUIProvider]


@pytest.fixture
def fake() -> Iterator[ComfyUIFake]:
    with running_comfyui_fake() as server:
        yield server


def write_workflow(root: Path, content: Any, name: str = "workflows/portrait.json") -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return name


@pytest.fixture
def make(fake: ComfyUIFake, tmp_path: Path) -> Iterator[MakeProvider]:
    made: list[ComfyUIProvider] = []

    def make_provider(workflow: Any = WORKFLOW, *, timeout: float = 2.0, **options: Any) -> ComfyUIProvider:
        options = {"workflow": write_workflow(tmp_path, workflow), "poll_seconds": 0.01, **options}
        settings = ProviderSettings("comfy", "comfyui", "", fake.url, None, timeout, options)
        made.append(ComfyUIProvider(settings, tmp_path))
        return made[-1]

    yield make_provider
    for provider in made:
        provider.close()


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return (int(image.width), int(image.height))


def test_generate_fills_the_workflow_polls_and_fetches_the_image(fake: ComfyUIFake, make: MakeProvider) -> None:
    provider = make()
    png = provider.generate(REQUEST).png
    assert png_size(png) == (72, 128)
    [prompt_id] = fake.jobs
    assert fake.paths() == ["/prompt", f"/history/{prompt_id}", f"/history/{prompt_id}", "/view"]
    queued = fake.requests[0].json
    assert isinstance(queued["client_id"], str) and queued["client_id"]
    nodes = queued["prompt"]
    assert nodes["3"]["inputs"]["seed"] == 424242  # an int, not "424242"
    assert nodes["5"]["inputs"] == {"width": 72, "height": 128, "batch_size": 1}
    assert nodes["6"]["inputs"]["text"] == "a heroine on a rainy rooftop"
    assert nodes["7"]["inputs"]["text"] == "lowres, blurry"  # inside longer text: replaced as text
    assert nodes["9"]["inputs"]["filename_prefix"] == "shot_424242"
    assert nodes["3"]["inputs"]["model"] == ["4", 0]  # links untouched
    assert fake.requests[-1].query == {"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output"}
    assert png == fake.outputs["ComfyUI_00001_.png"]
    assert provider.capabilities().capabilities == ("image",) and not provider.capabilities().reference_images
    assert (provider.kind, provider.endpoint) == ("comfyui", fake.url)
    assert provider.model == "workflow workflows/portrait.json"  # no model set: the workflow names it


def test_generate_polls_until_the_history_has_the_result(fake: ComfyUIFake, make: MakeProvider) -> None:
    fake.polls_until_ready = 4
    make().generate(REQUEST)
    assert [path.startswith("/history/") for path in fake.paths()].count(True) == 5


def test_a_reference_is_uploaded_and_its_name_substituted(fake: ComfyUIFake, make: MakeProvider) -> None:
    provider = make(WITH_REFERENCE)
    assert provider.capabilities().reference_images
    reference = fake_png("hero", 16, 16)
    provider.generate(ImageRequest("hero", 64, 64, seed=1, reference=reference))
    upload = fake.requests[0]
    assert upload.path == "/upload/image" and upload.files["image"].content == reference
    assert upload.fields["overwrite"] == "true"
    name = upload.files["image"].filename
    assert fake.uploads[name] == reference
    assert fake.jobs[next(iter(fake.jobs))]["prompt"]["10"]["inputs"]["image"] == name
    with pytest.raises(ProviderError, match="loads a reference image"):
        provider.generate(ImageRequest("hero", 64, 64, seed=1))


def test_fill_workflow_keeps_the_template_unchanged() -> None:
    filled = fill_workflow(WORKFLOW, {"prompt": "p", "seed": 5, "width": 8, "height": 9, "negative_prompt": ""})
    assert filled["3"]["inputs"]["seed"] == 5 and WORKFLOW["3"]["inputs"]["seed"] == "{{seed}}"


# -- workflow files ---------------------------------------------------------------------------------


def test_missing_placeholders_are_named_with_the_file(make: MakeProvider) -> None:
    text = json.dumps(WORKFLOW).replace('"{{seed}}"', "7").replace("_{{seed}}", "").replace("{{prompt}}", "a cat")
    expected = r"workflows/portrait.json lacks the placeholders \{\{prompt\}\}, \{\{seed\}\}"
    with pytest.raises(ProviderError, match=expected):
        make(json.loads(text))


def test_an_unknown_placeholder_is_refused(make: MakeProvider) -> None:
    workflow = json.loads(json.dumps(WORKFLOW).replace("{{negative_prompt}}", "{{negativ}}"))
    with pytest.raises(ProviderError, match=r"unknown placeholders \{\{negativ\}\}"):
        make(workflow)


def test_the_ui_format_is_detected(make: MakeProvider) -> None:
    ui = {"last_node_id": 9, "last_link_id": 9, "nodes": [{"id": 3, "type": "KSampler"}], "links": [], "version": 0.4}
    with pytest.raises(ProviderError, match=r"UI format.*Save \(API Format\)"):
        make(ui)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", r"not valid JSON \(line 1, column 3"),
        ("[]", "JSON object of nodes"),
        ({"3": {"inputs": {}}}, "node '3' needs class_type and inputs"),
    ],
)
def test_malformed_workflow_files_are_explained(make: MakeProvider, content: Any, message: str) -> None:
    with pytest.raises(ProviderError, match=message):
        make(content)


def test_a_workflow_outside_the_project_is_refused(fake: ComfyUIFake, tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(WORKFLOW), encoding="utf-8")
    (root / "link.json").symlink_to(outside)
    for option in ("../outside.json", str(outside), "link.json"):
        settings = ProviderSettings("comfy", "comfyui", "", fake.url, options={"workflow": option})
        with pytest.raises(ProviderError, match="outside the project folder"):
            ComfyUIProvider(settings, root)
    inside = root / "w.json"
    inside.write_text(json.dumps(WORKFLOW), encoding="utf-8")
    settings = ProviderSettings("comfy", "comfyui", "", fake.url, options={"workflow": str(inside)})
    ComfyUIProvider(settings, root).close()  # absolute but inside: fine


def test_a_missing_workflow_option_or_file_is_explained(fake: ComfyUIFake, tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="set workflow ="):
        ComfyUIProvider(ProviderSettings("comfy", "comfyui", "", fake.url), tmp_path)
    settings = ProviderSettings("comfy", "comfyui", "", fake.url, options={"workflow": "workflows/nope.json"})
    with pytest.raises(ProviderError, match=r"workflow workflows/nope\.json does not exist"):
        ComfyUIProvider(settings, tmp_path)


def test_the_registry_makes_this_backend(fake: ComfyUIFake, tmp_path: Path) -> None:
    options = {"workflow": write_workflow(tmp_path, WORKFLOW)}
    settings = ProviderSettings("comfy", "comfyui", "sdxl", fake.url, options=options)
    provider = create_provider(settings, tmp_path)
    assert isinstance(provider, ComfyUIProvider) and provider.model == "sdxl" and len(provider.workflow_digest) == 64
    provider.close()


# -- failures ---------------------------------------------------------------------------------------


def test_node_errors_are_a_provider_error_naming_node_and_file(fake: ComfyUIFake, make: MakeProvider) -> None:
    fake.reject_with("4", "CheckpointLoaderSimple", "Value not in list", "ckpt_name: 'sd15.safetensors' not in []")
    with pytest.raises(ProviderError) as caught:
        make().generate(REQUEST)
    message = str(caught.value)
    assert not isinstance(caught.value, TransientProviderError)
    assert "Prompt outputs failed validation" in message
    assert "node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'sd15.safetensors' not in []" in message
    assert "workflows/portrait.json" in message


def test_an_execution_error_in_history_is_a_provider_error(fake: ComfyUIFake, make: MakeProvider) -> None:
    fake.execution_error = "CUDA out of memory"
    with pytest.raises(ProviderError, match=r"node 3 \(KSampler\).*CUDA out of memory") as caught:
        make().generate(REQUEST)
    assert not isinstance(caught.value, TransientProviderError)


def test_a_run_without_an_image_says_to_save_one(fake: ComfyUIFake, make: MakeProvider) -> None:
    fake.save_image = False
    with pytest.raises(ProviderError, match="SaveImage"):
        make().generate(REQUEST)


def test_waiting_past_max_wait_is_transient(fake: ComfyUIFake, make: MakeProvider) -> None:
    fake.polls_until_ready = 10_000
    with pytest.raises(TransientProviderError, match=r"within 0\.05 s"):
        make(max_wait_seconds=0.05).generate(REQUEST)


@pytest.mark.parametrize(
    ("faults", "failing_path"),
    [
        (["500"], "/prompt"),
        (["429:3"], "/prompt"),
        (["invalid_json"], "/prompt"),
        (["ok", "reset"], "/history/"),
        (["ok", "ok", "ok", "truncated"], "/view"),
        (["ok", "slow"], "/history/"),
    ],
)
def test_network_faults_are_transient(
    fake: ComfyUIFake, make: MakeProvider, faults: list[str], failing_path: str
) -> None:
    fake.faults.extend(faults)
    fake.slow_seconds = 1.0
    with pytest.raises(TransientProviderError) as caught:
        make(timeout=0.3).generate(REQUEST)
    assert fake.requests[-1].path.startswith(failing_path)
    assert caught.value.retry_after == (3.0 if faults == ["429:3"] else None)
