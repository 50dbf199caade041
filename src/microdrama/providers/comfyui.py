"""Images from a ComfyUI server running a workflow the user exported in API format.

The workflow file (option ``workflow``, relative to the project folder and inside it) marks what to fill in with
placeholders as string values: ``"{{prompt}}"``, ``"{{negative_prompt}}"``, ``"{{seed}}"``, ``"{{width}}"``,
``"{{height}}"``, ``"{{reference_image}}"``. A value that is exactly one placeholder becomes the typed value (seed,
width and height as integers); a placeholder inside longer text is replaced as text. ``{{prompt}}`` and ``{{seed}}``
are required; ``{{reference_image}}`` (a LoadImage input) makes the provider accept reference pictures.

A call: upload the reference (``POST /upload/image``), queue the workflow (``POST /prompt``), poll
``GET /history/{id}`` every ``poll_seconds`` (0.5) until an image is listed, then fetch it (``GET /view``). Past
``max_wait_seconds`` (600) the call fails as transient; ComfyUI caches node results, so a retry that queues the
same workflow again picks up where the first one got to.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image

from microdrama.errors import ProviderError, TransientProviderError
from microdrama.providers.base import Capabilities, ImageRequest, ImageResult, ProviderSettings
from microdrama.providers.http import HttpClient, Options, as_png, describe_error_body, require, shorten

log = logging.getLogger(__name__)

PLACEHOLDERS = ("prompt", "negative_prompt", "seed", "width", "height", "reference_image")
REQUIRED_PLACEHOLDERS = ("prompt", "seed")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Workflow:
    path: Path
    shown: str  # the path as the user wrote it, for messages
    nodes: dict[str, Any]
    placeholders: frozenset[str]
    digest: str  # sha256 of the file: a changed workflow makes different pictures


def resolve_workflow_path(root: Path, option: str, provider: str) -> Path:
    """The workflow file inside the project folder; ProviderError for a path that leaves it (absolute or ``..``)."""
    base = root.resolve()
    candidate = Path(option)
    path = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if not path.is_relative_to(base):
        raise ProviderError(
            f"provider {provider!r}: workflow {option!r} is outside the project folder {base}; "
            "copy the workflow into the project (e.g. workflows/) and give its path relative to the project"
        )
    return path


def load_workflow(path: Path, shown: str, provider: str) -> Workflow:
    """Read and check an API-format workflow: nodes with class_type and inputs, and the required placeholders."""
    where = f"provider {provider!r}: workflow {shown}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise ProviderError(f"{where} does not exist") from error
    except OSError as error:
        raise ProviderError(f"{where} cannot be read: {error.strerror or error}") from error
    try:
        nodes = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ProviderError(f"{where} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        at = f"line {error.lineno}, column {error.colno}"
        raise ProviderError(f"{where} is not valid JSON ({at}: {error.msg})") from error
    except RecursionError:
        raise ProviderError(f"{where} is nested too deeply to be a ComfyUI workflow") from None
    if isinstance(nodes, dict) and "nodes" in nodes and "links" in nodes:
        raise ProviderError(
            f"{where} is in ComfyUI's UI format; export it with Workflow → Export (API), "
            '"Save (API Format)" in older versions (enable the dev mode options in the settings if it is missing)'
        )
    if not isinstance(nodes, dict) or not nodes:
        raise ProviderError(f"{where} must be a JSON object of nodes (ComfyUI's API format)")
    for node_id, node in nodes.items():
        api_node = isinstance(node, dict) and isinstance(node.get("class_type"), str)
        if not (api_node and isinstance(node.get("inputs"), dict)):
            raise ProviderError(f"{where}: node {node_id!r} needs class_type and inputs (is this the API format?)")
    found = frozenset(name for node in nodes.values() for name in _names_in(node["inputs"]))
    unknown = sorted(found - set(PLACEHOLDERS))
    if unknown:
        raise ProviderError(f"{where} has unknown placeholders {_braced(unknown)}; known: {_braced(PLACEHOLDERS)}")
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in found]
    if missing:
        raise ProviderError(
            f"{where} lacks the placeholders {_braced(missing)}; put them as the values "
            'of the inputs they feed, e.g. "text": "{{prompt}}" in CLIPTextEncode, "seed": "{{seed}}" in KSampler'
        )
    return Workflow(path, shown, nodes, found, hashlib.sha256(raw).hexdigest())


def _braced(names: Iterable[str]) -> str:
    return ", ".join("{{" + name + "}}" for name in names)


def _names_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return _PLACEHOLDER.findall(value)
    if isinstance(value, dict):
        return [name for item in value.values() for name in _names_in(item)]
    if isinstance(value, list):
        return [name for item in value for name in _names_in(item)]
    return []


def fill_workflow(nodes: dict[str, Any], values: Mapping[str, str | int]) -> dict[str, Any]:
    """A copy with every placeholder replaced; a value that is exactly one placeholder keeps the value's type."""

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            whole = _PLACEHOLDER.fullmatch(value)
            if whole and whole.group(1) in values:
                return values[whole.group(1)]
            return _PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), value)
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    filled = copy.deepcopy(nodes)
    for node in filled.values():
        node["inputs"] = fill(node["inputs"])
    return filled


def describe_comfy_error(body: Any) -> str | None:
    """ComfyUI's /prompt refusal: {"error": {"message", "details"}, "node_errors": {id: {"class_type", "errors"}}}."""
    if not isinstance(body, dict):
        return None
    parts = [describe_error_body({"error": body["error"]}) or ""] if "error" in body else []
    node_errors = body.get("node_errors")
    if isinstance(node_errors, dict):
        for node_id, info in node_errors.items():
            if not isinstance(info, dict):
                continue
            for error in info.get("errors") or []:
                if isinstance(error, dict):
                    text = str(error.get("message", "error"))
                    if error.get("details"):
                        text += f": {error['details']}"
                    parts.append(f"node {node_id} ({info.get('class_type', '?')}): {text}")
    text = "; ".join(part for part in parts if part)
    return text or None


class ComfyUIProvider:
    """An ImageProvider that runs one workflow per picture on a ComfyUI server."""

    def __init__(self, settings: ProviderSettings, root: Path) -> None:
        options = Options(settings.name, settings.options)
        self.name = settings.name
        self.kind = "comfyui"
        option = options.text("workflow")
        if option is None:
            raise ProviderError(
                f'provider {settings.name!r}: set workflow = "workflows/NAME.json" '
                "(a workflow exported in API format, inside the project folder)"
            )
        self.workflow = load_workflow(resolve_workflow_path(root, option, settings.name), option, settings.name)
        self.workflow_digest = self.workflow.digest
        self.model = settings.model.strip() or f"workflow {option}"
        self.poll_seconds = options.number("poll_seconds", 0.5, minimum=0.01)
        self.max_wait_seconds = options.number("max_wait_seconds", 600.0, minimum=0.0)
        self.image_sizes = options.sizes("image_sizes")
        self._http = HttpClient(
            settings.name,
            settings.base_url,
            timeout=settings.timeout_seconds,
            api_key=settings.api_key,  # e.g. behind a reverse proxy that checks a bearer token
            api_key_env=options.text("api_key_env"),
            describe_error=describe_comfy_error,
        )
        self.endpoint = self._http.base_url
        self._client_id = uuid.uuid4().hex

    def capabilities(self) -> Capabilities:
        return Capabilities(
            capabilities=("image",),
            image_sizes=self.image_sizes,
            reference_images="reference_image" in self.workflow.placeholders,
        )

    def close(self) -> None:
        self._http.close()

    def generate(self, request: ImageRequest) -> ImageResult:
        values: dict[str, str | int] = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "seed": request.seed,
            "width": request.width,
            "height": request.height,
        }
        if "reference_image" in self.workflow.placeholders:
            if request.reference is None:
                raise ProviderError(
                    f"provider {self.name!r}: workflow {self.workflow.shown} loads a reference image "
                    "({{reference_image}}) but this request has none"
                )
            values["reference_image"] = self._upload(request.reference)
        prompt_id = self._queue(fill_workflow(self.workflow.nodes, values))
        image = self._wait_for_image(prompt_id)
        data, _ = self._http.get_bytes("view", params=image)
        png = as_png(data, f"provider {self.name!r}")
        self._note_size(png, request)
        return ImageResult(png=png)

    def _upload(self, reference: bytes) -> str:
        # Named by content, so overwriting can only replace a file with the same bytes.
        name = f"microdrama-{hashlib.sha256(reference).hexdigest()[:16]}.png"
        answer = self._http.post_multipart(
            "upload/image", {"overwrite": "true", "type": "input"}, {"image": (name, reference, "image/png")}
        )
        require(isinstance(answer, dict) and isinstance(answer.get("name"), str), self.name, "upload gave no name")
        subfolder = answer.get("subfolder")
        return f"{subfolder}/{answer['name']}" if isinstance(subfolder, str) and subfolder else str(answer["name"])

    def _queue(self, prompt: dict[str, Any]) -> str:
        try:
            answer = self._http.post_json("prompt", {"prompt": prompt, "client_id": self._client_id})
        except TransientProviderError:
            raise
        except ProviderError as error:  # a refused workflow: say which file to fix
            raise ProviderError(f"{error} (workflow {self.workflow.shown})") from error
        require(isinstance(answer, dict), self.name, "/prompt did not answer with a JSON object")
        if answer.get("node_errors") or answer.get("error"):
            detail = describe_comfy_error(answer) or "node errors"
            raise ProviderError(
                f"provider {self.name!r}: ComfyUI refused workflow {self.workflow.shown}: {shorten(detail)}"
            )
        prompt_id = answer.get("prompt_id")
        require(isinstance(prompt_id, str) and bool(prompt_id), self.name, "/prompt gave no prompt_id")
        return str(prompt_id)

    def _wait_for_image(self, prompt_id: str) -> dict[str, str]:
        deadline = time.monotonic() + self.max_wait_seconds
        while True:
            history = self._http.get_json(f"history/{quote(prompt_id, safe='')}")
            require(isinstance(history, dict), self.name, "/history did not answer with a JSON object")
            entry = history.get(prompt_id)
            if isinstance(entry, dict):
                image = self._finished_image(entry)
                if image is not None:
                    return image
            if time.monotonic() + self.poll_seconds > deadline:
                raise TransientProviderError(
                    f"provider {self.name!r}: ComfyUI did not finish workflow {self.workflow.shown} "
                    f"within {self.max_wait_seconds:g} s (max_wait_seconds)"
                )
            time.sleep(self.poll_seconds)

    def _finished_image(self, entry: dict[str, Any]) -> dict[str, str] | None:
        """The image to fetch, None while still running, ProviderError if the run failed or made no image."""
        status = _as_dict(entry.get("status"))
        if status.get("status_str") == "error":
            raise ProviderError(
                f"provider {self.name!r}: ComfyUI failed running workflow {self.workflow.shown}: "
                f"{shorten(_execution_error(status))}"
            )
        outputs = _as_dict(entry.get("outputs"))
        images = [
            image
            for output in outputs.values()
            if isinstance(output, dict)
            for image in output.get("images") or []
            if isinstance(image, dict) and isinstance(image.get("filename"), str)
        ]
        if images:
            image = next((item for item in images if item.get("type") == "output"), images[0])  # saved over preview
            return {
                "filename": image["filename"],
                "subfolder": str(image.get("subfolder") or ""),
                "type": str(image.get("type") or "output"),
            }
        if status.get("completed") is True:
            raise ProviderError(
                f"provider {self.name!r}: workflow {self.workflow.shown} finished without an image; "
                "end it with a SaveImage node"
            )
        return None

    def _note_size(self, png: bytes, request: ImageRequest) -> None:
        with Image.open(BytesIO(png)) as image:
            size = image.size
        if size != (request.width, request.height):  # the workflow fixes its own size without {{width}}/{{height}}
            log.warning(
                "provider %r: workflow %s made %dx%d, not the requested %dx%d",
                self.name,
                self.workflow.shown,
                *size,
                request.width,
                request.height,
            )


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _execution_error(status: dict[str, Any]) -> str:
    for item in status.get("messages") or []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict):
            kind, data = item
            if kind == "execution_error":
                node = f"node {data.get('node_id', '?')} ({data.get('node_type', '?')})"
                return f"{node}: {data.get('exception_type', 'error')}: {data.get('exception_message', '')}".strip()
            if kind == "execution_interrupted":
                return "the run was interrupted"
    return "an execution error (see the ComfyUI console)"


def create(settings: ProviderSettings, root: Path) -> ComfyUIProvider:
    return ComfyUIProvider(settings, root)
