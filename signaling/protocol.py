"""The Socket.IO protocol between a client and the server, defined once.

Every client event takes exactly one JSON object and is answered through the
Socket.IO acknowledgement with ``{"ok": true, ...}`` or
``{"ok": false, "error": {"code", "message"}}``. An event name the protocol
does not define is answered the same way and also gets a ``request-error``
event, for clients that sent it without asking for an acknowledgement.
Server events carry the dataclasses below, as JSON objects.

``GET /protocol.json`` serves :func:`describe`, so a client author never has to
read Python.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from rooms import ChatMessage, Participant
from rooms.viewer import SharedViewer

from .config import LimitsConfig
from .errors import InvalidPayloadError, PayloadTooLargeError, UnknownEventError

#: What a published track is, as the publisher names it (in ``publish.sources``).
Source = Literal["camera", "microphone", "screen", "screen-audio"]


class ClientEvent(StrEnum):
    """Events a client sends."""

    JOIN = "join"
    LEAVE = "leave"
    PUBLISH = "publish"
    SUBSCRIBE_ANSWER = "subscribe-answer"
    ICE_CANDIDATE = "ice-candidate"
    CHAT = "chat"
    MEDIA_STATE = "media-state"
    RECORDING_CONSENT = "recording-consent"
    RECORDING_START = "recording-start"
    RECORDING_STOP = "recording-stop"
    VIEWER_UPDATE = "viewer-update"
    VIEWER_CONTROL = "viewer-control"
    VIEWER_MEASURE = "viewer-measure"


class ServerEvent(StrEnum):
    """Events the server sends."""

    PARTICIPANT_JOINED = "participant-joined"
    PARTICIPANT_LEFT = "participant-left"
    PARTICIPANT_UPDATED = "participant-updated"
    ACTIVE_SPEAKER = "active-speaker"
    RECORDING_STATE = "recording-state"
    VIEWER_STATE = "viewer-state"
    TRACK_PUBLISHED = "track-published"
    TRACK_UNPUBLISHED = "track-unpublished"
    SUBSCRIBE_OFFER = "subscribe-offer"
    CHAT = "chat"
    REQUEST_ERROR = "request-error"
    SESSION_REPLACED = "session-replaced"
    NOTIFICATION = "notification"


# --- client payloads ---------------------------------------------------------------


def _limit(name: str) -> dict[str, str]:
    """Field metadata: the field's length is bounded by ``LimitsConfig.<name>``."""
    return {"limit": name}


@dataclass(frozen=True)
class JoinRequest:
    """``join``: enter the consultation the connection's token names. No fields."""


@dataclass(frozen=True)
class LeaveRequest:
    """``leave``: leave the consultation; the connection stays open. No fields."""


@dataclass(frozen=True)
class PublishRequest:
    """``publish``: the client's SDP offer for its send connection (a first offer or a
    renegotiation). The reply carries the answer and the tracks now published."""

    type: Literal["offer"]
    """Always ``offer`` (so ``RTCPeerConnection.localDescription`` can be sent as is)."""
    sdp: str = field(metadata=_limit("sdp_bytes"))
    """The SDP offer."""
    sources: dict[str, Source] = field(default_factory=dict)
    """What each sending m-line is, by mid; a mid not named is camera or microphone."""


@dataclass(frozen=True)
class SubscribeAnswerRequest:
    """``subscribe-answer``: the client's SDP answer to the last ``subscribe-offer``."""

    type: Literal["answer"]
    """Always ``answer``."""
    sdp: str = field(metadata=_limit("sdp_bytes"))
    """The SDP answer."""


@dataclass(frozen=True)
class IceCandidateRequest:
    """``ice-candidate``: a trickled local candidate of one of the client's connections."""

    transport: Literal["send", "recv"]
    """Which connection: ``send`` (the client's publishing one) or ``recv``."""
    candidate: dict[str, Any] | None
    """``RTCIceCandidate.toJSON()`` (``candidate``, ``sdpMid``, ``sdpMLineIndex``), or
    ``null`` for the end of candidates."""


@dataclass(frozen=True)
class ChatRequest:
    """``chat``: write a message to everyone present (kept for late joiners)."""

    text: str = field(metadata=_limit("chat_text_chars"))
    """The message (patient data: never logged)."""


@dataclass(frozen=True)
class MediaStateRequest:
    """``media-state``: the client muted or unmuted its microphone or camera; the others
    get ``participant-updated``. (Muting is ``track.enabled = false`` in the browser, so the
    tracks stay published.)"""

    audio_muted: bool
    video_muted: bool


@dataclass(frozen=True)
class RecordingConsentRequest:
    """``recording-consent``: the inviting doctor records (or withdraws) the patient's
    consent to recording. Until the workflow's full consent record exists, this flag is
    what recording requires."""

    granted: bool


@dataclass(frozen=True)
class RecordingStartRequest:
    """``recording-start``: the coordinator or the inviting doctor starts recording
    (needs the recorded consent). Everyone gets ``recording-state``."""


@dataclass(frozen=True)
class RecordingStopRequest:
    """``recording-stop``: stop and seal the recording (same roles)."""


@dataclass(frozen=True)
class ViewerUpdateRequest:
    """``viewer-update``: the presenter changes the shared CT view. ``version`` is the
    version the change was made on; if the view has moved on since, the change is refused
    (``stale-viewer-state``) and the reply carries nothing: the client applies the
    ``viewer-state`` it has received instead."""

    version: int
    changes: dict[str, Any]
    """Any of ``series_uid``, ``plane`` (axial/coronal/sagittal), ``index``,
    ``window_center``, ``window_width`` (HU), ``zoom``, ``pan`` [x, y], ``pointer``
    [column, row] or null."""


@dataclass(frozen=True)
class ViewerControlRequest:
    """``viewer-control``: ``request`` control of the shared view (granted at once if
    nobody presents, or to the coordinator), ``grant`` it to a participant who asked
    (presenter only), or ``release`` it."""

    action: Literal["request", "grant", "release"]
    participant_id: str | None = None
    """For ``grant``: who gets control."""


@dataclass(frozen=True)
class ViewerMeasureRequest:
    """``viewer-measure``: the presenter measures on the shown plane; the server computes
    the result from the volume (length in mm; rectangle/ellipse ROI statistics in HU and
    mm²) and adds it to the shared view."""

    version: int
    kind: Literal["length", "rectangle", "ellipse"]
    points: list[list[float | int]]
    """Two points, [column, row] in the shown plane's pixels."""


REQUESTS: Mapping[ClientEvent, type] = types.MappingProxyType(
    {
        ClientEvent.JOIN: JoinRequest,
        ClientEvent.LEAVE: LeaveRequest,
        ClientEvent.PUBLISH: PublishRequest,
        ClientEvent.SUBSCRIBE_ANSWER: SubscribeAnswerRequest,
        ClientEvent.ICE_CANDIDATE: IceCandidateRequest,
        ClientEvent.CHAT: ChatRequest,
        ClientEvent.MEDIA_STATE: MediaStateRequest,
        ClientEvent.RECORDING_CONSENT: RecordingConsentRequest,
        ClientEvent.RECORDING_START: RecordingStartRequest,
        ClientEvent.RECORDING_STOP: RecordingStopRequest,
        ClientEvent.VIEWER_UPDATE: ViewerUpdateRequest,
        ClientEvent.VIEWER_CONTROL: ViewerControlRequest,
        ClientEvent.VIEWER_MEASURE: ViewerMeasureRequest,
    }
)


def parse_event(name: object) -> ClientEvent:
    """The client event called ``name``, or :class:`UnknownEventError`."""
    try:
        return ClientEvent(name)
    except ValueError:
        shown = name[:40] if isinstance(name, str) else type(name).__name__
        raise UnknownEventError(
            f"unknown event {shown!r}; the events are: {', '.join(ClientEvent)}"
        ) from None


def parse_request(event: ClientEvent, args: tuple[Any, ...], limits: LimitsConfig) -> Any:
    """The validated payload of ``event``: exactly one JSON object with exactly its fields."""
    cls = REQUESTS[event]
    if len(args) != 1 or not isinstance(args[0], dict):
        raise InvalidPayloadError(f"'{event}' takes exactly one JSON object")
    data: dict[str, Any] = args[0]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k)[:40] for k in data if k not in fields)
    if unknown:
        raise InvalidPayloadError(f"'{event}' has no field {', '.join(map(repr, unknown))}")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, f in fields.items():
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise InvalidPayloadError(f"'{event}' needs the field {name!r}")
            continue
        where = f"'{event}'.{name}"
        if not _conforms(data[name], hints[name]):
            raise InvalidPayloadError(f"{where} must be {_describe_type(hints[name])}")
        limit_name = f.metadata.get("limit")
        if limit_name is not None:
            limit = getattr(limits, limit_name)
            if len(data[name]) > limit:
                raise PayloadTooLargeError(f"{where} is longer than its limit of {limit}")
        values[name] = data[name]
    return cls(**values)


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return any(value == a and type(value) is type(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        return any(_conforms(value, a) for a in args)
    if origin is list:
        return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
    if origin is dict:
        key_hint, value_hint = args
        return isinstance(value, dict) and all(
            _conforms(k, key_hint) and _conforms(v, value_hint) for k, v in value.items()
        )
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    return isinstance(value, hint) and not (hint is int and isinstance(value, bool))


def _describe_type(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return " or ".join(repr(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_describe_type(a) for a in args)
    if origin is dict:
        return f"an object of {_describe_type(args[1])}"
    if origin is list:
        return f"a list of {_describe_type(args[0])}"
    if dataclasses.is_dataclass(hint):
        return f"a {hint.__name__}"
    if hint is type(None):
        return "null"
    return {str: "a string", dict: "an object", bool: "true or false", int: "an integer"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


# --- what the server sends ---------------------------------------------------------


@dataclass(frozen=True)
class ParticipantInfo:
    """A person present, as the others see them."""

    participant_id: str
    display_name: str
    role: str
    """``inviting``, ``coordinator``, ``expert`` or ``observer``."""
    institution: str | None
    joined_at_ms: int
    audio_muted: bool
    video_muted: bool

    @classmethod
    def of(cls, participant: Participant) -> ParticipantInfo:
        return cls(
            participant.participant_id,
            participant.display_name,
            participant.role.value,
            participant.institution,
            participant.joined_at_ms,
            participant.audio_muted,
            participant.video_muted,
        )


@dataclass(frozen=True)
class TrackInfo:
    """A published track."""

    track_id: str
    participant_id: str
    kind: Literal["audio", "video"]
    source: Source


@dataclass(frozen=True)
class SubscribedTrack(TrackInfo):
    """A track on the client's recv connection; ``mid`` names its m-line."""

    mid: str


@dataclass(frozen=True)
class ChatInfo:
    """A chat message."""

    message_id: str
    participant_id: str
    display_name: str
    role: str
    text: str
    sent_at_ms: int

    @classmethod
    def of(cls, message: ChatMessage) -> ChatInfo:
        return cls(
            message.message_id,
            message.participant_id,
            message.display_name,
            message.role.value,
            message.text,
            message.sent_at_ms,
        )


@dataclass(frozen=True)
class IceServerInfo:
    """An ICE server the client should use for its own connections (``RTCIceServer``)."""

    urls: list[str]
    username: str | None
    credential: str | None


@dataclass(frozen=True)
class RecordingInfo:
    """``recording-state``: whether the consultation is being recorded (everyone sees it)."""

    recording: bool
    recording_id: str | None
    started_at_ms: int | None
    started_by: str | None
    consent: bool
    """Whether the patient's consent to recording is recorded."""
    referred: bool
    """The consultation comes from a referral: its consent is recorded in the case file
    (before the call, by the inviting doctor), and ``recording-consent`` is refused."""


@dataclass(frozen=True)
class ViewerInfo:
    """``viewer-state``: the shared CT view, sent to everyone after each change."""

    version: int
    presenter: str | None
    series_uid: str | None
    plane: str
    index: int
    window_center: float
    window_width: float
    zoom: float
    pan: list[float]
    pointer: list[float] | None
    measurements: list[dict[str, Any]]
    control_requests: list[str]
    """Who asked the presenter for control, oldest first."""
    series: list[str]
    """Every series of the consultation (sent with the referral or uploaded in the call),
    oldest first: the presenter may show any of them."""

    @classmethod
    def of(cls, viewer: SharedViewer) -> ViewerInfo:
        state = viewer.state
        return cls(
            version=state.version,
            presenter=state.presenter,
            series_uid=state.series_uid,
            plane=state.plane.value,
            index=state.index,
            window_center=state.window_center,
            window_width=state.window_width,
            zoom=state.zoom,
            pan=list(state.pan),
            pointer=list(state.pointer) if state.pointer is not None else None,
            measurements=[dataclasses.asdict(m) for m in state.measurements],
            control_requests=list(viewer.control_requests),
            series=list(viewer.series),
        )


@dataclass(frozen=True)
class JoinReply:
    """The acknowledgement of ``join``."""

    consultation_id: str
    title: str
    self: ParticipantInfo
    participants: list[ParticipantInfo]
    """Everyone present, the joiner included."""
    tracks: list[TrackInfo]
    """Tracks already published by the others (they arrive by ``subscribe-offer``)."""
    chat: list[ChatInfo]
    """The kept chat history, oldest first."""
    ice_servers: list[IceServerInfo]
    """For the client's ``RTCPeerConnection`` configuration."""
    video_codec: str
    """The consultation's one video codec (``VP8`` or ``H264``)."""
    recording: RecordingInfo
    """Whether it is being recorded right now."""
    viewer: ViewerInfo
    """The shared CT view as it is now."""
    active_speaker: str | None
    """Who is speaking right now (later changes come as ``active-speaker``)."""


@dataclass(frozen=True)
class PublishReply:
    """The acknowledgement of ``publish``."""

    type: Literal["answer"]
    sdp: str
    tracks: list[TrackInfo]
    """Every track of this client that is now published."""


@dataclass(frozen=True)
class ParticipantLeft:
    """``participant-left``."""

    participant_id: str
    reason: Literal["left", "disconnected", "replaced"]


@dataclass(frozen=True)
class ActiveSpeaker:
    """``active-speaker``: who is speaking now (``null``: nobody), from the audio-level
    RTP header extension the publishers send; the server decodes no audio for it."""

    participant_id: str | None


@dataclass(frozen=True)
class TrackUnpublished:
    """``track-unpublished``."""

    track_id: str
    participant_id: str


@dataclass(frozen=True)
class SubscribeOffer:
    """``subscribe-offer``: the server's offer for the client's recv connection; answer it
    with ``subscribe-answer``. ``tracks`` lists every track now on that connection."""

    type: Literal["offer"]
    sdp: str
    tracks: list[SubscribedTrack]


@dataclass(frozen=True)
class ErrorInfo:
    """What a refused request is told (in ``{"ok": false, "error": ...}`` and in
    ``request-error``)."""

    code: str
    message: str
    event: str | None = None


@dataclass(frozen=True)
class NotificationInfo:
    """``notification``, on a desk connection (authenticated with ``{access_token}``
    instead of a join token): a step of a case that concerns the account, e.g.
    ``referral-received``. It is stored too (``GET /api/notifications``), so nothing is
    lost while offline. Ids and statuses only, never patient data."""

    event: str
    payload: dict[str, str | int | None]


SERVER_PAYLOADS: Mapping[ServerEvent, type] = types.MappingProxyType(
    {
        ServerEvent.PARTICIPANT_JOINED: ParticipantInfo,
        ServerEvent.PARTICIPANT_LEFT: ParticipantLeft,
        ServerEvent.PARTICIPANT_UPDATED: ParticipantInfo,
        ServerEvent.ACTIVE_SPEAKER: ActiveSpeaker,
        ServerEvent.RECORDING_STATE: RecordingInfo,
        ServerEvent.VIEWER_STATE: ViewerInfo,
        ServerEvent.TRACK_PUBLISHED: TrackInfo,
        ServerEvent.TRACK_UNPUBLISHED: TrackUnpublished,
        ServerEvent.SUBSCRIBE_OFFER: SubscribeOffer,
        ServerEvent.CHAT: ChatInfo,
        ServerEvent.REQUEST_ERROR: ErrorInfo,
        ServerEvent.SESSION_REPLACED: ErrorInfo,
        ServerEvent.NOTIFICATION: NotificationInfo,
    }
)

#: Replies (inside ``{"ok": true, ...}``) of the events that return more than ``ok``.
REPLIES: Mapping[ClientEvent, type] = types.MappingProxyType(
    {
        ClientEvent.JOIN: JoinReply,
        ClientEvent.PUBLISH: PublishReply,
        ClientEvent.CHAT: ChatInfo,
        ClientEvent.RECORDING_CONSENT: RecordingInfo,
        ClientEvent.RECORDING_START: RecordingInfo,
        ClientEvent.RECORDING_STOP: RecordingInfo,
        ClientEvent.VIEWER_UPDATE: ViewerInfo,
        ClientEvent.VIEWER_CONTROL: ViewerInfo,
        ClientEvent.VIEWER_MEASURE: ViewerInfo,
    }
)


def ok(payload: object | None = None) -> dict[str, Any]:
    """A successful acknowledgement, with the fields of a reply dataclass if given."""
    return {"ok": True, **(dataclasses.asdict(payload) if payload is not None else {})}  # type: ignore[call-overload]


def refused(error: ErrorInfo) -> dict[str, Any]:
    """A refusing acknowledgement."""
    return {"ok": False, "error": dataclasses.asdict(error)}


def describe(limits: LimitsConfig) -> dict[str, Any]:
    """The protocol as data: every event, its fields with their types, and the limits."""
    return {
        "acknowledgement": "{ok: true, ...reply} or {ok: false, error: {code, message, event}}",
        "client_events": {
            event.value: {
                "doc": _doc(REQUESTS[event]),
                "fields": _fields(REQUESTS[event], limits),
                "reply": _fields(REPLIES[event], limits) if event in REPLIES else {},
            }
            for event in ClientEvent
        },
        "server_events": {
            event.value: {"doc": _doc(cls), "fields": _fields(cls, limits)}
            for event, cls in SERVER_PAYLOADS.items()
        },
        "limits": dataclasses.asdict(limits),
    }


def _doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split())


def _fields(cls: type, limits: LimitsConfig) -> dict[str, str]:
    hints = typing.get_type_hints(cls)
    described = {}
    for f in dataclasses.fields(cls):
        text = _describe_type(hints[f.name])
        if "limit" in f.metadata:
            text += f" (at most {getattr(limits, f.metadata['limit'])})"
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            text += ", optional"
        described[f.name] = text
    return described
