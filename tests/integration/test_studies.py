"""CT studies through the real server: upload, HU data, planes, shared measurements."""

from __future__ import annotations

import io
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import numpy as np
import pydicom
import pytest

from rooms import Role
from tests.imaging.phantom import MARKER_SLICE, make_phantom, write_series, zipped
from tests.integration.test_consultation import make_peer
from tests.support.media_peer import wait_until
from tests.support.server import RunningServer, loopback_settings, running_server

UPLOAD_LIMIT = 3_000_000


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = loopback_settings(tmp_path / "data", **{"limits.upload_bytes": UPLOAD_LIMIT})
    async with running_server(settings) as running:
        yield running


async def post(server: RunningServer, body: bytes, token: str, consultation: str = "mdt-1"):  # type: ignore[no-untyped-def]
    async with (
        aiohttp.ClientSession(server.url) as http,
        http.post(
            f"/api/consultations/{consultation}/studies",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"},
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


def studies_left(server: RunningServer) -> list[Path]:
    root = Path(server.settings.server.data_dir) / "studies"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_an_uploaded_series_is_shown_fetched_once_and_measured_by_the_server(
    server: RunningServer, tmp_path: Path
) -> None:
    phantom = make_phantom()
    body = zipped(write_series(tmp_path / "ct", phantom))
    presenter, follower = make_peer(server, 1), make_peer(server, 2)
    try:
        await presenter.join()
        await follower.join()
        status, meta = await post(server, body, server.token("mdt-1", "p1", "Dr Li"))
        assert status == 201, meta
        assert meta["shape"] == [40, 64, 64] and meta["spacing_mm"] == [2.5, 0.7, 0.8]
        assert {w["name"] for w in meta["windows"]} >= {"lung", "bone", "series-1"}
        await wait_until(
            lambda: any(e["series_uid"] for e in follower.events_named("viewer-state")),
            5,
            "the follower to be shown the series",
        )
        headers = {"Authorization": f"Bearer {server.token('mdt-1', 'p2', 'Dr Wang')}"}
        base = f"/api/consultations/mdt-1/series/{meta['series_uid']}"
        async with aiohttp.ClientSession(server.url) as http:
            async with http.get(base + "/volume", headers=headers) as response:
                assert response.status == 200
                assert "immutable" in response.headers["Cache-Control"]
                hu = np.frombuffer(zlib.decompress(await response.read()), "<i2")
            async with http.get(
                base + "/planes/coronal/30.png?center=40&width=400", headers=headers
            ) as response:
                assert response.status == 200 and response.content_type == "image/png"
            async with http.get(base + "/planes/coronal/64.png", headers=headers) as response:
                assert response.status == 404
        assert np.array_equal(hu.reshape(40, 64, 64), phantom.hu)

        state = await presenter.sio.call("viewer-control", {"action": "request"})
        state = await presenter.sio.call(
            "viewer-update", {"version": state["version"], "changes": {"index": MARKER_SLICE}}
        )
        measured = await presenter.sio.call(
            "viewer-measure",
            {"version": state["version"], "kind": "length", "points": [[10, 5], [47.5, 5]]},
        )
        assert measured["ok"], measured
        assert abs(measured["measurements"][0]["result"]["length_mm"] - 30.0) < 0.5
        state = await presenter.sio.call(
            "viewer-update", {"version": measured["version"], "changes": {"index": 10}}
        )
        roi = await presenter.sio.call(
            "viewer-measure",
            {"version": state["version"], "kind": "rectangle", "points": [[42, 9], [52, 18]]},
        )
        assert abs(roi["measurements"][-1]["result"]["mean_hu"] - -500) < 1
        await wait_until(
            lambda: len(follower.events_named("viewer-state")[-1]["measurements"]) == 2,
            5,
            "the follower to show the same measurements",
        )
        outside = await presenter.sio.call(
            "viewer-measure",
            {"version": roi["version"], "kind": "length", "points": [[0, 0], [99, 0]]},
        )
        assert outside["error"]["code"] == "invalid-payload"
    finally:
        for p in (presenter, follower):
            await p.close()
    audit = [(e.actor_id, e.action, e.object_type) for e in await server.audit()]
    assert ("p1", "upload", "study") in audit and ("p2", "read", "study") in audit


async def test_bad_uploads_get_their_reason_and_leave_nothing_behind(
    server: RunningServer, tmp_path: Path
) -> None:
    token = server.token("mdt-1", "p1", "Dr Li")
    phantom = make_phantom()
    paths = write_series(tmp_path / "ct", phantom)

    status, reply = await post(server, "患者病历 text".encode(), token)
    assert (status, reply["error"]["code"]) == (415, "not-dicom")

    data = paths[0].read_bytes()
    status, reply = await post(server, data[: len(data) // 2], token)
    assert (status, reply["error"]["code"]) == (422, "truncated-dicom")

    no_pixels = pydicom.dcmread(paths[1])
    del no_pixels.PixelData
    buffer = io.BytesIO()
    no_pixels.save_as(buffer)
    status, reply = await post(server, buffer.getvalue(), token)
    assert (status, reply["error"]["code"]) == (422, "no-pixel-data")

    mr = write_series(tmp_path / "mr", make_phantom(), modality="MR")
    status, reply = await post(server, zipped(mr[:5]), token)
    assert (status, reply["error"]["code"]) == (422, "not-ct")

    mixed = zipped(paths[:3] + write_series(tmp_path / "other", make_phantom())[:3])
    status, reply = await post(server, mixed, token)
    assert (status, reply["error"]["code"]) == (422, "mixed-series")

    too_big = zipped(paths) + b"\0" * UPLOAD_LIMIT
    status, reply = await post(server, too_big, token)
    assert (status, reply["error"]["code"]) == (413, "payload-too-large")

    async def chunks() -> AsyncIterator[bytes]:
        # Chunked: no Content-Length, so only the streamed count can stop it.
        for _ in range(UPLOAD_LIMIT // 65536 + 2):
            yield b"\0" * 65536

    async with (
        aiohttp.ClientSession(server.url) as http,
        http.post(
            "/api/consultations/mdt-1/studies",
            data=chunks(),
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 413
        assert (await response.json())["error"]["code"] == "payload-too-large"

    other = server.token("mdt-2", "p1", "Dr Li")
    status, reply = await post(server, zipped(paths), other)
    assert (status, reply["error"]["code"]) == (403, "wrong-consultation")
    observer = server.token("mdt-1", "p9", "Student", Role.OBSERVER)
    status, reply = await post(server, zipped(paths), observer)
    assert (status, reply["error"]["code"]) == (403, "not-permitted")

    assert studies_left(server) == []
    refused = [e for e in await server.audit() if e.outcome == "refused"]
    assert {e.actor_id for e in refused} == {"p1", "p9"}
