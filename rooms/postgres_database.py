"""The PostgreSQL backend, through an asyncpg connection pool (for scaled-out nodes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from .sql_database import Dialect, IntegrityViolation, Row


class PostgresDatabase:
    """A :class:`rooms.sql_database.Database` on a PostgreSQL server."""

    dialect = Dialect.POSTGRESQL

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, max_connections: int = 10) -> PostgresDatabase:
        """Connect to ``url`` (``postgresql://user@host/db``; a Unix socket folder goes in
        ``?host=/path``)."""
        pool = await asyncpg.create_pool(url, min_size=1, max_size=max_connections)
        return cls(pool)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresSession]:
        async with self._pool.acquire() as connection, connection.transaction():
            yield _PostgresSession(connection)

    async def close(self) -> None:
        await self._pool.close()


def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2...`` (the store's SQL has no other ``?``)."""
    first, *rest = sql.split("?")
    return first + "".join(f"${n}{part}" for n, part in enumerate(rest, start=1))


class _PostgresSession:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: object) -> int:
        try:
            status = await self._connection.execute(numbered(sql), *args)
        except asyncpg.IntegrityConstraintViolationError as exc:
            # The primary message names the constraint; str(exc) adds the detail, which
            # quotes the offending values (patient data, perhaps).
            raise IntegrityViolation(exc.args[0] if exc.args else exc.sqlstate) from None
        # The command tag ends with the row count for INSERT/UPDATE/DELETE ("UPDATE 1").
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        return [dict(record) for record in await self._connection.fetch(numbered(sql), *args)]

    async def fetchrow(self, sql: str, *args: object) -> Row | None:
        record = await self._connection.fetchrow(numbered(sql), *args)
        return None if record is None else dict(record)
