"""A page that loses its network for a few seconds gets back into the call by itself.

What ``BrowserContext.set_offline(True)`` does in this Chromium (156, headless): the
page sees ``navigator.onLine === false`` and an ``offline`` event, on which Socket.IO's
engine closes its WebSocket at once ("transport close"); new WebSocket and HTTP
connections fail with ``net::ERR_INTERNET_DISCONNECTED``. An already open WebSocket is
not closed by the emulation itself, its frames are just held. WebRTC is not affected at
all: RTP, RTCP and ICE consent over UDP keep flowing and both peer connections stay
"connected". So the page sees a signaling outage, not a media outage; the server drops
the participant when its socket times out, and the page must join again.
"""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import Browser, expect

from rooms import Role
from tests.support.server import RunningServer

from .call_page import JOIN_TIMEOUT_S, MEDIA_TIMEOUT_S, CallPage, wait_until
from .test_call import join_all

WAIT_MS = MEDIA_TIMEOUT_S * 1000
OFFLINE_S = 5


async def test_a_page_offline_for_five_seconds_comes_back_and_its_video_plays_again_for_the_others(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    p1, p2, p3 = await join_all(browser, server, pages, ["p1", "p2", "p3"])
    before = {page.participant_id: await page.wait_playing("p1") for page in (p2, p3)}

    await p1.context.set_offline(True)
    banner = p1.page.get_by_test_id("reconnect-banner")
    await expect(banner).to_be_visible(timeout=WAIT_MS)
    await expect(banner).to_have_attribute("data-state", "reconnecting")
    await expect(banner).to_contain_text("正在重新连接")
    await asyncio.sleep(OFFLINE_S)
    await p1.context.set_offline(False)

    async def back() -> bool:
        state = await p1.state()
        return state["phase"] == "joined" and state["rejoins"] >= 1

    await wait_until(back, JOIN_TIMEOUT_S, "p1 to rejoin")
    await expect(banner).to_have_attribute("data-state", "reconnected")
    for page in (p2, p3):
        after = await page.wait_playing("p1")
        # A new track from the rejoined session, not the old one still trickling in.
        assert after["track_id"] != before[page.participant_id]["track_id"]
        await expect(page.tile("p1").get_by_test_id("tile-name")).to_have_text("李医生")
    # And p1 sees the others again.
    for participant_id in ("p2", "p3"):
        await p1.wait_playing(participant_id)
    await expect(banner).to_be_hidden(timeout=WAIT_MS)


async def test_the_same_doctor_joining_from_a_second_window_ends_the_first_with_a_page_saying_so(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    first, other = await join_all(browser, server, pages, ["p1", "p2"])
    await other.wait_playing("p1")
    second = await CallPage.open(browser, server, "p1", "李医生", Role.EXPERT, "省人民医院 心内科")
    pages.append(second)
    await second.join()
    page = first.page.get_by_test_id("error-page")
    await expect(page).to_have_attribute("data-code", "session-replaced", timeout=WAIT_MS)
    await expect(page).to_contain_text("另一个窗口")
    first_track = (await other.wait_playing("p1"))["track_id"]
    assert first_track  # p1 is back on the other page, now from the second window
    assert (await second.state())["phase"] == "joined"


async def test_a_link_that_expires_during_an_outage_ends_on_the_expired_page_when_back(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    ttl_s = 20
    token = server.token("mdt-browser", "p1", "李医生", Role.EXPERT, ttl_s=ttl_s)
    started = time.monotonic()
    page = await CallPage.open(browser, server, "p1", "李医生", token=token)
    pages.append(page)
    await page.join()
    await page.context.set_offline(True)
    await expect(page.page.get_by_test_id("reconnect-banner")).to_be_visible(timeout=WAIT_MS)
    await asyncio.sleep(max(0.0, ttl_s + 1 - (time.monotonic() - started)))
    await page.context.set_offline(False)
    error = page.page.get_by_test_id("error-page")
    await expect(error).to_have_attribute("data-code", "token-expired", timeout=WAIT_MS)
