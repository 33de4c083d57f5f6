"""Keyframe detection in VP8 and H.264 payloads, and the request limiter."""

from __future__ import annotations

from media.keyframes import KeyframeRequestLimiter, is_h264_keyframe_start, is_vp8_keyframe_start


def test_a_vp8_keyframe_start_is_recognized_with_and_without_picture_id() -> None:
    # S=1, PID=0, no extension; payload header P bit 0 (RFC 7741 §4.3) = keyframe.
    assert is_vp8_keyframe_start(bytes([0x10, 0x00]))
    # X=1, I=1 with a 15-bit picture id (M bit set), then the payload header.
    assert is_vp8_keyframe_start(bytes([0x90, 0x80, 0x81, 0x23, 0x00]))
    # Same, but P=1: an interframe.
    assert not is_vp8_keyframe_start(bytes([0x90, 0x80, 0x81, 0x23, 0x01]))
    # S=0: a continuation packet of a keyframe is not its start.
    assert not is_vp8_keyframe_start(bytes([0x00, 0x00]))
    # PID=1: not the first partition.
    assert not is_vp8_keyframe_start(bytes([0x11, 0x00]))
    assert not is_vp8_keyframe_start(b"")
    assert not is_vp8_keyframe_start(bytes([0x90, 0x80]))  # truncated


def test_h264_idr_sps_stap_a_and_fu_a_starts_are_recognized() -> None:
    assert is_h264_keyframe_start(bytes([0x65, 0x88]))  # IDR
    assert is_h264_keyframe_start(bytes([0x67, 0x42]))  # SPS
    assert not is_h264_keyframe_start(bytes([0x61, 0x88]))  # non-IDR slice
    stap_a = bytes([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE])
    assert is_h264_keyframe_start(stap_a)
    assert is_h264_keyframe_start(bytes([0x7C, 0x85, 0x00]))  # FU-A start of IDR
    assert not is_h264_keyframe_start(bytes([0x7C, 0x05, 0x00]))  # FU-A middle
    assert not is_h264_keyframe_start(b"")


def test_keyframe_requests_are_collapsed_to_one_per_interval() -> None:
    now = [100.0]
    limiter = KeyframeRequestLimiter(0.5, clock=lambda: now[0])
    assert limiter.wait_s() == 0.0
    now[0] += 0.2
    assert abs(limiter.wait_s() - 0.3) < 1e-9
    now[0] += 0.3
    assert limiter.wait_s() == 0.0
