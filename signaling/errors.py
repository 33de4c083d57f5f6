"""Named errors of the edge, and how every package's named errors become replies.

Each error has a stable ``code`` that clients may switch on and an HTTP status
for the REST API. Messages are for people; they never contain a token or
patient data.
"""

from __future__ import annotations

from dataclasses import dataclass

from imaging import ImagingError
from media import MediaError
from rooms import (
    AlreadyJoinedError,
    ConsultationNotFoundError,
    InvalidConsultationIdError,
    NotPermittedError,
    RoomsError,
)


class SignalingError(Exception):
    """Base class of every error the edge raises on purpose."""

    code = "signaling-error"
    http_status = 400


# --- configuration ---------------------------------------------------------------


class ConfigError(SignalingError):
    """A configuration that cannot be used; the message names the key."""

    code = "invalid-config"


class UnknownConfigKeyError(ConfigError):
    """A key (in the file, the environment or a flag) that the config tree does not have."""

    code = "unknown-config-key"


# --- authentication --------------------------------------------------------------


class AuthError(SignalingError):
    """The caller could not be authenticated."""

    code = "unauthenticated"
    http_status = 401


class TokenMissingError(AuthError):
    """No token was presented."""

    code = "token-missing"


class TokenExpiredError(AuthError):
    """The token was genuine but its time is up."""

    code = "token-expired"


class TokenInvalidError(AuthError):
    """The token is malformed, forged (bad signature) or lacks a required claim."""

    code = "token-invalid"


class AccountDisabledError(AuthError):
    """The token is genuine but its account has been disabled."""

    code = "account-disabled"


class WrongConsultationError(SignalingError):
    """A genuine token, but for another consultation than the one addressed."""

    code = "wrong-consultation"
    http_status = 403


# --- the Socket.IO protocol --------------------------------------------------------


class ProtocolError(SignalingError):
    """A message that does not follow ``signaling/protocol.py``."""

    code = "protocol-error"


class UnknownEventError(ProtocolError):
    """An event name that the protocol does not define for clients."""

    code = "unknown-event"


class InvalidPayloadError(ProtocolError):
    """A payload of the wrong shape: wrong types, missing or unknown fields."""

    code = "invalid-payload"


class PayloadTooLargeError(ProtocolError):
    """A payload field longer than its limit."""

    code = "payload-too-large"
    http_status = 413


class NotificationsOnlyError(SignalingError):
    """A desk connection (an access token) asked for a consultation event."""

    code = "notifications-only"
    http_status = 403


class NotJoinedYetError(SignalingError):
    """An event that needs the client to have joined, sent before ``join``."""

    code = "not-joined"
    http_status = 409


class AlreadyRecordingError(SignalingError):
    """A recording cannot start: one is running, or the consultation cannot be recorded."""

    code = "recording-not-started"
    http_status = 409


class ConsentInCaseFileError(SignalingError):
    """The in-call consent flag of a consultation whose consent is in its case file."""

    code = "consent-in-case-file"
    http_status = 409


class NotRecordingError(SignalingError):
    """There is no recording to stop."""

    code = "not-recording"
    http_status = 409


class RecordingNotFoundError(SignalingError):
    """No sealed recording (or file of one) by that name in this consultation."""

    code = "recording-not-found"
    http_status = 404


class StudyNotFoundError(SignalingError):
    """No series by that UID in this consultation."""

    code = "study-not-found"
    http_status = 404


class InternalError(SignalingError):
    """Something failed that should not have; the details are in the server log."""

    code = "internal-error"
    http_status = 500


# --- turning errors into replies ---------------------------------------------------

#: HTTP statuses of domain errors; any other domain error is a conflict (409).
_ROOMS_HTTP_STATUS: tuple[tuple[type[RoomsError], int], ...] = (
    (ConsultationNotFoundError, 404),
    (InvalidConsultationIdError, 400),
    (NotPermittedError, 403),
    (AlreadyJoinedError, 409),
)


@dataclass(frozen=True)
class ErrorReply:
    """What a client is told about a refused request."""

    code: str
    """Stable, kebab-case error code (e.g. ``token-expired``, ``invalid-sdp``)."""
    message: str
    """A sentence for people; never contains tokens or patient data."""
    http_status: int
    """The status the REST API answers with."""


def error_reply(error: Exception) -> ErrorReply:
    """The reply for a named error of any package; anything else is an internal error."""
    if isinstance(error, SignalingError):
        return ErrorReply(error.code, str(error), error.http_status)
    if isinstance(error, ImagingError):
        # Not DICOM, not CT, truncated, mixed series...: the upload, not the server.
        return ErrorReply(error.code, str(error), 415 if error.code == "not-dicom" else 422)
    if isinstance(error, MediaError):
        # Bad SDP, no usable codec, a closed transport: the request, not the server.
        return ErrorReply(error.code, str(error), 422)
    if isinstance(error, RoomsError):
        status = next((s for t, s in _ROOMS_HTTP_STATUS if isinstance(error, t)), 409)
        return ErrorReply(error.code, str(error), status)
    return ErrorReply(InternalError.code, "the server failed; the error has been logged", 500)
