"""The [ai] and [providers.NAME] tables of microdrama.toml.

``[ai]`` picks a provider per capability (text, image, speech) and, in ``[ai.stages]``,
per stage; ``[providers.NAME]`` says how to reach one. Secrets never live here: a
provider names the environment variable (``api_key_env``) that holds its key, and
the keyring is asked under that name when the variable is unset.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from microdrama.model.common import Strict

# Names that exist without a [providers.NAME] table.
#   local:      the embedded LLM (text)
#   procedural: drawing with Pillow (image), no AI
#   builtin:    espeak-ng / Piper (speech)
#   none:       no text model (deterministic adaptation only)
BUILTIN_PROVIDERS = ("local", "procedural", "builtin", "none")

# Stage names and the capability each needs; [ai.stages] may override any of them.
STAGES: dict[str, Literal["text", "image", "speech"]] = {
    "write.series": "text",
    "write.outline": "text",
    "write.script": "text",
    "write.rewrite": "text",
    "frames": "image",
    "voices": "speech",
    "localize.translate": "text",
    "localize.adapt": "text",
    "localize.shorten": "text",
}

_SECRET_WORDS = ("key", "token", "secret", "password")


class PriceSettings(Strict):
    """What a model costs, from the provider's price page; used for the ledger, --dry-run and --max-cost."""

    input_per_million_tokens: float = Field(default=0.0, ge=0)
    output_per_million_tokens: float = Field(default=0.0, ge=0)
    per_image: float = Field(default=0.0, ge=0)
    per_million_characters: float = Field(default=0.0, ge=0, description="Speech synthesis")
    currency: str = "USD"


class ProviderTable(BaseModel):
    """One [providers.NAME] table; keys not listed here go to the backend as options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: str = Field(min_length=1, description="Backend: local, openai, comfyui, or a plug-in's kind")
    model: str = ""
    base_url: str = ""
    api_key_env: str | None = Field(default=None, description="Environment variable holding the API key")
    timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    max_retries: int = Field(default=4, ge=0, le=20)
    retry_base_seconds: float = Field(default=1.0, ge=0, le=60, description="First backoff; doubles per retry")
    concurrency: int = Field(default=2, ge=1, le=64, description="Calls in flight at once, across workers")
    requests_per_minute: int = Field(default=0, ge=0, description="0 = no limit")
    max_output_tokens: int = Field(
        default=0, ge=0, description="The model's limit on a reply's tokens: larger requests are clamped (0 = none)"
    )
    price: PriceSettings = PriceSettings()

    @field_validator("base_url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        # file:, ftp: and the like would let a project's settings read local files or reach other services.
        if url and not is_http_url(url):
            scheme = url.split("://", 1)[0].strip()[:20] if "://" in url else ""
            refused = f"the scheme {scheme!r} is refused; " if scheme.lower() not in ("", "http", "https") else ""
            raise ValueError(f"{refused}use an http(s) URL with a host, such as http://127.0.0.1:8080/v1")
        return url

    @model_validator(mode="after")
    def _no_secrets(self) -> ProviderTable:
        for key in self.options():
            if any(word in key.lower() for word in _SECRET_WORDS):
                raise ValueError(
                    f"'{key}' looks like a secret; keys never go in microdrama.toml. Put it in an environment "
                    f"variable and name that variable with api_key_env"
                )
        return self

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def is_http_url(url: str) -> bool:
    """An http:// or https:// URL with a host and a valid port: the only way a provider is reached."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class AISettings(Strict):
    text: str = Field(default="local", description="Provider for writing: local (embedded LLM), none, or a name")
    image: str = Field(default="procedural", description="Provider for frames: procedural (no AI) or a name")
    speech: str = Field(default="builtin", description="Provider for voices: builtin (espeak-ng/Piper) or a name")
    stages: dict[str, str] = Field(default_factory=dict, description="Per-stage overrides, e.g. frames = 'comfy'")
    max_repairs: int = Field(default=2, ge=0, le=10, description="Repair attempts for invalid structured output")

    @model_validator(mode="after")
    def _stages_known(self) -> AISettings:
        for stage in self.stages:
            if stage not in STAGES:
                raise ValueError(f"unknown stage {stage!r}; stages are: {', '.join(STAGES)}")
        return self

    def choices(self) -> list[tuple[str, str]]:
        """(where it is set, provider name) for every choice, for validation messages."""
        chosen = [("ai.text", self.text), ("ai.image", self.image), ("ai.speech", self.speech)]
        return chosen + [(f"ai.stages.{stage}", name) for stage, name in self.stages.items()]

    def provider_for(self, stage: str) -> str:
        if stage in self.stages:
            return self.stages[stage]
        return {"text": self.text, "image": self.image, "speech": self.speech}[STAGES[stage]]
