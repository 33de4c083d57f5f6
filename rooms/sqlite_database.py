"""The SQLite backend: one file in the data folder, through aiosqlite.

One connection, and one transaction at a time (an asyncio lock): SQLite has a
single writer anyway, and interleaving two coroutines' statements on one connection
would mix their transactions.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from .sql_database import Dialect, IntegrityViolation, Row


class SqliteDatabase:
    """A :class:`rooms.sql_database.Database` on a SQLite file."""

    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file holds patient data: owner-only from the moment it exists.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        # isolation_level=None: the driver opens no transactions of its own; ours are explicit.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        for pragma in ("journal_mode = WAL", "foreign_keys = ON", "busy_timeout = 5000"):
            await connection.execute(f"PRAGMA {pragma}")
        return cls(connection, path)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SqliteSession]:
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so a read-then-write transaction
            # never fails half-way on another process's write.
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteSession(self._connection)
            except BaseException:
                await self._connection.rollback()
                raise
            await self._connection.commit()

    async def close(self) -> None:
        await self._connection.close()


class _SqliteSession:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: object) -> int:
        try:
            cursor = await self._connection.execute(sql, args)
        except sqlite3.IntegrityError as exc:
            raise IntegrityViolation(str(exc)) from None
        return max(cursor.rowcount, 0)

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        async with self._connection.execute(sql, args) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def fetchrow(self, sql: str, *args: object) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None
