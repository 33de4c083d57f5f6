"""Named errors of the clinical workflow (accounts, referrals, consent, opinions).

Like :mod:`rooms.errors`, each has a stable ``code``; the signaling edge maps them to
HTTP statuses. Messages name fields and rules, never patient data.
"""

from __future__ import annotations

from .errors import RoomsError


class InvalidFieldError(RoomsError):
    """A submitted field of the wrong type, length or format; ``field`` names it."""

    code = "field-invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        """The dotted path of the field (``patient.name``), for forms to highlight."""


class MissingFieldError(InvalidFieldError):
    """A required field that is absent or blank."""

    code = "field-required"


class RecordNotFoundError(RoomsError):
    """No record by that id, or none the caller may know of (never says which)."""

    code = "not-found"


class ReferralNotFoundError(RecordNotFoundError):
    code = "referral-not-found"


class InstitutionNotFoundError(RecordNotFoundError):
    code = "institution-not-found"


class AccountNotFoundError(RecordNotFoundError):
    code = "account-not-found"


class AttachmentNotFoundError(RecordNotFoundError):
    code = "attachment-not-found"


class OpinionNotFoundError(RecordNotFoundError):
    code = "opinion-not-found"


class InvalidCredentialsError(RoomsError):
    """Wrong login or password, or a disabled account (the reply never says which)."""

    code = "invalid-credentials"


class AccountLockedError(RoomsError):
    """Too many failed logins; the account is locked for ``retry_after_s`` more seconds."""

    code = "account-locked"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RefreshTokenInvalidError(RoomsError):
    """A refresh token that is unknown, expired or revoked."""

    code = "refresh-token-invalid"


class RefreshTokenReplayedError(RefreshTokenInvalidError):
    """A refresh token used a second time: its whole family has been revoked."""

    code = "refresh-token-replayed"


class LoginTakenError(RoomsError):
    """Another account already has this login name."""

    code = "login-taken"


class InvalidStateError(RoomsError):
    """The action does not fit where the case is (accepting a declined referral...)."""

    code = "invalid-state"


class OwnAccountError(RoomsError):
    """An administrator tried to disable their own account (nobody could undo it if they
    were the last one)."""

    code = "own-account"


class ConcurrentUpdateError(RoomsError):
    """The record changed since it was read; read it again and retry."""

    code = "concurrent-update"


class ConsultationConsentMissingError(RoomsError):
    """The consultation needs the patient's recorded consent, and none is recorded."""

    code = "consultation-consent-missing"


class ConsentAlreadyRecordedError(RoomsError):
    """This kind of consent is already recorded for the case."""

    code = "consent-already-recorded"


class OpinionSignedError(RoomsError):
    """A signed opinion is frozen; it can be read and verified, never changed."""

    code = "opinion-signed"


class UnsupportedAttachmentError(RoomsError):
    """An upload whose content is not a PDF, JPEG or PNG (by its bytes, not its name)."""

    code = "unsupported-attachment"


class AttachmentTooLargeError(RoomsError):
    """An upload larger than the configured limit."""

    code = "attachment-too-large"
