"""The desk's frame in Chromium: login (refusals, lock-out sentence), the role's
navigation, live notifications (toast, count, list, opening the case), staying logged in
across a reload, logging out for real, the auditor's log, both languages."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.browser.desk_page import DeskPage
from tests.support.accounts import DevAccount, refer_from_dev_doctor
from tests.support.server import RunningServer


async def test_login_refusal_then_the_roles_desk_with_live_notifications(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    coordinator = dev_accounts["dev-coordinator"]
    desk = await DeskPage.open(browser, server, coordinator)
    page = desk.page
    await desk.submit_login("dev-coordinator", "wrong password")
    message = page.get_by_test_id("login-message")
    await expect(message).to_have_attribute("data-code", "invalid-credentials")
    await expect(message).to_have_text("登录名或密码不正确。")

    await desk.submit_login("dev-coordinator", coordinator.password)
    await page.locator('[data-testid="live-state"][data-connected="true"]').wait_for()
    await expect(page.get_by_test_id("who")).to_contain_text("刘敏")
    await expect(page.get_by_test_id("who")).to_contain_text("协调员 · 省第一人民医院")
    # A coordinator's desk: the inbox first, no referral form, no audit log.
    await expect(page.get_by_test_id("nav-inbox")).to_have_attribute("aria-current", "page")
    assert await page.get_by_test_id("nav-audit").count() == 0
    assert await page.get_by_test_id("nav-cases").count() == 0
    await expect(page.get_by_test_id("notification-count")).to_be_hidden()

    created = await refer_from_dev_doctor(server, dev_accounts)
    # Pushed over the desk's socket: a toast and the count, without a reload.
    toast = page.get_by_test_id("toast")
    await expect(toast).to_have_text("收到新的会诊申请")
    await expect(page.get_by_test_id("notification-count")).to_have_text("1")
    await page.get_by_test_id("notification-bell").click()
    item = page.get_by_test_id("notification-item")
    await expect(item).to_have_attribute("data-event", "referral-received")
    await expect(page.get_by_test_id("notification-count")).to_be_hidden()
    await item.click()
    assert page.url.endswith(f"/#/cases/{created['id']}")
    stored = await desk.api("GET", "/api/notifications", None)
    assert [n["read_at_ms"] is not None for n in stored["notifications"]] == [True]
    assert desk.page_errors == []
    await desk.close()


async def test_reload_keeps_the_login_and_logout_ends_it_for_real(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-expert1")
    page = desk.page
    await page.reload()
    await page.get_by_test_id("desk").wait_for()
    await expect(page.get_by_test_id("who")).to_contain_text("李明")
    # The access token lives in memory only; the refresh token in this tab's storage.
    stored = await page.evaluate("Object.keys(sessionStorage)")
    assert stored == ["mdt.desk.refresh"]
    assert await page.evaluate("Object.keys(localStorage).filter(k => k !== 'mdt.lang')") == []
    refresh_token = await page.evaluate("sessionStorage.getItem('mdt.desk.refresh')")

    await page.get_by_test_id("logout").click()
    await expect(page.get_by_test_id("login-message")).to_have_text("您已退出登录。")
    assert await page.evaluate("sessionStorage.length") == 0
    reply = await page.request.post(
        f"{server.url}/api/auth/refresh", data={"refresh_token": refresh_token}
    )
    assert reply.status == 401
    await page.reload()
    await page.get_by_test_id("login-page").wait_for()
    assert desk.page_errors == []
    await desk.close()


async def test_the_auditor_searches_the_log_in_english(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    # A refused login attempt to find in the trail.
    desk = await DeskPage.open(browser, server, dev_accounts["dev-doctor"])
    await desk.submit_login("dev-doctor", "not the password")
    await expect(desk.page.get_by_test_id("login-message")).not_to_be_empty()
    await desk.close()

    auditor = await DeskPage.log_in(browser, server, dev_accounts, "dev-auditor")
    page = auditor.page
    await expect(page.get_by_test_id("nav-audit")).to_have_attribute("aria-current", "page")
    await page.get_by_test_id("lang-toggle").click()
    await expect(page.get_by_test_id("nav-audit")).to_have_text("Audit log")
    await expect(page.get_by_test_id("logout")).to_have_text("Log out")
    await page.get_by_test_id("audit-outcome").select_option("refused")
    await page.get_by_test_id("audit-search").click()
    rows = page.get_by_test_id("audit-row")
    await expect(rows.first).to_have_attribute("data-outcome", "refused")
    assert set(await rows.evaluate_all("rs => rs.map(r => r.dataset.outcome)")) == {"refused"}
    assert "login" in await rows.evaluate_all("rs => rs.map(r => r.dataset.action)")
    assert await auditor.missing_strings() == []
    assert auditor.page_errors == []
    await auditor.close()
