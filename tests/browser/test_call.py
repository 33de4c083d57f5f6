"""Three doctors in one consultation: video, names, mute, the active speaker, chat."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from rooms import Role
from tests.support.server import RunningServer

from .call_page import MEDIA_TIMEOUT_S, CallPage

WAIT_MS = MEDIA_TIMEOUT_S * 1000

PEOPLE = {
    "p1": ("李医生", Role.EXPERT, "省人民医院 心内科"),
    "p2": ("王建国", Role.INVITING, "青山镇卫生院"),
    "p3": ("张协调员", Role.COORDINATOR, "省人民医院 远程医学中心"),
}


async def join_all(
    browser: Browser, server: RunningServer, pages: list[CallPage], ids: list[str]
) -> list[CallPage]:
    joined = []
    for participant_id in ids:
        name, role, institution = PEOPLE[participant_id]
        page = await CallPage.open(browser, server, participant_id, name, role, institution)
        pages.append(page)
        await page.join()
        joined.append(page)
    return joined


async def test_three_doctors_each_see_the_other_two_cameras_playing_under_their_names(
    browser: Browser, server: RunningServer, pages: list[CallPage], artifacts: Path
) -> None:
    doctors = await join_all(browser, server, pages, ["p1", "p2", "p3"])
    for page in doctors:
        others = [d for d in doctors if d is not page]
        for other in others:
            sample = await page.wait_playing(other.participant_id)
            assert sample["display_name"] == other.name
            assert sample["videoWidth"] > 0 and sample["frameWidth"] > 0
            name = page.tile(other.participant_id).get_by_test_id("tile-name")
            await expect(name).to_have_text(other.name)
        assert set((await page.stats()).keys()) == {o.participant_id for o in others}
        await expect(page.page.get_by_test_id("tile")).to_have_count(3)
        own = page.tile(page.participant_id)
        await expect(own).to_have_attribute("data-self", "true")
        await expect(own.get_by_test_id("tile-name")).to_contain_text(page.name)

    first = doctors[0]
    await first.page.screenshot(path=artifacts / "three-person-call.png")
    await first.page.set_viewport_size({"width": 390, "height": 844})
    await first.wait_playing("p2")
    await first.page.screenshot(path=artifacts / "three-person-call-phone.png")


async def test_mute_and_the_active_speaker_show_everywhere_and_chat_reaches_a_late_joiner(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    doctors = await join_all(browser, server, pages, ["p1", "p2", "p3"])
    p1, p2, p3 = doctors
    for page in doctors:
        for other in doctors:
            if other is not page:
                await expect(page.tile(other.participant_id)).to_have_attribute(
                    "data-muted", "false"
                )

    # Everyone mutes; then p1 alone speaks. (The server reports the speaker only when it
    # changes, and a join reply does not say who speaks: start from silence, so a change
    # follows whoever the server had as speaker before.)
    for page in doctors:
        await page.page.get_by_test_id("mute-button").click()
        await expect(page.page.get_by_test_id("mute-button")).to_have_attribute(
            "aria-pressed", "true"
        )
    for page in doctors:
        for muted in doctors:
            if muted is not page:
                await expect(page.tile(muted.participant_id)).to_have_attribute(
                    "data-muted", "true", timeout=WAIT_MS
                )
        await expect(page.page.locator('[data-speaking="true"]')).to_have_count(0, timeout=WAIT_MS)
    await p1.page.get_by_test_id("mute-button").click()
    for page in doctors:
        await expect(page.tile("p1")).to_have_attribute("data-speaking", "true", timeout=WAIT_MS)
        await expect(page.page.locator('[data-speaking="true"]')).to_have_count(1)
    for page in (p2, p3):
        await expect(page.tile("p1")).to_have_attribute("data-muted", "false", timeout=WAIT_MS)

    # The floor passes to p2.
    await p1.page.get_by_test_id("mute-button").click()
    await p2.page.get_by_test_id("mute-button").click()
    for page in doctors:
        await expect(page.tile("p2")).to_have_attribute("data-speaking", "true", timeout=WAIT_MS)
        await expect(page.tile("p1")).to_have_attribute("data-speaking", "false", timeout=WAIT_MS)
    await expect(p3.tile("p1")).to_have_attribute("data-muted", "true", timeout=WAIT_MS)
    await expect(p3.tile("p2")).to_have_attribute("data-muted", "false", timeout=WAIT_MS)

    # Camera off shows the avatar to the others; on again, the picture returns.
    await p3.page.get_by_test_id("camera-button").click()
    for page in (p1, p2):
        await expect(page.tile("p3")).to_have_attribute("data-video", "off", timeout=WAIT_MS)
        await expect(page.tile("p3")).to_contain_text("摄像头已关闭")
        await expect(page.tile("p3").locator(".avatar")).to_have_text("张")
    await p3.page.get_by_test_id("camera-button").click()
    for page in (p1, p2):
        await expect(page.tile("p3")).to_have_attribute("data-video", "on", timeout=WAIT_MS)

    # Chat: Enter sends; both others get it; a late joiner finds it in the history.
    text = "请看第 32 层 CT：右肺下叶结节约 8 mm，边缘毛糙。"
    await p1.page.get_by_test_id("chat-input").fill(text)
    await p1.page.get_by_test_id("chat-input").press("Enter")
    for page in doctors:
        messages = page.page.get_by_test_id("chat-message")
        await expect(messages).to_have_count(1, timeout=WAIT_MS)
        await expect(messages.first).to_contain_text(text)
    await expect(p1.page.get_by_test_id("chat-input")).to_have_value("")

    late = await CallPage.open(
        browser, server, "p4", "陈实习", Role.OBSERVER, "省人民医院", token=None
    )
    pages.append(late)
    await late.join()
    await expect(late.page.get_by_test_id("chat-message")).to_have_count(1)
    await expect(late.page.get_by_test_id("chat-message").first).to_contain_text(text)
    await expect(late.page.get_by_test_id("chat-message").first).to_contain_text("李医生")
    # The observer sees the three doctors and sends nothing itself.
    for doctor in doctors:
        await late.wait_playing(doctor.participant_id)
    await expect(late.page.get_by_test_id("mute-button")).to_be_disabled()
    await expect(p1.page.get_by_test_id("participant-list").locator("li")).to_have_count(4)
