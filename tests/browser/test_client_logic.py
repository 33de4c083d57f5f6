"""The web client's pure functions (layout, quality grades, initials, track mapping, the
join link), run in the browser as the page runs them, without a server-side call."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser

from tests.support.server import RunningServer

from .call_page import CallPage


async def run(page: CallPage, module: str, body: str) -> Any:
    """Evaluates ``body`` (an async arrow function's body) with ``m`` = the module."""
    return await page.page.evaluate(f"import('/app/{module}').then(async (m) => {{ {body} }})")


async def logic_page(browser: Browser, server: RunningServer, pages: list[CallPage]) -> CallPage:
    context = await browser.new_context()
    page = CallPage(context, await context.new_page(), "logic", "")
    pages.append(page)
    await page.page.goto(f"{server.url}/review")
    return page


async def test_the_grid_makes_tiles_as_large_as_the_stage_allows(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    layouts = await run(
        page,
        "layout.js",
        """const fit = (w, h) => (n) => m.bestLayout(n, w, h, { gap: 0 });
           const wide = [1, 2, 3, 4, 5, 6, 7, 9, 12].map(fit(1600, 900));
           const phone = [1, 2, 3].map(fit(390, 700));
           return { wide, phone };""",
    )
    assert [(x["cols"], x["rows"]) for x in layouts["wide"]] == [
        (1, 1),
        (2, 1),
        (2, 2),
        (2, 2),
        (3, 2),
        (3, 2),
        (3, 3),
        (3, 3),
        (4, 3),
    ]
    assert layouts["wide"][0]["tileWidth"] == 1600
    # A phone held upright stacks the tiles.
    assert [x["cols"] for x in layouts["phone"]] == [1, 1, 1]


async def test_quality_is_graded_from_loss_jitter_and_round_trip_time(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    grades = await run(
        page,
        "quality.js",
        """return [
             m.grade({}),
             m.grade({ lossPct: 0.5, jitterMs: 8, rttMs: 40 }),
             m.grade({ lossPct: 4, jitterMs: 8, rttMs: 40 }),
             m.grade({ lossPct: 0, jitterMs: 8, rttMs: 300 }),
             m.grade({ lossPct: 12, jitterMs: 8, rttMs: 40 }),
             m.grade({ lossPct: 0, stalled: true }),
           ];""",
    )
    assert grades == ["unknown", "good", "fair", "fair", "poor", "poor"]
    measured = await run(
        page,
        "quality.js",
        """const previous = { packetsReceived: 1000, packetsLost: 0, bytesReceived: 100000 };
           const stat = {
             packetsReceived: 1190, packetsLost: 10, bytesReceived: 350000, jitter: 0.012,
           };
           return [m.measure([{ stat, previous }], 20, 2), m.measure([{ stat }], 20, 2)];""",
    )
    now, first = measured
    assert now["lossPct"] == 5 and now["bitrateKbps"] == 1000 and round(now["jitterMs"]) == 12
    assert now["level"] == "fair"
    assert first["level"] == "unknown"


async def test_initials_take_the_family_name_or_the_first_letters(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    initials = await run(
        page,
        "avatar.js",
        """const names = ["李医生", "Dr Li 李医生", "Dr Anna Smith", "anna", "  ", "欧阳 娜娜"];
           return names.map(m.initials);""",
    )
    assert initials == ["李", "李", "AS", "A", "?", "欧"]


async def test_received_tracks_are_named_by_the_latest_offer_and_gone_when_inactive(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    mapped = await run(
        page,
        "subscriber.js",
        """const t = (mid, dir = "recvonly") =>
             ({ mid, currentDirection: dir, receiver: { track: { id: `t${mid}` } } });
           const offer = [
             { mid: "0", track_id: "a", participant_id: "p1", kind: "audio", source: "microphone" },
             { mid: "1", track_id: "v", participant_id: "p1", kind: "video", source: "camera" },
           ];
           const all = m.mapTracks([t("0"), t("1"), t("2")], offer);
           const later = m.mapTracks([t("0"), t("1", "inactive")], offer);
           return { all: [...all.keys()], later: [...later.keys()], track: all.get("1").track.id,
                    who: all.get("1").participant_id };""",
    )
    assert mapped == {"all": ["0", "1"], "later": ["0"], "track": "t1", "who": "p1"}


async def test_the_join_token_leaves_the_address_bar_and_stays_in_the_tab_only(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    result = await run(
        page,
        "join_link.js",
        """const stored = new Map();
           const storage = {
             setItem: (k, v) => stored.set(k, v),
             getItem: (k) => stored.get(k) ?? null,
             removeItem: (k) => stored.delete(k),
           };
           const replaced = [];
           const history = { state: null, replaceState: (_s, _t, url) => replaced.push(url) };
           const location = { hash: "#token=abc.def.ghi&lang=en", pathname: "/join", search: "" };
           const first = m.takeJoinToken(location, history, storage);
           const plain = { hash: "", pathname: "/join", search: "" };
           const again = m.takeJoinToken(plain, history, storage);
           m.forgetJoinToken(storage);
           const gone = m.takeJoinToken(plain, history, storage);
           return { first, again, gone, replaced };""",
    )
    assert result == {
        "first": "abc.def.ghi",
        "again": "abc.def.ghi",
        "gone": None,
        "replaced": ["/join#lang=en"],
    }


async def test_the_network_check_grades_the_median_round_trip(
    browser: Browser, server: RunningServer, pages: list[CallPage]
) -> None:
    page = await logic_page(browser, server, pages)
    result = await run(
        page,
        "network_check.js",
        """const api = { pingMs: async () => 3 };
           const down = { pingMs: async () => { throw new Error("offline"); } };
           return {
             grades: [20, 150, 151, 400, 401].map(m.gradeRtt),
             median: m.median([9, 1, 5, 3]),
             live: await m.checkNetwork(api, 3),
             down: await m.checkNetwork(down),
           };""",
    )
    assert result["grades"] == ["good", "good", "fair", "fair", "poor"]
    assert result["median"] == 4
    assert result["live"] == {"grade": "good", "rttMs": 3}
    assert result["down"] == {"grade": "offline", "rttMs": None}
