"""Errors a user can hit.

Every error a user can cause (bad input, a broken project file, a missing tool)
is a `MicrodramaError`: the CLI prints its message on one line, without a
traceback, and exits non-zero. The message says what is wrong and what to do.
"""

from __future__ import annotations


class MicrodramaError(Exception):
    """Base of every user-facing error."""

    exit_code = 1


class SourceError(MicrodramaError):
    """The input story cannot be read: missing, empty, binary, undecodable, too large."""

    exit_code = 3


class ProjectError(MicrodramaError):
    """The project folder is missing, already exists, or is not a project."""

    exit_code = 4


class ValidationError(MicrodramaError):
    """A hand-edited project file is invalid; the message names file, line and field."""

    exit_code = 5


class UsageError(MicrodramaError):
    """Arguments that cannot work together (e.g. more episodes than the source can fill)."""

    exit_code = 2


class ProviderError(MicrodramaError):
    """An AI provider failed, refused the request, or is misconfigured (the message names which)."""

    exit_code = 6


class TransientProviderError(ProviderError):
    """A failure worth retrying: timeout, connection reset, 429, 5xx, a truncated response.

    ``retry_after`` is the server's Retry-After in seconds when it sent one.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BudgetExceeded(MicrodramaError):
    """The next paid call would pass --max-cost; what finished is kept."""

    exit_code = 7


class AssetError(MicrodramaError):
    """A bundled model, voice, font or native library is missing or differs from its reviewed SHA-256."""
