"""Transports: bad offers, the close cascade, and what is left after everyone leaves."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCPeerConnection, RTCRtpSender

from media import (
    Engine,
    InvalidSdpError,
    MediaClosedError,
    MediaStateError,
    NoUsableCodecError,
    Router,
    TransportOptions,
)
from tests.support.identity_media import IdentityVideoTrack
from tests.support.media_peer import MediaPeer, wait_until
from tests.support.resources import other_tasks, udp_socket_count


async def _offer_from(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp


@pytest.mark.parametrize(
    "bad_sdp",
    [
        "this is not SDP",
        "",
        42,
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
        "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\n",
    ],
    ids=["prose", "empty", "not-a-string", "no-media", "no-ice-or-dtls"],
)
async def test_a_malformed_offer_is_refused_and_the_transport_still_works(
    router: Router, bad_sdp: object
) -> None:
    peer = MediaPeer(router, 1)
    try:
        with pytest.raises(InvalidSdpError):
            await peer.send_transport.publish(bad_sdp)
        assert peer.send_transport.producers == {}
        producers = await peer.publish(audio=False)
        assert [p.kind for p in producers] == ["video"]
    finally:
        await peer.close()


async def test_an_oversized_offer_is_refused(router: Router) -> None:
    transport = router.create_transport(TransportOptions(direction="send"))
    try:
        with pytest.raises(InvalidSdpError, match="larger than"):
            await transport.publish("v=0\r\n" + "a=x\r\n" * 100_000)
    finally:
        await transport.close()


async def test_an_offer_without_the_rooms_video_codec_is_refused_with_the_reason(
    router: Router,
) -> None:
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver(IdentityVideoTrack(1), direction="sendonly")
    transceiver.setCodecPreferences(
        [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"]
    )
    transport = router.create_transport(TransportOptions(direction="send"))
    try:
        with pytest.raises(NoUsableCodecError, match="VP8"):
            await transport.publish(await _offer_from(pc))
        assert router.producers == {}
    finally:
        await transport.close()
        await pc.close()


async def test_a_transport_refuses_what_its_direction_does_not_do(router: Router) -> None:
    send = router.create_transport(TransportOptions(direction="send"))
    recv = router.create_transport(TransportOptions(direction="recv"))
    try:
        with pytest.raises(MediaStateError):
            await recv.publish("v=0\r\n")
        with pytest.raises(MediaStateError):
            await recv.handle_answer("v=0\r\n")  # no offer is outstanding
        peer = MediaPeer(router, 2)
        producer = (await peer.publish(audio=False))[0]
        with pytest.raises(MediaStateError):
            await send.consume(producer, stream_id="x")
        await peer.close()
        with pytest.raises(MediaClosedError):
            await recv.consume(producer, stream_id="x")
    finally:
        await send.close()
        await recv.close()


async def test_a_bad_ice_candidate_is_refused(router: Router) -> None:
    transport = router.create_transport(TransportOptions(direction="send"))
    try:
        for bad in ("candidate", {"candidate": 5}, {"candidate": "garbage", "sdpMid": "0"}):
            with pytest.raises(InvalidSdpError):
                await transport.add_ice_candidate(bad)
        with pytest.raises(InvalidSdpError, match="mDNS"):
            await transport.add_ice_candidate(
                {
                    "candidate": "candidate:1 1 udp 2122260223 abc.local 5000 typ host",
                    "sdpMid": "0",
                }
            )
    finally:
        await transport.close()


async def test_a_publisher_who_leaves_is_removed_from_the_others_and_the_room_goes_on(
    router: Router,
) -> None:
    peers = [MediaPeer(router, i) for i in (1, 2, 3)]
    try:
        for peer in peers:
            await peer.publish(audio=False)
        for peer in peers:
            await peer.subscribe_to(router)
        await wait_until(
            lambda: all(
                len(p.video_readers()) == 2 and all(r.frames for r in p.video_readers())
                for p in peers
            ),
            30,
            "everyone to see everyone",
        )
        leaver = peers.pop()
        offers_before = [p.offers for p in peers]
        await leaver.send_transport.close()
        await leaver.send_transport.close()  # idempotent
        assert all(p.app_data["participant_id"] != leaver.name for p in router.producers.values())
        for peer in peers:
            assert all(
                c.producer.app_data["participant_id"] != leaver.name
                for c in peer.recv_transport.consumers.values()
            )
        await wait_until(
            lambda: all(p.offers > n for p, n in zip(peers, offers_before, strict=True)),
            10,
            "the others to renegotiate",
        )
        for peer in peers:
            directions = [t.direction for t in peer.recv_transport._pc.getTransceivers()]
            assert directions.count("inactive") == 1
            still = next(r for r in peer.video_readers() if r.identities - {leaver.identity})
            count = len(still.frames)
            await wait_until(lambda s=still, c=count: len(s.frames) > c + 10, 10, "video to go on")
        await leaver.close()
    finally:
        for peer in peers:
            await peer.close()


async def test_after_everyone_leaves_no_transport_task_or_udp_socket_is_left(
    engine: Engine,
) -> None:
    await asyncio.sleep(0.1)
    sockets_before = udp_socket_count()
    tasks_before = other_tasks()
    router = engine.create_router()
    peers = [MediaPeer(router, i) for i in (1, 2)]
    for peer in peers:
        await peer.publish()
    for peer in peers:
        await peer.subscribe_to(router)
    await wait_until(
        lambda: all(p.video_readers() and p.video_readers()[0].frames for p in peers),
        30,
        "media to flow",
    )
    assert udp_socket_count() > sockets_before
    for peer in peers:
        await peer.close()
    await router.close()
    await router.close()  # idempotent
    assert router.transports == {} and router.producers == {}
    assert engine.routers == {}
    await wait_until(lambda: udp_socket_count() == sockets_before, 10, "UDP sockets to close")
    await wait_until(lambda: other_tasks() <= tasks_before, 10, "tasks to finish")
