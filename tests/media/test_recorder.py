"""Recording by remuxing: real publishers, files decoded afterwards, content checked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import numpy as np
import pytest

from media import Router, ntp_to_seconds
from tests.support.codec_census import CodecCensus
from tests.support.identity_media import dominant_hz, identity_from_tone, read_identity_frame
from tests.support.media_peer import MediaPeer, wait_until


def decoded_video(path: Path) -> list[tuple[int, int, float]]:
    """(identity, counter, seconds) of every decodable frame of a recorded file."""
    seen = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            decoded = read_identity_frame(frame.to_ndarray(format="gray"))
            assert decoded is not None, f"a garbled frame in {path.name}"
            seen.append((decoded[0], decoded[1], float(frame.time)))
    return seen


def decoded_tone(path: Path) -> tuple[int | None, float]:
    with av.open(str(path)) as container:
        # Opus decodes to planar channels: the first one is enough to find the tone.
        chunks = [f.to_ndarray()[0].astype(np.float64) for f in container.decode(audio=0)]
        rate = container.streams.audio[0].rate
    samples = np.concatenate(chunks)
    return identity_from_tone(dominant_hz(samples[: rate // 2])), len(samples) / rate


async def test_three_publishers_are_recorded_each_to_their_own_files_without_transcoding(
    router: Router, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    peers = [MediaPeer(router, identity) for identity in (1, 2, 3)]
    try:
        for peer in peers:
            await peer.publish()
        await wait_until(
            lambda: all(p.packets_received > 50 for p in router.producers.values()),
            20,
            "media to flow",
        )
        census = CodecCensus(monkeypatch)
        recorders = []
        videos = {}
        # Video first, so each microphone can be aligned to its publisher's camera.
        for producer in sorted(router.producers.values(), key=lambda p: p.kind != "video"):
            participant_id = producer.app_data["participant_id"]
            recorder = producer.record(
                tmp_path / f"{participant_id}-{producer.kind}.webm",
                {"participant_id": participant_id},
                align_to=videos.get(participant_id),
            )
            videos.setdefault(participant_id, recorder)
            recorders.append(recorder)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(4.0)
        results = [r.close() for r in recorders]
        recorded_s = loop.time() - started
        # The server declared the codecs to the muxer but opened no encoder or decoder.
        assert census.encoders == {} and census.decoders == {}
    finally:
        for peer in peers:
            await peer.close()

    by_participant: dict[str, dict[str, object]] = {}
    for result in results:
        by_participant.setdefault(result.app_data["participant_id"], {})[result.kind] = result
    for participant_id, tracks in by_participant.items():
        identity = int(participant_id[1:])
        video, audio = tracks["video"], tracks["audio"]
        frames = decoded_video(video.path)  # type: ignore[attr-defined]
        assert {f[0] for f in frames} == {identity}
        counters = [f[1] for f in frames]
        assert counters == sorted(counters) and len(set(counters)) == len(counters)
        duration = frames[-1][2] - frames[0][2]
        # Recording starts at the next keyframe, requested at once: within a second.
        assert recorded_s - 1.5 < duration <= recorded_s + 0.5, (duration, recorded_s)
        tone, audio_s = decoded_tone(audio.path)  # type: ignore[attr-defined]
        assert tone == identity
        assert abs(audio_s - recorded_s) < 0.5, (audio_s, recorded_s)
        # One publisher's audio starts with its video on the sender-report clock: never
        # before it, and well within the 2 s after which it would start alone (how far
        # after depends on the sender's reports, stamped late when its loop is busy).
        lag_s = ntp_to_seconds(audio.first_ntp) - ntp_to_seconds(video.first_ntp)  # type: ignore[attr-defined]
        assert 0 <= lag_s < 1.0, lag_s
