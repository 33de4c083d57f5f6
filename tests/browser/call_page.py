"""One doctor's browser page, driven like a person would, read through ``window.mdt``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page

from rooms import Role
from tests.support.server import RunningServer

#: Safety nets, not expectations: two slow cores run three Chromium pages and the server.
JOIN_TIMEOUT_S = 45
MEDIA_TIMEOUT_S = 45


async def wait_until(
    condition: Callable[[], Awaitable[bool]], timeout_s: float, what: str, every_s: float = 0.25
) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(every_s)


class CallPage:
    """A page in its own browser context (its own storage, network switch and devices)."""

    def __init__(self, context: BrowserContext, page: Page, participant_id: str, name: str):
        self.context = context
        self.page = page
        self.participant_id = participant_id
        self.name = name
        self.page_errors: list[str] = []
        self.console: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))

    @classmethod
    async def open(
        cls,
        browser: Browser,
        server: RunningServer,
        participant_id: str,
        name: str,
        role: Role = Role.EXPERT,
        institution: str | None = "省人民医院",
        consultation_id: str = "mdt-browser",
        viewport: tuple[int, int] = (1280, 800),
        token: str | None = None,
    ) -> CallPage:
        context = await browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN"
        )
        page = await context.new_page()
        opened = cls(context, page, participant_id, name)
        if token is None:
            token = server.token(
                consultation_id, participant_id, name, role, institution=institution
            )
        await page.goto(f"{server.url}/join#token={token}")
        return opened

    async def join(self) -> None:
        """Clicks Join after the pre-call check and waits until in the call."""
        await self.page.get_by_test_id("join-button").click(timeout=JOIN_TIMEOUT_S * 1000)
        try:
            await wait_until(self.joined, JOIN_TIMEOUT_S, f"{self.participant_id} to join")
        except AssertionError as error:
            state = await self.state()
            page = self.page.get_by_test_id("error-page")
            shown = await page.text_content() if await page.count() else None
            raise AssertionError(
                f"{error}; state {state}; page {shown!r}; console {self.console[-20:]}"
            ) from None

    async def joined(self) -> bool:
        return (await self.state()).get("phase") == "joined"

    async def state(self) -> dict[str, Any]:
        return await self.page.evaluate("window.mdt.state()")

    async def stats(self) -> dict[str, Any]:
        return await self.page.evaluate("window.mdt.stats()")

    def tile(self, participant_id: str, source: str = "camera") -> Locator:
        return self.page.locator(
            f'[data-testid="tile"][data-participant-id="{participant_id}"][data-source="{source}"]'
        )

    async def video_of(self, participant_id: str, source: str = "camera") -> dict[str, Any] | None:
        entry = (await self.stats()).get(participant_id)
        if entry is not None and source == "screen":
            return entry.get("screen")
        return entry if entry is not None and entry.get("source") == source else None

    async def wait_playing(self, participant_id: str, source: str = "camera") -> dict[str, Any]:
        """Waits until the video of ``participant_id`` is decoded and shown: frames decoded
        go up between two samples and the video element has a size. Returns the last sample."""
        first: dict[str, Any] = {}

        async def advancing() -> bool:
            sample = await self.video_of(participant_id, source)
            if not sample:
                return False
            if not first or first["track_id"] != sample["track_id"]:
                first.clear()
                first.update(sample)
                return False
            first["last"] = sample
            return sample["framesDecoded"] > first["framesDecoded"] and sample["videoWidth"] > 0

        await wait_until(
            advancing,
            MEDIA_TIMEOUT_S,
            f"{participant_id}'s {source} to play on {self.participant_id}",
        )
        return first["last"]

    async def close(self) -> None:
        await self.context.close()
