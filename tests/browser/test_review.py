"""The review page: a recorded consultation played back with the CT as it was shown then."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
from playwright.async_api import Browser, expect

from rooms import Role
from tests.imaging.phantom import zipped_phantom
from tests.support.server import RunningServer

from .call_page import JOIN_TIMEOUT_S, CallPage, wait_until
from .test_ct_viewer import (
    CONSULTATION,
    ct,
    logic_page,
    open_page,
    upload,
    wait_shows,
)

WAIT_S = JOIN_TIMEOUT_S
WAIT_MS = WAIT_S * 1000
#: The two slices the presenter shows while recording, each held for HOLD_S.
FIRST_SLICE, SECOND_SLICE = 5, 33
HOLD_S = 2.5


async def go_to_slice(page: CallPage, index: int) -> None:
    canvas = page.page.get_by_test_id("ct-canvas")
    await canvas.click()
    await canvas.press("Home")
    for _ in range(index):
        await canvas.press("ArrowDown")
    await wait_shows(page, f"slice {index}", index=index)


async def files_recording(server: RunningServer, recording_id: str, count: int) -> None:
    """Waits until each track's file has begun (a video file begins on a keyframe)."""
    folder = server.hub.recordings_root / CONSULTATION / recording_id

    async def begun() -> bool:
        return len([f for f in folder.glob("*.webm") if f.stat().st_size > 1000]) >= count

    await wait_until(begun, WAIT_S, "every track to be recorded")


async def get_json(server: RunningServer, token: str, path: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession(server.url) as http,
        http.get(
            f"/api/consultations/{CONSULTATION}{path}", headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.json()


def shown_between(entries: list[dict[str, Any]], index: int) -> tuple[int, int]:
    """When the timeline says slice ``index`` was on screen: from the first viewer-state
    showing it to the next one showing another slice (or the end of the recording)."""
    views = [e for e in entries if e["kind"] in ("viewer-state", "recording-started")]
    start, end = None, entries[-1]["at_ms"]
    for entry in views:
        view = entry["data"]["viewer"] if entry["kind"] == "recording-started" else entry["data"]
        if start is None and view["index"] == index:
            start = entry["at_ms"]
        elif start is not None and view["index"] != index:
            end = entry["at_ms"]
            break
    assert start is not None and end - start > 1000, f"slice {index} not shown for a while"
    return start, end


async def review(page: CallPage) -> dict[str, Any]:
    return await page.page.evaluate("window.mdt.review()")


async def test_a_recorded_session_replays_each_moments_ct_slice_in_sync_with_the_videos(
    browser: Browser, server: RunningServer, pages: list[CallPage], artifacts: Path, tmp_path: Path
) -> None:
    inviting = await open_page(browser, server, "p1", "王建国", Role.INVITING)
    pages.append(inviting)
    coordinator = await open_page(browser, server, "p2", "张协调员", Role.COORDINATOR)
    pages.append(coordinator)
    _, body = zipped_phantom(tmp_path / "ct")
    meta = await upload(server, server.token(CONSULTATION, "p1", "王建国"), body)
    await wait_shows(inviting, "the series", series_uid=meta["series_uid"])
    await inviting.page.get_by_test_id("ct-request-control").click()
    await wait_until(lambda: wait_presenting(inviting), WAIT_S, "p1 to present")

    # Consent by the inviting doctor, start by the coordinator, through the top bar.
    start_button = coordinator.page.get_by_test_id("recording-toggle")
    await expect(inviting.page.get_by_test_id("recording-indicator")).to_be_hidden()
    await inviting.page.get_by_test_id("recording-consent").click()
    await expect(inviting.page.get_by_test_id("recording-consent")).to_have_attribute(
        "aria-pressed", "true", timeout=WAIT_MS
    )
    await start_button.click()
    for page in (inviting, coordinator):
        await expect(page.page.get_by_test_id("recording-indicator")).to_be_visible(timeout=WAIT_MS)
    recording_id = await inviting.page.get_by_test_id("recording-indicator").get_attribute(
        "data-recording-id"
    )
    assert recording_id
    await files_recording(server, recording_id, 4)

    # Two slices at known moments, and a word in the chat.
    await go_to_slice(inviting, FIRST_SLICE)
    await coordinator.page.get_by_test_id("chat-input").fill("第 6 层可见低密度影")
    await coordinator.page.get_by_test_id("chat-input").press("Enter")
    await asyncio.sleep(HOLD_S)
    await go_to_slice(inviting, SECOND_SLICE)
    await wait_shows(coordinator, "the second slice", index=SECOND_SLICE)
    await asyncio.sleep(HOLD_S)
    await start_button.click()
    for page in (inviting, coordinator):
        await expect(page.page.get_by_test_id("recording-indicator")).to_be_hidden(timeout=WAIT_MS)

    token = server.token(CONSULTATION, "p2", "张协调员", Role.COORDINATOR)
    timeline = (await get_json(server, token, f"/recordings/{recording_id}/timeline"))["entries"]
    started_ms = timeline[0]["at_ms"]
    first = shown_between(timeline, FIRST_SLICE)
    second = shown_between(timeline, SECOND_SLICE)

    # The review page lists the recording; the token leaves the address bar.
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    viewer = CallPage(context, await context.new_page(), "reviewer", "张协调员")
    pages.append(viewer)
    await viewer.page.goto(f"{server.url}/review#token={token}")
    opened = viewer.page.locator(f'[data-testid="review-open"][data-recording-id="{recording_id}"]')
    await opened.click(timeout=WAIT_MS)
    assert "token" not in viewer.page.url
    await wait_until(
        lambda: media_loaded(viewer), WAIT_S, "every recorded file to load on the review page"
    )
    assert len((await review(viewer))["media"]) == 4

    checksums = []
    for index, (start, end) in ((FIRST_SLICE, first), (SECOND_SLICE, second)):
        at = (start + end) // 2 - started_ms
        await viewer.page.get_by_test_id("review-seek").fill(str(at))
        await wait_until(
            lambda index=index: review_shows(viewer, index),
            WAIT_S,
            f"the review's CT to show slice {index}",
        )
        shown = await review(viewer)
        assert abs(shown["currentMs"] - at) < 5
        assert shown["ct"]["series_uid"] == meta["series_uid"] and shown["ct"]["plane"] == "axial"
        checksums.append(shown["ct"]["checksum"])
    assert checksums[0] != checksums[1]
    await expect(viewer.page.get_by_test_id("review-chat-message")).to_have_count(1)
    await expect(viewer.page.get_by_test_id("review-chat-message")).to_have_attribute(
        "data-past", "true"
    )

    # Play from the first slice: the clock and the videos advance together.
    await viewer.page.get_by_test_id("review-seek").fill(str(first[0] - started_ms))
    before = await review(viewer)
    await viewer.page.get_by_test_id("review-play").click()
    await wait_until(lambda: media_advanced(viewer, before), WAIT_S, "the recording to play")
    # Streamed from the server in ranges (not downloaded whole into blobs), with a cookie
    # that scripts cannot read.
    sources = await viewer.page.evaluate(
        "[...document.querySelectorAll('video, audio')].map((e) => e.currentSrc)"
    )
    assert sources and all("/files/track-" in s and s.startswith(server.url) for s in sources)
    assert "mdt_playback" not in await viewer.page.evaluate("document.cookie")
    await viewer.page.screenshot(path=artifacts / "review.png")
    # What the live call showed the presenter at the end is what the review ends on.
    assert (await ct(inviting))["index"] == SECOND_SLICE


async def wait_presenting(page: CallPage) -> bool:
    return bool((await ct(page))["presenting"])


async def media_loaded(page: CallPage) -> bool:
    shown = await review(page)
    media = shown["media"] if shown else []
    return bool(media) and all(m["loaded"] and m["readyState"] >= 1 for m in media)


async def review_shows(page: CallPage, index: int) -> bool:
    ct_shown = (await review(page))["ct"]
    return bool(ct_shown and ct_shown["loaded"] and ct_shown["index"] == index)


async def media_advanced(page: CallPage, before: dict[str, Any]) -> bool:
    """The clock moved on, and so did every recorded file (each person's video and audio)
    the clock says is playing; each stays within half a second of where the clock puts it."""
    now = await review(page)
    times = {m["name"]: m["currentTime"] for m in before["media"]}
    playing = [m for m in now["media"] if m["active"]]
    advanced = [m for m in playing if not m["paused"] and m["currentTime"] > times[m["name"]] + 0.5]
    videos = [m for m in advanced if m["kind"] == "video"]
    return (
        now["currentMs"] > before["currentMs"] + 500
        and len(advanced) == len(playing) == len(now["media"])
        and len(videos) == 2
        and all(abs(m["currentTime"] - m["expected_s"]) < 0.5 for m in advanced)
    )


async def test_audio_follows_its_camera_by_sync_time_and_each_moment_shows_the_last_view_before_it(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    t0 = 1_800_000_000_000
    view = {"series_uid": "1.2", "plane": "axial", "window_center": 40, "window_width": 400}
    manifest = {
        "started_at_ms": t0,
        "ended_at_ms": t0 + 10_000,
        "files": [
            # Alice's camera arrived 300 ms after her microphone's first packet, but both were
            # captured together (sync_ms 20 apart): the audio goes 20 ms after the camera.
            {
                "name": "track-000-video.webm",
                "participant_id": "a",
                "kind": "video",
                "source": "camera",
                "start_ms": t0 + 1300,
                "end_ms": t0 + 9000,
                "sync_ms": 5000,
            },
            {
                "name": "track-001-audio.webm",
                "participant_id": "a",
                "kind": "audio",
                "source": "microphone",
                "start_ms": t0 + 1000,
                "end_ms": t0 + 9000,
                "sync_ms": 5020,
            },
            # Bob has no camera: his audio starts where it arrived.
            {
                "name": "track-002-audio.webm",
                "participant_id": "b",
                "kind": "audio",
                "source": "microphone",
                "start_ms": t0 + 4000,
                "end_ms": t0 + 9000,
                "sync_ms": 7000,
            },
        ],
    }
    entries = [
        {
            "at_ms": t0,
            "kind": "recording-started",
            "data": {
                "participants": [{"participant_id": "a", "display_name": "A"}],
                "viewer": {**view, "index": 3},
            },
        },
        {"at_ms": t0 + 2000, "kind": "viewer-state", "data": {**view, "index": 4}},
        {"at_ms": t0 + 2100, "kind": "viewer-state", "data": {**view, "index": 5}},
        {
            "at_ms": t0 + 3000,
            "kind": "participant-joined",
            "data": {"participant_id": "b", "display_name": "B"},
        },
        {"at_ms": t0 + 6000, "kind": "viewer-state", "data": {**view, "index": 9}},
        # Only the pointer moved: the same view, pointing there.
        {"at_ms": t0 + 6500, "kind": "viewer-pointer", "data": {"version": 8, "pointer": [12, 34]}},
        {"at_ms": t0 + 7000, "kind": "chat", "data": {"participant_id": "b", "text": "hi"}},
        {"at_ms": t0 + 8000, "kind": "participant-left", "data": {"participant_id": "b"}},
        {"at_ms": t0 + 10_000, "kind": "recording-stopped", "data": {}},
    ]
    out = await page.page.evaluate(
        """async ([manifest, entries]) => {
             const m = await import('/app/review_timeline.js');
             const r = m.readRecording(manifest, entries);
             return {
               duration: r.durationMs,
               tracks: r.tracks.map((t) => [t.name, t.offsetMs]),
               at: [0, 1999, 2000, 2050, 2100, 5999, 6000, 9999].map((ms) => m.viewAt(r, ms).index),
               pointers: [6499, 6500].map((ms) => m.viewAt(r, ms).pointer ?? null),
               markers: r.markers.map((k) => [k.kind, k.atMs]),
               people: [...r.people.keys()],
             };
           }""",
        [manifest, entries],
    )
    assert out["duration"] == 10_000
    assert out["tracks"] == [
        ["track-000-video.webm", 1300],
        ["track-001-audio.webm", 1320],
        ["track-002-audio.webm", 4000],
    ]
    assert out["at"] == [3, 3, 4, 4, 5, 5, 9, 9]
    assert out["pointers"] == [None, [12, 34]]
    # A scroll (two changes 100 ms apart) is one CT marker.
    assert out["markers"] == [
        ["ct", 2000],
        ["join", 3000],
        ["ct", 6000],
        ["chat", 7000],
        ["leave", 8000],
    ]
    assert out["people"] == ["a", "b"]
