"""The per-subscriber packet history that answers NACKs."""

from __future__ import annotations

import pytest

from media.retransmission import DEFAULT_HISTORY_PACKETS, RetransmissionBuffer


def test_the_history_holds_over_a_second_of_720p_video() -> None:
    # 720p VP8 at 2.5 Mbit/s is about 256 packets/s.
    assert DEFAULT_HISTORY_PACKETS >= 256


def test_a_packet_is_found_until_its_slot_is_reused() -> None:
    history = RetransmissionBuffer(size=4)
    for seq in range(65533, 65536):
        history.store(seq, bytes([seq & 0xFF]))
    history.store(0, b"wrapped")
    assert history.get(65535) == bytes([0xFF])
    assert history.get(0) == b"wrapped"
    history.store(1, b"one")  # takes the slot of 65533
    assert history.get(65533) is None
    assert history.get(2) is None


def test_a_nonsensical_size_is_refused() -> None:
    with pytest.raises(ValueError):
        RetransmissionBuffer(size=0)
