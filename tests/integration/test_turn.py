"""TURN credentials of one's own: with coturn's shared secret, each participant's join
reply carries a username and password that a real coturn accepts, that are no one
else's, and that coturn refuses once they expire."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path

import pytest
import socketio
from aioice import turn
from aioice.stun import TransactionFailed

from signaling.turn import turn_credentials
from tests.support.coturn import Coturn, coturn_server
from tests.support.server import RunningServer, loopback_settings, running_server

TTL_S = 3600


async def allocate(server: Coturn, username: str, password: str) -> None:
    """A TURN allocation (RFC 5766) with these credentials; raises if refused."""
    transport, _ = await asyncio.wait_for(
        turn.create_turn_endpoint(
            asyncio.DatagramProtocol,
            server_addr=("127.0.0.1", server.port),
            username=username,
            password=password,
            lifetime=60,
        ),
        10,
    )
    transport.close()


async def joined_ice_servers(server: RunningServer, participant_id: str) -> list[dict]:  # type: ignore[type-arg]
    client = socketio.AsyncClient(reconnection=False)
    token = server.token("mdt-turn", participant_id, participant_id)
    await client.connect(server.url, auth={"token": token}, transports=["websocket"])
    try:
        reply = await client.call("join", {}, timeout=10)
        assert reply["ok"], reply
        return reply["ice_servers"]  # type: ignore[no-any-return]
    finally:
        await client.disconnect()


async def test_each_participant_gets_expiring_turn_credentials_coturn_accepts(
    tmp_path: Path,
) -> None:
    secret = secrets.token_urlsafe(32)
    with coturn_server(secret) as coturn:
        relay = {"urls": [coturn.url], "shared_secret": secret, "credential_ttl_s": TTL_S}
        settings = loopback_settings(tmp_path, **{"media.ice_servers": [relay]})
        async with running_server(settings) as server:
            offered = {p: await joined_ice_servers(server, p) for p in ("p1", "p2")}
        for participant, servers in offered.items():
            assert [s["urls"] for s in servers] == [[coturn.url]]
            expiry, _, user = servers[0]["username"].partition(":")
            assert user == participant
            assert 0 < int(expiry) - time.time() <= TTL_S
            assert secret not in str(servers)
            await allocate(coturn, servers[0]["username"], servers[0]["credential"])

        # One participant's password does not open the relay under another's name.
        with pytest.raises(TransactionFailed, match="401"):
            await allocate(coturn, offered["p1"][0]["username"], offered["p2"][0]["credential"])
        # Credentials past their expiry are refused by coturn itself.
        expired = turn_credentials(secret, "p1", int(time.time()) - 1)
        with pytest.raises(TransactionFailed, match="401"):
            await allocate(coturn, *expired)
