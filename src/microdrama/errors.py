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
