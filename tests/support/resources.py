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
