"""Every use of aiortc's (and aioice's) private internals, in one place.

aiortc is an endpoint, not a media server: it has no public API for raw RTP on
the receive side, and on the send side it only knows how to encode or
re-packetize frames. The SFU needs four things it does not offer:

* the parsed RTP packets of a publisher, before the jitter buffer;
* a receiver that never decodes;
* a sender that writes packets we stamped ourselves, while its own RTCP (sender
  reports) and NACK handling keep working;
* keyframe requests (PLI/FIR) from a subscriber, instead of a flag that only the
  encoder reads.

Each hook overrides attributes on one *instance* (never on a class), so an
unhooked peer connection in the same process behaves as stock aiortc. The one
exception is :func:`restrict_host_addresses`, which aioice only offers as a
module function; it is process-wide by nature and documented as such.

:func:`self_check` runs at engine start-up and fails loudly if aiortc changed.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Awaitable, Callable
from typing import Any

import aioice.ice
import aiortc
from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters
from aiortc.rtp import RtcpSrPacket, RtpPacket

from .errors import MediaError

AIORTC_VERSION = "1.16.0"

# Name-mangled attributes we read or write, checked by self_check().
_RECEIVER_ATTRS = (
    "_RTCRtpReceiver__decoder_queue",
    "_RTCRtpReceiver__codecs",
    "_RTCRtpReceiver__rtx_ssrc",
)
_RECEIVER_METHODS = ("_handle_rtp_packet", "_handle_rtcp_packet", "_send_rtcp_pli")
_SENDER_ATTRS = (
    "_RTCRtpSender__started",
    "_RTCRtpSender__ntp_timestamp",
    "_RTCRtpSender__rtp_timestamp",
    "_RTCRtpSender__octet_count",
    "_RTCRtpSender__packet_count",
    "_stream_id",
    "_ssrc",
    "_rtx_ssrc",
)
_SENDER_METHODS = ("_send_keyframe", "_retransmit")

RtpHandler = Callable[[RtpPacket, int], Awaitable[None]]
FrameSink = Callable[[RTCRtpCodecParameters, Any], None]


async def self_check() -> None:
    """Fail loudly if the aiortc internals the SFU hooks are not there.

    Builds a throw-away transceiver (no network is touched: candidates are only
    gathered by ``setLocalDescription``) and looks for every attribute we use.
    """
    if aiortc.__version__ != AIORTC_VERSION:
        raise MediaError(
            f"aiortc {aiortc.__version__} is installed but the SFU hooks were written "
            f"and tested for exactly {AIORTC_VERSION}"
        )
    if not callable(getattr(aioice.ice, "get_host_addresses", None)):
        raise MediaError("aioice.ice.get_host_addresses is missing")
    pc = RTCPeerConnection()
    try:
        transceiver = pc.addTransceiver("video", direction="sendrecv")
        missing = [
            f"RTCRtpReceiver.{name}"
            for name in (*_RECEIVER_ATTRS, *_RECEIVER_METHODS)
            if not hasattr(transceiver.receiver, name)
        ] + [
            f"RTCRtpSender.{name}"
            for name in (*_SENDER_ATTRS, *_SENDER_METHODS)
            if not hasattr(transceiver.sender, name)
        ]
        missing += [
            f"RTCRtpTransceiver.{name}"
            for name in ("_codecs", "_headerExtensions")
            if not hasattr(transceiver, name)
        ]
        transport = transceiver.sender.transport
        if not callable(getattr(transport, "_send_rtp", None)):
            missing.append("RTCDtlsTransport._send_rtp")
    finally:
        await pc.close()
    if missing:
        raise MediaError("aiortc internals the SFU needs are missing: " + ", ".join(missing))


def restrict_host_addresses(addresses: list[str] | None) -> None:
    """Offer only ``addresses`` as ICE host candidates (``None``: every interface).

    aioice gathers from every interface and has no per-connection setting, so this
    replaces its module-level lookup for the whole process. A dev server and the
    tests use it to stay on loopback (aioice otherwise leaves 127.0.0.1 out).
    """
    original = getattr(aioice.ice, "_mdt_original_get_host_addresses", None)
    if original is None:
        original = aioice.ice.get_host_addresses
        aioice.ice._mdt_original_get_host_addresses = original  # type: ignore[attr-defined]
    if addresses is None:
        aioice.ice.get_host_addresses = original
        return
    chosen = list(addresses)

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = get_host_addresses


# --- receive side -------------------------------------------------------------


class _FrameTap(queue.Queue):  # type: ignore[type-arg]
    """Stands in for the receiver's decoder queue: frames go to a sink, never a decoder.

    aiortc's decoder thread blocks on ``get()`` and only creates a decoder when the
    first frame arrives, so with this queue no decoder is ever created. ``None`` is
    the thread's stop signal and must still reach it.
    """

    def __init__(self, sink: FrameSink | None) -> None:
        super().__init__()
        self._sink = sink

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            super().put(None)
        elif self._sink is not None:
            codec, frame = item
            self._sink(codec, frame)


def disable_decoding(receiver: RTCRtpReceiver, frame_sink: FrameSink | None = None) -> None:
    """Turn the receiver's decoder off; complete encoded frames go to ``frame_sink``.

    Must run before ``receive()`` starts the decoder thread, i.e. in the ``track``
    event handler (it fires inside ``setRemoteDescription``; ``receive()`` runs once
    DTLS is up).
    """
    receiver._RTCRtpReceiver__decoder_queue = _FrameTap(frame_sink)  # type: ignore[attr-defined]


def intercept_rtp(receiver: RTCRtpReceiver, before: RtpHandler) -> None:
    """Run ``before(packet, arrival_time_ms)`` ahead of aiortc's own handling.

    aiortc's handler still runs afterwards so that its receiver reports, NACK
    generation and REMB towards the publisher keep working.
    """
    original: RtpHandler = receiver._handle_rtp_packet

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        await before(packet, arrival_time_ms)
        await original(packet, arrival_time_ms)

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]


def intercept_sender_reports(
    receiver: RTCRtpReceiver, on_report: Callable[[RtcpSrPacket], None]
) -> None:
    """Show every RTCP sender report from the publisher to ``on_report``.

    aiortc keeps only the middle 32 bits of the last SR; the SFU needs the full
    NTP/RTP pair to keep lip sync on the subscribers' sender reports.
    """
    original = receiver._handle_rtcp_packet

    async def handle_rtcp_packet(packet: Any) -> None:
        if isinstance(packet, RtcpSrPacket):
            on_report(packet)
        await original(packet)

    receiver._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]


def receiver_codecs(receiver: RTCRtpReceiver) -> dict[int, RTCRtpCodecParameters]:
    """The negotiated codecs by payload type (filled in by ``receive()``)."""
    codecs: dict[int, RTCRtpCodecParameters] = receiver._RTCRtpReceiver__codecs  # type: ignore[attr-defined]
    return codecs


def receiver_rtx_ssrcs(receiver: RTCRtpReceiver) -> dict[int, int]:
    """RTX SSRC → media SSRC, as announced in the publisher's SDP."""
    ssrcs: dict[int, int] = receiver._RTCRtpReceiver__rtx_ssrc  # type: ignore[attr-defined]
    return ssrcs


async def send_picture_loss(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    """Send a PLI (RFC 4585 §6.3.1) to the publisher of ``media_ssrc``."""
    await receiver._send_rtcp_pli(media_ssrc)


# --- send side ----------------------------------------------------------------


class _ParkedTrack(MediaStreamTrack):
    """A track whose ``recv()`` never returns: keeps the sender's own RTP loop idle.

    The sender's RTCP loop (sender reports, SDES, BYE) and its NACK/PLI handling
    still run; the packets themselves are written by the SFU.
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    async def recv(self) -> Any:
        await asyncio.Event().wait()


def park_sender(
    sender: RTCRtpSender,
    stream_id: str,
    on_keyframe_request: Callable[[], None],
    on_nack: Callable[[int], Awaitable[None]],
) -> None:
    """Prepare a sender to carry forwarded packets.

    ``stream_id`` becomes the ``a=msid`` stream of the m-line, so a subscriber's
    browser groups (and lip-syncs) one publisher's audio and video. PLI and FIR
    call ``on_keyframe_request``; NACKed sequence numbers go to ``on_nack`` instead
    of aiortc's 128-packet history, which is only half a second of 720p video.
    """
    sender.replaceTrack(_ParkedTrack(sender.kind))
    sender._stream_id = stream_id
    sender._send_keyframe = on_keyframe_request  # type: ignore[method-assign]
    sender._retransmit = on_nack  # type: ignore[method-assign]


def transceiver_codecs(transceiver: RTCRtpTransceiver) -> list[RTCRtpCodecParameters]:
    """The codecs negotiated on an m-line, preferred first (RTX entries included)."""
    codecs: list[RTCRtpCodecParameters] = transceiver._codecs
    return codecs


def transceiver_header_extensions(
    transceiver: RTCRtpTransceiver,
) -> list[RTCRtpHeaderExtensionParameters]:
    """The header extensions negotiated on an m-line (URI and id)."""
    extensions: list[RTCRtpHeaderExtensionParameters] = transceiver._headerExtensions
    return extensions


def sender_started(sender: RTCRtpSender) -> bool:
    """True once aiortc has called ``send()``: the m-line is negotiated and DTLS is up."""
    return bool(sender._RTCRtpSender__started)  # type: ignore[attr-defined]


def record_sent(sender: RTCRtpSender, ntp_timestamp: int, rtp_timestamp: int, size: int) -> None:
    """Keep the sender's SR counters true (RFC 3550 §6.4.1).

    Without this aiortc sends sender reports with zero counts and an NTP time of
    0, and the subscriber cannot line up audio with video.
    """
    sender._RTCRtpSender__ntp_timestamp = ntp_timestamp  # type: ignore[attr-defined]
    sender._RTCRtpSender__rtp_timestamp = rtp_timestamp  # type: ignore[attr-defined]
    sender._RTCRtpSender__octet_count += size  # type: ignore[attr-defined]
    sender._RTCRtpSender__packet_count += 1  # type: ignore[attr-defined]


async def send_rtp(sender: RTCRtpSender, data: bytes) -> None:
    """SRTP-protect and write one serialized RTP packet on the sender's transport."""
    await sender.transport._send_rtp(data)
