"""The shared CT pane in the call: the presenter's view reaches every follower, pixel for pixel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
from playwright.async_api import Browser, expect

from imaging.window import apply_window
from rooms import Role
from tests.imaging.phantom import MARKER_SLICE, zipped_phantom
from tests.support.server import RunningServer

from .call_page import JOIN_TIMEOUT_S, CallPage, wait_until

CONSULTATION = "mdt-browser"
WAIT_S = JOIN_TIMEOUT_S
WAIT_MS = WAIT_S * 1000
#: What `window.mdt.ct()` says the canvas shows; equal on two pages = the same picture.
SHOWN = ("series_uid", "plane", "index", "window_center", "window_width", "checksum")


async def upload(server: RunningServer, token: str, body: bytes) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession(server.url) as http,
        http.post(
            f"/api/consultations/{CONSULTATION}/studies",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"},
        ) as response,
    ):
        meta = await response.json()
        assert response.status == 201, meta
        return meta


def windowed_checksum(hu: np.ndarray, center: float, width: float) -> str:
    """What the browser computes: DICOM linear VOI (imaging/window.py) in float64 with
    half-to-even rounding, then FNV-1a over the grey levels, row by row."""
    grey = np.clip(
        np.rint(((hu.astype(np.float64) - (center - 0.5)) / (width - 1) + 0.5) * 255), 0, 255
    )
    value = 0x811C9DC5
    for g in grey.astype(np.uint8).ravel().tolist():
        value = ((value ^ g) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


async def ct(page: CallPage) -> dict[str, Any]:
    return await page.page.evaluate("window.mdt.ct()")


async def shows(page: CallPage, **expected: Any) -> bool:
    shown = await ct(page)
    return shown is not None and shown["loaded"] and all(shown[k] == v for k, v in expected.items())


async def wait_shows(page: CallPage, what: str, **expected: Any) -> dict[str, Any]:
    try:
        await wait_until(
            lambda: shows(page, **expected), WAIT_S, f"{page.participant_id} to show {what}"
        )
    except AssertionError as error:
        raise AssertionError(f"{error}; it shows {await ct(page)}") from None
    return await ct(page)


async def wait_same_view(pages: list[CallPage], reference: CallPage, what: str) -> dict[str, Any]:
    shown = await ct(reference)
    expected = {k: shown[k] for k in SHOWN}
    for page in pages:
        await wait_shows(page, what, **expected)
    return shown


async def logic_page(browser: Browser, server: RunningServer, pages: list[CallPage]) -> CallPage:
    """A page of the app without a call, to run its modules' pure functions."""
    context = await browser.new_context()
    page = CallPage(context, await context.new_page(), "logic", "")
    pages.append(page)
    await page.page.goto(f"{server.url}/review")
    return page


async def open_page(
    browser: Browser, server: RunningServer, participant_id: str, name: str, role: Role
) -> CallPage:
    """A doctor's page, joined (the caller adds it to ``pages``)."""
    page = await CallPage.open(browser, server, participant_id, name, role, "省人民医院")
    await page.join()
    return page


async def test_followers_see_the_presenters_slice_window_and_measurement_and_may_browse_alone(
    browser: Browser, server: RunningServer, pages: list[CallPage], artifacts: Path, tmp_path: Path
) -> None:
    presenter = await open_page(browser, server, "p1", "李医生", Role.EXPERT)
    pages.append(presenter)
    follower = await open_page(browser, server, "p2", "王建国", Role.INVITING)
    pages.append(follower)
    await expect(presenter.page.get_by_test_id("ct-pane")).to_be_hidden()

    # A study uploaded through the API opens on everyone's screen, at the middle slice.
    phantom, body = zipped_phantom(tmp_path / "ct")
    meta = await upload(server, server.token(CONSULTATION, "p1", "李医生"), body)
    uid = meta["series_uid"]
    for page in (presenter, follower):
        await expect(page.page.get_by_test_id("ct-pane")).to_be_visible(timeout=WAIT_MS)
        await wait_shows(page, "the uploaded series", series_uid=uid, plane="axial", index=20)
    await expect(follower.page.get_by_test_id("ct-status")).to_contain_text("无人主持")

    # The presenter takes control, scrolls with the keyboard and the wheel.
    await presenter.page.get_by_test_id("ct-request-control").click()
    await wait_until(lambda: shows(presenter, presenting=True), WAIT_S, "p1 to present")
    await expect(follower.page.get_by_test_id("ct-status")).to_contain_text(
        "正在跟随 李医生", timeout=WAIT_MS
    )
    canvas = presenter.page.get_by_test_id("ct-canvas")
    await canvas.click()
    for _ in range(3):
        await canvas.press("ArrowDown")
    await canvas.hover()
    await presenter.page.mouse.wheel(0, 100)
    await wait_shows(presenter, "slice 25 after scrolling", index=24)
    await presenter.page.mouse.wheel(0, 100)
    await wait_shows(presenter, "slice 26 after scrolling", index=25)
    shown = await wait_same_view([follower], presenter, "the presenter's slice")
    assert shown["checksum"] == windowed_checksum(
        phantom.hu[25], shown["window_center"], shown["window_width"]
    )

    # A preset, then a window typed in: the follower shows the same grey levels.
    await presenter.page.get_by_test_id("ct-preset-lung").click()
    await wait_shows(follower, "the lung window", index=25, window_center=-600, window_width=1500)
    width = presenter.page.get_by_test_id("ct-window-width")
    await width.fill("900")
    await width.press("Enter")
    center = presenter.page.get_by_test_id("ct-window-center")
    await center.fill("-350")
    await center.press("Enter")
    await wait_shows(presenter, "the typed window", window_center=-350, window_width=900)
    shown = await wait_same_view([follower], presenter, "the typed window")
    assert shown["checksum"] == windowed_checksum(phantom.hu[25], -350, 900)
    # A pixel sample: water in the body and air outside it, as DICOM's VOI function says.
    for column, row, hu in ((32, 32, 0), (2, 2, -1000)):
        assert phantom.hu[25][row, column] == hu
        expected_grey = int(np.clip(np.rint(((hu + 350.5) / 899 + 0.5) * 255), 0, 255))
        for page in (presenter, follower):
            assert await page.page.evaluate(f"window.mdt.ctPixel({column}, {row})") == expected_grey

    # A late joiner opens on the same view at once.
    late = await open_page(browser, server, "p3", "张协调员", Role.COORDINATOR)
    pages.append(late)
    await wait_same_view([late], presenter, "the shared view after joining late")

    # Browsing alone keeps the follower's own slice while the presenter moves on.
    await follower.page.get_by_test_id("ct-browse-alone").click()
    own = follower.page.get_by_test_id("ct-canvas")
    await own.click()
    for _ in range(5):
        await own.press("ArrowUp")
    await wait_shows(follower, "its own slice", index=20, mode="browsing")
    await canvas.click()
    for _ in range(MARKER_SLICE - 25):
        await canvas.press("ArrowDown")
    await wait_shows(presenter, "the marker slice", index=MARKER_SLICE)
    await wait_same_view([late], presenter, "the marker slice")
    assert (await ct(follower))["index"] == 20
    await expect(follower.page.get_by_test_id("ct-status")).to_contain_text("独立浏览")
    # "Return to presenter" snaps back.
    await follower.page.get_by_test_id("ct-follow").click()
    await wait_same_view([follower], presenter, "the presenter's view again")

    # A length between the two markers 30 mm apart: the server's number on every page.
    await presenter.page.get_by_test_id("ct-tool-length").click()
    start = await presenter.page.evaluate("window.mdt.ctScreenPoint(10, 5)")
    end = await presenter.page.evaluate("window.mdt.ctScreenPoint(47.5, 5)")
    mouse = presenter.page.mouse
    await mouse.move(start["x"], start["y"])
    await mouse.down()
    await mouse.move((start["x"] + end["x"]) / 2, end["y"], steps=4)
    await mouse.move(end["x"], end["y"], steps=4)
    await mouse.up()
    await wait_until(
        lambda: presenter.page.evaluate("window.mdt.ct().measurements.length === 1"),
        WAIT_S,
        "the server's measurement",
    )
    measurement = (await ct(presenter))["measurements"][0]
    length_mm = measurement["result"]["length_mm"]
    assert abs(length_mm - 30.0) < 0.5, measurement
    assert measurement["index"] == MARKER_SLICE and measurement["by"] == "p1"
    for page in (presenter, follower, late):
        item = page.page.get_by_test_id("ct-measurement")
        await expect(item).to_have_count(1, timeout=WAIT_MS)
        await expect(item).to_contain_text(f"{length_mm:.1f} mm")
        assert (await ct(page))["measurements"][0]["result"] == measurement["result"]

    # The presenter points at the sphere; everyone's canvas draws it.
    await presenter.page.get_by_test_id("ct-tool-pointer").click()
    target = await presenter.page.evaluate("window.mdt.ctScreenPoint(25, 30)")
    await mouse.move(target["x"], target["y"], steps=3)
    pointer_near = (
        "(() => { const p = window.mdt.ct().pointer;"
        " return !!p && Math.abs(p[0] - 25) < 1 && Math.abs(p[1] - 30) < 1; })()"
    )
    await wait_until(
        lambda: follower.page.evaluate(pointer_near), WAIT_S, "the pointer on the follower's screen"
    )
    chat = follower.page.get_by_test_id("chat-input")
    await chat.fill("第 31 层两个标记间距 30 mm，和报告一致。")
    await chat.press("Enter")
    await expect(presenter.page.get_by_test_id("chat-message")).to_have_count(1, timeout=WAIT_MS)
    await presenter.page.screenshot(path=artifacts / "ct-pane.png")

    # A second series (say, the contrast CT): the presenter picks it, everyone sees it.
    _, second_body = zipped_phantom(tmp_path / "ct2")
    token = server.token(CONSULTATION, "p1", "李医生")
    second = (await upload(server, token, second_body))["series_uid"]
    picker = presenter.page.get_by_test_id("ct-series-picker")
    await expect(picker.locator("option")).to_have_count(2, timeout=WAIT_MS)
    await expect(follower.page.get_by_test_id("ct-series-picker")).to_be_disabled()
    await picker.select_option(second)
    for page in (presenter, follower, late):
        await wait_shows(page, "the second series", series_uid=second, plane="axial", index=20)


async def test_a_study_uploaded_from_the_pane_opens_and_a_bad_file_is_explained(
    browser: Browser, server: RunningServer, pages: list[CallPage], tmp_path: Path
) -> None:
    page = await open_page(browser, server, "p1", "李医生", Role.EXPERT)
    pages.append(page)
    upload_input = page.page.get_by_test_id("ct-upload-input")
    notice = page.page.get_by_test_id("ct-notice")
    report = {"name": "报告.dcm", "mimeType": "application/dicom", "buffer": b"%PDF-1.4 not DICOM"}
    await upload_input.set_input_files(report)
    await expect(notice).to_contain_text("上传失败：文件不是 DICOM 格式", timeout=WAIT_MS)
    assert (await ct(page))["series_uid"] is None

    phantom, body = zipped_phantom(tmp_path / "ct")
    series = {"name": "胸部CT.zip", "mimeType": "application/zip", "buffer": body}
    await upload_input.set_input_files(series)
    await expect(notice).to_contain_text("影像已上传", timeout=WAIT_MS)
    await wait_shows(page, "the uploaded series", series_uid=phantom.series_uid, index=20)


async def test_the_browser_cuts_planes_and_maps_grey_levels_exactly_as_the_server_does(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    shape = (3, 4, 5)
    volume = np.arange(np.prod(shape), dtype=np.int16).reshape(shape) * 7 - 30
    cut = await page.page.evaluate(
        """async ([flat, shape]) => {
             const m = await import('/app/ct_volume.js');
             const hu = Int16Array.from(flat);
             const out = {};
             for (const plane of m.PLANES) {
               out[plane] = [];
               for (let i = 0; i < m.planeCount(shape, plane); i += 1) {
                 const p = m.extractPlane(hu, shape, [2.5, 0.7, 0.8], plane, i);
                 out[plane].push({ hu: Array.from(p.hu), rows: p.rows, columns: p.columns,
                                   rowMm: p.rowMm, columnMm: p.columnMm });
               }
             }
             return out;
           }""",
        [volume.ravel().tolist(), list(shape)],
    )
    # imaging/plane.py: axial k = vol[k]; coronal j = vol[::-1, j, :]; sagittal i = vol[::-1, :, i].
    expected = {
        "axial": [(volume[k], 0.7, 0.8) for k in range(shape[0])],
        "coronal": [(volume[::-1, j, :], 2.5, 0.8) for j in range(shape[1])],
        "sagittal": [(volume[::-1, :, i], 2.5, 0.7) for i in range(shape[2])],
    }
    for plane, planes in expected.items():
        assert len(cut[plane]) == len(planes)
        for got, (hu, row_mm, column_mm) in zip(cut[plane], planes, strict=True):
            assert (got["rows"], got["columns"]) == hu.shape
            assert got["hu"] == hu.ravel().tolist()
            assert (got["rowMm"], got["columnMm"]) == (row_mm, column_mm)

    hu = np.arange(-1200, 1201, 3, dtype=np.int16)
    windows = [(40, 400), (-600, 1500), (40, 80), (50, 350), (400, 1800), (0, 1), (30, 150)]
    greys = await page.page.evaluate(
        """async ([values, windows]) => {
             const m = await import('/app/ct_window.js');
             return windows.map(([c, w]) => values.map((v) => m.voiGrey(v, c, w)));
           }""",
        [hu.tolist(), windows],
    )
    for (center, width), got in zip(windows, greys, strict=True):
        assert got == apply_window(hu, center, width).tolist(), (center, width)
