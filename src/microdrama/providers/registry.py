"""Which backend makes a provider: built-ins plus any installed package's entry points.

A third-party package adds a backend by declaring, in its pyproject.toml::

    [project.entry-points."microdrama.providers"]
    mybackend = "mypackage.module:create"

where ``create(settings: ProviderSettings, root: Path) -> Provider``; a project then
uses it with ``kind = "mybackend"`` in a ``[providers.NAME]`` table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from microdrama.errors import ProviderError
from microdrama.providers.base import Provider, ProviderSettings

Factory = Callable[[ProviderSettings, Path], Provider]
ENTRY_POINT_GROUP = "microdrama.providers"

BUILTIN_KINDS: dict[str, str] = {
    "local": "microdrama.providers.local:create",
    "openai": "microdrama.providers.openai_compat:create",
    "comfyui": "microdrama.providers.comfyui:create",
}


def available_kinds() -> dict[str, str]:
    """kind -> "module:function", built-ins first; an installed plug-in cannot shadow a built-in."""
    kinds = dict(BUILTIN_KINDS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        kinds.setdefault(entry.name, entry.value)
    return kinds


def factory_for(kind: str) -> Factory:
    kinds = available_kinds()
    target = kinds.get(kind)
    if target is None:
        raise ProviderError(f"unknown provider kind {kind!r}; known kinds: {', '.join(sorted(kinds))}")
    module_name, _, function_name = target.partition(":")
    try:
        factory: Factory = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        raise ProviderError(f"provider kind {kind!r} ({target}) cannot be loaded: {error}") from error
    return factory


def create_provider(settings: ProviderSettings, root: Path) -> Provider:
    return factory_for(settings.kind)(settings, root)
