"""Pure functions for SDP checks and codec choice (no network, no peer connection).

A forwarding SFU cannot translate between codecs, so every publisher and every
subscriber of a consultation must agree on one video codec (and Opus for audio).
These functions narrow a client's offer to that codec *before* aiortc sees it,
so a bad offer is refused with a clear reason and leaves no half-built
transceivers behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiortc import RTCIceCandidate, RTCRtpSender, sdp
from aiortc.rtcrtpparameters import RTCRtpCodecCapability, RTCRtpCodecParameters

from .errors import InvalidSdpError, NoUsableCodecError


class VideoCodec(StrEnum):
    """The one video codec a consultation's media is carried in."""

    VP8 = "VP8"
    #: Constrained baseline / baseline, packetization-mode 1 (what aiortc can packetize).
    H264 = "H264"


AUDIO_MIME = "audio/opus"
#: H.264 profiles aiortc can carry (RFC 6184 profile-level-id, first two bytes).
_H264_BASELINE_PROFILES = ("42e0", "4200")


@dataclass(frozen=True)
class OfferedMedia:
    """One audio or video section of a checked offer."""

    mid: str
    """The section's ``a=mid``."""
    kind: str
    """``audio`` or ``video``."""
    sends: bool
    """Whether the client sends media in this section (``sendonly``/``sendrecv``)."""


def _accepts_video(codec: RTCRtpCodecParameters, video_codec: VideoCodec) -> bool:
    if codec.mimeType.lower() != f"video/{video_codec.value}".lower():
        return False
    if video_codec is VideoCodec.H264:
        level_id = str(codec.parameters.get("profile-level-id", "")).lower()
        mode = str(codec.parameters.get("packetization-mode", "0"))
        return mode == "1" and level_id.startswith(_H264_BASELINE_PROFILES)
    return True


def _narrow_codecs(
    media: sdp.MediaDescription, video_codec: VideoCodec
) -> list[RTCRtpCodecParameters]:
    if media.kind == "audio":
        return [c for c in media.rtp.codecs if c.mimeType.lower() == AUDIO_MIME]
    primary = [c for c in media.rtp.codecs if _accepts_video(c, video_codec)]
    primary_types = {c.payloadType for c in primary}
    rtx = [
        c
        for c in media.rtp.codecs
        if c.mimeType.lower() == "video/rtx" and c.parameters.get("apt") in primary_types
    ]
    return primary + rtx


def parse_description(text: Any, expected_type: str, max_bytes: int) -> sdp.SessionDescription:
    """Parse an SDP and check the parts aiortc needs, or raise :class:`InvalidSdpError`."""
    if not isinstance(text, str):
        raise InvalidSdpError(f"the {expected_type} must be SDP text")
    if len(text.encode()) > max_bytes:
        raise InvalidSdpError(f"the {expected_type} is larger than {max_bytes} bytes")
    if not text.startswith("v=0"):
        raise InvalidSdpError(f"the {expected_type} is not SDP: it must start with v=0")
    try:
        description = sdp.SessionDescription.parse(text)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidSdpError(f"the {expected_type} could not be parsed: {exc}") from exc
    media_sections = [m for m in description.media if m.kind in ("audio", "video")]
    if not media_sections:
        raise InvalidSdpError(f"the {expected_type} has no audio or video section")
    for media in media_sections:
        if not media.rtp.muxId:
            raise InvalidSdpError(f"a {media.kind} section of the {expected_type} has no a=mid")
        if media.port == 0:
            continue
        if media.ice is None or not media.ice.usernameFragment or not media.ice.password:
            raise InvalidSdpError(
                f"the {media.kind} section {media.rtp.muxId} has no ICE credentials"
            )
        if media.dtls is None or not media.dtls.fingerprints:
            raise InvalidSdpError(
                f"the {media.kind} section {media.rtp.muxId} has no DTLS fingerprint"
            )
    description.type = expected_type
    return description


def prepare_offer(
    text: Any, video_codec: VideoCodec, max_bytes: int
) -> tuple[str, list[OfferedMedia]]:
    """Check a publisher's offer and narrow it to the consultation's codecs.

    Returns the SDP to hand to aiortc and the media sections it describes.
    mDNS host candidates (``*.local``) are dropped: resolving them would make the
    server send multicast queries on the hospital network, and a browser that
    hides its address has a TURN or server-reflexive candidate as well.
    """
    description = parse_description(text, "offer", max_bytes)
    sections: list[OfferedMedia] = []
    for media in description.media:
        if media.kind not in ("audio", "video") or media.port == 0:
            continue
        narrowed = _narrow_codecs(media, video_codec)
        if not any(c.mimeType.lower() != "video/rtx" for c in narrowed):
            wanted = "Opus" if media.kind == "audio" else video_codec.value
            raise NoUsableCodecError(
                f"the {media.kind} section {media.rtp.muxId} offers no {wanted}; "
                f"this consultation carries {media.kind} as {wanted}"
            )
        media.rtp.codecs = narrowed
        media.fmt = [c.payloadType for c in narrowed]
        media.ice_candidates = [c for c in media.ice_candidates if not _is_mdns(c.ip)]
        sections.append(
            OfferedMedia(
                mid=str(media.rtp.muxId),
                kind=media.kind,
                sends=media.direction in ("sendonly", "sendrecv"),
            )
        )
    return str(description), sections


def codec_preferences(kind: str, video_codec: VideoCodec) -> list[RTCRtpCodecCapability]:
    """What a server-made m-line of ``kind`` may carry: the room's codec (and its RTX)."""
    capabilities = RTCRtpSender.getCapabilities(kind).codecs
    if kind == "audio":
        return [c for c in capabilities if c.mimeType.lower() == AUDIO_MIME]
    chosen = [
        c
        for c in capabilities
        if c.mimeType.lower() == f"video/{video_codec.value}".lower()
        and (
            video_codec is VideoCodec.VP8
            or str(c.parameters.get("profile-level-id", "")).lower().startswith("42e0")
        )
    ]
    return chosen + [c for c in capabilities if c.mimeType.lower() == "video/rtx"]


def _is_mdns(host: str) -> bool:
    return host.lower().endswith(".local")


def parse_candidate(payload: Any) -> RTCIceCandidate | None:
    """A trickled candidate as the browser sends it (``RTCIceCandidate.toJSON()``).

    ``None`` or an empty candidate string means end-of-candidates. mDNS
    candidates are refused for the reason given in :func:`prepare_offer`.
    """
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise InvalidSdpError("an ICE candidate must be an object or null")
    line = payload.get("candidate")
    mid = payload.get("sdpMid")
    index = payload.get("sdpMLineIndex")
    if not isinstance(line, str) or (mid is not None and not isinstance(mid, str)):
        raise InvalidSdpError("an ICE candidate needs a candidate string and an sdpMid")
    if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
        raise InvalidSdpError("sdpMLineIndex must be an integer")
    if not line:
        return None
    if mid is None and index is None:
        raise InvalidSdpError("an ICE candidate needs sdpMid or sdpMLineIndex")
    text = line.removeprefix("candidate:")
    bits = text.split()
    # RFC 8839 §5.1: foundation component transport priority address port "typ" type ...
    # (checked here because aiortc's parser only asserts it).
    if (
        len(bits) < 8
        or bits[6] != "typ"
        or not (bits[1].isdigit() and bits[3].isdigit() and bits[5].isdigit())
        or bits[2].lower() not in ("udp", "tcp")
    ):
        raise InvalidSdpError("the ICE candidate is not of the form RFC 8839 gives")
    try:
        candidate = sdp.candidate_from_sdp(text)
    except (ValueError, IndexError) as exc:
        raise InvalidSdpError(f"the ICE candidate could not be parsed: {exc}") from exc
    if _is_mdns(candidate.ip):
        raise InvalidSdpError("mDNS (.local) candidates are not resolved by this server")
    candidate.sdpMid = mid
    candidate.sdpMLineIndex = index
    return candidate
