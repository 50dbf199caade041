"""The checks in front of the studio's app, as plain ASGI wrappers so that they hold for every
response (static files, errors, refusals of the checks themselves), before any route runs.

- HostCheck: the Host header must name this studio (see HostNames), or 400: a page whose
  name was rebound to 127.0.0.1 (DNS rebinding) is same-origin with itself, not with the studio.
- BodyLimit: a body over MAX_BODY_BYTES gets 413, declared or streamed (chunked), before the
  app reads any of it.
- NoFraming: no response may be shown inside another site's frame (clickjacking).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from microdrama.studio.security import MAX_BODY_BYTES

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::(?P<port>\d{1,5}))?")
_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


def split_host(header: str | None) -> tuple[str, int] | None:
    """(name, port) of a Host header ("[::1]:8765" -> ("::1", 8765); no port: 80), or None if malformed."""
    parsed = _split(header or "")
    return None if parsed is None else (parsed[0], parsed[1] or 80)


def allowed_host(given: str, port: int) -> tuple[str, int]:
    """An --allow-host value as (name, port): NAME at the studio's `port`, or NAME:PORT (the
    Host a reverse proxy in front passes on); ValueError for anything else."""
    text = given.strip().lower()
    parsed = (text, None) if _is_address(text) else _split(text)  # a bare IPv6 address too
    if parsed is None or not (_is_address(parsed[0]) or _NAME.fullmatch(parsed[0])):
        raise ValueError(f"{given!r} is not a host name: give a name such as studio.lan or studio.lan:443, no scheme")
    return parsed[0], parsed[1] or port


@dataclass(frozen=True)
class HostNames:
    """The (name, port) pairs this studio answers to. With `any_address` (it listens on every
    interface) any IP literal at its own port is admitted too: no DNS stands behind an address,
    so no other site can rebind it, and the access token guards that case anyway."""

    hosts: frozenset[tuple[str, int]]
    port: int
    any_address: bool = False

    @classmethod
    def serving(
        cls, port: int, allowed: Iterable[str] = (), machine: Iterable[str] = (), any_address: bool = False
    ) -> HostNames:
        """Loopback's names and the `machine`'s own at `port` (those a browser could send; the
        others are left out), and the `allowed` ones (ValueError for one that is not a name)."""
        hosts = {(name, port) for name in LOOPBACK_NAMES} | {allowed_host(given, port) for given in allowed}
        for name in machine:
            with contextlib.suppress(ValueError):
                hosts.add((allowed_host(name, port)[0], port))
        return cls(frozenset(hosts), port, any_address)

    def admit(self, header: str | None) -> bool:
        parsed = split_host(header)
        if parsed is None:
            return False
        return parsed in self.hosts or (self.any_address and parsed[1] == self.port and _is_address(parsed[0]))


class HostCheck:
    def __init__(self, app: ASGIApp, hosts: HostNames) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.hosts.admit(_header(scope, b"host")):
            await _plain(send, 400, "wrong Host header: open the studio at the address it printed")
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Reads the whole body (at most `limit` bytes) before the app sees the request; the studio
    takes edits, not uploads, so holding one in memory costs little."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nobody to answer
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._too_large(send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # e.g. the disconnect a streaming response waits for
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _plain(send, 413, f"request too large: the studio accepts at most {self.limit // 1024} KB")


class NoFraming:
    """X-Frame-Options for old browsers, CSP frame-ancestors for the rest, on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def framed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _without_framing(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, framed)


def _without_framing(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    kept = [(key, value) for key, value in headers if key.lower() != b"x-frame-options"]
    policies = [i for i, (key, _) in enumerate(kept) if key.lower() == b"content-security-policy"]
    for i in policies:
        key, value = kept[i]
        if b"frame-ancestors" not in value:
            kept[i] = (key, value + b"; frame-ancestors 'none'")
    if not policies:
        kept.append((b"content-security-policy", b"frame-ancestors 'none'"))
    return [*kept, (b"x-frame-options", b"DENY")]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _split(text: str) -> tuple[str, int | None] | None:
    found = _HOST.fullmatch(text.lower())
    if found is None or (found["ipv6"] and not _is_address(found["ipv6"])):
        return None
    return found["ipv6"] or found["name"], int(found["port"]) if found["port"] else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
