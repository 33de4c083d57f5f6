"""Setting up a node's directory: the first administrator, and demo data for ``--dev``.

The first institution and administrator cannot be created through the API (nobody
could log in to do it); an operator runs :func:`create_first_admin` once. ``--dev``
runs :func:`seed_dev`, whose passwords derive from the dev signing key, so every dev
start prints the same working credentials without storing them anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rooms.account import Account, AccountRequest, AccountRole
from rooms.directory import create_account
from rooms.institution import Institution, InstitutionLevel, InstitutionRequest
from rooms.login import PasswordHasher
from rooms.record_id import new_record_id
from rooms.sql_store import open_sql_store
from rooms.workflow_errors import InvalidStateError
from rooms.workflow_store import WorkflowStore


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


async def create_first_admin(
    store: WorkflowStore,
    hasher: PasswordHasher,
    *,
    institution_name: str,
    institution_level: InstitutionLevel,
    login: str,
    real_name: str,
    password: str,
) -> Account:
    """The node's first institution and its administrator. Refused once any administrator
    exists: after that, administrators create accounts through the API."""
    if await store.list_accounts(role=AccountRole.ADMINISTRATOR):
        raise InvalidStateError("an administrator exists already; use the API")
    wanted = InstitutionRequest.from_mapping(
        {"name": institution_name, "level": institution_level.value}
    )
    institution = Institution(new_record_id("inst"), wanted.name, wanted.level, _now_ms())
    request = AccountRequest.from_mapping(
        {
            "login": login,
            "real_name": real_name,
            "role": AccountRole.ADMINISTRATOR.value,
            "institution_id": institution.id,
            "password": password,
        }
    )
    await store.add_institution(institution)
    return await create_account(store, hasher, request, new_record_id("acct"), _now_ms())


@dataclass(frozen=True)
class DevCredential:
    """A demo account's login, for the ``--dev`` banner."""

    login: str
    password: str = field(repr=False)
    role: AccountRole
    real_name: str
    institution: str

    def line(self) -> str:
        who = f"{self.real_name}, {self.institution}"
        return f"  {self.role.value:16} {self.login:16} {self.password}  {who}"


_DEV_INSTITUTIONS = (
    ("青山村卫生室", InstitutionLevel.VILLAGE_CLINIC),
    ("平安县人民医院", InstitutionLevel.COUNTY_HOSPITAL),
    ("省第一人民医院", InstitutionLevel.TERTIARY_HOSPITAL),
)
#: login, real name, role, title, specialty, institution (index into _DEV_INSTITUTIONS).
_DEV_ACCOUNTS = (
    ("dev-doctor", "王建国", AccountRole.INVITING_DOCTOR, "乡村医生", "全科", 0),
    ("dev-coordinator", "刘敏", AccountRole.COORDINATOR, "", "远程医学中心", 2),
    ("dev-expert1", "李明", AccountRole.EXPERT, "主任医师", "呼吸内科", 2),
    ("dev-expert2", "陈静", AccountRole.EXPERT, "副主任医师", "医学影像科", 2),
    ("dev-auditor", "赵文", AccountRole.AUDITOR, "", "质控科", 2),
    ("dev-admin", "孙强", AccountRole.ADMINISTRATOR, "", "信息科", 2),
)


def dev_password(secret: str, login: str) -> str:
    """A demo account's password: derived from the dev signing key, so it is the same on
    every start of one data folder and unknown to anyone without that folder."""
    digest = hmac.new(secret.encode(), f"dev-password:{login}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:16]


async def seed_dev(
    store: WorkflowStore, hasher: PasswordHasher, secret: str
) -> list[DevCredential]:
    """Demo institutions (a village clinic, a county hospital, a tertiary hospital) and one
    account of each role; what exists already is kept. The credentials, to print.

    The passwords derive from ``secret`` (the data folder's dev key): replacing that key
    but keeping the database leaves the old passwords in force; remove the whole folder."""
    existing = {i.name: i for i in await store.list_institutions()}
    institutions: list[Institution] = []
    for name, level in _DEV_INSTITUTIONS:
        institution = existing.get(name)
        if institution is None:
            institution = Institution(new_record_id("inst"), name, level, _now_ms())
            await store.add_institution(institution)
        institutions.append(institution)
    credentials = []
    for login, real_name, role, title, specialty, where in _DEV_ACCOUNTS:
        password = dev_password(secret, login)
        institution = institutions[where]
        if await store.find_account(login) is None:
            request = AccountRequest(
                login, real_name, role, title, specialty, institution.id, password
            )
            await create_account(store, hasher, request, new_record_id("acct"), _now_ms())
        credentials.append(DevCredential(login, password, role, real_name, institution.name))
    return credentials


async def create_first_admin_at(
    store_url: str, data_dir: Path, hasher: PasswordHasher, **details: Any
) -> Account:
    """:func:`create_first_admin` on the store at ``store_url`` (opened and closed here),
    for the ``mdt-server create-admin`` command."""
    store = await open_sql_store(store_url, data_dir)
    try:
        return await create_first_admin(store, hasher, **details)
    finally:
        await store.close()


async def seed_dev_at(
    store_url: str, data_dir: Path, hasher: PasswordHasher, secret: str
) -> list[DevCredential]:
    """:func:`seed_dev` on the store at ``store_url`` (opened and closed here), for ``--dev``."""
    store = await open_sql_store(store_url, data_dir)
    try:
        return await seed_dev(store, hasher, secret)
    finally:
        await store.close()
