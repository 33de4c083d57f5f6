"""The patient's consents, as the clinical workflow recorded them, at the live layer.

A consultation created from a referral records its consents in the workflow store
(who, when, how obtained); recording it needs that recorded consent. An ad-hoc
consultation (a dev link) has no referral: there the inviting doctor's flag in the
call is what recording needs.
"""

from __future__ import annotations

from rooms import RecordingConsentMissingError
from rooms.workflow_errors import ReferralNotFoundError

from .access_api import WorkflowHost


class ConsentGate:
    def __init__(self, host: WorkflowHost) -> None:
        self._host = host

    async def recording_consent(self, consultation_id: str) -> bool | None:
        """``None`` for an ad-hoc consultation; otherwise whether the case file records
        the patient's consent to recording."""
        store = self._host.services.store
        try:
            referral = await store.find_referral_by_consultation(consultation_id)
            await store.require_recording_consent(referral.id)
        except ReferralNotFoundError:
            return None
        except RecordingConsentMissingError:
            return False
        return True
