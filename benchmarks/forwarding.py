"""Server CPU of forwarding one 720p VP8 publisher to N subscribers.

Run:  .venv/bin/python benchmarks/forwarding.py [--seconds 15] [--subscribers 1,3,6,12]

The SFU runs in a child process of its own, so ``time.process_time()`` there is the
server's CPU alone (every thread: aiortc's idle decoder threads included). The
publisher sends a pre-encoded VP8 file (``MediaPlayer(decode=False)``: no encoder on
the client side) and the subscribers keep their decoders switched off, so the client
process stays light. SDP goes over a JSON-lines socket on 127.0.0.1.

Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import numpy as np  # noqa: E402
from aiortc import (  # noqa: E402
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaPlayer  # noqa: E402

from media import (  # noqa: E402
    Engine,
    EngineOptions,
    Producer,
    Router,
    SubscriptionOffer,
    Transport,
    TransportOptions,
)
from media import _aiortc_hooks as hooks  # noqa: E402

WIDTH, HEIGHT, FPS = 1280, 720, 30
# libvpx overshoots on noise: asking for 1.9 Mbit/s gives about 2.5.
TARGET_BPS = 1_900_000
WARM_UP_S = 5


def make_source(path: Path, seconds: int) -> None:
    """A 720p VP8 WebM at about 2.5 Mbit/s with a keyframe every 2 s.

    Moving noise keeps the encoder at its target bitrate, as camera video does.
    """
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (HEIGHT * 2, WIDTH * 2, 3), dtype=np.uint8)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libvpx", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = TARGET_BPS
        stream.options = {"deadline": "realtime", "cpu-used": "8", "g": str(2 * FPS)}
        for index in range(seconds * FPS):
            y, x = (index * 7) % HEIGHT, (index * 11) % WIDTH
            frame = av.VideoFrame.from_ndarray(noise[y : y + HEIGHT, x : x + WIDTH], format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


# --- the server process -----------------------------------------------------------


class BenchServer:
    """A router, one publisher transport and N subscriber transports, driven by JSON lines."""

    def __init__(self) -> None:
        self.engine = Engine(EngineOptions(host_addresses=["127.0.0.1"]))
        self.router = self.engine.create_router()
        self.send: Transport | None = None
        self.offers: dict[str, asyncio.Future[str]] = {}
        self.recv: dict[str, Transport] = {}

    async def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        if op == "publish":
            self.send = self.router.create_transport(TransportOptions(direction="send"))
            publication = await self.send.publish(request["sdp"])
            return {"sdp": publication.answer_sdp}
        if op == "subscribe":
            return await subscribe(self.router, self.recv, list(self.router.producers.values()))
        if op == "answer":
            await self.recv[request["id"]].handle_answer(request["sdp"])
            return {}
        if op == "measure":
            packets_before = self.forwarded()
            in_before = self.received()
            cpu_before, wall_before = time.process_time(), time.monotonic()
            await asyncio.sleep(request["seconds"])
            cpu, wall = time.process_time() - cpu_before, time.monotonic() - wall_before
            return {
                "cpu_s": cpu,
                "wall_s": wall,
                "packets_out": self.forwarded() - packets_before,
                "packets_in": self.received() - in_before,
            }
        if op == "reset":
            for transport in list(self.router.transports.values()):
                await transport.close()
            self.recv.clear()
            return {}
        raise ValueError(op)

    def received(self) -> int:
        return sum(p.packets_received for p in self.router.producers.values())

    def forwarded(self) -> int:
        return sum(
            c.packets_sent for t in self.router.transports.values() for c in t.consumers.values()
        )


async def subscribe(
    router: Router, transports: dict[str, Transport], producers: list[Producer]
) -> dict[str, Any]:
    """A recv transport consuming ``producers``, and the server's first offer for it."""
    offer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def on_offer(subscription: SubscriptionOffer) -> None:
        if not offer.done():
            offer.set_result(subscription.sdp)

    transport = router.create_transport(TransportOptions(direction="recv", on_offer=on_offer))
    transports[transport.id] = transport
    for producer in producers:
        await transport.consume(producer, stream_id=str(producer.app_data.get("person", "p")))
    return {"id": transport.id, "sdp": await offer}


class Handler(Protocol):
    """A benchmark server: an engine and a JSON request handler."""

    engine: Engine

    async def handle(self, request: dict[str, Any]) -> dict[str, Any]: ...


async def serve(port_file: Path, server: Handler) -> None:
    """Answer JSON-line requests on a loopback port (written to ``port_file``)."""
    await server.engine.start()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            reply = await server.handle(json.loads(line))
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
        await server.engine.close()
        writer.close()

    listener = await asyncio.start_server(connection, "127.0.0.1", 0)
    await asyncio.to_thread(port_file.write_text, str(listener.sockets[0].getsockname()[1]))
    async with listener:
        await listener.serve_forever()


# --- the client process -----------------------------------------------------------


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def call(self, **request: Any) -> dict[str, Any]:
        self.writer.write(json.dumps(request).encode() + b"\n")
        await self.writer.drain()
        reply: dict[str, Any] = json.loads(await self.reader.readline())
        return reply


def _pc() -> RTCPeerConnection:
    return RTCPeerConnection(
        RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
    )


async def run_one(client: Client, source: Path, subscribers: int, seconds: float) -> dict:
    publisher = _pc()
    # No loop: aiortc's player stops pacing a pre-encoded file after its first loop.
    player = MediaPlayer(str(source), decode=False)
    publisher.addTrack(player.video)
    await publisher.setLocalDescription(await publisher.createOffer())
    reply = await client.call(op="publish", sdp=publisher.localDescription.sdp)
    await publisher.setRemoteDescription(RTCSessionDescription(reply["sdp"], "answer"))
    peers = []
    for _ in range(subscribers):
        pc = _pc()
        # The subscribers count packets, they need not see pictures: keep the client light.
        pc.on("track", lambda track, pc=pc: hooks.disable_decoding(pc.getReceivers()[-1]))
        offer = await client.call(op="subscribe")
        await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await client.call(op="answer", id=offer["id"], sdp=pc.localDescription.sdp)
        peers.append(pc)
    await asyncio.sleep(WARM_UP_S)  # connections up, first keyframe through
    result = await client.call(op="measure", seconds=seconds)
    await client.call(op="reset")
    for pc in [publisher, *peers]:
        await pc.close()
    player.video.stop()
    return {"subscribers": subscribers, **result}


async def drive(port: int, source: Path, subscribers: list[int], seconds: float) -> list[dict]:
    hooks.restrict_host_addresses(["127.0.0.1"])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = Client(reader, writer)
    runs = [await run_one(client, source, n, seconds) for n in subscribers]
    writer.close()
    return runs


def wait_for_port(port_file: Path, server: subprocess.Popen[bytes]) -> int:
    while not port_file.exists() or not port_file.read_text():
        if server.poll() is not None:
            raise RuntimeError("the benchmark server exited")
        time.sleep(0.1)
    return int(port_file.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--subscribers", default="1,3,6,12")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, BenchServer()))
        return

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "720p.webm"
        source_s = int(WARM_UP_S + args.seconds + 3)
        make_source(source, source_s)
        source_bps = os.path.getsize(source) * 8 / source_s
        port_file = Path(tmp) / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
        try:
            port = wait_for_port(port_file, server)
            counts = [int(n) for n in args.subscribers.split(",")]
            runs = asyncio.run(drive(port, source, counts, args.seconds))
        finally:
            server.terminate()
            server.wait()
    report(runs, source_bps, args.seconds)


def report(runs: list[dict], source_bps: float, seconds: float) -> None:
    print(f"source: 1280x720 VP8 {source_bps / 1e6:.2f} Mbit/s, {seconds:.0f} s windows")
    print(
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"{'subs':>4} {'in pps':>7} {'out pps':>8} {'server CPU s/s':>15} {'µs/out packet':>14}")
    for run in runs:
        run["cpu_per_s"] = run["cpu_s"] / run["wall_s"]
        run["out_pps"] = run["packets_out"] / run["wall_s"]
        run["us_per_packet"] = 1e6 * run["cpu_s"] / max(run["packets_out"], 1)
        print(
            f"{run['subscribers']:>4} {run['packets_in'] / run['wall_s']:>7.0f} "
            f"{run['out_pps']:>8.0f} {run['cpu_per_s']:>15.3f} {run['us_per_packet']:>14.1f}"
        )
    xs = np.array([r["out_pps"] for r in runs])
    ys = np.array([r["cpu_per_s"] for r in runs])
    slope, intercept = np.polyfit(xs, ys, 1) if len(runs) > 1 else (float("nan"), float("nan"))
    print(
        f"marginal cost: {slope * 1e6:.1f} µs per extra outgoing packet, "
        f"intercept {intercept:.3f} core"
    )
    print(
        json.dumps(
            {
                "benchmark": "forwarding",
                "source_mbps": round(source_bps / 1e6, 2),
                "marginal_us_per_packet": round(float(slope) * 1e6, 1),
                "runs": [
                    {k: round(v, 4) if isinstance(v, float) else v for k, v in run.items()}
                    for run in runs
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
