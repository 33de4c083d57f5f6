"""Pure SDP checks: codec narrowing, candidate parsing. No network."""

from __future__ import annotations

import pytest
from aiortc import RTCPeerConnection, sdp

from media import InvalidSdpError, NoUsableCodecError, VideoCodec
from media.negotiation import codec_preferences, parse_candidate, prepare_offer
from tests.support.identity_media import IdentityAudioTrack, IdentityVideoTrack

MDNS_LINE = "a=candidate:9 1 udp 2122260223 4f1c2d3e.local 50000 typ host"


async def _client_offer() -> str:
    pc = RTCPeerConnection()
    pc.addTransceiver(IdentityAudioTrack(1), direction="sendonly")
    pc.addTransceiver(IdentityVideoTrack(1), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    text = pc.localDescription.sdp
    await pc.close()
    return text


async def test_a_vp8_room_narrows_an_offer_to_vp8_its_rtx_and_opus() -> None:
    text, sections = prepare_offer(await _client_offer(), VideoCodec.VP8, 65536)
    description = sdp.SessionDescription.parse(text)
    video = next(m for m in description.media if m.kind == "video")
    audio = next(m for m in description.media if m.kind == "audio")
    assert [c.mimeType for c in video.rtp.codecs] == ["video/VP8", "video/rtx"]
    assert video.rtp.codecs[1].parameters["apt"] == video.rtp.codecs[0].payloadType
    assert [c.mimeType for c in audio.rtp.codecs] == ["audio/opus"]
    assert [(s.kind, s.sends) for s in sections] == [("audio", True), ("video", True)]


async def test_an_h264_room_keeps_only_baseline_packetization_mode_1() -> None:
    text, _ = prepare_offer(await _client_offer(), VideoCodec.H264, 65536)
    video = next(m for m in sdp.SessionDescription.parse(text).media if m.kind == "video")
    primary = [c for c in video.rtp.codecs if c.mimeType == "video/H264"]
    assert primary and all(str(c.parameters["packetization-mode"]) == "1" for c in primary)
    assert all(str(c.parameters["profile-level-id"]).startswith("42") for c in primary)
    assert "video/VP8" not in {c.mimeType for c in video.rtp.codecs}


async def test_mdns_candidates_in_an_offer_are_dropped() -> None:
    offer = await _client_offer()
    with_mdns = offer.replace("a=end-of-candidates", MDNS_LINE + "\r\na=end-of-candidates", 1)
    assert ".local" in with_mdns
    text, _ = prepare_offer(with_mdns, VideoCodec.VP8, 65536)
    assert ".local" not in text


async def test_an_offer_without_opus_is_refused_by_name() -> None:
    offer = await _client_offer()
    without_opus = "\r\n".join(
        line for line in offer.split("\r\n") if "opus" not in line.lower()
    ).replace("m=audio 9 UDP/TLS/RTP/SAVPF 96 0 8", "m=audio 9 UDP/TLS/RTP/SAVPF 0 8")
    with pytest.raises(NoUsableCodecError, match="Opus"):
        prepare_offer(without_opus, VideoCodec.VP8, 65536)


def test_the_servers_m_lines_offer_only_the_rooms_codec() -> None:
    assert [c.mimeType for c in codec_preferences("video", VideoCodec.VP8)] == [
        "video/VP8",
        "video/rtx",
    ]
    h264 = codec_preferences("video", VideoCodec.H264)
    assert [c.parameters.get("profile-level-id") for c in h264 if c.mimeType == "video/H264"] == [
        "42e01f"
    ]
    assert [c.mimeType for c in codec_preferences("audio", VideoCodec.VP8)] == ["audio/opus"]


def test_a_trickled_candidate_is_parsed_with_its_mid() -> None:
    candidate = parse_candidate(
        {
            "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        }
    )
    assert candidate is not None
    assert (candidate.ip, candidate.port, candidate.sdpMid) == ("127.0.0.1", 50000, "0")


def test_end_of_candidates_is_none() -> None:
    assert parse_candidate(None) is None
    assert parse_candidate({"candidate": "", "sdpMid": "0"}) is None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host"},
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 port typ host", "sdpMid": "0"},
        {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMLineIndex": True},
    ],
    ids=["list", "no-mid", "bad-port", "bool-index"],
)
def test_a_malformed_candidate_is_refused(payload: object) -> None:
    with pytest.raises(InvalidSdpError):
        parse_candidate(payload)
