"""A consultation (the "room"): who is present, what they wrote, and whether it is still on."""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .chat import ChatMessage
from .errors import (
    AlreadyJoinedError,
    ConsultationEndedError,
    ConsultationFullError,
    InvalidChatMessageError,
    InvalidConsultationIdError,
    NotJoinedError,
    NotPermittedError,
    RecordingConsentMissingError,
)
from .participant import Participant
from .role import Role
from .viewer import SharedViewer

#: Ids appear in URLs, tokens and log lines, so they are kept to a safe, short alphabet.
_CONSULTATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_consultation_id(consultation_id: object) -> str:
    """Return ``consultation_id`` if valid, else raise :class:`InvalidConsultationIdError`.

    Valid: 1–64 characters of ``A–Z a–z 0–9 . _ -``, starting with a letter or digit.
    """
    if not isinstance(consultation_id, str) or not _CONSULTATION_ID.fullmatch(consultation_id):
        raise InvalidConsultationIdError(
            "a consultation id is 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return consultation_id


def wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch (the default clock of a consultation)."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class RecordingConsent:
    """The patient's consent to recording, as the inviting doctor recorded it."""

    recorded_by: str
    """Participant id of the inviting doctor who set it."""
    at_ms: int


class ConsultationState(StrEnum):
    """Where a consultation is in its life."""

    WAITING = "waiting"
    """Nobody is present (not yet started, or everyone has left for now)."""
    IN_PROGRESS = "in-progress"
    """At least one participant is present."""
    ENDED = "ended"
    """Closed for good: nobody can join, chat or publish any more."""


@dataclass(frozen=True)
class ConsultationLimits:
    """Bounds that keep one consultation's memory and fan-out finite."""

    max_participants: int = 16
    """How many people may be present at once (each one multiplies the SFU's forwarding)."""
    chat_history_messages: int = 500
    """How many chat messages are kept for late joiners; older ones are dropped first."""


class Consultation:
    """One MDT consultation: its participants, its chat and its state.

    Transitions: ``WAITING --join--> IN_PROGRESS --last leave--> WAITING``, and
    ``end()`` from either to ``ENDED``, which is final.
    """

    def __init__(
        self,
        consultation_id: str,
        title: str,
        limits: ConsultationLimits | None = None,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self.id = check_consultation_id(consultation_id)
        self.title = title
        self.limits = limits or ConsultationLimits()
        self.state = ConsultationState.WAITING
        self._clock_ms = clock_ms
        self.created_at_ms = clock_ms()
        self._participants: dict[str, Participant] = {}
        self.recording_consent: RecordingConsent | None = None
        self.viewer = SharedViewer()
        self._chat: deque[ChatMessage] = deque(maxlen=self.limits.chat_history_messages)

    def __repr__(self) -> str:
        return f"Consultation({self.id} {self.state.value} {len(self._participants)} present)"

    @property
    def participants(self) -> Mapping[str, Participant]:
        """Who is present, by participant id (a read-only view, in joining order)."""
        return MappingProxyType(self._participants)

    @property
    def chat_history(self) -> list[ChatMessage]:
        """The kept chat messages, oldest first."""
        return list(self._chat)

    def participant(self, participant_id: str) -> Participant:
        """The present participant with this id, or :class:`NotJoinedError`."""
        try:
            return self._participants[participant_id]
        except KeyError:
            raise NotJoinedError("you have not joined this consultation") from None

    def _check_open(self) -> None:
        if self.state is ConsultationState.ENDED:
            raise ConsultationEndedError("this consultation has ended")

    def join(
        self,
        participant_id: str,
        display_name: str,
        role: Role,
        institution: str | None = None,
    ) -> Participant:
        """Make someone present. Raises if the consultation ended, is full, or they are in."""
        self._check_open()
        if participant_id in self._participants:
            raise AlreadyJoinedError("you are already present in this consultation")
        if len(self._participants) >= self.limits.max_participants:
            raise ConsultationFullError(
                f"this consultation already has {self.limits.max_participants} participants"
            )
        participant = Participant(
            participant_id=participant_id,
            display_name=display_name,
            role=role,
            institution=institution,
            joined_at_ms=self._clock_ms(),
        )
        self._participants[participant_id] = participant
        self.state = ConsultationState.IN_PROGRESS
        return participant

    def leave(self, participant_id: str) -> Participant:
        """Remove someone who is present (also after the consultation ended)."""
        participant = self.participant(participant_id)
        del self._participants[participant_id]
        if not self._participants and self.state is ConsultationState.IN_PROGRESS:
            self.state = ConsultationState.WAITING
        return participant

    def check_may_publish(self, participant_id: str) -> Participant:
        """The participant, if they are present and their role lets them send media."""
        self._check_open()
        participant = self.participant(participant_id)
        if not participant.role.may_publish:
            raise NotPermittedError(
                f"a participant with the role {participant.role.value!r} cannot publish media"
            )
        return participant

    def set_media_state(
        self, participant_id: str, *, audio_muted: bool, video_muted: bool
    ) -> Participant:
        """Record that someone muted or unmuted their microphone or camera."""
        participant = dataclasses.replace(
            self.participant(participant_id), audio_muted=audio_muted, video_muted=video_muted
        )
        self._participants[participant_id] = participant
        return participant

    def set_recording_consent(self, participant_id: str, granted: bool) -> None:
        """The inviting doctor records (or withdraws) the patient's consent to recording."""
        self._check_open()
        participant = self.participant(participant_id)
        if participant.role is not Role.INVITING:
            raise NotPermittedError("only the inviting doctor records the patient's consent")
        self.recording_consent = (
            RecordingConsent(participant_id, self._clock_ms()) if granted else None
        )

    def check_may_record(self, participant_id: str) -> Participant:
        """The participant, if their role may start or stop recording and consent exists."""
        self._check_open()
        participant = self.participant(participant_id)
        if not participant.role.may_control_recording:
            raise NotPermittedError(
                "only the coordinator or the inviting doctor may start or stop recording"
            )
        if self.recording_consent is None:
            raise RecordingConsentMissingError(
                "the patient's consent to recording has not been recorded"
            )
        return participant

    def post_chat(self, participant_id: str, text: str) -> ChatMessage:
        """Add a message to the chat; the oldest is dropped once the history is full."""
        self._check_open()
        participant = self.participant(participant_id)
        if not text.strip():
            raise InvalidChatMessageError("a chat message needs some text")
        message = ChatMessage(
            message_id=str(uuid.uuid4()),
            participant_id=participant.participant_id,
            display_name=participant.display_name,
            role=participant.role,
            text=text,
            sent_at_ms=self._clock_ms(),
        )
        self._chat.append(message)
        return message

    def end(self) -> None:
        """End the consultation for good. Idempotent; present participants stay until they leave."""
        self.state = ConsultationState.ENDED
