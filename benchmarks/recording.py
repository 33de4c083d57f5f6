"""Server CPU of a 4-person consultation: forwarding only, then forwarding and recording.

Run:  .venv/bin/python benchmarks/recording.py [--seconds 15] [--rounds 2]

Four publishers each send pre-encoded 720p VP8 (about 2.5 Mbit/s, see forwarding.py);
each receives the other three (12 forwarded tracks). The measurement windows
alternate, in one run and one server process: forwarding only, then forwarding plus
recording every track to WebM (remux, no codec), repeated ``--rounds`` times.

Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiortc import RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from forwarding import WARM_UP_S, Client, _pc, make_source, serve, subscribe, wait_for_port

from media import (
    Engine,
    EngineOptions,
    TrackRecorder,
    Transport,
    TransportOptions,
)
from media import _aiortc_hooks as hooks

PEOPLE = 4


class RecordingBenchServer:
    def __init__(self, folder: Path) -> None:
        self.engine = Engine(EngineOptions(host_addresses=["127.0.0.1"]))
        self.router = self.engine.create_router()
        self.folder = folder
        self.recv: dict[str, Transport] = {}
        self.recorders: list[TrackRecorder] = []
        self.windows = 0

    async def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        if op == "publish":
            send = self.router.create_transport(
                TransportOptions(direction="send", app_data={"person": request["person"]})
            )
            return {"sdp": (await send.publish(request["sdp"])).answer_sdp}
        if op == "subscribe":
            others = [
                producer
                for producer in self.router.producers.values()
                if producer.app_data["person"] != request["person"]
            ]
            return await subscribe(self.router, self.recv, others)
        if op == "answer":
            await self.recv[request["id"]].handle_answer(request["sdp"])
            return {}
        if op == "measure":
            self.windows += 1
            if request["record"]:
                self.recorders = [
                    producer.record(self.folder / f"w{self.windows}-{n}.webm")
                    for n, producer in enumerate(self.router.producers.values())
                ]
                await asyncio.sleep(1.0)  # the first keyframes, so files are open
            consumers_before, out_before = self.consumers(), self.forwarded()
            cpu_before, wall_before = time.process_time(), time.monotonic()
            await asyncio.sleep(request["seconds"])
            cpu, wall = time.process_time() - cpu_before, time.monotonic() - wall_before
            packets_out = self.forwarded() - out_before
            frames = sum(r.frames for r in self.recorders)
            for recorder in self.recorders:
                recorder.close()
            self.recorders = []
            return {
                "cpu_s": cpu,
                "wall_s": wall,
                "packets_out": packets_out,
                "recorded_frames": frames,
                # A subscriber whose connection failed (a starved machine misses ICE
                # consent checks) takes its count with it: such a window measures nothing.
                "consumers_lost": consumers_before - self.consumers(),
            }
        raise ValueError(op)

    def consumers(self) -> int:
        return sum(len(t.consumers) for t in self.router.transports.values())

    def forwarded(self) -> int:
        return sum(
            c.packets_sent for t in self.router.transports.values() for c in t.consumers.values()
        )


async def drive(port: int, source: Path, seconds: float, rounds: int) -> list[dict]:
    hooks.restrict_host_addresses(["127.0.0.1"])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = Client(reader, writer)
    pcs, players = [], []
    for person in range(PEOPLE):
        pc = _pc()
        player = MediaPlayer(str(source), decode=False)
        pc.addTrack(player.video)
        await pc.setLocalDescription(await pc.createOffer())
        reply = await client.call(op="publish", person=person, sdp=pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(reply["sdp"], "answer"))
        pcs.append(pc)
        players.append(player)
    for person in range(PEOPLE):
        pc = _pc()
        pc.on("track", lambda track, pc=pc: hooks.disable_decoding(pc.getReceivers()[-1]))
        offer = await client.call(op="subscribe", person=person)
        await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await client.call(op="answer", id=offer["id"], sdp=pc.localDescription.sdp)
        pcs.append(pc)
    await asyncio.sleep(WARM_UP_S)
    windows = []
    for _ in range(rounds):
        for record in (False, True):
            result = await client.call(op="measure", seconds=seconds, record=record)
            windows.append({"record": record, **result})
    for pc in pcs:
        await pc.close()
    for player in players:
        player.video.stop()
    writer.close()
    return windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        port_file, folder = args.serve
        asyncio.run(serve(port_file, RecordingBenchServer(folder)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "720p.webm"
        # Each window, plus the 1 s keyframe wait of recording windows, plus margin.
        make_source(source, int(WARM_UP_S + args.rounds * 2 * (args.seconds + 1) + 5))
        port_file = Path(tmp) / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file), tmp])
        try:
            windows = asyncio.run(
                drive(wait_for_port(port_file, server), source, args.seconds, args.rounds)
            )
        finally:
            server.terminate()
            server.wait()
    print(f"{PEOPLE} people, each publishing 720p VP8 and receiving the other three")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"{'window':>6} {'recording':>9} {'out pps':>8} {'server CPU s/s':>15} "
        f"{'frames recorded':>16}"
    )
    for n, window in enumerate(windows):
        window["cpu_per_s"] = window["cpu_s"] / window["wall_s"]
        print(
            f"{n + 1:>6} {'yes' if window['record'] else 'no':>9} "
            f"{window['packets_out'] / window['wall_s']:>8.0f} "
            f"{window['cpu_per_s']:>15.3f} {window['recorded_frames']:>16}"
        )

    # The publishers' packet rate varies between windows (a pre-encoded source is bursty),
    # so the comparison is per forwarded packet, summed over the windows of each kind.
    lost = [n + 1 for n, w in enumerate(windows) if w["consumers_lost"]]
    if lost:
        print(f"windows {lost} lost subscribers (the machine was starved); left out below")

    def per_packet(record: bool) -> float:
        chosen = [w for w in windows if w["record"] is record and not w["consumers_lost"]]
        if not chosen:
            return math.nan
        return 1e6 * sum(w["cpu_s"] for w in chosen) / sum(w["packets_out"] for w in chosen)

    base, both = per_packet(False), per_packet(True)
    print(
        f"forwarding only {base:.1f} µs, forwarding + recording {both:.1f} µs of server CPU "
        f"per forwarded packet: ratio {both / base:.2f}"
    )
    print(
        json.dumps(
            {
                "benchmark": "recording",
                "forwarding_us_per_packet": round(base, 2),
                "forwarding_and_recording_us_per_packet": round(both, 2),
                "ratio": round(both / base, 3),
                "windows": [
                    {k: round(v, 4) if isinstance(v, float) else v for k, v in w.items()}
                    for w in windows
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
