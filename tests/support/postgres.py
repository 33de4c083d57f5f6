"""A real PostgreSQL server for the test run, started from the installed binaries.

``initdb`` into a temporary folder, then ``pg_ctl start`` listening only on a Unix
socket in that folder (no TCP port, so nothing can clash with another server on the
machine); stopped and deleted at the end.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user (``runuser``). Without the binaries this raises, and the tests that need it
fail: a missing database must never pass for a green run. CI installs them with
the Debian package ``postgresql``.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

#: Debian installs server binaries here, one folder per major version.
DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"
#: Only names the socket file (``.s.PGSQL.5432``) inside our own folder.
PORT = 5432


class PostgresMissingError(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def postgres_bin_dir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl`` (newest Debian version, else the PATH)."""
    found = sorted(
        Path("/").glob(DEBIAN_BIN_DIRS.lstrip("/")), key=lambda p: int(p.parent.name), reverse=True
    )
    for folder in found:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    initdb = shutil.which("initdb")
    if initdb is not None and shutil.which("pg_ctl") is not None:
        return Path(initdb).parent
    raise PostgresMissingError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    )


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    async def new_database(self) -> str:
        """The URL of a new, empty database: each test gets its own."""
        name = f"test_{secrets.token_hex(6)}"
        connection = await asyncpg.connect(self.url("postgres"))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.url(name)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="mdt-pg-"))
    as_server_user: list[str] = []
    if os.geteuid() == 0:
        pwd.getpwnam(SERVER_USER)  # KeyError names the missing user
        shutil.chown(root, SERVER_USER)
        as_server_user = ["runuser", "-u", SERVER_USER, "--"]
    data, sockets = root / "data", root / "sockets"

    def run(*command: str | Path) -> None:
        subprocess.run(
            [*as_server_user, *map(str, command)],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=root,
        )

    port = PORT
    try:
        run("mkdir", sockets)
        run(
            bin_dir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        # Durability settings off: the cluster lives for one test run.
        options = (
            f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        run(
            bin_dir / "pg_ctl",
            "-D",
            data,
            "-l",
            root / "server.log",
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        yield PostgresServer(sockets, port, "postgres")
    finally:
        if (data / "postmaster.pid").exists():
            run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
