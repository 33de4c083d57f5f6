"""The directory: institutions and accounts, managed by administrators.

Institutions and the names, titles and specialties of experts are not patient data:
every logged-in account may list them (an inviting doctor picks a hospital and may
name experts). Creating, listing and disabling accounts is the administrators'.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .access import Action, Actor, Gate
from .account import Account, AccountRequest, AccountRole
from .audit import AuditTrail
from .institution import Institution, InstitutionRequest
from .login import PasswordHasher
from .record_id import new_record_id
from .workflow_errors import OwnAccountError
from .workflow_store import WorkflowStore


class Directory:
    def __init__(
        self, store: WorkflowStore, hasher: PasswordHasher, clock_ms: Callable[[], int]
    ) -> None:
        self._store = store
        self._hasher = hasher
        self._clock_ms = clock_ms
        self._gate = Gate(AuditTrail(store, clock_ms))

    async def add_institution(self, actor: Actor, request: InstitutionRequest) -> Institution:
        institution = Institution(
            new_record_id("inst"), request.name, request.level, self._clock_ms()
        )
        await self._gate.admit(actor, Action.MANAGE_DIRECTORY, "institution", institution.id)
        await self._store.add_institution(institution)
        return institution

    async def add_account(self, actor: Actor, request: AccountRequest) -> Account:
        account_id = new_record_id("acct")
        await self._gate.admit(actor, Action.MANAGE_DIRECTORY, "account", account_id)
        return await create_account(
            self._store, self._hasher, request, account_id, self._clock_ms()
        )

    async def list_accounts(self, actor: Actor, institution_id: str | None) -> list[Account]:
        await self._gate.admit(actor, Action.MANAGE_DIRECTORY, "account", institution_id or "*")
        return await self._store.list_accounts(institution_id)

    async def set_disabled(self, actor: Actor, account_id: str, disabled: bool) -> Account:
        await self._gate.admit(actor, Action.MANAGE_DIRECTORY, "account", account_id)
        if disabled and account_id == actor.id:
            raise OwnAccountError("you cannot disable your own account (不能停用本人账号)")
        await self._store.set_account_disabled(account_id, self._clock_ms() if disabled else None)
        return await self._store.get_account(account_id)

    async def institutions(self) -> list[Institution]:
        return await self._store.list_institutions()

    async def experts(self, institution_id: str) -> list[Account]:
        await self._store.get_institution(institution_id)
        experts = await self._store.list_accounts(institution_id, AccountRole.EXPERT)
        return [e for e in experts if e.disabled_at_ms is None]


async def create_account(
    store: WorkflowStore,
    hasher: PasswordHasher,
    request: AccountRequest,
    account_id: str,
    now_ms: int,
) -> Account:
    """Store a new account with the password hashed (off the event loop: it is slow)."""
    account = Account(
        id=account_id,
        login=request.login,
        real_name=request.real_name,
        role=request.role,
        title=request.title,
        specialty=request.specialty,
        institution_id=request.institution_id,
        password_hash=await asyncio.to_thread(hasher.hash, request.password),
        created_at_ms=now_ms,
    )
    await store.add_account(account)
    return account
