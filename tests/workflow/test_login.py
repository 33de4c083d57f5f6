"""Logging in: argon2id passwords, lock-out on the injected clock, refresh rotation."""

from __future__ import annotations

import pytest

from rooms.audit import AuditOutcome, AuditQuery
from rooms.login import Login, LoginPolicy
from rooms.refresh_token import hash_refresh_secret
from rooms.sql_store import SqlWorkflowStore
from rooms.workflow_errors import (
    AccountLockedError,
    InvalidCredentialsError,
    RefreshTokenInvalidError,
    RefreshTokenReplayedError,
)
from tests.workflow.world import PASSWORD, Clock, World, cheap_hasher


@pytest.fixture
def login(store: SqlWorkflowStore, clock: Clock) -> Login:
    return Login(store, cheap_hasher(), clock)


async def test_passwords_are_stored_as_argon2id_and_checked(
    store: SqlWorkflowStore, world: World, login: Login
) -> None:
    assert world.accounts["doctor"].password_hash.startswith("$argon2id$")
    session = await login.log_in("doctor", PASSWORD, "10.1.1.1")
    assert session.account.id == world.accounts["doctor"].id
    assert session.refresh_token not in repr(session)
    stored = await store.get_refresh_token(hash_refresh_secret(session.refresh_token))
    assert stored is not None and stored.account_id == session.account.id
    with pytest.raises(InvalidCredentialsError):
        await login.log_in("doctor", PASSWORD + "!", "10.1.1.1")
    with pytest.raises(InvalidCredentialsError):
        await login.log_in("no-such-login", PASSWORD, "10.1.1.1")
    trail = await store.search_audit(AuditQuery(action="login"))
    assert [(r.actor_id, r.outcome) for r in trail] == [
        (session.account.id, AuditOutcome.ALLOWED),
        (session.account.id, AuditOutcome.REFUSED),
        ("unknown", AuditOutcome.REFUSED),
    ]
    assert {r.address for r in trail} == {"10.1.1.1"}


async def test_five_failures_lock_the_account_for_fifteen_minutes(
    store: SqlWorkflowStore, world: World, login: Login, clock: Clock
) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentialsError):
            await login.log_in("expert", "wrong password", "10.1.1.2")
    with pytest.raises(AccountLockedError) as locked:
        await login.log_in("expert", PASSWORD, "10.1.1.2")
    assert locked.value.retry_after_s == 15 * 60
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLockedError):
        await login.log_in("expert", PASSWORD, "10.1.1.2")
    clock.advance(seconds=1)
    await login.log_in("expert", PASSWORD, "10.1.1.2")
    account = await store.get_account(world.accounts["expert"].id)
    assert (account.failed_logins, account.locked_until_ms) == (0, None)
    refused = await store.search_audit(AuditQuery(action="login", outcome=AuditOutcome.REFUSED))
    assert len(refused) == 7


async def test_a_success_resets_the_failure_count(
    store: SqlWorkflowStore, world: World, login: Login
) -> None:
    for _ in range(4):
        with pytest.raises(InvalidCredentialsError):
            await login.log_in("expert", "wrong password", "")
    await login.log_in("expert", PASSWORD, "")
    for _ in range(4):
        with pytest.raises(InvalidCredentialsError):
            await login.log_in("expert", "wrong password", "")
    await login.log_in("expert", PASSWORD, "")


async def test_a_disabled_account_cannot_log_in_nor_refresh(
    store: SqlWorkflowStore, world: World, login: Login, clock: Clock
) -> None:
    session = await login.log_in("auditor", PASSWORD, "")
    await store.set_account_disabled(world.accounts["auditor"].id, clock())
    with pytest.raises(InvalidCredentialsError):
        await login.log_in("auditor", PASSWORD, "")
    with pytest.raises(RefreshTokenInvalidError):
        await login.refresh(session.refresh_token, "")


async def test_refresh_rotates_and_a_replayed_token_revokes_the_family(
    store: SqlWorkflowStore, world: World, login: Login, clock: Clock
) -> None:
    first = await login.log_in("coordinator", PASSWORD, "")
    second = await login.refresh(first.refresh_token, "")
    assert second.refresh_token != first.refresh_token
    third = await login.refresh(second.refresh_token, "")
    other_login = await login.log_in("coordinator", PASSWORD, "")
    # The thief replays the token the victim already spent: the whole family dies.
    with pytest.raises(RefreshTokenReplayedError):
        await login.refresh(first.refresh_token, "10.9.9.9")
    with pytest.raises(RefreshTokenInvalidError):
        await login.refresh(third.refresh_token, "")
    # Another login of the same account is another family, untouched.
    await login.refresh(other_login.refresh_token, "")
    replay = await store.search_audit(AuditQuery(action="refresh", outcome=AuditOutcome.REFUSED))
    assert [r.address for r in replay] == ["10.9.9.9"]


async def test_refresh_tokens_expire_and_log_out_revokes(
    store: SqlWorkflowStore, world: World, clock: Clock
) -> None:
    login = Login(store, cheap_hasher(), clock, LoginPolicy(refresh_ttl_ms=60_000))
    session = await login.log_in("doctor", PASSWORD, "")
    clock.advance(seconds=60)
    with pytest.raises(RefreshTokenInvalidError):
        await login.refresh(session.refresh_token, "")
    session = await login.log_in("doctor", PASSWORD, "")
    await login.log_out(session.refresh_token, "")
    await login.log_out(session.refresh_token, "")  # idempotent
    with pytest.raises(RefreshTokenInvalidError):
        await login.refresh(session.refresh_token, "")
    with pytest.raises(RefreshTokenInvalidError):
        await login.refresh("made-up", "")
