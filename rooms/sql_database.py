"""The seam between the SQL store and a database driver.

The store writes each statement once, with ``?`` placeholders, and runs it inside
:meth:`Database.transaction`; a backend module adapts that to its driver (SQLite
through aiosqlite, PostgreSQL through asyncpg) and reports constraint violations
as :class:`IntegrityViolation`, whatever the driver calls them.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Any, Protocol

Row = dict[str, Any]


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class IntegrityViolation(Exception):
    """A unique, foreign-key or check constraint refused a write. The message is the
    constraint's, never the values (they may be patient data)."""


class SqlSession(Protocol):
    """Statements inside one transaction."""

    async def execute(self, sql: str, *args: object) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    async def fetch(self, sql: str, *args: object) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: object) -> Row | None: ...


class Database(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def transaction(self) -> AbstractAsyncContextManager[SqlSession]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        ...

    async def close(self) -> None: ...
