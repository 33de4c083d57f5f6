"""Fakes of the wire, the one thing tests may fake: loss patterns on a real connection."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

from aiortc import RTCPeerConnection


class LossyWire:
    """Drops a fraction of the RTP packets a peer connection receives.

    Installed on the connection's DTLS transport, after SRTP: losing a packet
    there is what losing it on the network looks like to the RTP stack (RTCP is
    left alone so NACKs and reports still get through, as on a real link where
    the loss is on the media-heavy downstream direction).
    """

    def __init__(self, loss_rate: float, seed: int) -> None:
        self.loss_rate = loss_rate
        self.dropped = 0
        self.passed = 0
        self._random = random.Random(seed)

    def install(self, pc: RTCPeerConnection) -> None:
        transport = pc.getTransceivers()[0].receiver.transport
        original: Callable[[bytes, int], Awaitable[None]] = transport._handle_rtp_data

        async def handle_rtp_data(data: bytes, arrival_time_ms: int) -> None:
            if self._random.random() < self.loss_rate:
                self.dropped += 1
                return
            self.passed += 1
            await original(data, arrival_time_ms)

        transport._handle_rtp_data = handle_rtp_data
