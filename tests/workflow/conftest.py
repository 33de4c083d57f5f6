"""Fixtures of the workflow tests: both store backends (SQLite in a temp folder, and a
real PostgreSQL server this test run starts), a clock and a world of accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from rooms.sql_store import SqlWorkflowStore, open_sql_store
from tests.support.postgres import PostgresServer, postgres_server
from tests.workflow.http import Api, workflow_api
from tests.workflow.world import Clock, World, build_world

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    # No skip: without PostgreSQL the tests that need it fail, loudly.
    with postgres_server() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of the backend: a SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite://{tmp_path / 'records.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return await server.new_database()


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlWorkflowStore]:
    opened = await open_sql_store(await store_url(request.param, request, tmp_path), tmp_path)
    yield opened
    await opened.close()


@pytest.fixture
async def world(store: SqlWorkflowStore, clock: Clock) -> World:
    return await build_world(store, clock)


@pytest.fixture(params=BACKENDS)
async def api(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> AsyncIterator[Api]:
    url = await store_url(request.param, request, tmp_path)
    async with workflow_api(tmp_path / "data", url, clock) as running:
        yield running


@pytest.fixture
async def sqlite_api(tmp_path: Path, clock: Clock) -> AsyncIterator[Api]:
    """The API on SQLite only, for the tests whose subject is not the backend."""
    async with workflow_api(tmp_path / "data", "", clock) as running:
        yield running
