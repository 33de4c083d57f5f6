"""One logged-in person at the desk (``/``), in their own browser context."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

from tests.support.accounts import DevAccount
from tests.support.server import RunningServer

#: A safety net, not an expectation: two slow cores run the pages and the server.
DESK_TIMEOUT_MS = 20_000


class DeskPage:
    def __init__(self, context: BrowserContext, page: Page, account: DevAccount) -> None:
        self.context = context
        self.page = page
        self.account = account
        self.page_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.set_default_timeout(DESK_TIMEOUT_MS)

    @classmethod
    async def open(
        cls, browser: Browser, server: RunningServer, account: DevAccount, locale: str = "zh-CN"
    ) -> DeskPage:
        """The login page, not logged in yet."""
        context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale=locale)
        page = await context.new_page()
        await page.goto(f"{server.url}/")
        opened = cls(context, page, account)
        await page.get_by_test_id("login-page").wait_for()
        return opened

    @classmethod
    async def log_in(
        cls,
        browser: Browser,
        server: RunningServer,
        accounts: dict[str, DevAccount],
        login: str,
    ) -> DeskPage:
        """Logged in as ``login`` through the form, on the role's first page, with the live
        notification connection up."""
        opened = await cls.open(browser, server, accounts[login])
        await opened.submit_login(login, accounts[login].password)
        await opened.page.get_by_test_id("desk").wait_for()
        await opened.page.locator('[data-testid="live-state"][data-connected="true"]').wait_for()
        return opened

    async def submit_login(self, login: str, password: str) -> None:
        await self.page.get_by_test_id("login-name").fill(login)
        await self.page.get_by_test_id("login-password").fill(password)
        await self.page.get_by_test_id("login-submit").click()

    async def goto(self, route: str) -> None:
        """Opens the desk page at ``route`` (``/cases/abc``) as a link would."""
        await self.page.evaluate("(route) => { window.location.hash = route; }", route)

    async def api(self, method: str, path: str, json: Any = None) -> Any:
        """A request through the page's own session (its token, refreshed as needed)."""
        return await self.page.evaluate(
            "([method, path, json]) => window.mdtDesk.session.request(method, path, "
            "json === null ? {} : { json })",
            [method, path, json],
        )

    async def missing_strings(self) -> list[str]:
        """Keys of the desk's strings missing in a language or defined twice (none: [])."""
        return list(
            await self.page.evaluate(
                "Promise.all([import('/app/i18n.js'), import('/app/string_sets.js')])"
                ".then(([i, s]) => i.I18n.missingKeys(s.STRING_SETS))"
            )
        )

    async def close(self) -> None:
        await self.context.close()
