"""A join link from the workflow API admits its holder to the live consultation."""

from __future__ import annotations

from pathlib import Path

import socketio

from tests.support.server import loopback_settings, running_server
from tests.workflow.http import workflow_api
from tests.workflow.test_permissions import case_in_consultation
from tests.workflow.world import Clock


async def test_an_invited_experts_join_link_opens_the_consultation(tmp_path: Path) -> None:
    async with running_server(loopback_settings(tmp_path / "live")) as live:
        # One signing key for both, as in the app factory.
        async with workflow_api(tmp_path / "data", "", Clock(), live.authority) as api:
            case_id = await case_in_consultation(api)
            link = await api.call(
                "POST", f"/api/referrals/{case_id}/consultation/join-link", "expert"
            )
            assert link.status == 200, link.body
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(
            live.url, auth={"token": link.body["token"]}, transports=["websocket"], wait_timeout=5
        )
        try:
            reply = await client.call("join", {})
            assert reply["ok"] is True, reply
        finally:
            await client.disconnect()
        consultation = live.hub.live.get(link.body["consultation_id"])
        assert consultation is not None


async def test_recording_a_referred_consultation_needs_the_recorded_consent(
    tmp_path: Path,
) -> None:
    # The live server and the workflow API share one data folder, hence one SQLite store.
    data = tmp_path / "data"
    async with (
        running_server(loopback_settings(data)) as live,
        workflow_api(data, "", Clock(), live.authority) as api,
    ):
        case_id = await case_in_consultation(api)
        links = {}
        for who in ("coordinator", "doctor"):
            reply = await api.call("POST", f"/api/referrals/{case_id}/consultation/join-link", who)
            assert reply.status == 200, reply.body
            links[who] = reply.body["token"]
        clients = {}
        for who, token in links.items():
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(
                live.url, auth={"token": token}, transports=["websocket"], wait_timeout=5
            )
            joined = await client.call("join", {})
            assert joined["ok"]
            # The case file decides, and says so to the page (no in-call consent button).
            assert (joined["recording"]["referred"], joined["recording"]["consent"]) == (
                True,
                False,
            )
            clients[who] = client
        try:
            # The in-call flag does not replace the recorded consent of a referred case.
            flag = await clients["doctor"].call("recording-consent", {"granted": True})
            assert flag["error"]["code"] == "consent-in-case-file", flag
            refused = await clients["coordinator"].call("recording-start", {})
            assert refused["error"]["code"] == "recording-consent-missing", refused
            consent = {
                "kind": "recording",
                "given_by": "patient",
                "giver_name": "张三",
                "method": "written-form",
                "obtained_at": "2026-03-02T15:35:00+08:00",
            }
            recorded = await api.call(
                "POST", f"/api/referrals/{case_id}/consents", "doctor", json=consent
            )
            assert recorded.status == 201, recorded.body
            started = await clients["coordinator"].call("recording-start", {})
            assert started["ok"] and started["recording"] and started["consent"], started
            assert (await clients["coordinator"].call("recording-stop", {}))["ok"]
        finally:
            for client in clients.values():
                await client.disconnect()
