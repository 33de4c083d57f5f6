"""A bad join link ends on a clear page, never a blank one; the token leaves the address bar."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from rooms import Role
from tests.support.server import RunningServer

from .call_page import CallPage


async def test_an_expired_link_shows_the_expired_page_and_the_token_leaves_the_address_bar(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    token = server.token("mdt-browser", "p1", "李医生", Role.EXPERT, ttl_s=-1)
    page = await CallPage.open(browser, server, "p1", "李医生", token=token)
    pages.append(page)
    error = page.page.get_by_test_id("error-page")
    await expect(error).to_have_attribute("data-code", "token-expired")
    await expect(error).to_contain_text("链接已过期")
    await expect(error).to_contain_text("协调员")
    assert "token" not in page.page.url
    assert await page.page.evaluate("location.hash") == ""


async def test_an_invalid_link_shows_the_invalid_link_page_in_either_language(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await CallPage.open(browser, server, "p1", "李医生", token="not.a.token")
    pages.append(page)
    error = page.page.get_by_test_id("error-page")
    await expect(error).to_have_attribute("data-code", "invalid-link")
    await expect(error).to_contain_text("链接无效")
    await page.page.get_by_test_id("lang-toggle").click()
    await expect(error).to_contain_text("This link is not valid")
    # The choice is remembered.
    await page.page.goto(f"{server.url}/join#token=still.not.valid")
    await expect(page.page.get_by_test_id("error-page")).to_contain_text("This link is not valid")
    assert await page.page.evaluate("document.documentElement.lang") == "en"
    missing = await page.page.evaluate("import('/app/i18n.js').then((m) => m.I18n.missingKeys())")
    assert missing == []


async def test_a_page_without_a_link_asks_for_one(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    context = await browser.new_context()
    page = CallPage(context, await context.new_page(), "none", "")
    pages.append(page)
    await page.page.goto(f"{server.url}/join")
    await expect(page.page.get_by_test_id("error-page")).to_have_attribute(
        "data-code", "missing-link"
    )
