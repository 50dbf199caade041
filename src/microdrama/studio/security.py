"""What keeps the studio to its user and its folder.

- Bound to 127.0.0.1 by default. Bound elsewhere, every request needs the access token
  printed in the terminal (once in the URL, then an HttpOnly cookie).
- CSRF: every state-changing request carries the token of the page's cookie in a header or
  form field (double submit), and a cross-site Origin is refused outright.
- Paths the browser names are resolved inside the project folder: no absolute paths, no
  "..", no symlink that leads out.
- Request bodies are capped (MAX_BODY_BYTES): the studio takes edits, not uploads of media.
- The Host header must name the studio, and no page may frame it (guards.py, in front of the app).
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from microdrama.project.paths import OutsideProject, inside_project

MAX_BODY_BYTES = 256 * 1024
CSRF_COOKIE = "md_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
TOKEN_COOKIE = "md_token"
TOKEN_PARAM = "token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PathRefused(Exception):
    """A path from the browser that would leave the project folder (or names nothing)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(given: str | None, expected: str | None) -> bool:
    """`given` is the token expected; an empty token never matches (an empty cookie and an empty
    field are equal, but prove nothing)."""
    if not given or not expected:
        return False
    return secrets.compare_digest(given.encode(), expected.encode())


def confined(root: Path, relative: str) -> Path:
    """`relative` as a file inside `root`, or PathRefused (the project's one rule: project/paths.py)."""
    try:
        target = inside_project(root, relative)
    except OutsideProject as error:
        raise PathRefused(relative) from error
    if not target.is_file():
        raise PathRefused(relative)
    return target


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """A state-changing request may come from this studio's own pages (or a client that
    sends no Origin at all, like curl), never from another site."""
    if not origin:
        return True
    return urlsplit(origin).netloc == (host_header or "")
