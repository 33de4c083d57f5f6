"""A consultation while people are in it: the domain object, its media router, its clients.

This is where a join becomes two transports, a publication becomes a consumer on
every other participant's recv transport, and a leave (said or not) undoes both.
There is exactly one leave path, :meth:`LiveConsultation.leave`, whether the
client said goodbye, its socket timed out, its media connection failed, or the
same person connected again from elsewhere.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from imaging import Orientation, distance_mm, extract, roi_statistics
from media import (
    Consumer,
    Producer,
    Router,
    SubscriptionOffer,
    Transport,
    TransportOptions,
    VideoCodec,
)
from rooms import Consultation, NotPermittedError, Participant, RecordingConsentMissingError
from rooms.viewer import Measurement

from .auth import Grant
from .errors import (
    AlreadyRecordingError,
    ConsentInCaseFileError,
    InvalidPayloadError,
    NotJoinedYetError,
    NotRecordingError,
    TokenExpiredError,
)
from .protocol import (
    ActiveSpeaker,
    ChatInfo,
    ErrorInfo,
    IceCandidateRequest,
    IceServerInfo,
    JoinReply,
    MediaStateRequest,
    ParticipantInfo,
    ParticipantLeft,
    PublishReply,
    PublishRequest,
    RecordingInfo,
    ServerEvent,
    SubscribedTrack,
    SubscribeOffer,
    TrackInfo,
    TrackUnpublished,
    ViewerControlRequest,
    ViewerInfo,
    ViewerMeasureRequest,
    ViewerUpdateRequest,
)
from .recording import Recording
from .studies import StudyLibrary

logger = logging.getLogger(__name__)

LeaveReason = Literal["left", "disconnected", "replaced"]


class Notifier(Protocol):
    """How a live consultation reaches its clients (Socket.IO in the app)."""

    async def to_client(self, sid: str, event: ServerEvent, payload: object) -> None: ...

    async def to_consultation(
        self, consultation_id: str, event: ServerEvent, payload: object, skip_sid: str | None
    ) -> None: ...

    async def enter(self, sid: str, consultation_id: str) -> None: ...

    async def exit(self, sid: str, consultation_id: str) -> None: ...

    async def disconnect(self, sid: str) -> None: ...


@dataclass
class ClientSession:
    """One Socket.IO connection and, once it has joined, its media."""

    sid: str
    grant: Grant
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Serializes this client's events, so a candidate never overtakes its offer."""
    participant: Participant | None = None
    send: Transport | None = None
    recv: Transport | None = None

    @property
    def participant_id(self) -> str:
        return self.grant.participant_id

    def joined(self) -> tuple[Transport, Transport]:
        """The session's transports, or :class:`NotJoinedYetError` before ``join``."""
        if self.participant is None or self.send is None or self.recv is None:
            raise NotJoinedYetError("join the consultation first")
        return self.send, self.recv


class LiveConsultation:
    """The clients and media of one consultation with at least one person present."""

    def __init__(
        self,
        consultation: Consultation,
        router: Router,
        notifier: Notifier,
        ice_servers: Callable[[str], list[IceServerInfo]],
        on_empty: Callable[[LiveConsultation], Awaitable[None]],
        recordings_root: Path,
        studies: StudyLibrary,
        recording_consent: Callable[[str], Awaitable[bool | None]],
    ) -> None:
        self.consultation = consultation
        self.router = router
        self.sessions: dict[str, ClientSession] = {}
        self._notifier = notifier
        self._ice_servers = ice_servers
        self._on_empty = on_empty
        self._recordings_root = recordings_root
        self._studies = studies
        self._recording_consent = recording_consent
        self._case_consent: bool | None = None
        """For a consultation from a referral, whether its case file records the patient's
        consent to recording (read at each join and start); ``None`` for an ad-hoc one."""
        self.recording: Recording | None = None
        # Membership changes and fan-out decisions happen one at a time per consultation.
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._speaker_observer = router.create_audio_level_observer(self._on_speaker)

    @property
    def id(self) -> str:
        return self.consultation.id

    def __repr__(self) -> str:
        return f"LiveConsultation({self.id}, {len(self.sessions)} present)"

    # --- joining ----------------------------------------------------------------

    async def join(self, session: ClientSession) -> JoinReply:
        grant = session.grant
        # The socket may have been opened (and its token checked) during the pre-call
        # check, some time ago: the token must still be valid when the person joins.
        if grant.expires_at_s <= time.time():
            raise TokenExpiredError("the token has expired; ask for a new join link")
        self._case_consent = await self._recording_consent(self.id)
        replaced = self.sessions.get(grant.participant_id)
        if replaced is not None and replaced is not session:
            # The same person again (a reconnect, a second tab): the newest connection wins.
            await self._notifier.to_client(
                replaced.sid,
                ServerEvent.SESSION_REPLACED,
                ErrorInfo("session-replaced", "you joined from another connection"),
            )
            await self.leave(replaced, "replaced")
            await self._notifier.disconnect(replaced.sid)
        async with self._lock:
            participant = self.consultation.join(
                grant.participant_id, grant.display_name, grant.role, grant.institution
            )
            session.participant = participant
            app_data = {"participant_id": participant.participant_id}
            session.send = self.router.create_transport(
                TransportOptions(
                    direction="send",
                    app_data=app_data,
                    on_close=lambda _t: self._on_transport_closed(session),
                    on_producer_close=self._on_producer_closed,
                )
            )
            session.recv = self.router.create_transport(
                TransportOptions(
                    direction="recv",
                    app_data=app_data,
                    on_offer=lambda offer: self._deliver_offer(session, offer),
                    on_close=lambda _t: self._on_transport_closed(session),
                )
            )
            self.sessions[participant.participant_id] = session
            await self._notifier.enter(session.sid, self.id)
            others = [
                p
                for p in self.router.producers.values()
                if p.app_data.get("participant_id") != participant.participant_id
            ]
            for producer in others:
                await self._consume(session.recv, producer)
        info = ParticipantInfo.of(participant)
        self._record("participant-joined", dataclasses.asdict(info))
        await self._notifier.to_consultation(
            self.id, ServerEvent.PARTICIPANT_JOINED, info, session.sid
        )
        logger.info("%r: %s joined as %s", self, participant.participant_id, participant.role)
        return JoinReply(
            consultation_id=self.id,
            title=self.consultation.title,
            self=ParticipantInfo.of(participant),
            participants=[ParticipantInfo.of(p) for p in self.consultation.participants.values()],
            tracks=[_track_info(p) for p in others],
            chat=[ChatInfo.of(m) for m in self.consultation.chat_history],
            ice_servers=self._ice_servers(session.participant_id),
            video_codec=self.router.video_codec.value,
            recording=self.recording_info(),
            viewer=ViewerInfo.of(self.consultation.viewer),
            active_speaker=(
                speaker.app_data["participant_id"]
                if (speaker := self._speaker_observer.speaker) is not None
                else None
            ),
        )

    # --- leaving (the one path) -------------------------------------------------

    async def leave(self, session: ClientSession, reason: LeaveReason) -> None:
        """Undo a join: close the session's media, tell the others. Idempotent."""
        async with self._lock:
            if self.sessions.get(session.participant_id) is not session:
                return
            del self.sessions[session.participant_id]
            self.consultation.leave(session.participant_id)
            viewer_changed = self.consultation.viewer.release(session.participant_id)
            session.participant = None
            transports = [t for t in (session.send, session.recv) if t is not None]
            session.send = session.recv = None
            # The send transport first: its producers' consumers on the others' recv
            # transports close, and those renegotiate.
            for transport in transports:
                await transport.close()
            await self._notifier.exit(session.sid, self.id)
        if viewer_changed is not None:
            await self._viewer_changed(None)
        left = ParticipantLeft(session.participant_id, reason)
        self._record("participant-left", dataclasses.asdict(left))
        await self._notifier.to_consultation(self.id, ServerEvent.PARTICIPANT_LEFT, left, None)
        logger.info("%r: %s left (%s)", self, session.participant_id, reason)
        if not self.sessions:
            await self._on_empty(self)

    def _on_transport_closed(self, session: ClientSession) -> None:
        # A transport closes on its own only when its connection failed (ICE consent
        # lost): the client is gone as far as media goes. Drop it; it may join again.
        if self.sessions.get(session.participant_id) is session:
            self._spawn(self._drop(session))

    async def _drop(self, session: ClientSession) -> None:
        await self.leave(session, "disconnected")
        await self._notifier.disconnect(session.sid)

    # --- media ------------------------------------------------------------------

    async def publish(self, session: ClientSession, request: PublishRequest) -> PublishReply:
        send, _ = session.joined()
        self.consultation.check_may_publish(session.participant_id)
        publication = await send.publish(request.sdp, request.sources)
        async with self._lock:
            for producer in publication.new_producers:
                for other in self.sessions.values():
                    if other is not session and other.recv is not None:
                        await self._consume(other.recv, producer)
        for producer in publication.new_producers:
            track = _track_info(producer)
            self._record("track-published", dataclasses.asdict(track))
            if self.recording is not None:
                self.recording.add(producer, track)
            await self._notifier.to_consultation(
                self.id, ServerEvent.TRACK_PUBLISHED, track, session.sid
            )
        return PublishReply(
            type="answer",
            sdp=publication.answer_sdp,
            tracks=[_track_info(p) for p in send.producers.values()],
        )

    async def subscribe_answer(self, session: ClientSession, sdp: str) -> None:
        _, recv = session.joined()
        await recv.handle_answer(sdp)

    async def ice_candidate(self, session: ClientSession, request: IceCandidateRequest) -> None:
        send, recv = session.joined()
        transport = send if request.transport == "send" else recv
        await transport.add_ice_candidate(request.candidate)

    async def chat(self, session: ClientSession, text: str) -> ChatInfo:
        session.joined()
        message = ChatInfo.of(self.consultation.post_chat(session.participant_id, text))
        self._record("chat", dataclasses.asdict(message))
        await self._notifier.to_consultation(self.id, ServerEvent.CHAT, message, session.sid)
        return message

    async def media_state(self, session: ClientSession, request: MediaStateRequest) -> None:
        session.joined()
        participant = self.consultation.set_media_state(
            session.participant_id,
            audio_muted=request.audio_muted,
            video_muted=request.video_muted,
        )
        info = ParticipantInfo.of(participant)
        self._record("participant-updated", dataclasses.asdict(info))
        await self._notifier.to_consultation(
            self.id, ServerEvent.PARTICIPANT_UPDATED, info, session.sid
        )

    # --- the shared CT viewer -------------------------------------------------------

    async def viewer_update(
        self, session: ClientSession, request: ViewerUpdateRequest
    ) -> ViewerInfo:
        session.joined()
        self.consultation.viewer.update(session.participant_id, request.version, request.changes)
        return await self._viewer_changed(
            session.sid, pointer_only=request.changes.keys() == {"pointer"}
        )

    async def viewer_control(
        self, session: ClientSession, request: ViewerControlRequest
    ) -> ViewerInfo:
        participant = self.consultation.participant(session.participant_id)
        viewer = self.consultation.viewer
        if request.action == "request":
            viewer.request_control(participant.participant_id, participant.role)
        elif request.action == "grant":
            if request.participant_id is None:
                raise InvalidPayloadError("'viewer-control' grant needs 'participant_id'")
            viewer.hand_over(participant.participant_id, request.participant_id)
        else:
            viewer.release(participant.participant_id)
        return await self._viewer_changed(session.sid)

    async def viewer_measure(
        self, session: ClientSession, request: ViewerMeasureRequest
    ) -> ViewerInfo:
        """Measure on the shared view; the server computes it from the volume, so every
        client shows the same numbers."""
        session.joined()
        state = self.consultation.viewer.state
        if state.series_uid is None:
            raise InvalidPayloadError("no series is shown to measure on")
        volume = await self._studies.volume(self.id, state.series_uid)
        plane = extract(volume, Orientation(state.plane.value), state.index)
        start, end = (tuple(map(float, p)) for p in request.points)
        rows, columns = plane.hu.shape
        if not all(0 <= x <= columns - 1 and 0 <= y <= rows - 1 for x, y in (start, end)):
            raise InvalidPayloadError("the points must lie inside the plane")
        if request.kind == "length":
            result = {"length_mm": round(distance_mm(plane, start, end), 2)}  # type: ignore[arg-type]
        else:
            stats = roi_statistics(plane, start, end, request.kind)  # type: ignore[arg-type]
            result = {
                "mean_hu": round(stats.mean_hu, 1),
                "sd_hu": round(stats.sd_hu, 1),
                "min_hu": stats.min_hu,
                "max_hu": stats.max_hu,
                "area_mm2": round(stats.area_mm2, 1),
            }
        measurement = Measurement(
            measurement_id=uuid.uuid4().hex[:12],
            kind=request.kind,
            plane=state.plane,
            index=state.index,
            points=[list(start), list(end)],
            result=result,
            by=session.participant_id,
        )
        self.consultation.viewer.add_measurement(
            session.participant_id, request.version, measurement
        )
        return await self._viewer_changed(session.sid)

    async def series_added(self, series_uid: str) -> None:
        self._record("study-uploaded", {"series_uid": series_uid})
        await self._viewer_changed(None)

    async def _viewer_changed(self, skip_sid: str | None, pointer_only: bool = False) -> ViewerInfo:
        info = ViewerInfo.of(self.consultation.viewer)
        # The timeline keeps every view, so a recording replays what the CT showed. A
        # pointer moves up to 20 times a second: for that, only where it points.
        if pointer_only:
            self._record("viewer-pointer", {"version": info.version, "pointer": info.pointer})
        else:
            self._record("viewer-state", dataclasses.asdict(info))
        await self._notifier.to_consultation(self.id, ServerEvent.VIEWER_STATE, info, skip_sid)
        return info

    # --- recording ----------------------------------------------------------------

    def recording_info(self) -> RecordingInfo:
        recording = self.recording
        return RecordingInfo(
            recording=recording is not None,
            recording_id=recording.id if recording else None,
            started_at_ms=recording.started_at_ms if recording else None,
            started_by=recording.started_by if recording else None,
            consent=self._case_consent
            if self._case_consent is not None
            else self.consultation.recording_consent is not None,
            referred=self._case_consent is not None,
        )

    def _record(self, kind: str, data: dict[str, Any]) -> None:
        if self.recording is not None:
            self.recording.event(kind, data)

    async def _announce_recording(self) -> RecordingInfo:
        info = self.recording_info()
        await self._notifier.to_consultation(self.id, ServerEvent.RECORDING_STATE, info, None)
        return info

    async def set_recording_consent(self, session: ClientSession, granted: bool) -> RecordingInfo:
        session.joined()
        if self._case_consent is not None:
            raise ConsentInCaseFileError(
                "this consultation comes from a referral: the patient's consent to recording "
                "is recorded in its case file, before the call"
            )
        self.consultation.set_recording_consent(session.participant_id, granted)
        self._record("recording-consent", {"granted": granted, "by": session.participant_id})
        return await self._announce_recording()

    async def start_recording(self, session: ClientSession) -> RecordingInfo:
        session.joined()
        self._case_consent = await self._recording_consent(self.id)
        if self._case_consent is None:
            # An ad-hoc consultation: the inviting doctor's flag in the call decides.
            self.consultation.check_may_record(session.participant_id)
        else:
            self._check_controls_recording(session)
            if not self._case_consent:
                raise RecordingConsentMissingError(
                    "the patient's consent to recording is not recorded in the case file "
                    "(未记录录音录像知情同意)"
                )
        if self.recording is not None:
            raise AlreadyRecordingError("the consultation is already being recorded")
        if self.router.video_codec is not VideoCodec.VP8:
            raise AlreadyRecordingError("only VP8 consultations can be recorded to WebM yet")
        async with self._lock:
            recording = Recording(self._recordings_root, self.id, session.participant_id)
            self.recording = recording
            recording.event(
                "recording-started",
                {
                    "by": session.participant_id,
                    "participants": [
                        dataclasses.asdict(ParticipantInfo.of(p))
                        for p in self.consultation.participants.values()
                    ],
                    "viewer": dataclasses.asdict(ViewerInfo.of(self.consultation.viewer)),
                },
            )
            for producer in list(self.router.producers.values()):
                recording.add(producer, _track_info(producer))
        logger.info("%r: recording %s started", self, recording.id)
        return await self._announce_recording()

    def _check_controls_recording(self, session: ClientSession) -> None:
        participant = self.consultation.participant(session.participant_id)
        if not participant.role.may_control_recording:
            raise NotPermittedError(
                "only the coordinator or the inviting doctor may start or stop recording"
            )

    async def stop_recording(self, session: ClientSession) -> RecordingInfo:
        self._check_controls_recording(session)
        if self.recording is None:
            raise NotRecordingError("the consultation is not being recorded")
        await self._stop_recording()
        return await self._announce_recording()

    async def _stop_recording(self) -> None:
        recording, self.recording = self.recording, None
        if recording is not None:
            manifest = await recording.stop()
            logger.info(
                "%r: recording %s sealed (%d files)",
                self,
                manifest.recording_id,
                len(manifest.files),
            )

    async def _consume(self, recv: Transport, producer: Producer) -> Consumer:
        track = _track_info(producer)
        return await recv.consume(
            producer, stream_id=track.participant_id, app_data={"track": track}
        )

    async def _deliver_offer(self, session: ClientSession, offer: SubscriptionOffer) -> None:
        tracks = [_subscribed(c) for c in offer.consumers if c.mid is not None]
        await self._notifier.to_client(
            session.sid, ServerEvent.SUBSCRIBE_OFFER, SubscribeOffer("offer", offer.sdp, tracks)
        )

    async def _on_speaker(self, producer: Producer | None) -> None:
        speaker = producer.app_data["participant_id"] if producer is not None else None
        await self._notifier.to_consultation(
            self.id, ServerEvent.ACTIVE_SPEAKER, ActiveSpeaker(speaker), None
        )

    def _on_producer_closed(self, producer: Producer) -> None:
        track = _track_info(producer)
        self._record("track-unpublished", dataclasses.asdict(track))
        self._spawn(
            self._notifier.to_consultation(
                self.id,
                ServerEvent.TRACK_UNPUBLISHED,
                TrackUnpublished(track.track_id, track.participant_id),
                None,
            )
        )

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Drop every client, seal a running recording, close the router. Idempotent."""
        for session in list(self.sessions.values()):
            await self.leave(session, "disconnected")
        await self._stop_recording()
        await self.router.close()
        for task in list(self._tasks):
            task.cancel()


def _track_info(producer: Producer) -> TrackInfo:
    return TrackInfo(
        track_id=producer.id,
        participant_id=producer.app_data["participant_id"],
        kind="audio" if producer.kind == "audio" else "video",
        source=producer.app_data["source"],
    )


def _subscribed(consumer: Consumer) -> SubscribedTrack:
    track: TrackInfo = consumer.app_data["track"]
    return SubscribedTrack(
        track_id=track.track_id,
        participant_id=track.participant_id,
        kind=track.kind,
        source=track.source,
        mid=str(consumer.mid),
    )
