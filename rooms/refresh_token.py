"""Refresh tokens: long-lived, single-use secrets that buy new access tokens.

Only a SHA-256 of the secret is stored, so a copy of the database cannot log anyone
in. Each use rotates it (the used one is spent, a new one of the same *family* is
issued); a spent token presented again means it was stolen or copied, so the whole
family is revoked and its holder must log in again (OAuth 2.0 Security BCP, RFC 9700
§4.14.2).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class RefreshToken:
    token_hash: str
    family_id: str
    """All tokens rotated from one login share it."""
    account_id: str
    issued_at_ms: int
    expires_at_ms: int
    used_at_ms: int | None = None
    revoked_at_ms: int | None = None


def new_refresh_secret() -> str:
    """A fresh secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_refresh_secret(secret: str) -> str:
    """What the store keeps of a secret. Unsalted is right here: the secret is random and
    long, so no dictionary exists for it, and lookups by hash must be possible."""
    return hashlib.sha256(secret.encode()).hexdigest()
