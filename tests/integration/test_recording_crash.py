"""A server killed with SIGKILL while recording: what survives, and how it is sealed."""

from __future__ import annotations

import asyncio
import signal
import sys
import urllib.request
from pathlib import Path

import av

from rooms import Role, read_manifest, verify_recording
from signaling.auth import TokenAuthority
from signaling.config import dev_secret
from tests.integration.test_recording import decoded_video
from tests.support.media_peer import wait_until
from tests.support.server import free_port
from tests.support.signaling_peer import SignalingPeer

ROOT = Path(__file__).parents[2]


async def start_server(data_dir: Path, port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from signaling.cli import main; raise SystemExit(main())",
        "--dev",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        cwd=data_dir.parent,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return True
        except OSError:
            return False

    await wait_until(healthy, 60, "the server to start")
    return process


async def test_files_survive_a_sigkill_and_the_recording_is_sealed_as_interrupted(
    tmp_path: Path,
) -> None:
    data_dir, port = tmp_path / "data", free_port()
    server = await start_server(data_dir, port)
    url = f"http://127.0.0.1:{port}"
    authority = TokenAuthority(dev_secret(data_dir))
    peers = [
        SignalingPeer(
            url,
            authority.issue(
                consultation_id="mdt-k",
                participant_id=f"p{i}",
                display_name=f"Dr {i}",
                role=role,
                ttl_s=600,
            ),
            i,
        )
        for i, role in ((1, Role.COORDINATOR), (2, Role.INVITING))
    ]
    try:
        for p in peers:
            await p.join()
            await p.publish()
        await peers[1].sio.call("recording-consent", {"granted": True})
        started = await peers[0].sio.call("recording-start", {})
        assert started["ok"], started
        loop = asyncio.get_running_loop()
        started_at = loop.time()
        await asyncio.sleep(5.0)
        server.send_signal(signal.SIGKILL)
        await server.wait()
        killed_after = loop.time() - started_at
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        for p in peers:
            await p.close()

    folder = data_dir / "recordings" / "mdt-k" / started["recording_id"]
    assert not (folder / "manifest.json").exists()
    # The next start seals what the killed one left.
    server = await start_server(data_dir, port)
    server.send_signal(signal.SIGINT)
    await server.wait()
    manifest = read_manifest(folder)
    assert manifest.status == "interrupted"
    assert verify_recording(folder).ok
    assert len(manifest.files) == 4
    for file in manifest.files:
        path = folder / file.name
        if file.kind == "video":
            frames = decoded_video(path)
            assert {f[0] for f in frames} == {int(file.participant_id[1:])}
            played = frames[-1][2] - frames[0][2]
        else:
            with av.open(str(path)) as container:
                played = sum(f.samples for f in container.decode(audio=0)) / 48000
        # Clusters close every second: at most a few seconds are lost.
        assert killed_after - 3.0 < played <= killed_after + 0.5, (file.name, played)
    last_entry = (folder / "timeline.jsonl").read_text().splitlines()[-1]
    assert '"kind":"recording-interrupted"' in last_entry
