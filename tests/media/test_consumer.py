"""What each subscriber receives: keyframe start, NACK recovery, re-stamped headers."""

from __future__ import annotations

import itertools
import time

from media import Router
from tests.support.media_peer import MediaPeer, wait_until
from tests.support.wire import LossyWire


async def test_a_participant_who_joins_late_sees_everyone_within_a_second(router: Router) -> None:
    early = [MediaPeer(router, 1), MediaPeer(router, 2)]
    late = MediaPeer(router, 3)
    try:
        for peer in early:
            await peer.publish(audio=False)
        for peer in early:
            await peer.subscribe_to(router)
        await wait_until(
            lambda: all(
                len(p.video_readers()) == 1 and len(p.video_readers()[0].frames) > 30 for p in early
            ),
            30,
            "the first two to see each other",
        )
        # aiortc's encoder makes a keyframe only every 3000 frames (100 s) unless asked:
        # the late joiner can only see anyone this soon through a forwarded keyframe request.
        requests = {p.identity: 0 for p in early}
        for peer in early:
            sender = peer.publish_pc.getSenders()[0]
            original = sender._send_keyframe

            def counting(identity: int = peer.identity, original=original) -> None:
                requests[identity] += 1
                original()

            sender._send_keyframe = counting
        await late.publish(audio=False)
        await late.subscribe_to(router)
        await wait_until(
            lambda: late.subscribe_pc.connectionState == "connected",
            30,
            "the late joiner to connect",
        )
        connected_at = time.monotonic()
        await wait_until(
            lambda: len(late.video_readers()) == 2 and all(r.frames for r in late.video_readers()),
            30,
            "the late joiner's first frames",
        )
        first_frames = [r.frames[0] for r in late.video_readers()]
        assert {f.identity for f in first_frames} == {1, 2}
        assert all(f.at - connected_at < 1.0 for f in first_frames), first_frames
        assert all(count >= 1 for count in requests.values()), requests
        assert all(r.garbled_frames == 0 for r in late.video_readers())
    finally:
        for peer in [*early, late]:
            await peer.close()


async def test_a_subscriber_with_five_percent_loss_still_decodes_a_continuous_stream(
    router: Router,
) -> None:
    publisher = MediaPeer(router, 4)
    wire = LossyWire(loss_rate=0.05, seed=7)
    subscriber = MediaPeer(router, 5, wire=wire)
    try:
        await publisher.publish(audio=False)
        await subscriber.subscribe_to(router)
        await wait_until(
            lambda: subscriber.video_readers() and len(subscriber.video_readers()[0].frames) > 150,
            60,
            "150 frames through the lossy link",
        )
        frames = subscriber.video_readers()[0].frames
        counters = [f.counter for f in frames]
        gaps = [b - a for a, b in itertools.pairwise(counters) if b - a != 1]
        consumer = next(iter(subscriber.recv_transport.consumers.values()))
        assert wire.dropped > 0
        assert consumer.packets_retransmitted > 0
        assert gaps == [], f"frames were skipped: {gaps}"
        assert subscriber.video_readers()[0].garbled_frames == 0
    finally:
        await publisher.close()
        await subscriber.close()


async def test_each_subscriber_receives_the_servers_ssrc_not_the_publishers(
    router: Router,
) -> None:
    publisher = MediaPeer(router, 6)
    subscribers = [MediaPeer(router, 7), MediaPeer(router, 8)]
    try:
        await publisher.publish(audio=False)
        for peer in subscribers:
            await peer.subscribe_to(router)
        await wait_until(
            lambda: all(p.video_readers() and p.video_readers()[0].frames for p in subscribers),
            30,
            "both subscribers to decode",
        )
        published_ssrc = publisher.publish_pc.getSenders()[0]._ssrc
        received = []
        for peer in subscribers:
            consumer = next(iter(peer.recv_transport.consumers.values()))
            sources = {
                s.source for s in peer.subscribe_pc.getReceivers()[0].getSynchronizationSources()
            }
            assert sources == {consumer.transceiver.sender._ssrc}
            received.append(sources)
        assert published_ssrc not in received[0] | received[1]
        assert received[0] != received[1]
    finally:
        await publisher.close()
        for peer in subscribers:
            await peer.close()
