"""Time from clicking Join to the first remote video frame, in the real web client.

Run:  .venv/bin/python benchmarks/join_latency.py [--joins 10]

One publisher page is in the call already (Chromium's fake camera). Each of N joins
opens a fresh page with its own join link, waits until the pre-call check is done
(camera, microphone, network), clicks Join, and measures in the page, from the click:

* ``decoded``: the publisher's camera has its first frame decoded (``framesDecoded``
  of the inbound-rtp stats, polled every 20 ms through ``window.mdt.stats()``);
* ``presented``: that frame is handed to the compositor (``requestVideoFrameCallback``
  on the tile's video element).

Each page then closes (its socket drops; the server removes it). The server runs in
this process on 127.0.0.1 (loopback ICE, no TURN), so the figures are the client's and
the server's own work: signaling round trips, two ICE/DTLS handshakes, the SDP
exchanges, the keyframe request to the publisher and the decoder's first frame.

Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from playwright.async_api import Browser, Page, async_playwright  # noqa: E402

from rooms import Role  # noqa: E402
from signaling.app import create_app  # noqa: E402
from signaling.app_keys import AUTHORITY  # noqa: E402
from signaling.config import load_settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--metrics-recording-only",
    "--disable-domain-reliability",
]
CONSULTATION = "bench-join"
PUBLISHER = "publisher"
TIMEOUT_S = 60

#: Installed before the click; ``window.joinLatency`` resolves with the times after it, in ms.
MEASURE_JS = """
(publisherId) => { window.joinLatency = new Promise((resolve, reject) => {
  const button = document.querySelector('[data-testid="join-button"]');
  button.addEventListener("click", () => {
    const t0 = performance.now();
    const result = { decoded_ms: null, presented_ms: null };
    const done = () => {
      if (result.decoded_ms === null || result.presented_ms === null) return;
      // The client's own User Timing marks (call.js): where the time went.
      for (const name of ["socket-connected", "join-reply", "published"]) {
        const mark = performance.getEntriesByName(`mdt:${name}`).at(-1);
        result[`${name.replace("-", "_")}_ms`] = mark ? mark.startTime - t0 : null;
      }
      resolve(result);
    };
    const poll = async () => {
      const entry = (await window.mdt.stats())[publisherId];
      if (entry && entry.framesDecoded > 0) {
        result.decoded_ms = performance.now() - t0;
        done();
      } else setTimeout(poll, 20);
    };
    poll();
    const watch = () => {
      const video = document.querySelector(
        `[data-testid="tile"][data-participant-id="${publisherId}"][data-source="camera"] video`);
      if (video && video.srcObject) {
        video.requestVideoFrameCallback(() => {
          result.presented_ms = performance.now() - t0;
          done();
        });
      } else requestAnimationFrame(watch);
    };
    watch();
    setTimeout(() => reject(new Error("no remote frame")), TIMEOUT_MS);
  }, { capture: true, once: true });
}); }
""".replace("TIMEOUT_MS", str(TIMEOUT_S * 1000))


async def open_page(browser: Browser, url: str) -> tuple[Any, Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(url)
    return context, page


async def wait_for(page: Page, expression: str) -> None:
    """Polls ``expression`` in the page until true (the page's CSP forbids the string
    predicates of ``wait_for_function``; ``evaluate`` is not subject to it)."""
    for _ in range(TIMEOUT_S * 10):
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{expression} stayed false for {TIMEOUT_S} s")


async def one_join(browser: Browser, url: str) -> dict[str, float]:
    context, page = await open_page(browser, url)
    try:
        join = page.get_by_test_id("join-button")
        await join.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        await wait_for(page, "!document.querySelector('[data-testid=\"join-button\"]').disabled")
        # The network check runs beside the device check; let it finish first, so its
        # requests are not measured as part of the join.
        await wait_for(page, "document.querySelector('.check[data-grade]') !== null")
        await page.evaluate(MEASURE_JS, PUBLISHER)
        await join.click()
        return await page.evaluate("window.joinLatency")
    finally:
        await context.close()


async def run(joins: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings(
            overrides={
                "server.port": _free_port(),
                "server.data_dir": data_dir,
                "auth.secret": "bench-secret-" + "x" * 40,
                "media.host_addresses": ["127.0.0.1"],
            }
        )
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.server.host, settings.server.port).start()
        authority = app[AUTHORITY]

        def link(participant_id: str, name: str) -> str:
            token = authority.issue(
                consultation_id=CONSULTATION,
                participant_id=participant_id,
                display_name=name,
                role=Role.EXPERT,
                ttl_s=3600,
                institution="省人民医院",
            )
            return f"{settings.server.public_url}/join#token={token}"

        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                _, publisher = await open_page(browser, link(PUBLISHER, "李医生"))
                await publisher.get_by_test_id("join-button").click(timeout=TIMEOUT_S * 1000)
                await wait_for(publisher, "window.mdt.state().phase === 'joined'")
                warm_up = await one_join(browser, link("viewer-0", "预热"))
                runs = []
                for i in range(1, joins + 1):
                    runs.append(await one_join(browser, link(f"viewer-{i}", f"王医生{i}")))
                    # Let the server drop the closed page before the next one joins.
                    await asyncio.sleep(0.5)
                version = browser.version
                await browser.close()
        finally:
            await runner.cleanup()
    return {"warm_up": warm_up, "runs": runs, "chromium": version}


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--joins", type=int, default=10, help="measured joins (default 10)")
    args = parser.parse_args()
    result = asyncio.run(run(args.joins))
    runs = result["runs"]
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, Chromium {result['chromium']} (headless)"
    )
    print("one publisher in the call; each join: a new page, pre-call check done, click Join")
    print("ms after the click: socket connected, join replied, own tracks published,")
    print("first remote frame decoded (getStats, 20 ms polling), first frame presented (rVFC)")
    header = (
        f"{'join':>5} {'socket':>7} {'join':>6} {'publish':>8} {'decoded':>8} {'presented':>10}"
    )
    print(header)

    def row(label: str, r: dict[str, float], note: str = "") -> str:
        steps = (r["socket_connected_ms"], r["join_reply_ms"], r["published_ms"])
        cells = " ".join(
            f"{v:>{w}.0f}" if v is not None else f"{'-':>{w}}"
            for v, w in zip(steps, (7, 6, 8), strict=True)
        )
        return f"{label:>5} {cells} {r['decoded_ms']:>8.0f} {r['presented_ms']:>10.0f}{note}"

    print(row("warm", result["warm_up"], "  (not counted)"))
    for i, run_ in enumerate(runs, 1):
        print(row(str(i), run_))
    figures = {
        key: summary([r[key] for r in runs if r[key] is not None])
        for key in (
            "socket_connected_ms",
            "join_reply_ms",
            "published_ms",
            "decoded_ms",
            "presented_ms",
        )
    }
    for key in ("decoded_ms", "presented_ms"):
        median, low, high = (figures[key][k] for k in ("median", "min", "max"))
        print(f"{key[:-3]:>9}: median {median:.0f} ms, min {low:.0f} ms, max {high:.0f} ms")
    print(
        json.dumps(
            {
                "benchmark": "join_latency",
                "joins": len(runs),
                "first_frame_decoded_ms": figures["decoded_ms"],
                "first_frame_presented_ms": figures["presented_ms"],
                "socket_connected_ms": figures["socket_connected_ms"],
                "join_reply_ms": figures["join_reply_ms"],
                "published_ms": figures["published_ms"],
                "chromium": result["chromium"],
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
