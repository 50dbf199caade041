"""Serving the studio: on 127.0.0.1 by default; anywhere else only with an access token.
Either way it answers only to its own names (HostNames): loopback's, the machine's when it
listens on every interface, and those the user allows."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from microdrama.errors import UsageError
from microdrama.studio.app import create_app, wrap
from microdrama.studio.guards import HostNames
from microdrama.studio.security import TOKEN_PARAM, is_loopback, new_token

DEFAULT_PORT = 8765
WILDCARDS = ("0.0.0.0", "::")  # listen on every interface: reached through this machine's name


@dataclass(frozen=True)
class Served:
    url: str  # what to open (with the token when one is needed)
    token: str | None
    hosts: HostNames  # the Host header values it answers to
    elsewhere: str | None = None  # the URL for other machines, when listening on every interface


def free_port(host: str, wanted: int) -> int:
    """`wanted` if it is free, else one the system picks."""
    for port in (wanted, 0):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
            return int(probe.getsockname()[1])
    raise UsageError(f"cannot listen on {host}: no free port; choose one with --port")


def plan(host: str, port: int, token: str | None = None, allowed_hosts: Iterable[str] = ()) -> Served:
    """The URL, token and host names for serving on `host:port` (a token is made when the host
    is not loopback; an empty one counts as none)."""
    token = token or None
    if not is_loopback(host):
        token = token or new_token()
    query = f"?{TOKEN_PARAM}={token}" if token else ""

    def url(name: str) -> str:
        return f"http://{f'[{name}]' if ':' in name else name}:{port}/{query}"

    everywhere = host in WILDCARDS
    machine = (socket.gethostname(), socket.getfqdn()) if everywhere else (host,)
    try:
        hosts = HostNames.serving(port, allowed_hosts, machine, any_address=everywhere)
    except ValueError as error:
        raise UsageError(f"--allow-host: {error}") from error
    elsewhere = url(socket.gethostname()) if everywhere else None
    return Served(url=url(host), token=token, hosts=hosts, elsewhere=elsewhere)


def config(root: Path, host: str, port: int, served: Served) -> uvicorn.Config:
    app = wrap(create_app(root, access_token=served.token), served.hosts)
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")


def serve(root: Path, host: str, port: int, served: Served) -> None:
    """Serve until interrupted (Ctrl+C)."""
    uvicorn.Server(config(root, host, port, served)).run()


@contextlib.contextmanager
def running(
    root: Path, host: str = "127.0.0.1", port: int = 0, token: str | None = None, allowed_hosts: Iterable[str] = ()
) -> Iterator[Served]:
    """The studio served in a background thread (for tests and scripts); stopped on exit."""
    port = free_port(host, port)
    served = plan(host, port, token, allowed_hosts)
    server = uvicorn.Server(config(root, host, port, served))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the studio did not start")
        time.sleep(0.05)
    try:
        yield served
    finally:
        server.should_exit = True
        thread.join(timeout=10)
