"""Keyframe detection in RTP payloads, and rate-limited keyframe requests.

A subscriber that starts mid-stream can decode nothing until a keyframe, so a
consumer drops video until the first packet of one. Requests (PLI/FIR) from many
subscribers are collapsed so a publisher on a village uplink is not asked for a
burst of keyframes it cannot afford.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def is_vp8_keyframe_start(payload: bytes) -> bool:
    """True for the first packet of a VP8 keyframe.

    RFC 7741 §4.2: the payload descriptor's S bit is set and PID is 0 on the first
    packet of a frame; §4.3: the payload header's P bit (inverse key frame flag) is
    0 for a keyframe.
    """
    if not payload:
        return False
    first = payload[0]
    if not first & 0x10 or first & 0x07:
        return False
    pos = 1
    if first & 0x80:  # X: extended control bits follow
        if len(payload) <= pos:
            return False
        ext = payload[pos]
        pos += 1
        if ext & 0x80:  # I: picture ID, 7 or 15 bits
            if len(payload) <= pos:
                return False
            pos += 2 if payload[pos] & 0x80 else 1
        if ext & 0x40:  # L: TL0PICIDX
            pos += 1
        if ext & 0x30:  # T or K: TID/Y/KEYIDX
            pos += 1
    return len(payload) > pos and not payload[pos] & 0x01


_H264_IDR = 5
_H264_SPS = 7
_H264_STAP_A = 24
_H264_FU_A = 28


def is_h264_keyframe_start(payload: bytes) -> bool:
    """True for a packet that starts an H.264 IDR access unit (RFC 6184 §5)."""
    if not payload:
        return False
    nal_type = payload[0] & 0x1F
    if nal_type in (_H264_IDR, _H264_SPS):
        return True
    if nal_type == _H264_STAP_A:
        pos = 1
        while pos + 2 < len(payload):
            size = int.from_bytes(payload[pos : pos + 2], "big")
            if payload[pos + 2] & 0x1F in (_H264_IDR, _H264_SPS):
                return True
            pos += 2 + size
        return False
    if nal_type == _H264_FU_A and len(payload) > 1:
        start, fu_type = payload[1] & 0x80, payload[1] & 0x1F
        return bool(start) and fu_type == _H264_IDR
    return False


def keyframe_detector(mime_type: str) -> Callable[[bytes], bool]:
    """The keyframe test for a negotiated video codec's MIME type."""
    if mime_type.lower() == "video/h264":
        return is_h264_keyframe_start
    return is_vp8_keyframe_start


class KeyframeRequestLimiter:
    """Lets at most one keyframe request through per ``interval_s``.

    mediasoup protects producers the same way (at most one PLI/FIR per second by
    default); we use a shorter default so a late joiner waits less.
    """

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval_s = interval_s
        self._clock = clock
        self._last_s: float | None = None

    def wait_s(self) -> float:
        """0 if a request may go now (and counts it as sent), else the seconds to wait."""
        now = self._clock()
        if self._last_s is not None and now - self._last_s < self._interval_s:
            return self._interval_s - (now - self._last_s)
        self._last_s = now
        return 0.0
