"""A Producer: one incoming track of a publisher, fanned out packet by packet."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiortc import RTCRtpReceiver, clock
from aiortc.codecs import is_rtx
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtcpSrPacket, RtpPacket, unwrap_rtx

from . import _aiortc_hooks as hooks
from .errors import MediaClosedError
from .keyframes import KeyframeRequestLimiter, keyframe_detector
from .recorder import TrackRecorder

if TYPE_CHECKING:
    from .consumer import Consumer

logger = logging.getLogger(__name__)

#: Upstream keyframe requests are collapsed to one per this interval.
KEYFRAME_REQUEST_INTERVAL_S = 0.5
#: Audio kept for aligned recordings: one second of 20 ms Opus packets.
RECENT_AUDIO_PACKETS = 50

_NTP_SECOND = 1 << 32


class Producer:
    """An incoming audio or video track. Created by a send :class:`Transport`.

    Every RTP packet is handed, unchanged, to each :class:`Consumer`, which
    re-stamps and writes it; nothing is decoded. aiortc's own receive path still
    runs after the fan-out, for receiver reports and NACKs towards the publisher,
    with its decoder switched off.
    """

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        kind: str,
        mid: str,
        app_data: dict[str, Any],
        on_close: Callable[[Producer], Awaitable[None]],
    ) -> None:
        self.id = str(uuid.uuid4())
        self.kind = kind
        self.mid = mid
        self.app_data = app_data
        self.closed = False
        self.consumers: dict[str, Consumer] = {}
        self.recorders: list[TrackRecorder] = []
        # The last second of audio (payload, RTP timestamp, NTP), for a recording that
        # starts aligned to a camera frame captured a moment ago.
        self._recent_audio: deque[tuple[bytes, int, int]] = deque(maxlen=RECENT_AUDIO_PACKETS)
        self._receiver = receiver
        self._on_close = on_close
        self._codecs: dict[int, RTCRtpCodecParameters] = {}
        self._rtx_ssrcs: dict[int, int] = {}
        self._media_ssrc: int | None = None
        self._is_keyframe = keyframe_detector("video/VP8")
        self._limiter = KeyframeRequestLimiter(KEYFRAME_REQUEST_INTERVAL_S)
        self._keyframe_timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # The publisher's last sender report: (NTP time, RTP timestamp), RFC 3550 §6.4.1.
        self._sender_report: tuple[int, int] | None = None
        self.packets_received = 0
        # Audio levels (RFC 6464, 0 loudest .. 127 silent) since the last take_audio_level().
        self._level_sum = 0
        self._level_count = 0
        hooks.disable_decoding(receiver)
        hooks.intercept_rtp(receiver, self._on_rtp)
        hooks.intercept_sender_reports(receiver, self._on_sender_report)

    def __repr__(self) -> str:
        return f"Producer({self.id[:8]} {self.kind} mid={self.mid})"

    @property
    def mime_type(self) -> str | None:
        """The negotiated codec, once media flows."""
        primary = next((c for c in self._codecs.values() if not is_rtx(c)), None)
        return primary.mimeType if primary else None

    def take_audio_level(self) -> float | None:
        """Mean level in dBov (0 loudest, -127 silent) of the packets since the last call,
        from the publisher's audio-level header extension; ``None`` if none carried one."""
        if self._level_count == 0:
            return None
        mean = -self._level_sum / self._level_count
        self._level_sum = self._level_count = 0
        return mean

    def _attach(self, consumer: Consumer) -> None:
        self.consumers[consumer.id] = consumer

    def _detach(self, consumer: Consumer) -> None:
        self.consumers.pop(consumer.id, None)

    def record(
        self,
        path: Path,
        app_data: dict[str, Any] | None = None,
        align_to: TrackRecorder | None = None,
    ) -> TrackRecorder:
        """Start writing this track to a WebM file at ``path`` (video: from its next
        keyframe). With ``align_to`` (the same publisher's video recorder), the file
        starts with that one's first frame."""
        if self.closed:
            raise MediaClosedError(f"{self!r} is closed")
        recorder = TrackRecorder(self, path, dict(app_data or {}), self.recorders.remove, align_to)
        self.recorders.append(recorder)
        self.request_keyframe()
        return recorder

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe (PLI), at most once per interval.

        A request inside the interval is not dropped but deferred to its end, so a
        subscriber that joins just after another still gets its keyframe promptly.
        """
        if self.closed or self.kind != "video" or self._keyframe_timer is not None:
            return
        wait_s = self._limiter.wait_s()
        if wait_s > 0:
            self._keyframe_timer = asyncio.get_running_loop().call_later(
                wait_s, self._deferred_keyframe_request
            )
            return
        self._spawn(self._send_picture_loss())

    def _deferred_keyframe_request(self) -> None:
        self._keyframe_timer = None
        self.request_keyframe()

    async def _send_picture_loss(self) -> None:
        if self._media_ssrc is not None and not self.closed:
            await hooks.send_picture_loss(self._receiver, self._media_ssrc)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_sender_report(self, report: RtcpSrPacket) -> None:
        self._sender_report = (report.sender_info.ntp_timestamp, report.sender_info.rtp_timestamp)

    def _ntp_for(self, rtp_timestamp: int, clock_rate: int, now_ntp: int) -> int:
        """The publisher's wall-clock time of ``rtp_timestamp``, from its last SR.

        Subscribers' sender reports carry this, so the publisher's own audio/video
        alignment reaches them intact. Before the first SR, arrival time stands in.
        """
        if self._sender_report is None:
            return now_ntp
        sr_ntp, sr_rtp = self._sender_report
        delta = (rtp_timestamp - sr_rtp) & 0xFFFFFFFF
        if delta >= 0x80000000:
            delta -= 0x100000000
        return (sr_ntp + delta * _NTP_SECOND // clock_rate) & 0xFFFFFFFFFFFFFFFF

    async def _on_rtp(self, packet: RtpPacket, arrival_time_ms: int) -> None:
        if self.closed:
            return
        codec = self._codecs.get(packet.payload_type)
        if codec is None:
            # receive() fills the codec table before aiortc routes any packet to us.
            self._codecs = hooks.receiver_codecs(self._receiver)
            self._rtx_ssrcs = hooks.receiver_rtx_ssrcs(self._receiver)
            codec = self._codecs.get(packet.payload_type)
            if codec is None:
                return
            self._is_keyframe = keyframe_detector(self.mime_type or "")
        if is_rtx(codec):
            apt = codec.parameters.get("apt")
            media_ssrc = self._rtx_ssrcs.get(packet.ssrc)
            # An empty RTX packet is padding for bandwidth probing: nothing to forward.
            if media_ssrc is None or len(packet.payload) <= 2 or not isinstance(apt, int):
                return
            packet = unwrap_rtx(packet, payload_type=apt, ssrc=media_ssrc)
            codec = self._codecs.get(apt, codec)
        elif not packet.payload:
            return
        else:
            self._media_ssrc = packet.ssrc
        self.packets_received += 1
        if packet.extensions.audio_level is not None:
            self._level_sum += packet.extensions.audio_level[1]
            self._level_count += 1
        if not self.consumers and not self.recorders:
            return
        now_ntp = clock.current_ntp_time()
        ntp = self._ntp_for(packet.timestamp, codec.clockRate, now_ntp)
        is_keyframe = self.kind == "video" and self._is_keyframe(packet.payload)
        if self.kind == "audio":
            self._recent_audio.append((packet.payload, packet.timestamp, ntp))
        for recorder in list(self.recorders):
            recorder._write(packet, is_keyframe, ntp)
        abs_send_time = (now_ntp >> 14) & 0x00FFFFFF
        for consumer in list(self.consumers.values()):
            await consumer._forward(packet, is_keyframe, ntp, abs_send_time)

    async def close(self) -> None:
        """Stop forwarding and close every consumer of this track. Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self._keyframe_timer is not None:
            self._keyframe_timer.cancel()
            self._keyframe_timer = None
        for task in list(self._tasks):
            task.cancel()
        for consumer in list(self.consumers.values()):
            await consumer.close()
        for recorder in list(self.recorders):
            recorder.close()
        await self._on_close(self)
