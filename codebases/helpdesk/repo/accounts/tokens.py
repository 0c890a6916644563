"""API tokens: `hd_<prefix>_<secret>`. The prefix finds the row; the secret is checked against
its SHA-256 digest in constant time. The plain token is shown once, when it is made."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core import clock

from .models import ApiToken, Member

PREFIX_BYTES = 6


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(member: Member, name: str = "default") -> tuple[ApiToken, str]:
    """A new token for `member`: the row and the plain token (never stored)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(24)
    token = ApiToken.objects.create(member=member, name=name, prefix=prefix, digest=digest(secret))
    return token, f"hd_{prefix}_{secret}"


def parse(raw: str) -> tuple[str, str] | None:
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "hd" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def verify(raw: str) -> ApiToken | None:
    """The live token `raw` stands for, or None (unknown, wrong secret, revoked, member gone)."""
    parsed = parse(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("member", "member__org").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest(secret)):
        return None
    if token.revoked_at is not None or not token.member.is_active:
        return None
    return token


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
