"""TCP proxies between the code under test and a service it depends on, run by the test process:
an outage of PostgreSQL or Redis while the code keeps running, with no access to the service's
container. `down()` refuses connections (and closes the open ones), `stall()` keeps them open
but forwards nothing, as a hung dependency does.

    from gradekit import proxy

    with proxy.proxies(redis=("REDIS_URL", 6379)) as proxied:
        with gradekit.serve(..., env={"REDIS_URL": proxied.urls["redis"]}) as server:
            with proxy.outage(proxied["redis"]):
                ...  # Redis is unreachable for the code under test here
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit


class Proxy:
    """Forwards 127.0.0.1:<port> to an upstream (host, port); the port stays the same across
    `down()` and `up()`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def up(self) -> None:
        """Listen (again, on the same port) and forward every new connection."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening (new connections are refused) and close every open connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _shutdown(listener)
            listener.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            _shutdown(conn)
            conn.close()

    def stall(self) -> None:
        """Connections stay open but nothing is forwarded (held until `resume`)."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self._flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _shutdown(src)
            _shutdown(dst)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def upstream(url: str, default_port: int) -> tuple[str, int]:
    """(host, port) of a service URL such as DATABASE_URL or REDIS_URL."""
    parts = urlsplit(url)
    return parts.hostname or "localhost", parts.port or default_port


def through(url: str, proxy: Proxy) -> str:
    """The same URL (credentials, database, options) pointing at the proxy instead."""
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)
    hostport = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{credentials[0]}@{hostport}" if len(credentials) == 2 else hostport))


@dataclass
class Proxied:
    """Running proxies by name, and the URL of each service through its proxy."""

    proxies: dict[str, Proxy] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Proxy:
        return self.proxies[name]


@contextmanager
def proxies(**services: tuple[str, int]) -> Iterator[Proxied]:
    """A proxy per service, given as name=(environment variable of its URL, default port), e.g.
    `proxies(redis=("REDIS_URL", 6379), database=("DATABASE_URL", 5432))`; all stopped after."""
    made = Proxied()
    try:
        for name, (variable, port) in services.items():
            url = os.environ[variable]
            made.proxies[name] = Proxy(upstream(url, port))
            made.proxies[name].up()
            made.urls[name] = through(url, made.proxies[name])
        yield made
    finally:
        for proxy in made.proxies.values():
            proxy.resume()
            proxy.down()


@contextmanager
def outage(proxy: Proxy, stall: bool = False) -> Iterator[None]:
    """The service is unreachable inside the block (refused, or with `stall` open but silent),
    restored after, also when the test fails."""
    if stall:
        proxy.stall()
    else:
        proxy.down()
    try:
        yield
    finally:
        if stall:
            proxy.resume()
        else:
            proxy.up()
