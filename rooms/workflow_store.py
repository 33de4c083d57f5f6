"""The seam between the workflow and where its durable records are kept.

:class:`rooms.sql_store.SqlWorkflowStore` implements it on SQLite (the default, a file
in the data folder) and on PostgreSQL (scaled out); the app factory picks one. The
store enforces integrity (unique logins, one consent of each kind, stale saves), not
permissions: those are :mod:`rooms.access`'s, applied by :class:`rooms.workflow.Workflow`.
"""

from __future__ import annotations

from typing import Protocol

from .account import Account, AccountRole
from .attachment import Attachment
from .audit import AuditQuery, AuditRecord
from .consent import Consent
from .institution import Institution
from .notification import Notification
from .opinion import Opinion
from .referral import Referral
from .refresh_token import RefreshToken


class WorkflowStore(Protocol):
    # --- institutions and accounts -------------------------------------------------

    async def add_institution(self, institution: Institution) -> None: ...

    async def get_institution(self, institution_id: str) -> Institution:
        """The institution, or :class:`~rooms.workflow_errors.InstitutionNotFoundError`."""
        ...

    async def list_institutions(self) -> list[Institution]: ...

    async def add_account(self, account: Account) -> None:
        """Raises :class:`LoginTakenError` or :class:`InstitutionNotFoundError`."""
        ...

    async def get_account(self, account_id: str) -> Account:
        """The account, or :class:`~rooms.workflow_errors.AccountNotFoundError`."""
        ...

    async def find_account(self, login: str) -> Account | None: ...

    async def list_accounts(
        self, institution_id: str | None = None, role: AccountRole | None = None
    ) -> list[Account]: ...

    async def record_failed_login(
        self, account_id: str, now_ms: int, max_failures: int, lockout_ms: int
    ) -> Account:
        """Count a failed login; the ``max_failures``-th locks the account for
        ``lockout_ms`` and starts the count again. The account as it is now."""
        ...

    async def clear_failed_logins(self, account_id: str) -> None: ...

    async def set_account_disabled(self, account_id: str, at_ms: int | None) -> None:
        """Disable the account (``at_ms``) or enable it again (``None``)."""
        ...

    # --- refresh tokens ------------------------------------------------------------

    async def add_refresh_token(self, token: RefreshToken) -> None: ...

    async def get_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    async def spend_refresh_token(self, token_hash: str, at_ms: int) -> bool:
        """Mark an unspent, unrevoked token spent; ``False`` if it already was (atomic:
        of two concurrent uses, exactly one wins)."""
        ...

    async def revoke_refresh_family(self, family_id: str, at_ms: int) -> None: ...

    # --- referrals and what hangs from them ----------------------------------------

    async def add_referral(self, referral: Referral) -> None: ...

    async def get_referral(self, case_id: str) -> Referral:
        """The referral, or :class:`~rooms.workflow_errors.ReferralNotFoundError`."""
        ...

    async def find_referral_by_consultation(self, consultation_id: str) -> Referral:
        """The referral whose consultation this is, or :class:`ReferralNotFoundError`."""
        ...

    async def list_referrals(
        self,
        *,
        from_institution_id: str | None = None,
        to_institution_id: str | None = None,
        expert_id: str | None = None,
    ) -> list[Referral]:
        """Referrals matching the one criterion given, newest first."""
        ...

    async def save_referral(self, referral: Referral) -> Referral:
        """Store changes to a referral read at ``referral.version``; the saved referral
        (next version), or :class:`ConcurrentUpdateError` if it changed meanwhile."""
        ...

    async def add_attachment(self, attachment: Attachment) -> None: ...

    async def get_attachment(self, case_id: str, attachment_id: str) -> Attachment:
        """The case's attachment, or :class:`AttachmentNotFoundError`."""
        ...

    async def list_attachments(self, case_id: str) -> list[Attachment]: ...

    async def add_consent(self, consent: Consent) -> None:
        """Raises :class:`ConsentAlreadyRecordedError` if one of that kind exists."""
        ...

    async def list_consents(self, case_id: str) -> list[Consent]: ...

    async def require_consultation_consent(self, case_id: str) -> Consent:
        """The consent to the consultation, or :class:`ConsultationConsentMissingError`.
        The live consultation calls this before it starts."""
        ...

    async def require_recording_consent(self, case_id: str) -> Consent:
        """The consent to recording, or :class:`rooms.RecordingConsentMissingError`.
        The recorder calls this before it starts."""
        ...

    async def add_opinion(self, opinion: Opinion) -> None: ...

    async def get_opinion(self, case_id: str) -> Opinion:
        """The case's opinion, or :class:`OpinionNotFoundError`."""
        ...

    async def save_opinion(self, opinion: Opinion) -> Opinion:
        """Like :meth:`save_referral`, for an opinion."""
        ...

    # --- notifications and the audit trail -----------------------------------------

    async def add_notification(self, notification: Notification) -> None: ...

    async def list_notifications(self, account_id: str, limit: int = 100) -> list[Notification]:
        """The account's notifications, newest first."""
        ...

    async def mark_notifications_read(
        self, account_id: str, notification_ids: list[str], at_ms: int
    ) -> int:
        """Mark the account's own notifications read; how many changed."""
        ...

    async def append_audit(self, record: AuditRecord) -> None: ...

    async def search_audit(self, query: AuditQuery) -> list[AuditRecord]:
        """Matching records in the order they were written."""
        ...

    async def close(self) -> None: ...
