"""Producers: the publisher's clock reaches subscribers; H.264 rooms forward too."""

from __future__ import annotations

import pytest
from aiortc.rtp import RtcpSrPacket

from media import Engine, RouterOptions, VideoCodec
from tests.support.codec_census import CodecCensus
from tests.support.media_peer import MediaPeer, wait_until

_NTP_SECOND = 1 << 32


async def test_subscribers_sender_reports_carry_the_publishers_clock_for_lip_sync(
    engine: Engine,
) -> None:
    router = engine.create_router()
    publisher = MediaPeer(router, 1)
    subscriber = MediaPeer(router, 2)
    try:
        await publisher.publish()
        await subscriber.subscribe_to(router)
        await wait_until(
            lambda: len(subscriber.readers) == 2, 30, "the subscriber to get both tracks"
        )
        reports: dict[str, list[RtcpSrPacket]] = {"audio": [], "video": []}
        for receiver in subscriber.subscribe_pc.getReceivers():
            original = receiver._handle_rtcp_packet

            async def capture(packet, kind=receiver.track.kind, original=original) -> None:
                if isinstance(packet, RtcpSrPacket):
                    reports[kind].append(packet)
                await original(packet)

            receiver._handle_rtcp_packet = capture
        await wait_until(
            lambda: (
                all(len(r) >= 2 for r in reports.values())
                and all(p._sender_report for p in router.producers.values())
            ),
            30,
            "sender reports on both sides",
        )
        for consumer in subscriber.recv_transport.consumers.values():
            report = reports[consumer.kind][-1]
            assert report.sender_info.packet_count > 0 and report.sender_info.octet_count > 0
            clock_rate = 90000 if consumer.kind == "video" else 48000
            # Map the subscriber-side SR back to the publisher's RTP time, then through
            # the publisher's own SR to its wall clock: both must name the same instant.
            published_ts = (report.sender_info.rtp_timestamp - consumer._ts_offset) & 0xFFFFFFFF
            sr_ntp, sr_rtp = consumer.producer._sender_report
            delta = ((published_ts - sr_rtp + 0x80000000) & 0xFFFFFFFF) - 0x80000000
            expected_ntp = sr_ntp + delta * _NTP_SECOND // clock_rate
            error_s = abs(report.sender_info.ntp_timestamp - expected_ntp) / _NTP_SECOND
            assert error_s < 0.002, f"{consumer.kind} SR is off by {error_s:.4f} s"
    finally:
        await publisher.close()
        await subscriber.close()


async def test_an_h264_room_forwards_constrained_baseline_without_transcoding(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    census = CodecCensus(monkeypatch)
    router = engine.create_router(RouterOptions(video_codec=VideoCodec.H264))
    publisher = MediaPeer(router, 3)
    subscriber = MediaPeer(router, 4)
    try:
        producers = await publisher.publish(audio=False)
        assert producers[0].kind == "video"
        await subscriber.subscribe_to(router)
        await wait_until(
            lambda: subscriber.video_readers() and len(subscriber.video_readers()[0].frames) > 20,
            30,
            "H.264 frames at the subscriber",
        )
        assert subscriber.video_readers()[0].identities == {3}
        assert producers[0].mime_type == "video/H264"
        assert census.encoders == {"video/h264": 1}
        assert census.decoders == {"video/h264": 1}
    finally:
        await publisher.close()
        await subscriber.close()
