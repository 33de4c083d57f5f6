"""Logging in: passwords, lock-out after repeated failures, and refresh-token rotation.

The access token itself (a short-lived JWT) is the signaling edge's business; this
module decides *whether* someone is who they say, and keeps the refresh tokens that
let a browser stay logged in without keeping the password.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .account import Account
from .audit import AuditOutcome, AuditTrail
from .record_id import new_record_id
from .refresh_token import RefreshToken, hash_refresh_secret, new_refresh_secret
from .workflow_errors import (
    AccountLockedError,
    AccountNotFoundError,
    InvalidCredentialsError,
    RefreshTokenInvalidError,
    RefreshTokenReplayedError,
)
from .workflow_store import WorkflowStore


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2id at the signaling edge). Both are slow on
    purpose, so :class:`Login` calls them off the event loop."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    """Consecutive failed logins that lock the account."""
    lockout_ms: int = 15 * 60 * 1000
    """How long a lock-out lasts."""
    refresh_ttl_ms: int = 14 * 24 * 3600 * 1000
    """How long an unused refresh token stays valid."""


@dataclass(frozen=True)
class LoginSession:
    """A successful login or refresh: who, and the refresh token to use next time."""

    account: Account
    refresh_token: str = field(repr=False)
    refresh_expires_at_ms: int


class Login:
    def __init__(
        self,
        store: WorkflowStore,
        hasher: PasswordHasher,
        clock_ms: Callable[[], int],
        policy: LoginPolicy | None = None,
    ) -> None:
        self._store = store
        self._hasher = hasher
        self._clock_ms = clock_ms
        self._audit = AuditTrail(store, clock_ms)
        self.policy = policy or LoginPolicy()
        self._decoy_hash: str | None = None

    async def log_in(self, login: str, password: str, address: str) -> LoginSession:
        """A session for the account, or :class:`InvalidCredentialsError` /
        :class:`AccountLockedError`. Every attempt is audited."""
        account = await self._store.find_account(login)
        if account is None:
            # Spend the time a real check takes, so response times do not reveal logins.
            await asyncio.to_thread(self._hasher.verify, await self._decoy(), password)
            await self._audited("login", "unknown", "", address, AuditOutcome.REFUSED)
            raise InvalidCredentialsError("wrong login name or password")
        now_ms = self._clock_ms()
        if account.locked_until_ms is not None and now_ms < account.locked_until_ms:
            await self._audited("login", account.id, account.role, address, AuditOutcome.REFUSED)
            seconds = -(-(account.locked_until_ms - now_ms) // 1000)
            raise AccountLockedError(
                f"too many failed logins; try again in {-(-seconds // 60)} minute(s) (账户已锁定)",
                seconds,
            )
        if not await asyncio.to_thread(self._hasher.verify, account.password_hash, password):
            account = await self._store.record_failed_login(
                account.id, now_ms, self.policy.max_failures, self.policy.lockout_ms
            )
            await self._audited("login", account.id, account.role, address, AuditOutcome.REFUSED)
            raise InvalidCredentialsError("wrong login name or password")
        if account.disabled_at_ms is not None:
            await self._audited("login", account.id, account.role, address, AuditOutcome.REFUSED)
            raise InvalidCredentialsError("wrong login name or password")
        if account.failed_logins or account.locked_until_ms is not None:
            await self._store.clear_failed_logins(account.id)
        await self._audited("login", account.id, account.role, address, AuditOutcome.ALLOWED)
        return await self._session(account, new_record_id("fam"))

    async def refresh(self, refresh_token: str, address: str) -> LoginSession:
        """Spend ``refresh_token`` for a new session of the same family. A token spent
        before revokes its family: :class:`RefreshTokenReplayedError`."""
        now_ms = self._clock_ms()
        token = await self._store.get_refresh_token(hash_refresh_secret(refresh_token))
        if token is None or token.revoked_at_ms is not None or token.expires_at_ms <= now_ms:
            raise RefreshTokenInvalidError("the refresh token is not valid; log in again")
        if not await self._store.spend_refresh_token(token.token_hash, now_ms):
            await self._store.revoke_refresh_family(token.family_id, now_ms)
            await self._audited("refresh", token.account_id, "", address, AuditOutcome.REFUSED)
            raise RefreshTokenReplayedError(
                "this refresh token was already used; every session of this login is revoked"
            )
        try:
            account = await self._store.get_account(token.account_id)
        except AccountNotFoundError:
            account = None
        if account is None or account.disabled_at_ms is not None:
            await self._store.revoke_refresh_family(token.family_id, now_ms)
            raise RefreshTokenInvalidError("the refresh token is not valid; log in again")
        await self._audited("refresh", account.id, account.role, address, AuditOutcome.ALLOWED)
        return await self._session(account, token.family_id)

    async def log_out(self, refresh_token: str, address: str) -> None:
        """End the login the token belongs to (every token of its family). Idempotent."""
        token = await self._store.get_refresh_token(hash_refresh_secret(refresh_token))
        if token is not None:
            await self._store.revoke_refresh_family(token.family_id, self._clock_ms())
            await self._audited("logout", token.account_id, "", address, AuditOutcome.ALLOWED)

    async def _session(self, account: Account, family_id: str) -> LoginSession:
        now_ms = self._clock_ms()
        secret = new_refresh_secret()
        token = RefreshToken(
            token_hash=hash_refresh_secret(secret),
            family_id=family_id,
            account_id=account.id,
            issued_at_ms=now_ms,
            expires_at_ms=now_ms + self.policy.refresh_ttl_ms,
        )
        await self._store.add_refresh_token(token)
        return LoginSession(account, secret, token.expires_at_ms)

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await asyncio.to_thread(self._hasher.hash, secrets.token_hex(16))
        return self._decoy_hash

    async def _audited(
        self, action: str, account_id: str, role: str, address: str, outcome: AuditOutcome
    ) -> None:
        await self._audit.record(
            actor_id=account_id,
            actor_role=role,
            action=action,
            object_type="account",
            object_id=account_id,
            address=address,
            outcome=outcome,
        )
