"""The CT study sent with a referral is the one the consultation looks at: uploaded with
the referral (before any consultation exists), on the shared viewer from the first join,
a study added during the call reaches the viewer at once, and the series are still
there after the server restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from tests.imaging.phantom import zipped_phantom
from tests.support.accounts import (
    DevAccount,
    access_token,
    api_call,
    referral_body,
    seed_dev_accounts,
)
from tests.support.media_peer import wait_until
from tests.support.server import RunningServer, loopback_settings, running_server

CONSENT = {
    "kind": "consultation",
    "given_by": "patient",
    "giver_name": "张三",
    "method": "written-form",
    "obtained_at": "2026-03-02T15:30:00+08:00",
}


@asynccontextmanager
async def in_consultation(
    server: RunningServer, join_token: str
) -> AsyncIterator[tuple[socketio.AsyncClient, dict[str, Any]]]:
    """A client joined with ``join_token`` and its join reply."""
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        server.url, auth={"token": join_token}, transports=["websocket"], wait_timeout=10
    )
    try:
        reply = await client.call("join", {}, timeout=10)
        assert reply["ok"], reply
        yield client, reply
    finally:
        await client.disconnect()


async def test_the_referrals_ct_is_on_the_consultations_viewer_before_and_after_a_restart(
    tmp_path: Path,
) -> None:
    settings = loopback_settings(tmp_path / "data")
    first, first_zip = zipped_phantom(tmp_path / "ct1")
    second, second_zip = zipped_phantom(tmp_path / "ct2")
    async with running_server(settings) as server:
        accounts: dict[str, DevAccount] = await seed_dev_accounts(server)
        doctor = await access_token(server, accounts["dev-doctor"])
        coordinator = await access_token(server, accounts["dev-coordinator"])
        expert = await access_token(server, accounts["dev-expert1"])
        case = await api_call(
            server,
            doctor,
            "POST",
            "/api/referrals",
            referral_body(
                accounts["dev-coordinator"].institution_id, accounts["dev-expert1"].account_id
            ),
        )
        base = f"/api/referrals/{case['id']}"
        study = await api_call(
            server, doctor, "POST", f"{base}/studies?description=胸部CT平扫", data=first_zip
        )
        assert study["study_id"] == first.series_uid
        await api_call(
            server,
            coordinator,
            "POST",
            f"{base}/accept",
            {
                "expert_ids": [accounts["dev-expert1"].account_id],
                "scheduled_at": referral_body("", "")["proposed_at"],
            },
        )
        await api_call(server, doctor, "POST", f"{base}/consents", CONSENT)
        created = await api_call(server, coordinator, "POST", f"{base}/consultation")
        consultation_id = created["consultation_id"]
        link = await api_call(server, expert, "POST", f"{base}/consultation/join-link")

        async with in_consultation(server, link["token"]) as (client, joined):
            assert joined["viewer"]["series_uid"] == first.series_uid
            # The series' data is the consultation's now, for its members' join tokens.
            headers = {"Authorization": f"Bearer {link['token']}"}
            series_url = f"{server.url}/api/consultations/{consultation_id}/series/"
            async with aiohttp.ClientSession() as http:
                reply = await http.get(series_url + first.series_uid, headers=headers)
                assert reply.status == 200
                assert (await reply.json())["shape"] == [40, 64, 64]

            # A study sent during the consultation joins its viewer at once.
            views: list[dict[str, Any]] = []
            client.on("viewer-state", views.append)
            await api_call(
                server, doctor, "POST", f"{base}/studies?description=增强CT", data=second_zip
            )
            await wait_until(lambda: bool(views), 10, "the viewer-state of the new series")
            viewer = server.hub.live[consultation_id].consultation.viewer
            assert set(viewer.series) == {first.series_uid, second.series_uid}

    async with (
        running_server(settings) as restarted,
        in_consultation(restarted, link["token"]) as (_, joined),
    ):
        assert joined["viewer"]["series_uid"] == first.series_uid
        # Every series is offered to the presenter, oldest first.
        assert joined["viewer"]["series"] == [first.series_uid, second.series_uid]
