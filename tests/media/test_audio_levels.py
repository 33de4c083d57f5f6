"""The dominant speaker, from audio-level header extensions of real aiortc publishers."""

from __future__ import annotations

import itertools

from media import AudioLevelOptions, Producer, Router
from tests.support.media_peer import MediaPeer, wait_until


async def test_the_speaker_follows_who_is_not_muted_and_nobody_when_all_are(
    router: Router,
) -> None:
    reported: list[str | None] = []

    async def on_change(producer: Producer | None) -> None:
        reported.append(producer.app_data["participant_id"] if producer else None)

    observer = router.create_audio_level_observer(
        on_change, AudioLevelOptions(interval_s=0.1, hold=2, silence_intervals=3)
    )
    peers = [MediaPeer(router, identity) for identity in (1, 2)]
    try:
        for peer in peers:
            await peer.publish(video=False)
        first, second = (p.audio_track for p in peers)
        assert first is not None and second is not None
        second.muted = True
        await wait_until(lambda: reported[-1:] == ["p1"], 10, "p1 to be the speaker")
        first.muted, second.muted = True, False
        await wait_until(lambda: reported[-1:] == ["p2"], 10, "p2 to take over")
        second.muted = True
        await wait_until(lambda: reported[-1:] == [None], 10, "silence to be reported")
        # Reported on change only: never the same speaker twice in a row.
        assert all(a != b for a, b in itertools.pairwise(reported))
    finally:
        for peer in peers:
            await peer.close()
    await router.close()
    assert observer.closed and router.observers == []
