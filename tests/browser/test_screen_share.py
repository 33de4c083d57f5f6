"""A shared screen is an extra tile on the others' pages, and goes when sharing stops."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from tests.support.server import RunningServer

from .call_page import MEDIA_TIMEOUT_S, CallPage
from .test_call import join_all

WAIT_MS = MEDIA_TIMEOUT_S * 1000


async def test_a_shared_screen_appears_on_the_others_as_its_own_tile_and_goes_when_stopped(
    browser: Browser, server: RunningServer, pages: list[CallPage], artifacts: Path
) -> None:
    p1, p2, p3 = await join_all(browser, server, pages, ["p1", "p2", "p3"])
    for page in (p2, p3):
        await page.wait_playing("p1")

    # getDisplayMedia in headless Chromium: --use-fake-ui-for-media-stream picks the
    # whole (fake) screen without a picker.
    await p1.page.get_by_test_id("share-button").click()
    await expect(p1.page.get_by_test_id("share-button")).to_have_attribute("aria-pressed", "true")
    for page in (p2, p3):
        screen = page.tile("p1", "screen")
        await expect(screen).to_have_count(1, timeout=WAIT_MS)
        await expect(screen.get_by_test_id("tile-name")).to_have_text("李医生 的屏幕共享")
        sample = await page.wait_playing("p1", "screen")
        assert sample["videoWidth"] > 0
        # The camera goes on beside it.
        await page.wait_playing("p1", "camera")
        await expect(page.page.get_by_test_id("tile")).to_have_count(4)
    await p2.page.screenshot(path=artifacts / "screen-share.png")

    await p1.page.get_by_test_id("share-button").click()
    await expect(p1.page.get_by_test_id("share-button")).to_have_attribute("aria-pressed", "false")
    for page in (p2, p3):
        await expect(page.tile("p1", "screen")).to_have_count(0, timeout=WAIT_MS)
        await expect(page.page.get_by_test_id("tile")).to_have_count(3)
        await page.wait_playing("p1", "camera")
