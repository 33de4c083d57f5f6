"""The roles a participant can hold in an MDT consultation."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a participant is in a consultation; the value is what tokens carry."""

    INVITING = "inviting"
    """The inviting doctor (village or township clinic) who referred the patient."""
    COORDINATOR = "coordinator"
    """Runs the consultation: the MDT coordinator at the tertiary hospital."""
    EXPERT = "expert"
    """A specialist invited to give an opinion."""
    OBSERVER = "observer"
    """Watches and listens (a trainee, a nurse); may write in the chat."""

    @property
    def may_publish(self) -> bool:
        """Whether this role may send camera, microphone or screen into the consultation.

        Observers may not: what goes into the medical record as the consultation's
        audio and video is the clinicians' discussion.
        """
        return self is not Role.OBSERVER

    @property
    def may_control_recording(self) -> bool:
        """Whether this role may start and stop recording: the coordinator, who runs the
        consultation, and the inviting doctor, who answers for the patient's consent."""
        return self in (Role.COORDINATOR, Role.INVITING)

    @property
    def may_review_recordings(self) -> bool:
        """Whether this role may list and play the consultation's recordings (the
        clinicians of the case; observers may not)."""
        return self is not Role.OBSERVER
