"""Live notifications on desk connections: a Socket.IO connection authenticated with an
account's access token hears that account's notifications (and nobody else's), is
refused every consultation event, and closes when its token expires."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio

from tests.integration.test_bad_input import refused_connect
from tests.support.accounts import (
    DevAccount,
    access_token,
    api_call,
    referral_body,
    seed_dev_accounts,
)
from tests.support.server import RunningServer

#: A safety net, not an expectation.
EVENT_TIMEOUT_S = 10


class DeskClient:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.notifications: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.disconnected = asyncio.Event()
        self.sio.on("notification", self.notifications.put_nowait)
        self.sio.on("disconnect", lambda *_: self.disconnected.set())

    async def connect(self, url: str, token: str) -> None:
        await self.sio.connect(
            url, auth={"access_token": token}, transports=["websocket"], wait_timeout=10
        )

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.notifications.get(), EVENT_TIMEOUT_S)


@pytest.fixture
async def accounts(server: RunningServer) -> dict[str, DevAccount]:
    return await seed_dev_accounts(server)


async def test_a_coordinator_online_hears_the_referral_and_the_doctor_the_decision(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> None:
    doctor, coordinator = accounts["dev-doctor"], accounts["dev-coordinator"]
    expert, other_expert = accounts["dev-expert1"], accounts["dev-expert2"]
    clients = {login: DeskClient() for login in ("dev-doctor", "dev-coordinator", "dev-expert2")}
    tokens = {login: await access_token(server, accounts[login]) for login in accounts}
    for login, client in clients.items():
        await client.connect(server.url, tokens[login])

    created = await api_call(
        server,
        tokens["dev-doctor"],
        "POST",
        "/api/referrals",
        referral_body(coordinator.institution_id, expert.account_id),
    )
    heard = await clients["dev-coordinator"].next()
    assert heard == {
        "event": "referral-received",
        "payload": {"case_id": created["id"], "from_institution_id": doctor.institution_id},
    }

    await api_call(
        server,
        tokens["dev-coordinator"],
        "POST",
        f"/api/referrals/{created['id']}/decline",
        {"reason": "请先补充增强CT"},
    )
    heard = await clients["dev-doctor"].next()
    assert heard["event"] == "referral-declined"
    assert heard["payload"]["case_id"] == created["id"]
    # Ids and statuses only: the patient's name and the reason stay behind the API.
    assert "张三" not in str(heard) and "增强" not in str(heard)

    # Nobody else heard anything: the expert not concerned, nor the coordinator twice.
    await asyncio.sleep(0.3)
    assert clients["dev-expert2"].notifications.empty(), other_expert
    assert clients["dev-coordinator"].notifications.empty()
    # What was pushed is stored too, for the next login.
    stored = await api_call(server, tokens["dev-doctor"], "GET", "/api/notifications")
    assert [n["event"] for n in stored["notifications"]] == ["referral-declined"]
    for client in clients.values():
        await client.sio.disconnect()


async def test_a_desk_connection_is_refused_every_consultation_event(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> None:
    client = DeskClient()
    await client.connect(server.url, await access_token(server, accounts["dev-expert1"]))
    for event, payload in (("join", {}), ("chat", {"text": "你好"}), ("no-such-event", {})):
        reply = await client.sio.call(event, payload, timeout=EVENT_TIMEOUT_S)
        assert reply["ok"] is False
        assert reply["error"]["code"] == "notifications-only", (event, reply)
    assert not server.hub.live
    await client.sio.disconnect()


async def test_desk_connections_need_a_genuine_current_access_token_of_an_enabled_account(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> None:
    expert = accounts["dev-expert1"]
    good = await access_token(server, expert)
    assert (await refused_connect(server.url, {"access_token": None}))["code"] == "token-missing"
    forged = good[:-4] + "AAAA"
    assert (await refused_connect(server.url, {"access_token": forged}))["code"] == "token-invalid"
    expired = server.authority.issue_access(
        account_id=expert.account_id,
        display_name=expert.real_name,
        role=expert.role,
        institution_id=expert.institution_id,
        ttl_s=-1,
    )
    assert (await refused_connect(server.url, {"access_token": expired}))["code"] == (
        "token-expired"
    )
    join_token = server.token("mdt-desk", "p1", "Dr Li")
    error = await refused_connect(server.url, {"access_token": join_token})
    assert error["code"] == "token-invalid"

    admin = await access_token(server, accounts["dev-admin"])
    await api_call(server, admin, "POST", f"/api/accounts/{expert.account_id}/disable")
    error = await refused_connect(server.url, {"access_token": good})
    assert error == {"code": "account-disabled", "message": "the account is disabled"}


async def test_a_desk_connection_closes_when_its_token_expires(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> None:
    expert = accounts["dev-expert1"]
    short = server.authority.issue_access(
        account_id=expert.account_id,
        display_name=expert.real_name,
        role=expert.role,
        institution_id=expert.institution_id,
        ttl_s=2,
    )
    client = DeskClient()
    await client.connect(server.url, short)
    assert client.sio.connected
    await asyncio.wait_for(client.disconnected.wait(), EVENT_TIMEOUT_S)
