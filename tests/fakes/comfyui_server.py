"""A fake ComfyUI server: /prompt, /history/{id}, /view, /upload/image.

    with running_comfyui_fake() as fake:
        fake.polls_until_ready = 2  # two polls see {} before the result appears
        fake.reject_with("4", "CheckpointLoaderSimple", "Value not in list", "ckpt_name: 'x' not in []")
        fake.execution_error = "CUDA out of memory"
        fake.jobs[prompt_id]["prompt"]  # the workflow as queued, placeholders filled

Each queued workflow "renders" a real PNG whose colour is a hash of the filled workflow and whose size is the
first integer ``width``/``height`` inputs found (64×64 otherwise).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.fakes import Answer, FakeServer, RecordedRequest, running
from tests.fakes.openai_server import fake_png


class ComfyUIFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.polls_until_ready = 1  # history polls answered with {} before the entry appears
        self.node_errors: dict[str, Any] | None = None  # set by reject_with: /prompt answers 400
        self.execution_error: str | None = None  # the run fails with this exception message
        self.save_image = True  # False: the run completes with no image
        self.image_format = "PNG"
        self.jobs: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}  # "subfolder/name" or "name" -> bytes
        self.outputs: dict[str, bytes] = {}
        self._number = 0

    def reject_with(self, node_id: str, class_type: str, message: str, details: str = "") -> None:
        """Make /prompt refuse the next workflows the way ComfyUI's validation does."""
        error = {"type": "value_not_in_list", "message": message, "details": details, "extra_info": {}}
        self.node_errors = {node_id: {"errors": [error], "dependent_outputs": ["9"], "class_type": class_type}}

    def error_answer(self, status: int, message: str) -> Answer:
        if status >= 500:  # aiohttp's own page, as ComfyUI sends it
            return Answer(status, b"500 Internal Server Error\n\nServer got itself in trouble", "text/plain")
        error = {"type": "fake_error", "message": message, "details": "", "extra_info": {}}
        return Answer.json({"error": error, "node_errors": {}}, status)

    def answer(self, request: RecordedRequest) -> Answer:
        if request.method == "POST" and request.path == "/prompt":
            return self._queue(request.json)
        if request.method == "GET" and request.path.startswith("/history/"):
            return self._history(request.path.removeprefix("/history/"))
        if request.method == "GET" and request.path == "/view":
            return self._view(request.query)
        if request.method == "POST" and request.path == "/upload/image":
            return self._upload(request)
        return Answer(404, b"404: Not Found", "text/plain")

    def _queue(self, body: Any) -> Answer:
        prompt = body.get("prompt") if isinstance(body, dict) else None
        if not isinstance(prompt, dict):
            error = {"type": "no_prompt", "message": "No prompt provided", "details": "", "extra_info": {}}
            return Answer.json({"error": error, "node_errors": {}}, 400)
        for node_id, node in prompt.items():
            if not isinstance(node, dict) or "class_type" not in node:
                error = {
                    "type": "invalid_prompt",
                    "message": "Cannot execute because a node is missing the class_type property.",
                    "details": f"Node ID '#{node_id}'",
                    "extra_info": {},
                }
                return Answer.json({"error": error, "node_errors": {}}, 400)
        if self.node_errors:
            error = {
                "type": "prompt_outputs_failed_validation",
                "message": "Prompt outputs failed validation",
                "details": "",
                "extra_info": {},
            }
            return Answer.json({"error": error, "node_errors": self.node_errors}, 400)
        prompt_id = str(uuid.uuid4())
        self._number += 1
        self.jobs[prompt_id] = {"prompt": prompt, "client_id": body.get("client_id"), "polls": 0}
        return Answer.json({"prompt_id": prompt_id, "number": self._number, "node_errors": {}})

    def _history(self, prompt_id: str) -> Answer:
        job = self.jobs.get(prompt_id)
        if job is None:
            return Answer.json({})
        job["polls"] += 1
        if job["polls"] <= self.polls_until_ready:
            return Answer.json({})
        if "entry" not in job:
            job["entry"] = self._run(prompt_id, job["prompt"])
        return Answer.json({prompt_id: job["entry"]})

    def _run(self, prompt_id: str, prompt: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time() * 1000)
        started = ["execution_start", {"prompt_id": prompt_id, "timestamp": now}]
        queued = [self._number, prompt_id, prompt, {}, list(prompt)]
        if self.execution_error is not None:
            failure = {
                "prompt_id": prompt_id,
                "node_id": "3",
                "node_type": "KSampler",
                "executed": [],
                "exception_message": self.execution_error,
                "exception_type": "torch.OutOfMemoryError",
                "traceback": [],
                "current_inputs": {},
                "current_outputs": {},
                "timestamp": now,
            }
            status = {"status_str": "error", "completed": False, "messages": [started, ["execution_error", failure]]}
            return {"prompt": queued, "outputs": {}, "status": status, "meta": {}}
        outputs: dict[str, Any] = {}
        if self.save_image:
            save_node = next((key for key, node in prompt.items() if node["class_type"] == "SaveImage"), "9")
            name = f"ComfyUI_{len(self.outputs) + 1:05d}_.png"
            width, height = _first_int(prompt, "width"), _first_int(prompt, "height")
            key = json.dumps(prompt, sort_keys=True)
            self.outputs[name] = fake_png(key, width, height, self.image_format)
            outputs[save_node] = {"images": [{"filename": name, "subfolder": "", "type": "output"}]}
        success = ["execution_success", {"prompt_id": prompt_id, "timestamp": now}]
        status = {"status_str": "success", "completed": True, "messages": [started, success]}
        return {"prompt": queued, "outputs": outputs, "status": status, "meta": {}}

    def _view(self, query: dict[str, str]) -> Answer:
        name, subfolder, kind = query.get("filename", ""), query.get("subfolder", ""), query.get("type", "output")
        store = self.uploads if kind == "input" else self.outputs
        content = store.get(f"{subfolder}/{name}" if subfolder else name)
        if content is None:
            return Answer(404, b"404: Not Found", "text/plain")
        return Answer(200, content, "image/png")

    def _upload(self, request: RecordedRequest) -> Answer:
        image = request.files.get("image")
        if image is None:
            return Answer(400, b"", "text/plain")  # ComfyUI answers a bare 400 here
        subfolder = request.fields.get("subfolder", "")
        name = image.filename
        if request.fields.get("overwrite", "").lower() not in ("true", "1"):
            stem, dot, suffix = name.rpartition(".")
            counter = 1
            while (f"{subfolder}/{name}" if subfolder else name) in self.uploads:
                name = f"{stem} ({counter}){dot}{suffix}"
                counter += 1
        self.uploads[f"{subfolder}/{name}" if subfolder else name] = image.content
        return Answer.json({"name": name, "subfolder": subfolder, "type": request.fields.get("type", "input")})


def _first_int(prompt: dict[str, Any], key: str, default: int = 64) -> int:
    for node in prompt.values():
        value = node.get("inputs", {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return default


@contextmanager
def running_comfyui_fake() -> Iterator[ComfyUIFake]:
    with running(ComfyUIFake()) as fake:
        yield fake
