"""Migrations: applied in order, once, each in a transaction, and never losing records."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from rooms.audit import AuditOutcome, AuditQuery, AuditRecord
from rooms.migrations import MIGRATIONS, Migration, migrate, schema_version
from rooms.postgres_database import PostgresDatabase
from rooms.sql_database import Database
from rooms.sql_store import SqlWorkflowStore, open_sql_store
from rooms.sqlite_database import SqliteDatabase
from tests.workflow.conftest import BACKENDS, store_url
from tests.workflow.world import Clock, build_world


async def open_database(url: str) -> Database:
    if url.startswith("sqlite://"):
        return await SqliteDatabase.open(Path(url.removeprefix("sqlite://")))
    return await PostgresDatabase.open(url)


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return await store_url(request.param, request, tmp_path)


async def test_records_written_at_one_version_survive_the_next(empty_url: str) -> None:
    database = await open_database(empty_url)
    assert await migrate(database, target=1) == [1]
    assert await schema_version(database) == 1
    old = SqlWorkflowStore(database)
    clock = Clock()
    world = await build_world(old, clock)
    entry = AuditRecord(
        5, "a", "expert", "read-referral", "referral", "r", "::1", AuditOutcome.ALLOWED
    )
    await old.append_audit(entry)
    # Before migration 2 the audit log could still be changed; from it on it cannot.
    async with database.transaction() as session:
        assert await session.execute("UPDATE audit_log SET address = '::1'") == 1

    assert await migrate(database) == [m.version for m in MIGRATIONS[1:]]
    assert await schema_version(database) == MIGRATIONS[-1].version
    for account in world.accounts.values():
        assert await old.get_account(account.id) == account
    assert sorted(i.id for i in await old.list_institutions()) == sorted(
        i.id for i in world.institutions.values()
    )
    [kept] = await old.search_audit(AuditQuery())
    assert (kept.actor_id, kept.action, kept.outcome) == (
        "a",
        "read-referral",
        AuditOutcome.ALLOWED,
    )
    with pytest.raises(Exception, match="append-only"):
        async with database.transaction() as session:
            await session.execute("UPDATE audit_log SET address = 'x'")
    await database.close()


async def test_start_up_migrates_once_however_often_and_however_many_nodes_start(
    empty_url: str,
) -> None:
    database = await open_database(empty_url)
    # Two nodes starting at once against the same database.
    first, second = await asyncio.gather(migrate(database), migrate(database))
    assert sorted(first + second) == [m.version for m in MIGRATIONS]
    assert await migrate(database) == []
    async with database.transaction() as session:
        rows = await session.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [(r["version"], r["name"]) for r in rows] == [(m.version, m.name) for m in MIGRATIONS]
    await database.close()
    reopened = await open_sql_store(empty_url, Path("unused"))
    assert await schema_version(reopened.database) == MIGRATIONS[-1].version
    await reopened.close()


async def test_a_failing_migration_leaves_nothing_behind(empty_url: str) -> None:
    database = await open_database(empty_url)
    await migrate(database)
    broken = Migration(
        99, "broken", ("CREATE TABLE half_done (id TEXT PRIMARY KEY)", "THIS IS NOT SQL")
    )
    with pytest.raises(Exception):  # noqa: B017 - each driver names its syntax error
        await migrate(database, (*MIGRATIONS, broken))
    assert await schema_version(database) == MIGRATIONS[-1].version
    async with database.transaction() as session:
        # The table of the failed migration's first statement was rolled back with it.
        await session.execute("CREATE TABLE half_done (id TEXT PRIMARY KEY)")
    await database.close()
