"""Writing re-stamped RTP headers straight to bytes (RFC 3550 §5.1, RFC 8285 §4.2).

A consumer writes every forwarded packet, so this is the SFU's hottest path.
Building an ``RtpPacket`` and serializing it through aiortc's generic extension
map costs several microseconds per packet; a consumer's header differs from the
last one only in marker, sequence number, timestamp and abs-send-time, so the
fixed parts are laid out once.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

_FIXED = struct.Struct("!BBHLL")
_ONE_BYTE_PROFILE = 0xBEDE
_VERSION_2 = 0x80
_EXTENSION_BIT = 0x10


@dataclass(frozen=True)
class StampParameters:
    """What a subscriber's m-line negotiated, for stamping its packets."""

    ssrc: int
    """The SSRC of the server's sender on this m-line."""
    payload_type: int
    """The payload type of the room's codec on this m-line."""
    mid: str | None
    """The m-line's mid, sent in the sdes:mid extension (RFC 8843 §15)."""
    extension_ids: dict[str, int]
    """Negotiated header extension ids by URI."""


class RtpStamp:
    """Lays out one subscriber stream's packets: fixed SSRC, PT and extensions."""

    def __init__(self, parameters: StampParameters) -> None:
        self._ssrc = parameters.ssrc
        self._payload_type = parameters.payload_type
        ids = parameters.extension_ids
        self._mid_element = b""
        mid_id = ids.get(MID_URI)
        if parameters.mid is not None and mid_id:
            mid = parameters.mid.encode()
            self._mid_element = bytes([(mid_id << 4) | (len(mid) - 1)]) + mid
        self._abs_send_time_id = ids.get(ABS_SEND_TIME_URI, 0)
        self._audio_level_id = ids.get(AUDIO_LEVEL_URI, 0)

    def _extensions(self, abs_send_time: int | None, audio_level: tuple[bool, int] | None) -> bytes:
        elements = self._mid_element
        if abs_send_time is not None and self._abs_send_time_id:
            elements += bytes([(self._abs_send_time_id << 4) | 2]) + (
                abs_send_time & 0xFFFFFF
            ).to_bytes(3, "big")
        if audio_level is not None and self._audio_level_id:
            # RFC 6464 §3: V bit, then the level in -dBov.
            voice, level = audio_level
            elements += bytes([self._audio_level_id << 4, (0x80 if voice else 0) | (level & 0x7F)])
        if not elements:
            return b""
        padding = -len(elements) % 4
        return (
            struct.pack("!HH", _ONE_BYTE_PROFILE, (len(elements) + padding) // 4)
            + elements
            + bytes(padding)
        )

    def packet(
        self,
        marker: int,
        sequence_number: int,
        timestamp: int,
        payload: bytes,
        abs_send_time: int | None = None,
        audio_level: tuple[bool, int] | None = None,
    ) -> bytes:
        """One complete RTP packet for this stream."""
        extensions = self._extensions(abs_send_time, audio_level)
        first = _VERSION_2 | (_EXTENSION_BIT if extensions else 0)
        header = _FIXED.pack(
            first, (marker << 7) | self._payload_type, sequence_number, timestamp, self._ssrc
        )
        return header + extensions + payload


def header_length(packet: bytes) -> int:
    """Length of an RTP packet's header: fixed part, CSRCs and extension block."""
    length = 12 + 4 * (packet[0] & 0x0F)
    if packet[0] & _EXTENSION_BIT:
        length += 4 + 4 * int.from_bytes(packet[length + 2 : length + 4], "big")
    return length


def wrap_rtx(packet: bytes, payload_type: int, sequence_number: int, ssrc: int) -> bytes:
    """The RFC 4588 §4 retransmission of ``packet``: its original sequence number
    (OSN) leads the payload, and the RTX stream's PT, sequence number and SSRC
    replace the originals. Padding is not carried over (§4: it is not repaired).
    """
    start = header_length(packet)
    end = len(packet) - packet[-1] if packet[0] & 0x20 else len(packet)
    first = packet[0] & ~0x20
    header = _FIXED.pack(
        first,
        (packet[1] & 0x80) | payload_type,
        sequence_number,
        int.from_bytes(packet[4:8], "big"),
        ssrc,
    )
    return header + packet[12:start] + packet[2:4] + packet[start:end]
