"""The administrator's page of the desk in Chromium: registering an institution, opening
an account there (the server's field errors at their fields), the new account logging in,
disabling it (its open desk ends at its next request, a new login is refused) and enabling
it again; the page refused to other roles; English."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from rooms.account import AccountRole
from tests.browser.desk_page import DeskPage
from tests.support.accounts import DevAccount
from tests.support.server import RunningServer

NEW_LOGIN = "qs-expert"
NEW_PASSWORD = "qingshan-2026-spring"


async def test_the_admin_registers_a_clinic_opens_an_account_and_disables_it(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    admin = await DeskPage.log_in(browser, server, dev_accounts, "dev-admin")
    page = admin.page
    # The administrator's only page, and so the first.
    await expect(page.get_by_test_id("nav-admin")).to_have_attribute("aria-current", "page")
    assert page.url.endswith("/#/admin")
    await expect(page.get_by_test_id("nav-admin")).to_have_text("管理")
    village = page.locator('[data-testid="institution-row"][data-level="village-clinic"]')
    await expect(village).to_contain_text("村卫生室")

    await page.get_by_test_id("institution-name").fill("青山镇卫生院")
    await page.get_by_test_id("institution-level").select_option("township-health-centre")
    await page.get_by_test_id("institution-submit").click()
    added = page.locator('[data-testid="institution-row"]', has_text="青山镇卫生院")
    await expect(added).to_have_attribute("data-level", "township-health-centre")
    await expect(added.locator("td").nth(1)).to_have_text("乡镇卫生院")
    institution_id = await added.get_attribute("data-institution-id")
    assert institution_id

    form = page.get_by_test_id("account-form")
    await page.get_by_test_id("account-login").fill(NEW_LOGIN)
    await page.get_by_test_id("account-real-name").fill("周华")
    await page.get_by_test_id("account-role").select_option("expert")
    await page.get_by_test_id("account-title").fill("主治医师")
    await page.get_by_test_id("account-specialty").fill("全科")
    await page.get_by_test_id("account-institution").select_option(label="青山镇卫生院")
    # The two passwords differ: the form says so before asking the server.
    await page.get_by_test_id("account-password").fill(NEW_PASSWORD)
    await page.get_by_test_id("account-password-confirm").fill("something else entirely")
    await page.get_by_test_id("account-submit").click()
    mismatch = form.get_by_test_id("field-error-password_confirm")
    await expect(mismatch).to_have_text("两次输入的密码不一致。")
    # Too short: the server's rule, shown at the password field.
    await page.get_by_test_id("account-password").fill("short")
    await page.get_by_test_id("account-password-confirm").fill("short")
    await page.get_by_test_id("account-submit").click()
    too_short = form.get_by_test_id("field-error-password")
    await expect(too_short).to_have_attribute("data-code", "field-invalid")
    await expect(too_short).to_have_text("密码至少10位")
    await expect(mismatch).to_be_hidden()
    await expect(page.get_by_test_id("account-password")).to_have_attribute("aria-invalid", "true")

    await page.get_by_test_id("account-password").fill(NEW_PASSWORD)
    await page.get_by_test_id("account-password-confirm").fill(NEW_PASSWORD)
    await page.get_by_test_id("account-submit").click()
    await expect(page.get_by_test_id("account-created")).to_contain_text(NEW_LOGIN)
    await expect(too_short).to_be_hidden()
    row = page.locator(f'[data-testid="account-row"][data-login="{NEW_LOGIN}"]')
    await expect(row).to_have_attribute("data-state", "active")
    await expect(row).to_contain_text("周华")
    await expect(row).to_contain_text("会诊专家")
    await expect(row).to_contain_text("青山镇卫生院")
    await expect(row.get_by_test_id("account-state")).to_have_text("正常")
    # No password (nor its hash) is ever on the page.
    assert NEW_PASSWORD not in await page.content()
    listed = await admin.api("GET", "/api/accounts", None)
    assert all("password" not in key for a in listed["accounts"] for key in a)

    # Filters: by institution (the server's) and by role (the page's).
    await page.get_by_test_id("account-filter-institution").select_option(institution_id)
    await expect(page.get_by_test_id("account-row")).to_have_count(1)
    await page.get_by_test_id("account-filter-role").select_option("coordinator")
    await expect(page.get_by_test_id("account-row")).to_have_count(0)
    await page.get_by_test_id("account-filter-role").select_option("")
    await page.get_by_test_id("account-filter-institution").select_option("")
    await expect(page.get_by_test_id("account-row")).to_have_count(len(dev_accounts) + 1)
    # The administrator cannot disable themself here.
    own = page.locator('[data-testid="account-row"][data-login="dev-admin"]')
    await expect(own.get_by_test_id("account-self")).to_be_visible()
    assert await own.get_by_test_id("account-disable").count() == 0

    # The new account logs in through the login page and sees its desk.
    new_account = DevAccount(
        NEW_LOGIN, NEW_PASSWORD, AccountRole.EXPERT, "周华", "", institution_id
    )
    expert = await DeskPage.open(browser, server, new_account)
    await expert.submit_login(NEW_LOGIN, NEW_PASSWORD)
    await expect(expert.page.get_by_test_id("who")).to_contain_text("周华")
    await expect(expert.page.get_by_test_id("who")).to_contain_text("青山镇卫生院")
    await expect(expert.page.get_by_test_id("nav-cases")).to_have_attribute("aria-current", "page")

    # Disabling asks first; cancelling leaves the account as it was.
    await row.get_by_test_id("account-disable").click()
    await expect(row.get_by_test_id("account-confirm")).to_contain_text("周华")
    await row.get_by_test_id("account-cancel-disable").click()
    await expect(row).to_have_attribute("data-state", "active")
    await row.get_by_test_id("account-disable").click()
    await row.get_by_test_id("account-confirm-disable").click()
    await expect(row).to_have_attribute("data-state", "disabled")
    await expect(row.get_by_test_id("account-state")).to_contain_text("已停用")
    await expect(page.get_by_test_id("account-done")).to_contain_text("已停用 周华")

    # The expert's open desk: its next request ends the login, and says why.
    await expert.goto("/schedule")
    await expect(expert.page.get_by_test_id("login-page")).to_be_visible()
    await expect(expert.page.get_by_test_id("login-message")).to_have_text(
        "您的账号已被停用，请联系本院管理员。"
    )
    assert await expert.page.evaluate("sessionStorage.length") == 0
    # And a new login is refused, without saying whether the account exists.
    await expert.submit_login(NEW_LOGIN, NEW_PASSWORD)
    message = expert.page.get_by_test_id("login-message")
    await expect(message).to_have_attribute("data-code", "invalid-credentials")
    await expect(message).to_have_text("登录名或密码不正确。")

    await row.get_by_test_id("account-enable").click()
    await expect(row).to_have_attribute("data-state", "active")
    await expert.submit_login(NEW_LOGIN, NEW_PASSWORD)
    await expect(expert.page.get_by_test_id("who")).to_contain_text("周华")

    assert admin.page_errors == []
    assert expert.page_errors == []
    await expert.close()
    await admin.close()


async def test_another_role_opening_the_admin_page_meets_the_servers_refusal(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    doctor = await DeskPage.log_in(browser, server, dev_accounts, "dev-doctor")
    page = doctor.page
    assert await page.get_by_test_id("nav-admin").count() == 0
    await doctor.goto("/admin")
    refusal = page.get_by_test_id("admin-error")
    await expect(refusal).to_have_attribute("data-code", "not-permitted")
    await expect(refusal).to_have_text("您的账号无权进行此操作。")
    # Nothing of the directory: neither lists nor forms.
    for part in ("institution-table", "account-table", "account-form", "institution-form"):
        assert await page.get_by_test_id(part).count() == 0, part
    assert doctor.page_errors == []
    await doctor.close()


async def test_the_admin_page_in_english_names_a_taken_login(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    admin = await DeskPage.log_in(browser, server, dev_accounts, "dev-admin")
    page = admin.page
    await page.get_by_test_id("lang-toggle").click()
    await expect(page.get_by_test_id("nav-admin")).to_have_text("Administration")
    tertiary = page.locator('[data-testid="institution-row"][data-level="tertiary-hospital"]')
    await expect(tertiary.locator("td").nth(1)).to_have_text("Tertiary hospital")
    doctor_row = page.locator('[data-testid="account-row"][data-login="dev-doctor"]')
    await expect(doctor_row).to_contain_text("Inviting doctor")
    await expect(doctor_row.get_by_test_id("account-state")).to_have_text("Active")

    await page.get_by_test_id("account-submit").click()
    form = page.get_by_test_id("account-form")
    await expect(form.get_by_test_id("field-error-login")).to_have_text("This field is required.")
    await page.get_by_test_id("account-login").fill("dev-doctor")
    await page.get_by_test_id("account-real-name").fill("Second Doctor")
    await page.get_by_test_id("account-role").select_option("inviting-doctor")
    await page.get_by_test_id("account-institution").select_option(label="青山村卫生室")
    await page.get_by_test_id("account-password").fill(NEW_PASSWORD)
    await page.get_by_test_id("account-password-confirm").fill(NEW_PASSWORD)
    await page.get_by_test_id("account-submit").click()
    taken = form.get_by_test_id("field-error-login")
    await expect(taken).to_have_attribute("data-code", "login-taken")
    await expect(taken).to_have_text("Another account already has this login; choose another.")
    await expect(page.get_by_test_id("account-login")).to_be_focused()

    assert await admin.missing_strings() == []
    assert admin.page_errors == []
    await admin.close()
