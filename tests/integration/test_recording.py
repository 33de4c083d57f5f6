"""Recording a consultation through the real server, and what verification catches."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import av

from rooms import Role, TimelineWriter, read_manifest, read_timeline, verify_recording
from tests.imaging.phantom import make_phantom, write_series, zipped
from tests.integration.test_consultation import NAMES, decoding
from tests.support.identity_media import FPS, read_identity_frame
from tests.support.media_peer import wait_until
from tests.support.server import RunningServer
from tests.support.signaling_peer import SignalingPeer

ROLES = {1: Role.COORDINATOR, 2: Role.INVITING, 3: Role.EXPERT, 4: Role.OBSERVER}


def make_peer(server: RunningServer, identity: int) -> SignalingPeer:
    token = server.token("mdt-r", f"p{identity}", NAMES[identity], ROLES[identity])
    return SignalingPeer(server.url, token, identity)


def decoded_video(path: Path) -> list[tuple[int, int, float]]:
    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            decoded = read_identity_frame(frame.to_ndarray(format="gray"))
            if decoded is not None:
                frames.append((decoded[0], decoded[1], float(frame.time)))
    return frames


async def all_tracks_recording(server: RunningServer, recording_id: str, count: int) -> None:
    """Wait until each track's file has begun (video files begin on a keyframe)."""
    folder = server.hub.recordings_root / "mdt-r" / recording_id
    await wait_until(
        lambda: len([f for f in folder.glob("*.webm") if f.stat().st_size > 1000]) == count,
        20,
        "every track to be recorded",
    )


async def recorded_session(
    server: RunningServer,
    before: Callable[[list[SignalingPeer]], Awaitable[None]] | None = None,
    during: Callable[[list[SignalingPeer]], Awaitable[None]] | None = None,
    seconds: float = 0.0,
) -> str:
    """A coordinator (p1) and an inviting doctor (p2) record a short call; its id."""
    peers = [make_peer(server, 1), make_peer(server, 2)]
    try:
        for p in peers:
            await p.join()
            await p.publish()
        if before is not None:
            await before(peers)
        await peers[1].sio.call("recording-consent", {"granted": True})
        started = await peers[0].sio.call("recording-start", {})
        assert started["ok"], started
        if during is not None:
            await during(peers)
        await all_tracks_recording(server, started["recording_id"], 4)
        await asyncio.sleep(seconds)
        assert (await peers[0].sio.call("recording-stop", {}))["ok"]
    finally:
        for p in peers:
            await p.close()
    return str(started["recording_id"])


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from signaling.cli import main; raise SystemExit(main())", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])},
    )


async def test_a_recorded_session_has_each_persons_frames_in_order_and_a_sealed_timeline(
    server: RunningServer, tmp_path: Path
) -> None:
    peers = [make_peer(server, i) for i in (1, 2, 3)]
    try:
        for p in peers:
            await p.join()
            await p.publish()
        coordinator, inviting, expert = peers
        await wait_until(lambda: all(decoding(p, 2, 5) for p in peers), 30, "the call")

        refused = await coordinator.sio.call("recording-start", {})
        assert refused["error"]["code"] == "recording-consent-missing"
        refused = await expert.sio.call("recording-consent", {"granted": True})
        assert refused["error"]["code"] == "not-permitted"
        assert (await inviting.sio.call("recording-consent", {"granted": True}))["consent"]
        refused = await expert.sio.call("recording-start", {})
        assert refused["error"]["code"] == "not-permitted"

        loop = asyncio.get_running_loop()
        asked_at = loop.time()
        started = await coordinator.sio.call("recording-start", {})
        assert started["ok"] and started["recording"] and started["started_by"] == "p1"
        for p in peers:
            await wait_until(
                lambda p=p: any(e["recording"] for e in p.events_named("recording-state")),
                5,
                "everyone to see the recording indicator",
            )
        observer = make_peer(server, 4)
        await observer.join()
        assert observer.joined["recording"]["recording"] is True  # late joiners see it too
        await expert.sio.call("chat", {"text": "右肺下叶结节 8 mm"})
        await expert.sio.call("media-state", {"audio_muted": True, "video_muted": False})
        # Video files begin on the keyframe the start asked for; time from there.
        await all_tracks_recording(server, started["recording_id"], 6)
        started_at = loop.time()
        await asyncio.sleep(4.0)
        stopped = await inviting.sio.call("recording-stop", {})
        recorded_s = loop.time() - started_at
        whole_s = loop.time() - asked_at
        assert stopped["ok"] and stopped["recording"] is False
        await observer.close()
    finally:
        for p in peers:
            await p.close()

    folder = server.hub.recordings_root / "mdt-r" / started["recording_id"]
    manifest = read_manifest(folder)
    assert manifest.status == "complete" and manifest.started_by == "p1"
    assert verify_recording(folder).ok
    by_person: dict[str, dict[str, object]] = {}
    for file in manifest.files:
        by_person.setdefault(file.participant_id, {})[file.kind] = file
    assert set(by_person) == {"p1", "p2", "p3"}
    for participant_id, files in by_person.items():
        video, audio = files["video"], files["audio"]
        frames = decoded_video(folder / video.name)  # type: ignore[attr-defined]
        assert {f[0] for f in frames} == {int(participant_id[1:])}
        counters = [f[1] for f in frames]
        assert counters == sorted(counters) and len(set(counters)) == len(counters)
        duration = frames[-1][2] - frames[0][2]
        # The frames' own counters (30 per second of capture) agree with the file's times,
        assert abs(duration - (counters[-1] - counters[0]) / FPS) < 0.1
        # and they cover the timed window (which starts once every file has begun), and no
        # more than the whole time from asking to start to the stop.
        assert recorded_s - 0.5 < duration < whole_s + 0.5, (duration, recorded_s, whole_s)
        # One person's microphone starts with their camera's first frame, on their capture
        # clock: never before it (a microphone started alone would), and well within the
        # 2 s after which it would start alone. How far after depends on the publisher's
        # sender reports, which aiortc stamps when it sends them: off by as much as its
        # event loop lags on a busy machine, so no closer bound holds here (media tests
        # check the alignment itself).
        lag_ms = audio.sync_ms - video.sync_ms  # type: ignore[attr-defined]
        assert 0 <= lag_ms < 1000, lag_ms
    timeline = [json.loads(line) for line in (folder / "timeline.jsonl").read_text().splitlines()]
    kinds = [e["kind"] for e in timeline]
    assert kinds[0] == "recording-started" and kinds[-1] == "recording-stopped"
    assert {"participant-joined", "chat", "participant-updated", "track-recording"} <= set(kinds)
    assert any(e["data"].get("text") == "右肺下叶结节 8 mm" for e in timeline)


async def test_verification_names_each_change_addition_and_removal(
    server: RunningServer, tmp_path: Path
) -> None:
    async def chat(peers: list[SignalingPeer]) -> None:
        await peers[0].sio.call("chat", {"text": "one"})
        await peers[1].sio.call("chat", {"text": "two"})

    recording_id = await recorded_session(server, during=chat)
    folder = server.hub.recordings_root / "mdt-r" / recording_id
    data_dir = Path(server.settings.server.data_dir)
    ok = cli("verify-recording", recording_id, "--data-dir", str(data_dir), cwd=tmp_path)
    assert ok.returncode == 0 and "verifies" in ok.stdout, ok.stdout + ok.stderr

    media_file = folder / read_manifest(folder).files[0].name
    original_media = media_file.read_bytes()
    timeline_path = folder / "timeline.jsonl"
    original_timeline = timeline_path.read_text()

    media_file.write_bytes(
        original_media[:5000] + bytes([original_media[5000] ^ 1]) + original_media[5001:]
    )
    (folder / "track-999-video.webm").write_bytes(b"not ours")
    second = read_manifest(folder).files[1].name
    (folder / second).unlink()
    lines = original_timeline.splitlines()
    chat_line = next(n for n, line in enumerate(lines) if '"kind":"chat"' in line)
    del lines[chat_line]
    timeline_path.write_text("\n".join(lines) + "\n")

    bad = cli("verify-recording", recording_id, "--data-dir", str(data_dir), cwd=tmp_path)
    assert bad.returncode == 1, bad.stdout
    assert f"changed: {media_file.name}: SHA-256 differs" in bad.stdout
    assert "added: track-999-video.webm" in bad.stdout
    assert f"removed: {second}" in bad.stdout
    assert f"timeline entry {chat_line} has sequence number {chat_line + 1}" in bad.stdout
    assert "does NOT verify" in bad.stdout

    # Everything restored, then a well-chained fake entry appended: the seal catches it.
    timeline_path.write_text(original_timeline)
    media_file.write_bytes(original_media)
    (folder / "track-999-video.webm").unlink()
    assert [f.what for f in verify_recording(folder).findings] == ["removed"]
    writer = TimelineWriter(timeline_path)
    writer.append("chat", {"text": "a message nobody wrote"}, 0)
    writer.close()
    findings = [(f.what, f.subject) for f in verify_recording(folder).findings]
    assert ("added", f"timeline entry {len(original_timeline.splitlines())}") in findings


async def test_recordings_are_served_to_clinicians_only_and_every_access_is_audited(
    server: RunningServer,
) -> None:
    recording_id = await recorded_session(server)
    base = "/api/consultations/mdt-r/recordings"
    expert = server.token("mdt-r", "p3", "Dr Zhang", Role.EXPERT)
    observer = server.token("mdt-r", "p4", "Student", Role.OBSERVER)
    elsewhere = server.token("mdt-x", "p3", "Dr Zhang", Role.EXPERT)
    async with aiohttp.ClientSession(server.url) as http:

        async def get(path: str, token: str) -> aiohttp.ClientResponse:
            response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
            await response.read()
            return response

        listed = await get(base, expert)
        assert listed.status == 200
        files = (await listed.json())["recordings"][0]["files"]
        name = files[0]["name"]
        played = await get(f"{base}/{recording_id}/files/{name}", expert)
        assert played.status == 200 and played.headers["Content-Type"] == "video/webm"
        ranged = await http.get(
            f"{base}/{recording_id}/files/{name}",
            headers={"Authorization": f"Bearer {expert}", "Range": "bytes=0-99"},
        )
        assert ranged.status == 206 and len(await ranged.read()) == 100
        assert (await get(f"{base}/{recording_id}/timeline", expert)).status == 200
        assert (await get(f"{base}/{recording_id}/files/{name}", observer)).status == 403
        assert (await get(base.replace("mdt-r", "mdt-x"), expert)).status == 403
        assert (await get(base, elsewhere)).status == 403
        missing = await get(f"{base}/{recording_id}/files/..%2Fmanifest.json", expert)
        assert missing.status == 404

        # The review page's <video> elements cannot send a header: a cookie for this
        # recording's files, unreadable by scripts, carries a playback token instead.
        opened = await http.post(
            f"{base}/{recording_id}/playback", headers={"Authorization": f"Bearer {expert}"}
        )
        assert opened.status == 204
        cookie = opened.cookies["mdt_playback"]
        assert cookie["path"] == f"{base}/{recording_id}/files/"
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        refused = await http.post(
            f"{base}/{recording_id}/playback", headers={"Authorization": f"Bearer {observer}"}
        )
        assert refused.status == 403

    async def with_cookie(value: str, recording: str = recording_id) -> aiohttp.ClientResponse:
        # A fresh client: only the cookie, as a <video> element sends it.
        async with aiohttp.ClientSession(server.url) as fresh:
            response = await fresh.get(
                f"{base}/{recording}/files/{name}",
                headers={"Cookie": f"mdt_playback={value}", "Range": "bytes=100-199"},
            )
            await response.read()
            return response

    streamed = await with_cookie(cookie.value)
    assert streamed.status == 206 and streamed.headers["Content-Range"].startswith("bytes 100-199/")
    other = "20990101T000000-0123abcd"
    assert (await with_cookie(cookie.value, other)).status == 403
    assert (await with_cookie(expert)).status == 401  # a join token is not a playback token
    assert (await with_cookie(cookie.value[:-4] + "AAAA")).status == 401
    audit = [(e.actor_id, e.action, e.outcome) for e in await server.audit()]
    assert ("p3", "play", "allowed") in audit
    assert ("p4", "play", "refused") in audit
    assert audit.count(("p3", "list", "refused")) == 2
    assert ("p3", "open-playback", "allowed") in audit
    assert ("p4", "open-playback", "refused") in audit
    # Three by header (one for a file that is not there), one by cookie.
    assert audit.count(("p3", "play", "allowed")) == 4


async def test_an_export_composes_the_grid_the_ct_pane_and_sound_in_the_background(
    server: RunningServer, tmp_path: Path
) -> None:
    async def show_ct(peers: list[SignalingPeer]) -> None:
        body = zipped(write_series(tmp_path / "ct", make_phantom()))
        token = server.token("mdt-r", "p1", NAMES[1], Role.COORDINATOR)
        async with (
            aiohttp.ClientSession(server.url) as http,
            http.post(
                "/api/consultations/mdt-r/studies",
                data=body,
                headers={"Authorization": f"Bearer {token}"},
            ) as uploaded,
        ):
            assert uploaded.status == 201
        control = await peers[0].sio.call("viewer-control", {"action": "request"})
        await peers[0].sio.call(
            "viewer-update",
            {"version": control["version"], "changes": {"index": 20, "window_width": 1500}},
        )

    async def point(peers: list[SignalingPeer]) -> None:
        for x in (10.0, 20.0, 30.0):
            shown = await peers[0].sio.call("viewer-control", {"action": "request"})
            moved = await peers[0].sio.call(
                "viewer-update", {"version": shown["version"], "changes": {"pointer": [x, 5.0]}}
            )
            assert moved["ok"], moved

    recording_id = await recorded_session(server, before=show_ct, during=point, seconds=2.0)
    timeline = read_timeline(server.hub.recordings_root / "mdt-r" / recording_id / "timeline.jsonl")
    # A pointer's moves are kept as where it pointed, not as the whole view each time.
    pointed = [e.data for e in timeline if e.kind == "viewer-pointer"]
    assert [p["pointer"] for p in pointed] == [[10.0, 5.0], [20.0, 5.0], [30.0, 5.0]]
    assert all(set(p) == {"version", "pointer"} for p in pointed)
    coordinator = server.token("mdt-r", "p1", NAMES[1], Role.COORDINATOR)
    observer = server.token("mdt-r", "p4", "Student", Role.OBSERVER)
    headers = {"Authorization": f"Bearer {coordinator}"}
    base = f"/api/consultations/mdt-r/recordings/{recording_id}/exports"
    async with aiohttp.ClientSession(server.url) as http:
        async with http.post(base, headers={"Authorization": f"Bearer {observer}"}) as refused:
            assert refused.status == 403
        async with http.post(base, headers=headers) as response:
            assert response.status == 202
            job = await response.json()
        status_url = f"/api/consultations/mdt-r/exports/{job['job_id']}"
        progress_seen = []

        async def finished() -> bool:
            async with http.get(status_url, headers=headers) as status:
                state = await status.json()
            progress_seen.append(state["progress"])
            return state["state"] != "running"

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while not await finished():
            assert loop.time() < deadline, "the export did not finish"
            await asyncio.sleep(0.2)
        async with http.get(status_url, headers=headers) as status:
            assert (await status.json())["state"] == "done"
        async with http.get(status_url + "/file", headers=headers) as download:
            assert download.status == 200
            data = await download.read()
    assert progress_seen[-1] == 1.0 and progress_seen == sorted(progress_seen)
    exported = Path(server.settings.server.data_dir) / "composed.webm"
    exported.write_bytes(data)
    manifest = read_manifest(server.hub.recordings_root / "mdt-r" / recording_id)
    span_s = (
        max(f.end_ms for f in manifest.files) - min(f.start_ms for f in manifest.files)
    ) / 1000
    with av.open(str(exported)) as container:
        frames = list(container.decode(video=0))
        assert (frames[0].width, frames[0].height) == (1280, 720)
        assert abs(len(frames) / 10 - span_s) < 0.5
        middle = frames[len(frames) // 2].to_ndarray(format="gray")
    with av.open(str(exported)) as container:
        loudness = max(float(abs(f.to_ndarray()).max()) for f in container.decode(audio=0))
    # Two camera tiles side by side show the identity pictures (black and white cells),
    # not the empty tile colour; and the two tones are in the mix.
    for left in (0, 424):
        tile = middle[200:500, left + 40 : left + 380]
        assert tile.std() > 40, "a camera tile is empty"
    # The CT pane shows the phantom's slice 20 (the sphere, bright on dark), not words.
    pane = middle[60:500, 860:1270]
    assert pane.max() > 200 and pane.std() > 30
    assert loudness > 0.1
    audit = [(e.actor_id, e.action, e.outcome) for e in await server.audit()]
    assert ("p1", "export", "allowed") in audit and ("p4", "export", "refused") in audit
