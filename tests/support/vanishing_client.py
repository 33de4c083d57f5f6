"""A participant in its own process, so a test can kill it without a goodbye.

Usage: ``python -m tests.support.vanishing_client URL TOKEN IDENTITY``. It joins,
publishes identity-coded audio and video, prints ``published`` and runs until killed.
"""

from __future__ import annotations

import asyncio
import sys

from .signaling_peer import SignalingPeer


async def main(url: str, token: str, identity: int) -> None:
    peer = SignalingPeer(url, token, identity)
    await peer.join()
    reply = await peer.publish()
    print("published" if reply.get("ok") else f"refused {reply}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
