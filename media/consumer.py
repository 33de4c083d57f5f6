"""A Consumer: one producer's packets, re-stamped for one subscriber's m-line."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import RTCRtpTransceiver
from aiortc.codecs import is_rtx
from aiortc.rtp import RtpPacket

from . import _aiortc_hooks as hooks
from .producer import Producer
from .retransmission import RetransmissionBuffer
from .rtp_header import RtpStamp, StampParameters, wrap_rtx

logger = logging.getLogger(__name__)


class Consumer:
    """Writes a :class:`Producer`'s RTP to one subscriber, rewriting the header.

    Per RFC 7667 §3.7 (a "Media-Switching Mixer"), each outgoing stream is a new
    RTP stream: the SSRC and payload type are the ones negotiated on the
    subscriber's m-line, and sequence numbers and timestamps are shifted by fixed
    offsets chosen when forwarding starts, so gaps and reordering from the
    publisher pass through unchanged (and are NACKed end to end).

    Video starts on a keyframe: until one arrives nothing is sent, so the
    subscriber's decoder never sees a broken reference chain.
    """

    def __init__(
        self,
        producer: Producer,
        transceiver: RTCRtpTransceiver,
        stream_id: str,
        app_data: dict[str, Any],
        on_close: Callable[[Consumer], Awaitable[None]],
    ) -> None:
        self.id = str(uuid.uuid4())
        self.producer = producer
        self.kind = producer.kind
        self.app_data = app_data
        self.closed = False
        self.transceiver = transceiver
        self._sender = transceiver.sender
        self._on_close = on_close
        self._history = RetransmissionBuffer()
        self._started = False
        self._waiting_keyframe = producer.kind == "video"
        self._stamp: RtpStamp | None = None
        self._rtx_payload_type: int | None = None
        self._rtx_sequence_number = random.randint(0, 0x7FFF)
        # Sequence numbers are tracked "extended" (unwrapped) to survive the 16-bit wrap.
        self._in_start_ext = 0
        self._in_highest_ext = 0
        self._out_seq_base = random.randint(0, 0x7FFF)
        self._ts_offset = 0
        self.packets_sent = 0
        self.packets_retransmitted = 0
        hooks.park_sender(self._sender, stream_id, self._on_keyframe_request, self._on_nack)
        producer._attach(self)

    def __repr__(self) -> str:
        return f"Consumer({self.id[:8]} {self.kind} of {self.producer!r} mid={self.mid})"

    @property
    def mid(self) -> str | None:
        """The subscriber-side m-line, once negotiated: clients map tracks with it."""
        return self.transceiver.mid

    def _become_ready(self) -> RtpStamp | None:
        """Pick up the negotiated parameters once aiortc has started the sender."""
        if not hooks.sender_started(self._sender) or self._sender.transport.state != "connected":
            return None
        codecs = hooks.transceiver_codecs(self.transceiver)
        primary = next((c for c in codecs if not is_rtx(c)), None)
        if primary is None:
            return None
        stamp = RtpStamp(
            StampParameters(
                ssrc=self._sender._ssrc,
                payload_type=primary.payloadType,
                mid=self.transceiver.mid,
                extension_ids={
                    e.uri: e.id for e in hooks.transceiver_header_extensions(self.transceiver)
                },
            )
        )
        self._rtx_payload_type = next(
            (
                c.payloadType
                for c in codecs
                if is_rtx(c) and c.parameters.get("apt") == primary.payloadType
            ),
            None,
        )
        self._stamp = stamp
        if self._waiting_keyframe:
            self.producer.request_keyframe()
        return stamp

    def _start(self, packet: RtpPacket) -> None:
        self._started = True
        self._in_start_ext = self._in_highest_ext = 0x10000 + packet.sequence_number
        self._ts_offset = (random.randint(0, 0x7FFFFFFF) - packet.timestamp) & 0xFFFFFFFF

    def _extend(self, sequence_number: int) -> int | None:
        """The unwrapped sequence number, or None if it predates the start of forwarding."""
        diff = ((sequence_number - self._in_highest_ext + 0x8000) & 0xFFFF) - 0x8000
        extended = self._in_highest_ext + diff
        if extended < self._in_start_ext:
            return None
        if diff > 0:
            self._in_highest_ext = extended
        return extended

    async def _forward(
        self, packet: RtpPacket, is_keyframe: bool, ntp_timestamp: int, abs_send_time: int
    ) -> None:
        stamp = self._stamp or self._become_ready()
        if stamp is None or self.closed:
            return
        if not self._started:
            if self._waiting_keyframe and not is_keyframe:
                return
            self._waiting_keyframe = False
            self._start(packet)
        extended = self._extend(packet.sequence_number)
        if extended is None:
            return
        sequence_number = (self._out_seq_base + extended - self._in_start_ext) & 0xFFFF
        timestamp = (packet.timestamp + self._ts_offset) & 0xFFFFFFFF
        if self.kind == "video":
            data = stamp.packet(
                packet.marker,
                sequence_number,
                timestamp,
                packet.payload,
                abs_send_time=abs_send_time,
            )
        else:
            data = stamp.packet(
                packet.marker,
                sequence_number,
                timestamp,
                packet.payload,
                audio_level=packet.extensions.audio_level,
            )
        self._history.store(sequence_number, data)
        try:
            await hooks.send_rtp(self._sender, data)
        except ConnectionError:
            return
        hooks.record_sent(self._sender, ntp_timestamp, timestamp, len(packet.payload))
        self.packets_sent += 1

    def _on_keyframe_request(self) -> None:
        # The subscriber lost a picture (PLI) or needs a full refresh (FIR, RFC 5104).
        self.producer.request_keyframe()

    async def _on_nack(self, sequence_number: int) -> None:
        data = self._history.get(sequence_number)
        if data is None or self.closed:
            return
        if self._rtx_payload_type is not None:
            # RFC 4588: resend on the RTX stream with the original sequence number inside.
            data = wrap_rtx(
                data,
                payload_type=self._rtx_payload_type,
                sequence_number=self._rtx_sequence_number,
                ssrc=self._sender._rtx_ssrc,
            )
            self._rtx_sequence_number = (self._rtx_sequence_number + 1) & 0xFFFF
        try:
            await hooks.send_rtp(self._sender, data)
        except ConnectionError:
            return
        self.packets_retransmitted += 1

    async def close(self) -> None:
        """Stop forwarding to this subscriber. Idempotent; the transport renegotiates."""
        if self.closed:
            return
        self.closed = True
        self.producer._detach(self)
        await self._on_close(self)
