"""Presenter-to-follower latency of a shared CT view change, over Socket.IO on loopback.

Run:  .venv/bin/python benchmarks/viewer_latency.py [--changes 500]

A real server (the app factory's app) runs in this process's event loop; a presenter
and a follower connect with python-socketio's client over WebSocket. The presenter
sends ``viewer-update`` (a scroll to the next slice and a window change) and the time
until the follower's ``viewer-state`` with that version arrives is recorded.

Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import socketio

from rooms import Role
from tests.support.server import loopback_settings, running_server


async def measure(changes: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with running_server(loopback_settings(Path(tmp))) as server:
            clients = []
            for n, name in enumerate(("Dr Li", "Dr Wang")):
                client = socketio.AsyncClient(reconnection=False)
                token = server.token("bench", f"p{n}", name, Role.EXPERT)
                await client.connect(server.url, auth={"token": token}, transports=["websocket"])
                await client.call("join", {})
                clients.append(client)
            presenter, follower = clients
            arrived: dict[int, float] = {}
            waiting: dict[int, asyncio.Future[None]] = {}

            def on_state(state: dict) -> None:
                arrived[state["version"]] = time.perf_counter()
                future = waiting.pop(state["version"], None)
                if future is not None and not future.done():
                    future.set_result(None)

            follower.on("viewer-state", on_state)
            state = await presenter.call("viewer-control", {"action": "request"})
            version = state["version"]
            latencies = []
            for n in range(changes):
                future = asyncio.get_running_loop().create_future()
                waiting[version + 1] = future
                sent = time.perf_counter()
                reply = await presenter.call(
                    "viewer-update",
                    {
                        "version": version,
                        "changes": {"window_center": 40 + n % 50, "pan": [n % 7, 0]},
                    },
                )
                version = reply["version"]
                await asyncio.wait_for(future, 10)
                latencies.append(1000 * (arrived[version] - sent))
            for client in clients:
                await client.disconnect()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=500)
    args = parser.parse_args()
    latencies = asyncio.run(measure(args.changes))
    ordered = sorted(latencies)
    median = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    print(f"{'changes':>8} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
    print(f"{len(ordered):>8} {median:>10.2f} {p99:>8.2f} {ordered[-1]:>8.2f}")
    print(
        json.dumps(
            {
                "benchmark": "viewer_latency",
                "changes": len(ordered),
                "median_ms": round(median, 3),
                "p99_ms": round(p99, 3),
                "max_ms": round(ordered[-1], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
