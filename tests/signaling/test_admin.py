"""The first administrator, and the demo accounts of ``--dev``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rooms.account import AccountRole
from rooms.institution import InstitutionLevel
from rooms.login import Login
from rooms.sql_store import SqlWorkflowStore, open_sql_store
from rooms.workflow_errors import InvalidFieldError, InvalidStateError
from signaling.admin import create_first_admin, create_first_admin_at, seed_dev, seed_dev_at
from tests.workflow.world import Clock, cheap_hasher


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlWorkflowStore]:
    opened = await open_sql_store("", tmp_path)
    yield opened
    await opened.close()


async def test_the_first_administrator_can_log_in_and_there_is_only_one_first(
    store: SqlWorkflowStore, tmp_path: Path
) -> None:
    hasher = cheap_hasher()
    arguments = {
        "institution_name": "省第一人民医院",
        "institution_level": InstitutionLevel.TERTIARY_HOSPITAL,
        "login": "root-admin",
        "real_name": "孙强",
        "password": "a very long password",
    }
    with pytest.raises(InvalidFieldError, match="password"):
        await create_first_admin(store, hasher, **{**arguments, "password": "short"})
    assert await store.list_institutions() == []
    admin = await create_first_admin(store, hasher, **arguments)
    assert admin.role is AccountRole.ADMINISTRATOR
    session = await Login(store, hasher, Clock()).log_in("root-admin", "a very long password", "")
    assert session.account == admin
    with pytest.raises(InvalidStateError):
        await create_first_admin_at("", tmp_path, hasher, **{**arguments, "login": "second"})


async def test_seeding_dev_data_is_repeatable_and_its_credentials_work(
    store: SqlWorkflowStore, tmp_path: Path
) -> None:
    hasher = cheap_hasher()
    first = await seed_dev(store, hasher, "dev-secret-" + "x" * 40)
    again = await seed_dev_at("", tmp_path, hasher, "dev-secret-" + "x" * 40)
    assert first == again
    assert {c.role for c in first} == set(AccountRole)
    assert len(await store.list_accounts()) == 6
    assert {i.level for i in await store.list_institutions()} == {
        InstitutionLevel.VILLAGE_CLINIC,
        InstitutionLevel.COUNTY_HOSPITAL,
        InstitutionLevel.TERTIARY_HOSPITAL,
    }
    login = Login(store, hasher, Clock())
    for credential in first:
        assert (await login.log_in(credential.login, credential.password, "")).account.login == (
            credential.login
        )
        assert credential.password not in repr(credential)
        assert credential.password in credential.line()
