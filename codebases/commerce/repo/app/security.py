"""API keys, roles and webhook signatures.

An API key looks like `ck_<prefix>_<secret>`. The prefix (8 hex characters) is stored in clear
to find the key; the whole key is stored only as an HMAC-SHA256 with the server's pepper, and
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

KEY_PATTERN = re.compile(r"^ck_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{20,64})$")

ROLES = ("viewer", "staff", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def hash_api_key(key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


def generate_api_key(pepper: str) -> tuple[str, str, str]:
    """A new key: (the key itself, its prefix, its hash). Only the hash is stored."""
    prefix = secrets.token_hex(4)
    key = f"ck_{prefix}_{secrets.token_urlsafe(24)}"
    return key, prefix, hash_api_key(key, pepper)


def deterministic_api_key(seed: str, pepper: str) -> tuple[str, str, str]:
    """A key derived from `seed` (demo data, fixtures): same seed, same key."""
    digest = hashlib.sha256(f"commerce-seed:{seed}".encode()).hexdigest()
    prefix = digest[:8]
    secret = hashlib.sha256(f"commerce-secret:{seed}".encode()).hexdigest()[:32]
    key = f"ck_{prefix}_{secret}"
    return key, prefix, hash_api_key(key, pepper)


def key_prefix(key: str) -> str | None:
    match = KEY_PATTERN.match(key.strip())
    return match.group("prefix") if match else None


def verify_api_key(key: str, stored_hash: str, pepper: str) -> bool:
    return hmac.compare_digest(hash_api_key(key, pepper), stored_hash)


def role_allows(role: str, required: str) -> bool:
    """Roles are ordered: admin > staff > viewer."""
    return _RANK.get(role, -1) >= _RANK[required]


def generate_webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def sign_payload(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-Commerce-Signature: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(sign_payload(secret, timestamp, body), header)
