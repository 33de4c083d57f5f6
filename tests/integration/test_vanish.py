"""A participant who vanishes mid-call, without a goodbye.

SIGSTOP freezes its process: no FIN, no RTCP, no ping reply, as when a village
link drops. (A SIGKILL lets the kernel close the socket, which is the easy case.)
"""

from __future__ import annotations

import asyncio
import signal
import sys

from tests.integration.test_consultation import assert_all_released, decoding, make_peer
from tests.support.media_peer import wait_until
from tests.support.resources import media_tasks, udp_socket_count
from tests.support.server import RunningServer


async def test_a_frozen_participant_disappears_and_the_consultation_goes_on(
    server: RunningServer,
) -> None:
    sockets_before, tasks_before = udp_socket_count(), media_tasks()
    stay = [make_peer(server, 1), make_peer(server, 2)]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.vanishing_client",
        server.url,
        server.token("mdt-1", "p3", "Dr Zhang"),
        "3",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        for p in stay:
            await p.join()
            await p.publish()
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line.strip() == b"published", line
        await wait_until(lambda: all(decoding(p, 2) for p in stay), 30, "both to see all")
        assert all(p.video_by_participant()["p3"].identities == {3} for p in stay)

        process.send_signal(signal.SIGSTOP)
        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        for p in stay:
            await wait_until(
                lambda p=p: p.events_named("participant-left"), 15, "the vanished one to leave"
            )
            assert p.events_named("participant-left") == [
                {"participant_id": "p3", "reason": "disconnected"}
            ]
        # Socket.IO pings every 2 s and waits 3 s: gone "within a few seconds".
        print(f"participant-left after {loop.time() - killed_at:.1f} s")
        assert set(server.hub.live["mdt-1"].sessions) == {"p1", "p2"}
        counts = {
            p.identity: len(p.video_by_participant()[f"p{3 - p.identity}"].frames) for p in stay
        }
        await wait_until(
            lambda: all(
                len(p.video_by_participant()[f"p{3 - p.identity}"].frames) > counts[p.identity] + 15
                for p in stay
            ),
            10,
            "the two who stayed to keep seeing each other",
        )
    finally:
        process.kill()
        await process.wait()
        for p in stay:
            await p.close()
    await assert_all_released(server, sockets_before, tasks_before)
