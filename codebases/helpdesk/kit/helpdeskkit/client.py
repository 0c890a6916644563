"""HTTP to the API as a member of an organisation (a Bearer token)."""

from __future__ import annotations

from typing import Any

import gradekit
import httpx


class Api:
    """A client of a running server sending one member's token (a new connection per request)."""

    def __init__(self, base_url: str, token: str | None, headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.token = token
        defaults = dict(headers or {})
        if token is not None:
            defaults["Authorization"] = f"Bearer {token}"
        self.http = gradekit.http(base_url=base_url, headers=defaults)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Api":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def new_ticket(self, subject: str = "Printer on fire", **body: Any) -> dict[str, Any]:
        """POST /v1/tickets; the created ticket (AssertionError unless 201)."""
        response = self.post("/v1/tickets", json={"subject": subject, **body})
        assert response.status_code == 201, f"{response.status_code} {response.text[:500]}"
        return response.json()


def api(server: gradekit.Server | str, token: str | None, **kwargs: Any) -> Api:
    base = server if isinstance(server, str) else server.url
    return Api(base, token, **kwargs)
