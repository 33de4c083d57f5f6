"""Three real aiortc participants through the SFU: who sees whom, and what."""

from __future__ import annotations

import asyncio

import pytest

from media import Router
from tests.support.codec_census import CodecCensus
from tests.support.media_peer import MediaPeer, wait_until


async def test_three_participants_each_see_and_hear_the_other_two_and_never_themselves(
    router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    census = CodecCensus(monkeypatch)
    peers = [MediaPeer(router, identity) for identity in (1, 2, 3)]
    try:
        for peer in peers:
            await peer.publish()
        for peer in peers:
            await peer.subscribe_to(router)

        def everyone_sees_two() -> bool:
            return all(
                len([r for r in p.video_readers() if len(r.frames) >= 30]) == 2 for p in peers
            )

        await wait_until(everyone_sees_two, 30, "every participant to decode two videos")
        await asyncio.sleep(1.0)  # let the audio analysis gather a few windows
        for peer in peers:
            others = {p.identity for p in peers} - {peer.identity}
            seen = [r.identities for r in peer.video_readers()]
            assert sorted(min(s) for s in seen if s) == sorted(others)
            assert all(len(s) == 1 for s in seen), f"a track mixed senders: {seen}"
            for reader in peer.video_readers():
                counters = [f.counter for f in reader.frames]
                assert counters == sorted(counters) and len(set(counters)) == len(counters)
                assert reader.frames[-1].width == 320
            heard = set().union(*(r.identities for r in peer.audio_readers()))
            assert heard == others, f"{peer.name} heard {[r.tones for r in peer.audio_readers()]}"
        # Clients encode 3 videos and 3 audios and decode 6 of each: the server adds none.
        assert census.encoders == {"video/vp8": 3, "audio/opus": 3}
        assert census.decoders == {"video/vp8": 6, "audio/opus": 6}
    finally:
        for peer in peers:
            await peer.close()
