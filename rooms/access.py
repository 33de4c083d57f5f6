"""Who may do what to which case: the workflow's access policy, as pure functions.

Two questions, asked in order. May this *role* ever do this action? If not, the
refusal says so (403). Is this *case* within the account's reach: its own
institution's referrals for an inviting doctor, those addressed to its institution
for a coordinator, those it is assigned to for an expert? If not, the case is
reported as not found (404), so nobody learns what other institutions refer.
Administrators manage accounts and auditors read the trail; neither reads patient data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .account import Account, AccountRole
from .audit import AuditOutcome, AuditTrail
from .errors import NotPermittedError, RoomsError
from .referral import Referral


class Action(StrEnum):
    """What a caller attempts; the value is what the audit trail records."""

    CREATE_REFERRAL = "create-referral"
    LIST_REFERRALS = "list-referrals"
    READ_REFERRAL = "read-referral"
    ACCEPT_REFERRAL = "accept-referral"
    DECLINE_REFERRAL = "decline-referral"
    ADD_ATTACHMENT = "add-attachment"
    READ_ATTACHMENT = "read-attachment"
    RECORD_CONSENT = "record-consent"
    READ_CONSENT = "read-consent"
    CREATE_CONSULTATION = "create-consultation"
    JOIN_CONSULTATION = "join-consultation"
    REVIEW_RECORDINGS = "review-recordings"
    """Open the consultation's record (recordings, CT) with a review link."""
    WRITE_OPINION = "write-opinion"
    SIGN_OPINION = "sign-opinion"
    READ_OPINION = "read-opinion"
    VERIFY_OPINION = "verify-opinion"
    EXPORT_CASE = "export-case"
    SEARCH_AUDIT = "search-audit"
    MANAGE_DIRECTORY = "manage-directory"
    """Create institutions and accounts, list and disable accounts."""


_CASE_READING = frozenset(
    {
        Action.LIST_REFERRALS,
        Action.READ_REFERRAL,
        Action.READ_ATTACHMENT,
        Action.READ_CONSENT,
        Action.JOIN_CONSULTATION,
        Action.REVIEW_RECORDINGS,
        Action.READ_OPINION,
        Action.VERIFY_OPINION,
    }
)

_ALLOWED: dict[AccountRole, frozenset[Action]] = {
    AccountRole.INVITING_DOCTOR: _CASE_READING
    | {
        Action.CREATE_REFERRAL,
        Action.ADD_ATTACHMENT,
        Action.RECORD_CONSENT,
        Action.EXPORT_CASE,
    },
    AccountRole.COORDINATOR: _CASE_READING
    | {
        Action.ACCEPT_REFERRAL,
        Action.DECLINE_REFERRAL,
        Action.CREATE_CONSULTATION,
        Action.EXPORT_CASE,
    },
    AccountRole.EXPERT: _CASE_READING | {Action.WRITE_OPINION, Action.SIGN_OPINION},
    AccountRole.ADMINISTRATOR: frozenset({Action.MANAGE_DIRECTORY}),
    AccountRole.AUDITOR: frozenset({Action.SEARCH_AUDIT}),
}


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of one request."""

    account: Account
    address: str
    """The client's address, for the audit trail."""

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def role(self) -> AccountRole:
        return self.account.role


def role_may(role: AccountRole, action: Action) -> bool:
    """Whether ``role`` may ever attempt ``action``."""
    return action in _ALLOWED[role]


def allowed_actions(role: AccountRole) -> frozenset[Action]:
    return _ALLOWED[role]


def case_in_reach(account: Account, referral: Referral) -> bool:
    """Whether ``referral`` is one of the cases ``account`` works on."""
    if account.role is AccountRole.INVITING_DOCTOR:
        return referral.from_institution_id == account.institution_id
    if account.role is AccountRole.COORDINATOR:
        return referral.to_institution_id == account.institution_id
    if account.role is AccountRole.EXPERT:
        return account.id in referral.assigned_expert_ids
    return False


class Gate:
    """Decides one attempt and writes its audit record, allowed or refused."""

    def __init__(self, audit: AuditTrail) -> None:
        self._audit = audit

    async def admit(
        self,
        actor: Actor,
        action: Action,
        object_type: str,
        object_id: str,
        refusal: RoomsError | None = None,
    ) -> None:
        """Audit the attempt; raise the role's refusal, else ``refusal`` if one is given."""
        if not role_may(actor.role, action):
            refusal = NotPermittedError(
                f"an account with the role {actor.role.value} may not {action.value}"
            )
        await self._audit.record(
            actor_id=actor.id,
            actor_role=actor.role.value,
            action=action.value,
            object_type=object_type,
            object_id=object_id,
            address=actor.address,
            outcome=AuditOutcome.ALLOWED if refusal is None else AuditOutcome.REFUSED,
        )
        if refusal is not None:
            raise refusal
