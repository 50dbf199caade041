"""API keys: from an environment variable, else the OS keyring; never from a project file."""

from __future__ import annotations

import os

from microdrama.errors import ProviderError

KEYRING_SERVICE = "microdrama"


def resolve_api_key(provider: str, variable: str | None) -> str | None:
    """The key named by ``api_key_env``; None when the provider needs none (no variable named)."""
    if not variable:
        return None
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    stored = _from_keyring(variable)
    if stored:
        return stored
    raise ProviderError(
        f"provider {provider!r} needs an API key: set the environment variable {variable} "
        f"(or store it in the OS keyring: keyring set {KEYRING_SERVICE} {variable})"
    )


def _from_keyring(variable: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, variable) or None
    except (KeyringError, RuntimeError, OSError):
        return None  # no keyring back end on this machine (servers, CI): the variable is the way
