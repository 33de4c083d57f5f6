"""Browser tests: the real web client in Debian's Chromium against an in-process server.

Chromium gets fake camera, microphone and screen, never asks for permission, keeps
host candidates as raw IP addresses (no mDNS, which the server ignores), resolves no
outside names and contacts nothing but the test server.
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Playwright, async_playwright

from tests.support.accounts import DevAccount, seed_dev_accounts
from tests.support.server import RunningServer, loopback_settings, running_server

from .call_page import CallPage

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

#: Chromium talks to the test server and nothing else.
ISOLATION_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--metrics-recording-only",
    "--disable-domain-reliability",
]
#: No permission prompts (camera, microphone, getDisplayMedia); raw host candidates.
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--disable-features=WebRtcHideLocalIpsWithMdns"]


def write_speech_like_wav(path: Path, seconds: float = 12.0, rate: int = 16_000) -> None:
    """Voiced "syllables" (a harmonic series on a wavering pitch, 180-320 ms) with short
    pauses. Chromium's own fake microphone beeps for a few milliseconds twice a second,
    which its noise suppressor removes and whose mean level stays below the server's
    speaker threshold; this passes the audio processing like speech does."""
    samples: list[float] = []
    syllable = 0
    while len(samples) < seconds * rate:
        duration = 0.18 + 0.14 * ((syllable * 7) % 5) / 4
        pitch_hz = 110 + 110 * ((syllable * 3) % 7) / 6
        count = int(duration * rate)
        start = len(samples)
        for i in range(count):
            envelope = math.sin(math.pi * i / count) ** 0.6
            f = pitch_hz * (1 + 0.08 * math.sin(2 * math.pi * 3 * i / rate))
            t = start + i
            tone = sum(math.sin(2 * math.pi * f * k * t / rate) / k for k in range(1, 8))
            samples.append(0.25 * envelope * tone)
        samples.extend([0.0] * int((0.04 + 0.02 * (syllable % 4)) * rate))
        syllable += 1
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(struct.pack("<h", max(-32767, min(32767, int(s * 32767)))) for s in samples)
        )


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    write_speech_like_wav(path)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(loopback_settings(tmp_path)) as running:
        yield running


@pytest.fixture
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as p:
        yield p


async def _launch(playwright: Playwright, *args: str) -> Browser:
    return await playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*ISOLATION_ARGS, *MEDIA_ARGS, *args]
    )


@pytest.fixture
async def browser(playwright: Playwright, speech_wav: Path) -> AsyncIterator[Browser]:
    """A camera (Chromium's test pattern), a microphone that talks, a screen to share."""
    launched = await _launch(
        playwright,
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech_wav}",
    )
    yield launched
    await launched.close()


@pytest.fixture
async def camera_less_browser(playwright: Playwright) -> AsyncIterator[Browser]:
    """Microphones but no camera at all (``device-count=0`` counts video devices only)."""
    launched = await _launch(playwright, "--use-fake-device-for-media-stream=device-count=0")
    yield launched
    await launched.close()


@pytest.fixture
async def pages() -> AsyncIterator[list[CallPage]]:
    """The pages a test opened; each must end without an uncaught script error."""
    opened: list[CallPage] = []
    yield opened
    for page in opened:
        await page.close()
    errors = [f"{p.participant_id}: {e}" for p in opened for e in p.page_errors]
    assert not errors, errors


@pytest.fixture
async def dev_accounts(server: RunningServer) -> dict[str, DevAccount]:
    """The ``--dev`` demo institutions and accounts in ``server``, by login."""
    return await seed_dev_accounts(server)
