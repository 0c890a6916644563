"""HTTP from the test process to the code under test's servers."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx

REQUEST_TIMEOUT = 120.0
"""wide: the grading machine may be busy"""

NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)
"""A new connection for every request: a server closing an idle keep-alive connection (uvicorn
does after 5 s) cannot break a request on a busy machine."""


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (verified against its CA bundle), made once for every client:
    httpx would load the CA bundle for each new client (~50 ms of CPU), plain-HTTP URLs or not,
    and `burst` makes a client per worker."""
    make = getattr(httpx, "create_ssl_context", None)
    return make() if make is not None else ssl.create_default_context()


def http(timeout: float = REQUEST_TIMEOUT, **kwargs: Any) -> httpx.Client:
    """A client for the tests' own one-at-a-time requests."""
    kwargs.setdefault("verify", tls_context())
    return httpx.Client(timeout=timeout, limits=NO_KEEPALIVE, **kwargs)


def wait_http(url: str, process: Any = None, *, timeout: float = 180.0, ready: tuple[int, ...] = (200,)) -> None:
    """Poll `url` until it answers with a status in `ready`; RuntimeError (with the process's
    output) when `process` exits first or the time runs out."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if process is not None and not process.alive():
            raise RuntimeError(f"{process!r} exited ({process.popen.returncode}) before {url} answered:\n"
                               f"{process.output()[-3000:]}")  # fmt: skip
        try:
            status = httpx.get(url, timeout=2, verify=tls_context()).status_code
            if status in ready:
                return
            if status in (404, 405) and status not in ready:  # up, but no such health route
                raise RuntimeError(f"{url} answers {status}: the server runs but has no such health route")
            last = f"status {status}"
        except httpx.HTTPError as ex:
            last = type(ex).__name__
        if time.monotonic() > deadline:
            tail = process.output()[-3000:] if process is not None else ""
            raise RuntimeError(f"{url} was not ready after {timeout:.0f} s ({last}):\n{tail}")
        time.sleep(0.1)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str]

    def __repr__(self) -> str:
        body = repr(self.body)
        return f"<{self.status} {body[:160]}{'...' if len(body) > 160 else ''}>"


def burst(
    urls: Sequence[str],
    requests: Sequence[tuple[str, str, Any]],
    workers: int = 16,
    warmup: str | None = None,
    headers: dict[str, str] | None = None,
) -> list[Response]:
    """Send `requests` ((method, path, json body or None) each) from `workers` threads released
    together by a barrier, spread over every server in `urls`: the responses in request order.
    With `warmup`, every worker first GETs it on every server."""
    results: list[Response | None] = [None] * len(requests)
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work(worker: int) -> None:
        try:
            with http(headers=headers or {}) as client:
                if warmup:
                    for url in urls:
                        client.get(url + warmup)
                barrier.wait(timeout=REQUEST_TIMEOUT)
                for i in range(worker, len(requests), workers):
                    method, path, payload = requests[i]
                    url = urls[(i // workers + worker) % len(urls)]
                    resp = client.request(method, url + path, json=payload)
                    try:
                        body = resp.json()
                    except ValueError:
                        body = resp.text
                    results[i] = Response(resp.status_code, body, dict(resp.headers))
        except BaseException as ex:  # reported below
            errors.append(ex)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [r for r in results if r is not None]
