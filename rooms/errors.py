"""Named errors of the domain; the signaling edge turns them into replies.

Each carries a stable ``code`` (kebab-case) that clients may switch on; the
message is for people and never contains patient data.
"""


class RoomsError(Exception):
    """Base class of every error the domain raises on purpose."""

    code = "rooms-error"


class InvalidConsultationIdError(RoomsError):
    """A consultation id that is empty, too long or has characters outside the allowed set."""

    code = "invalid-consultation-id"


class ConsultationNotFoundError(RoomsError):
    """No consultation has this id."""

    code = "consultation-not-found"


class ConsultationEndedError(RoomsError):
    """The consultation has ended; nobody can join or act in it any more."""

    code = "consultation-ended"


class ConsultationFullError(RoomsError):
    """The consultation already has as many participants as it may hold."""

    code = "consultation-full"


class AlreadyJoinedError(RoomsError):
    """The participant is already present in the consultation."""

    code = "already-joined"


class NotJoinedError(RoomsError):
    """The participant is not (or no longer) present in the consultation."""

    code = "not-joined"


class NotPermittedError(RoomsError):
    """The participant's role does not allow this action."""

    code = "not-permitted"


class InvalidChatMessageError(RoomsError):
    """A chat message with no text."""

    code = "invalid-chat-message"


class RecordingConsentMissingError(RoomsError):
    """Recording needs the patient's consent, and none is recorded."""

    code = "recording-consent-missing"
