"""Counts what a process holds that a clean shutdown must give back."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


def udp_socket_count() -> int:
    """UDP sockets (IPv4 and IPv6) open in this process."""
    inodes = set()
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        path = Path(table)
        if path.exists():
            for line in path.read_text().splitlines()[1:]:
                inodes.add(line.split()[9])
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            count += 1
    return count


def other_tasks() -> set[asyncio.Task]:
    """Tasks on the running loop other than the caller's."""
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


#: Where the tasks of the media path and of our own code come from.
_OWN_TASK_SOURCES = ("/aiortc/", "/aioice/", "/media/", "/signaling/", "/rooms/")


def media_tasks() -> set[asyncio.Task]:
    """Running tasks started by aiortc, aioice or the server's own packages.

    Tasks of the web stack (Engine.IO's service task lives as long as the server)
    are not counted: they are not per consultation.
    """
    found = set()
    for task in other_tasks():
        coro = task.get_coro()
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None and any(s in code.co_filename for s in _OWN_TASK_SOURCES):
            found.add(task)
    return found
