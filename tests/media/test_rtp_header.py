"""Hand-laid RTP headers read back by aiortc's own parser."""

from __future__ import annotations

from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket, unwrap_rtx

from media.rtp_header import (
    ABS_SEND_TIME_URI,
    AUDIO_LEVEL_URI,
    MID_URI,
    RtpStamp,
    StampParameters,
    header_length,
    wrap_rtx,
)

IDS = {MID_URI: 4, ABS_SEND_TIME_URI: 2, AUDIO_LEVEL_URI: 1}


def _extensions_map() -> HeaderExtensionsMap:
    extensions_map = HeaderExtensionsMap()
    extensions_map.configure(
        RTCRtpParameters(
            headerExtensions=[
                RTCRtpHeaderExtensionParameters(id=i, uri=uri) for uri, i in IDS.items()
            ]
        )
    )
    return extensions_map


def test_a_stamped_video_packet_parses_with_every_field_in_place() -> None:
    stamp = RtpStamp(StampParameters(ssrc=0xDEADBEEF, payload_type=97, mid="12", extension_ids=IDS))
    data = stamp.packet(1, 65535, 0xFFFFFFF0, b"\x10\x00vp8", abs_send_time=0x123456)
    packet = RtpPacket.parse(data, _extensions_map())
    assert (packet.ssrc, packet.payload_type, packet.marker) == (0xDEADBEEF, 97, 1)
    assert (packet.sequence_number, packet.timestamp) == (65535, 0xFFFFFFF0)
    assert packet.extensions.mid == "12"
    assert packet.extensions.abs_send_time == 0x123456
    assert packet.payload == b"\x10\x00vp8"


def test_a_stamped_audio_packet_keeps_the_publishers_audio_level() -> None:
    stamp = RtpStamp(StampParameters(ssrc=1, payload_type=96, mid="3", extension_ids=IDS))
    data = stamp.packet(0, 7, 960, b"opus", audio_level=(True, 30))
    packet = RtpPacket.parse(data, _extensions_map())
    assert packet.extensions.audio_level == (True, 30)
    assert packet.extensions.mid == "3"
    assert packet.payload == b"opus"


def test_without_negotiated_extensions_the_header_is_twelve_bytes() -> None:
    stamp = RtpStamp(StampParameters(ssrc=1, payload_type=96, mid="0", extension_ids={}))
    data = stamp.packet(0, 1, 2, b"x", abs_send_time=5)
    assert header_length(data) == 12 and data[12:] == b"x"


def test_an_rtx_wrapped_packet_unwraps_to_the_original() -> None:
    stamp = RtpStamp(StampParameters(ssrc=1111, payload_type=97, mid="0", extension_ids=IDS))
    original = stamp.packet(1, 4242, 9000, b"payload", abs_send_time=77)
    rtx = RtpPacket.parse(wrap_rtx(original, 98, 17, 2222), _extensions_map())
    assert (rtx.payload_type, rtx.sequence_number, rtx.ssrc) == (98, 17, 2222)
    restored = unwrap_rtx(rtx, payload_type=97, ssrc=1111)
    assert (restored.sequence_number, restored.timestamp) == (4242, 9000)
    assert restored.payload == b"payload" and restored.marker == 1
    assert restored.extensions.mid == "0"
