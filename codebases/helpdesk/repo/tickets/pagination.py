"""Keyset pagination over ids (newest first): the cursor is the last id of the page, opaque to
clients; a deep page costs what the first one does."""

from __future__ import annotations

import base64
import binascii

from rest_framework.exceptions import ValidationError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({"limit": "must be an integer"})
    if not 1 <= value <= MAX_LIMIT:
        raise ValidationError({"limit": f"must be between 1 and {MAX_LIMIT}"})
    return value


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "id":
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": "is not a cursor this API gave out"})
