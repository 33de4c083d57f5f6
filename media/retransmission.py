"""The history of packets sent to one subscriber, to answer its NACKs (RFC 4585 §6.2.1)."""

from __future__ import annotations

#: 1024 packets is about 4 s of 720p VP8 at 2.5 Mbit/s (256 packets/s), comfortably
#: over the 1 s a village link's round trip plus a NACK retry needs. aiortc's own
#: history is 128 packets, half a second at that rate.
DEFAULT_HISTORY_PACKETS = 1024


class RetransmissionBuffer:
    """A ring of the last ``size`` packets, by outgoing sequence number."""

    def __init__(self, size: int = DEFAULT_HISTORY_PACKETS) -> None:
        if size <= 0 or size > 32768:
            raise ValueError("history size must be between 1 and 32768 packets")
        self._size = size
        self._slots: list[tuple[int, bytes] | None] = [None] * size

    def store(self, sequence_number: int, packet: bytes) -> None:
        self._slots[sequence_number % self._size] = (sequence_number, packet)

    def get(self, sequence_number: int) -> bytes | None:
        """The packet sent with ``sequence_number``, if it is still in the history."""
        slot = self._slots[sequence_number % self._size]
        if slot is None or slot[0] != sequence_number:
            return None
        return slot[1]
