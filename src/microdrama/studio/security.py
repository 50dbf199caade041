"""What keeps the studio to its user and its folder.

- Bound to 127.0.0.1 by default. Bound elsewhere, every request needs the access token
  printed in the terminal (once in the URL, then an HttpOnly cookie).
- CSRF: every state-changing request carries the token of the page's cookie in a header or
  form field (double submit), and a cross-site Origin is refused outright.
- Paths the browser names are resolved inside the project folder: no absolute paths, no
  "..", no symlink that leads out.
- Request bodies are capped (MAX_BODY_BYTES): the studio takes edits, not uploads of media.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def confined(root: Path, relative: str) -> Path:
    """`relative` as a file inside `root`, or PathRefused."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")):
        raise PathRefused(relative)
    parts = Path(relative).parts
    if any(part in ("..", "") for part in parts) or Path(relative).is_absolute():
        raise PathRefused(relative)
    base = root.resolve()
    target = (base / relative).resolve()  # symlinks followed: where it really leads
    if target != base and base not in target.parents:
        raise PathRefused(relative)
    if not target.is_file():
        raise PathRefused(relative)
    return target


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """A state-changing request may come from this studio's own pages (or a client that
    sends no Origin at all, like curl), never from another site."""
    if not origin:
        return True
    return urlsplit(origin).netloc == (host_header or "")


class BodyLimit:
    """Refuses a request whose body is larger than `limit` bytes with 413, before the app reads it all."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"request too large: the studio accepts at most {limit // 1024} KB".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
