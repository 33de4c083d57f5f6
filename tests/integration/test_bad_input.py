"""Bad input at the edge: each gets a clear error, and the call in progress goes on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import socketio

from rooms import Role
from signaling.protocol import ClientEvent
from tests.integration.test_consultation import decoding, make_peer
from tests.support.media_peer import wait_until
from tests.support.server import RunningServer
from tests.support.signaling_peer import SignalingPeer

FINGERPRINT = ":".join(["AB"] * 32)
AV1_ONLY_OFFER = f"""v=0
o=- 1 1 IN IP4 127.0.0.1
s=-
t=0 0
m=video 9 UDP/TLS/RTP/SAVPF 96
c=IN IP4 0.0.0.0
a=mid:0
a=sendonly
a=rtpmap:96 AV1/90000
a=ice-ufrag:abcd
a=ice-pwd:abcdefghijklmnopqrstuvwx
a=fingerprint:sha-256 {FINGERPRINT}
a=setup:actpass
a=rtcp-mux
"""


@pytest.fixture
async def call(server: RunningServer) -> AsyncIterator[list[SignalingPeer]]:
    """Two participants in a call that bad input must not disturb."""
    peers = [make_peer(server, 1), make_peer(server, 2)]
    for p in peers:
        await p.join()
        await p.publish()
    await wait_until(lambda: all(decoding(p, 1, 10) for p in peers), 30, "the call to run")
    yield peers
    # Unaffected: nobody left, and both still receive new frames.
    counts = [len(p.video_by_participant()[f"p{3 - p.identity}"].frames) for p in peers]
    await wait_until(
        lambda: all(
            len(p.video_by_participant()[f"p{3 - p.identity}"].frames) > n + 10
            for p, n in zip(peers, counts, strict=True)
        ),
        10,
        "the call to go on",
    )
    members = {"p1", "p2"}
    assert all(
        not members & {e["participant_id"] for e in p.events_named("participant-left")}
        for p in peers
    )
    for p in peers:
        await p.close()


async def refused_connect(url: str, auth: object) -> dict:
    client = socketio.AsyncClient(reconnection=False)
    errors: list[object] = []
    client.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
    assert errors and isinstance(errors[0], dict), errors
    error = errors[0]
    return {"code": error["data"]["code"], "message": error["message"]}


async def test_connections_without_a_valid_token_are_refused(
    server: RunningServer, call: list[SignalingPeer]
) -> None:
    assert (await refused_connect(server.url, None))["code"] == "token-missing"
    assert (await refused_connect(server.url, {"token": 42}))["code"] == "token-invalid"
    assert (await refused_connect(server.url, {"token": "a.b.c"}))["code"] == "token-invalid"
    expired = server.token("mdt-1", "p9", "Dr Late", ttl_s=-1)
    error = await refused_connect(server.url, {"token": expired})
    assert error == {
        "code": "token-expired",
        "message": "the token has expired; ask for a new join link",
    }
    forged = server.token("mdt-1", "p9", "Dr X")[:-4] + "AAAA"
    assert (await refused_connect(server.url, {"token": forged}))["code"] == "token-invalid"


async def test_bad_events_and_payloads_get_explicit_errors(
    server: RunningServer, call: list[SignalingPeer]
) -> None:
    intruder = make_peer(server, 3)
    await intruder.connect()
    sio = intruder.sio

    async def code(event: str, *args: object) -> str:
        reply = await sio.call(event, args[0] if len(args) == 1 else args or None)
        assert reply["ok"] is False, reply
        assert reply["error"]["message"]
        return str(reply["error"]["code"])

    assert await code("publish", {"type": "offer", "sdp": "v=0"}) == "not-joined"
    assert await code("chat", {"text": "hi"}) == "not-joined"
    assert (await sio.call("join", {}))["ok"]
    assert await code("join", {}) == "already-joined"
    assert await code("teleport", {}) == "unknown-event"
    await wait_until(lambda: intruder.events_named("request-error"), 5, "request-error")
    assert intruder.events_named("request-error")[0]["event"] == "teleport"
    assert await code("publish", "an offer") == "invalid-payload"
    assert await code("publish", {"type": "offer"}) == "invalid-payload"
    assert await code("publish", {"type": "offer", "sdp": 5}) == "invalid-payload"
    assert await code("publish", {"type": "answer", "sdp": "v=0"}) == "invalid-payload"
    assert await code("publish", {"type": "offer", "sdp": "v=0", "x": 1}) == "invalid-payload"
    assert await code("chat", {"text": ["a"]}) == "invalid-payload"
    assert await code("ice-candidate", {"transport": "sideways", "candidate": None}) == (
        "invalid-payload"
    )
    assert await code("publish", {"type": "offer", "sdp": "this is not SDP"}) == "invalid-sdp"
    assert await code("publish", {"type": "offer", "sdp": AV1_ONLY_OFFER}) == ("no-usable-codec")
    too_long = "v=0\r\n" + "a=x\r\n" * (server.settings.limits.sdp_bytes // 5)
    assert await code("publish", {"type": "offer", "sdp": too_long}) == "payload-too-large"
    chat_limit = server.settings.limits.chat_text_chars
    assert await code("chat", {"text": "长" * (chat_limit + 1)}) == "payload-too-large"
    assert await code("chat", {"text": "   "}) == "invalid-chat-message"
    assert await code("subscribe-answer", {"type": "answer", "sdp": "v=0"}) in (
        "invalid-sdp",
        "invalid-media-state",
    )
    bad_candidate = {"candidate": "candidate:1 1 udp 1 evil.local 9 typ host", "sdpMid": "0"}
    assert await code("ice-candidate", {"transport": "send", "candidate": bad_candidate}) == (
        "invalid-sdp"
    )
    # After all that, the intruder is still a well-behaved participant.
    assert (await intruder.publish())["ok"]
    await intruder.close()


async def test_a_message_over_the_socket_limit_closes_only_that_connection(
    server: RunningServer, call: list[SignalingPeer]
) -> None:
    sender = make_peer(server, 3)
    await sender.join()
    huge = "x" * (server.settings.limits.socket_message_bytes + 1)
    await sender.sio.emit("chat", {"text": huge})
    await wait_until(lambda: not sender.sio.connected, 10, "Engine.IO to close the socket")
    for p in call:
        await wait_until(lambda p=p: p.events_named("participant-left"), 10, "its leave")
    await sender.close()


async def test_rest_api_checks_the_token_against_the_consultation(
    server: RunningServer,
) -> None:
    own = server.token("mdt-1", "p1", "Dr Li", Role.COORDINATOR)
    async with aiohttp.ClientSession(server.url) as http:
        async with http.get("/healthz") as response:
            assert response.status == 200 and (await response.json())["status"] == "ok"
        async with http.get("/api/consultations/mdt-1") as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "token-missing"
        headers = {"Authorization": f"Bearer {own}"}
        async with http.get("/api/consultations/mdt-2", headers=headers) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "wrong-consultation"
        async with http.get("/api/consultations/mdt-1", headers=headers) as response:
            assert response.status == 404  # nobody has joined it yet
        async with http.get("/api/me", headers=headers) as response:
            me = await response.json()
        assert (me["consultation_id"], me["display_name"], me["role"]) == (
            "mdt-1",
            "Dr Li",
            "coordinator",
        )
        async with http.get("/api/me", headers={"Authorization": "Bearer x.y.z"}) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "token-invalid"
        expired = server.token("mdt-1", "p1", "Dr Li", ttl_s=-5)
        async with http.get(
            "/api/consultations/mdt-1", headers={"Authorization": f"Bearer {expired}"}
        ) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "token-expired"
        async with http.get("/protocol.json") as response:
            described = await response.json()
        assert set(described["client_events"]) == {e.value for e in ClientEvent}
        assert "sdp" in described["client_events"]["publish"]["fields"]
    await asyncio.sleep(0)
