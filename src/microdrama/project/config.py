"""microdrama.toml: the project's settings, read with tomllib and written with tomlkit.

tomlkit keeps a person's comments and layout when a setting is changed by a command.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

import pydantic
import tomlkit
from pydantic import Field, model_validator

from microdrama.errors import ValidationError
from microdrama.model.bounds import MAX_LIST_ITEMS, OptionalTitle, ProjectPath, Title
from microdrama.model.common import Language, Strict
from microdrama.project.ai_settings import BUILTIN_PROVIDERS, AISettings, ProviderTable
from microdrama.project.atomic import write_text_atomic
from microdrama.project.paths import OutsideProject, inside_project
from microdrama.project.yamlio import read_text_file

Market = Literal["domestic", "overseas"]
# Paywall defaults: domestic Chinese platforms put it around episodes 8–12, overseas apps earlier.
PAYWALL_RANGES: dict[str, tuple[int, int]] = {"domestic": (8, 12), "overseas": (3, 8)}


class SeriesSettings(Strict):
    title: Title
    language: Language


class SourceSettings(Strict):
    files: list[ProjectPath] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Inside the project (checked on load); empty for a series written from an idea",
    )


class AdaptSettings(Strict):
    episodes: int = Field(default=0, ge=0, le=200, description="0: chosen from the source's length")
    minutes_per_episode: float = Field(default=1.5, gt=0.25, le=30)
    market: Market | None = Field(default=None, description="None: domestic for zh, overseas otherwise")
    paywall: int | Literal["auto", "none"] = "auto"

    def resolved_market(self, language: str) -> Market:
        return self.market or ("domestic" if language == "zh" else "overseas")


class RenderSettings(Strict):
    licence: OptionalTitle = Field(default="", description="备案号 / licence line shown in episode 1's opening credits")
    music: ProjectPath | None = Field(
        default=None, description="Music bed (audio file inside the project), ducked under voices"
    )
    crossfade_seconds: float = Field(default=0.3, ge=0, le=2)
    loudness_lufs: float = Field(default=-14.0, ge=-31, le=-5, description="Integrated loudness target")
    burn_subtitles: bool = True
    workers: int = Field(default=0, ge=0, le=64, description="Parallel build workers; 0 = one per core")


class ProjectConfig(Strict):
    series: SeriesSettings
    source: SourceSettings = SourceSettings()
    adapt: AdaptSettings = AdaptSettings()
    render: RenderSettings = RenderSettings()
    ai: AISettings = AISettings()
    providers: dict[str, ProviderTable] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _provider_names_exist(self) -> ProjectConfig:
        known = set(self.providers) | set(BUILTIN_PROVIDERS)
        for where, name in self.ai.choices():
            if name not in known:
                raise ValueError(
                    f"{where} = {name!r} names no provider; define [providers.{name}] or use one of: "
                    + ", ".join(sorted(known))
                )
        return self


def load_config(path: Path, display: str = "microdrama.toml") -> ProjectConfig:
    text = read_text_file(path, display)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{display}: TOML syntax error: {error}") from error
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ValidationError(f"{display}: settings nested too deeply; fix the file or restore it") from None
    try:
        return ProjectConfig.model_validate(data)
    except pydantic.ValidationError as error:
        detail = error.errors()[0]
        location = ".".join(str(step) for step in detail["loc"]) or "settings"
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown setting (a typo?)"
        line = _line_of_key(path, *(str(step) for step in detail["loc"] if isinstance(step, str)))
        where = f"{display}:{line}" if line else display
        raise ValidationError(f"{where}: {location}: {message}") from error


def check_paths_inside(config: ProjectConfig, root: Path, path: Path, display: str = "microdrama.toml") -> None:
    """Files the settings name must lie inside the project: a source outside it would be read into
    the scripts (and shown, voiced, uploaded), music outside it mixed into every episode."""
    named = [("source.files", relative) for relative in config.source.files]
    if config.render.music:
        named.append(("render.music", config.render.music))
    for setting, relative in named:
        try:
            inside_project(root, relative)
        except OutsideProject as error:
            line = _line_of_key(path, *setting.split("."))
            where = f"{display}:{line}" if line else display
            raise ValidationError(
                f"{where}: {setting}: {relative!r} points outside the project ({error}); "
                "copy the file into the project folder (e.g. source/) and name it from there"
            ) from error


def _line_of_key(path: Path, *keys: str) -> int | None:
    """TOML errors from pydantic carry no position: find the line that sets ``keys`` (e.g. providers,
    comfy, base_url: base_url under [providers.comfy]), else its table's, else any line setting the last key."""
    lines = read_text_file(path, path.name).splitlines()
    for depth in range(len(keys), 0, -1):
        table, key = ".".join(keys[: depth - 1]), keys[depth - 1]
        current = ""
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if text.startswith("[") and not text.startswith("[["):
                current = text.strip("[] ")
                if current == ".".join(keys[:depth]):
                    return number
            elif current == table and line.split("=", 1)[0].strip() == key:
                return number
    for number, line in enumerate(lines, start=1):
        if keys and line.split("=", 1)[0].strip() == keys[-1]:
            return number
    return None


def new_config_text(config: ProjectConfig) -> str:
    document = tomlkit.document()
    document.add(tomlkit.comment("microdrama project settings. Edit freely: commands read them every run."))
    document.add(tomlkit.nl())
    series = tomlkit.table()
    series.add("title", config.series.title)
    series.add("language", config.series.language)
    series["language"].comment("zh or en")
    document.add("series", series)
    source = tomlkit.table()
    source.add("files", config.source.files)
    source["files"].comment("the input text, kept untouched in source/")
    document.add("source", source)
    adapt = tomlkit.table()
    adapt.add("episodes", config.adapt.episodes)
    adapt["episodes"].comment("0 = chosen from the source's length")
    adapt.add("minutes_per_episode", config.adapt.minutes_per_episode)
    adapt.add("market", config.adapt.market or ("domestic" if config.series.language == "zh" else "overseas"))
    adapt["market"].comment("domestic: paywall in episodes 8-12; overseas: 3-8")
    adapt.add("paywall", config.adapt.paywall)
    adapt["paywall"].comment('"auto", "none", or an episode number')
    document.add("adapt", adapt)
    render = tomlkit.table()
    render.add("licence", config.render.licence)
    render["licence"].comment("备案号 / licence line for episode 1's opening credits")
    render.add("crossfade_seconds", config.render.crossfade_seconds)
    render.add("loudness_lufs", config.render.loudness_lufs)
    render.add("burn_subtitles", config.render.burn_subtitles)
    render.add("workers", config.render.workers)
    render["workers"].comment("0 = one per core")
    render.add(tomlkit.comment('music = "source/music.mp3"  # optional music bed, ducked under voices'))
    document.add("render", render)
    document.add("ai", _ai_table(config))
    return tomlkit.dumps(document) + PROVIDER_EXAMPLES


def _ai_table(config: ProjectConfig) -> tomlkit.items.Table:
    ai = tomlkit.table()
    ai.add("text", config.ai.text)
    ai["text"].comment("writing (new, adapt --writer llm): local = the embedded model, or a [providers.NAME]")
    ai.add("image", config.ai.image)
    ai["image"].comment("frames: procedural (drawn, no AI) or a [providers.NAME]")
    ai.add("speech", config.ai.speech)
    ai["speech"].comment("voices: builtin (espeak-ng, Piper) or a [providers.NAME]")
    ai.add(tomlkit.comment('stages = { "write.rewrite" = "deepseek" }  # per-stage overrides'))
    return ai


# Shown (commented out) in every new microdrama.toml; docs/providers.md has the details.
PROVIDER_EXAMPLES = """
# An OpenAI-compatible service (DeepSeek, DashScope, Moonshot, Ollama, vLLM, LM Studio, ...).
# The key is read from the environment variable named here (or the OS keyring), never from this file.
# [providers.deepseek]
# kind = "openai"
# base_url = "https://api.deepseek.com/v1"
# model = "deepseek-chat"
# api_key_env = "DEEPSEEK_API_KEY"
# json_mode = true
# price = { input_per_million_tokens = 2.0, output_per_million_tokens = 8.0, currency = "CNY" }
#
# A ComfyUI server for frames: a workflow saved with "Save (API Format)", using {{prompt}} and {{seed}}.
# [providers.comfy]
# kind = "comfyui"
# base_url = "http://127.0.0.1:8188"
# workflow = "workflows/frames.json"
"""


def update_config(path: Path, section: str, values: dict[str, object]) -> None:
    """Change settings in place, keeping the file's comments and layout."""
    document = tomlkit.parse(read_text_file(path, path.name))
    table = document.setdefault(section, tomlkit.table())
    for key, value in values.items():
        table[key] = value
    write_text_atomic(path, tomlkit.dumps(document))
