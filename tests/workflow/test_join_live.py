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
