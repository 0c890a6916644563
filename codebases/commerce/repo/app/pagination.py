"""Keyset (cursor) pagination.

A cursor is the sort key of the last item of a page, JSON-encoded and base64url'd: opaque to
clients, stable under inserts (unlike OFFSET), and cheap for the database (an index range scan
starting where the previous page ended).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Query, Request

from .errors import Unprocessable


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """The values of `cursor`, each converted to its kind (int, str, datetime)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("wrong arity")
        out: list[Any] = []
        for value, kind in zip(values, kinds):
            if kind is datetime:
                out.append(datetime.fromisoformat(value))
            elif kind is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError("not an int")
                out.append(value)
            else:
                out.append(kind(value))
        return tuple(out)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise Unprocessable("invalid cursor", details={"cursor": cursor}) from None


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(request: Request, limit: int | None = Query(default=None, ge=1),
                cursor: str | None = Query(default=None, max_length=500)) -> PageParams:
    """FastAPI dependency: `?limit=&cursor=` with the configured default and maximum."""
    settings = request.app.state.settings
    if limit is None:
        limit = settings.default_page_size
    if limit > settings.max_page_size:
        raise Unprocessable(f"limit must be at most {settings.max_page_size}",
                            details={"limit": limit, "max": settings.max_page_size})
    return PageParams(limit=limit, cursor=cursor or None)
