"""Recording a track by remuxing the packets the SFU forwards: no decoder, no encoder.

A :class:`TrackRecorder` sits beside a producer's consumers and gets the same
packets. VP8 packets are reassembled into frames (RFC 7741 payload descriptor)
and Opus packets are frames already; each frame becomes an ``av.Packet`` muxed
into WebM by PyAV. The stream is declared with the codec's encoder so the muxer
gets its codec parameters, but no frame ever reaches that encoder.

Crash safety: Matroska clusters are closed every second and each is flushed to
the file at once, so a process killed with SIGKILL leaves a file that plays up to
its last second or so (only the index and the duration are missing).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
from aiortc.codecs.vpx import VpxPayloadDescriptor
from aiortc.rtp import RtpPacket

from .errors import MediaStateError

if TYPE_CHECKING:
    from .producer import Producer

logger = logging.getLogger(__name__)

#: Matroska cluster length: how much a SIGKILL can lose at most.
CLUSTER_MS = 1000
#: Incomplete VP8 frames kept waiting for late (retransmitted) packets before one is given up.
MAX_PENDING_FRAMES = 30

#: How long an aligned recorder waits for its partner's first frame before it starts alone.
ALIGN_TIMEOUT_S = 2.0
#: Audio packets held while waiting for the camera (20 ms each: the timeout and a margin).
HELD_AUDIO_PACKETS = 150

_CODECS = {"video/vp8": ("libvpx", 90000), "audio/opus": ("libopus", 48000)}
_NTP_SECOND = 1 << 32


@dataclass(frozen=True)
class RecordedTrack:
    """What a closed recorder wrote."""

    path: Path
    kind: str
    mime_type: str | None
    frames: int
    """Frames written."""
    keyframes: int
    first_ntp: int | None
    """NTP time (RFC 5905 64-bit) of the first frame written, on the publisher's clock as
    mapped by its sender reports: the same clock for all tracks of one publisher."""
    last_ntp: int | None
    first_wall_ms: int | None
    """Server time (ms since the epoch) when the first frame was written."""
    last_wall_ms: int | None
    app_data: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Frame:
    """The packets of one VP8 frame (one RTP timestamp), by sequence number."""

    parts: dict[int, bytes] = field(default_factory=dict)
    start_seq: int | None = None
    end_seq: int | None = None
    keyframe: bool = False
    ntp: int = 0

    def complete(self) -> bool:
        if self.start_seq is None or self.end_seq is None:
            return False
        count = (self.end_seq - self.start_seq) % 65536 + 1
        return len(self.parts) == count and all(
            (self.start_seq + i) % 65536 in self.parts for i in range(count)
        )

    def payload(self) -> bytes:
        assert self.start_seq is not None
        return b"".join(self.parts[(self.start_seq + i) % 65536] for i in range(len(self.parts)))


class TrackRecorder:
    """Writes one producer's packets to a WebM file. Created by :meth:`Producer.record`."""

    def __init__(
        self,
        producer: Producer,
        path: Path,
        app_data: dict[str, Any],
        on_close: Callable[[TrackRecorder], None],
        align_to: TrackRecorder | None = None,
        recent: list[tuple[bytes, int, int]] | None = None,
    ) -> None:
        mime_type = (producer.mime_type or "").lower()
        if producer.mime_type is not None and mime_type not in _CODECS:
            raise MediaStateError(f"{producer.mime_type} cannot be recorded to WebM")
        self.producer = producer
        self.path = path
        self.app_data = app_data
        self.closed = False
        self._on_close = on_close
        self._align_to = align_to
        self._align_deadline: int | None = None
        # Audio from just before the recording began: the camera's first keyframe may have
        # been captured then (encoding takes longer than the network).
        self._held: deque[tuple[bytes, int, int]] = deque(
            (recent or []) if align_to is not None else [], maxlen=HELD_AUDIO_PACKETS
        )
        self._container: Any = None
        self._stream: Any = None
        self._time_base = Fraction(1, 90000 if producer.kind == "video" else 48000)
        self._first_ts: int | None = None
        self._last_ext_ts = 0
        self._last_pts = -1
        self._frames: dict[int, _Frame] = {}
        self._waiting_keyframe = producer.kind == "video"
        self.frames = 0
        self.keyframes = 0
        self.first_ntp: int | None = None
        self.last_ntp: int | None = None
        self.first_wall_ms: int | None = None
        self.last_wall_ms: int | None = None

    def __repr__(self) -> str:
        return f"TrackRecorder({self.path.name})"

    # --- the packet path (called by the producer, in order of arrival) ------------

    def _write(self, packet: RtpPacket, is_keyframe: bool, ntp: int) -> None:
        if self.closed:
            return
        try:
            if self.producer.kind == "video":
                self._collect(packet, is_keyframe, ntp)
            elif self._first_ts is not None or self._align_to is None:
                self._mux(packet.payload, packet.timestamp, True, ntp)
            else:
                self._align(packet.payload, packet.timestamp, ntp)
        except (av.FFmpegError, OSError, MediaStateError) as exc:
            # A full disk must not stop the consultation: stop this recording, keep the file.
            logger.error("%r: writing failed (%s); this track's recording stops", self, exc)
            self._finish()

    def _align(self, payload: bytes, timestamp: int, ntp: int) -> None:
        """Start a microphone's file with its camera's first frame.

        Audio is held meanwhile: the camera's first keyframe may arrive later than
        audio captured at the same moment (video encoding takes longer), so the file
        starts from the held packet captured with that frame. If no video comes within
        ALIGN_TIMEOUT_S, audio starts alone.
        """
        assert self._align_to is not None
        self._held.append((payload, timestamp, ntp))
        start = self._align_to.first_ntp
        if start is None:
            if self._align_deadline is None:
                self._align_deadline = ntp + int(ALIGN_TIMEOUT_S * _NTP_SECOND)
            if ntp < self._align_deadline:
                return
            start = ntp
        held, self._held = self._held, deque()
        for held_payload, held_timestamp, held_ntp in held:
            if held_ntp >= start:
                self._mux(held_payload, held_timestamp, True, held_ntp)

    def _collect(self, packet: RtpPacket, is_keyframe: bool, ntp: int) -> None:
        try:
            descriptor, data = VpxPayloadDescriptor.parse(packet.payload)
        except ValueError:
            return
        frame = self._frames.setdefault(packet.timestamp, _Frame(ntp=ntp))
        frame.parts[packet.sequence_number] = data
        if descriptor.partition_start and descriptor.partition_id == 0:
            frame.start_seq = packet.sequence_number
        if packet.marker:
            frame.end_seq = packet.sequence_number
        frame.keyframe = frame.keyframe or is_keyframe
        self._drain()

    def _drain(self) -> None:
        """Write complete frames oldest first; give up the oldest if it waits too long."""
        while self._frames:
            oldest_ts = min(self._frames, key=self._ts_order)
            frame = self._frames[oldest_ts]
            if frame.complete():
                del self._frames[oldest_ts]
                if self._waiting_keyframe and not frame.keyframe:
                    continue
                self._waiting_keyframe = False
                self._mux(frame.payload(), oldest_ts, frame.keyframe, frame.ntp)
            elif len(self._frames) > MAX_PENDING_FRAMES:
                # A frame lost for good: what follows cannot be decoded until a keyframe.
                del self._frames[oldest_ts]
                self._waiting_keyframe = True
                self.producer.request_keyframe()
            else:
                return

    def _ts_order(self, timestamp: int) -> int:
        # Order RTP timestamps by their distance from the last written one (32-bit wrap).
        return (timestamp - self._last_ext_ts) % (1 << 32)

    def _mux(self, payload: bytes, timestamp: int, keyframe: bool, ntp: int) -> None:
        if self._first_ts is None:
            self._open(payload)
            self._first_ts = timestamp
            self._last_ext_ts = timestamp
            self.first_ntp = ntp
        delta = (timestamp - self._last_ext_ts) % (1 << 32)
        if delta >= 1 << 31:
            return  # older than what is written: a duplicate or very late packet
        self._last_ext_ts += delta
        pts = self._last_ext_ts - self._first_ts
        if pts <= self._last_pts:
            return
        out = av.Packet(payload)
        out.pts = out.dts = pts
        out.time_base = self._time_base
        out.is_keyframe = keyframe
        out.stream = self._stream
        self._container.mux(out)
        self._last_pts = pts
        self.frames += 1
        self.keyframes += keyframe
        self.last_ntp = ntp
        self.last_wall_ms = time.time_ns() // 1_000_000
        if self.first_wall_ms is None:
            self.first_wall_ms = self.last_wall_ms

    def _open(self, first_payload: bytes) -> None:
        mime_type = (self.producer.mime_type or "").lower()
        if mime_type not in _CODECS:
            raise MediaStateError(f"{self.producer.mime_type} cannot be recorded to WebM")
        encoder, rate = _CODECS[mime_type]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(
            str(self.path),
            mode="w",
            format="webm",
            options={"cluster_time_limit": str(CLUSTER_MS), "flush_packets": "1"},
        )
        if self.producer.kind == "video":
            stream = self._container.add_stream(encoder, rate=30)
            stream.width, stream.height = _vp8_size(first_payload)
        else:
            stream = self._container.add_stream(encoder, rate=rate)
        stream.time_base = self._time_base
        self._stream = stream

    # --- closing ----------------------------------------------------------------

    def _finish(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except (av.FFmpegError, OSError) as exc:
                logger.error("%r: closing the file failed (%s)", self, exc)
            self._container = None
        self.closed = True

    def close(self) -> RecordedTrack:
        """Finish the file (index and duration) and detach. Idempotent."""
        if not self.closed:
            self._finish()
            self._on_close(self)
        return RecordedTrack(
            path=self.path,
            kind=self.producer.kind,
            mime_type=self.producer.mime_type,
            frames=self.frames,
            keyframes=self.keyframes,
            first_ntp=self.first_ntp,
            last_ntp=self.last_ntp,
            first_wall_ms=self.first_wall_ms,
            last_wall_ms=self.last_wall_ms,
            app_data=self.app_data,
        )


def _vp8_size(frame: bytes) -> tuple[int, int]:
    """Width and height from a VP8 keyframe header (RFC 6386 §9.1)."""
    if len(frame) < 10 or frame[0] & 1 or frame[3:6] != b"\x9d\x01\x2a":
        raise MediaStateError("a VP8 recording must start on a keyframe")
    width = int.from_bytes(frame[6:8], "little") & 0x3FFF
    height = int.from_bytes(frame[8:10], "little") & 0x3FFF
    return width, height


def ntp_to_seconds(ntp: int) -> float:
    """Seconds of an RFC 5905 64-bit NTP timestamp."""
    return ntp / _NTP_SECOND
