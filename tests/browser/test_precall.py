"""The pre-call check with a missing camera: join with audio only, seen as an avatar;
leaving, and joining again from the page that follows."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from rooms import Role
from tests.support.server import RunningServer

from .call_page import MEDIA_TIMEOUT_S, CallPage

WAIT_MS = MEDIA_TIMEOUT_S * 1000


async def test_a_doctor_without_a_camera_joins_audio_only_and_the_others_see_an_avatar(
    browser: Browser,
    camera_less_browser: Browser,
    server: RunningServer,
    pages: list[CallPage],
    artifacts: Path,
) -> None:
    expert = await CallPage.open(browser, server, "p1", "李医生", Role.EXPERT, "省人民医院")
    pages.append(expert)
    await expect(expert.page.get_by_test_id("join-button")).to_have_text(
        "加入会诊", timeout=WAIT_MS
    )
    await expert.page.screenshot(path=artifacts / "precall.png")
    await expert.join()

    village = await CallPage.open(
        camera_less_browser, server, "p2", "王建国", Role.INVITING, "青山镇卫生院"
    )
    pages.append(village)
    join = village.page.get_by_test_id("join-button")
    await expect(join).to_have_text("仅语音加入", timeout=WAIT_MS)
    await expect(village.page.locator(".check").first).to_contain_text("未检测到摄像头")
    await expect(village.page.get_by_test_id("microphone-select")).to_be_enabled()
    await village.page.screenshot(path=artifacts / "precall-no-camera.png")
    await village.join()

    tile = expert.tile("p2")
    await expect(tile).to_have_attribute("data-video", "off", timeout=WAIT_MS)
    await expect(tile.locator(".avatar")).to_have_text("王")
    await expect(tile).to_contain_text("仅语音", timeout=WAIT_MS)
    await expect(tile.get_by_test_id("tile-name")).to_have_text("王建国")
    assert "p2" not in await expert.stats()  # no camera video from p2 at all
    # The village doctor sees and hears the expert; its own camera button is off.
    await village.wait_playing("p1")
    await expect(village.page.get_by_test_id("camera-button")).to_be_disabled()
    await expect(village.page.get_by_test_id("mute-button")).to_be_enabled()

    # Leaving ends on a page with a way back; the others see the tile go and come back.
    await village.page.get_by_test_id("leave-button").click()
    await expect(village.page.get_by_test_id("left-page")).to_be_visible(timeout=WAIT_MS)
    await expect(expert.tile("p2")).to_have_count(0, timeout=WAIT_MS)
    await village.page.get_by_test_id("rejoin-button").click()
    await expect(expert.tile("p2")).to_contain_text("仅语音", timeout=WAIT_MS)
    await village.wait_playing("p1")
