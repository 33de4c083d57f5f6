"""The clinical workflow: referral → accept/decline → consent → consultation → signed opinion.

Every step is checked against :mod:`rooms.access` and audited, allowed or refused;
every read of patient data is audited too. Transitions follow the regulation
(远程医疗服务管理规范): a decline states its reason, no consultation starts without
the patient's consent, only the invited may join, and the opinion is signed and
returned to the inviting clinic.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .access import Action, Actor, Gate, case_in_reach, role_may
from .account import Account, AccountRole
from .attachment import Attachment, AttachmentKind
from .audit import AuditQuery, AuditRecord, AuditTrail
from .case_record import CaseRecord
from .consent import Consent, ConsentRequest
from .errors import NotPermittedError, RoomsError
from .notification import Notification, NotificationEvent, Notifier, Payload
from .opinion import (
    Opinion,
    OpinionContent,
    OpinionVerification,
    SigningKey,
    sign_opinion,
    verify_opinion,
)
from .record_id import new_record_id
from .referral import Acceptance, Referral, ReferralRequest, ReferralStatus
from .role import Role
from .workflow_errors import (
    AccountNotFoundError,
    AttachmentNotFoundError,
    ConcurrentUpdateError,
    InstitutionNotFoundError,
    InvalidFieldError,
    InvalidStateError,
    OpinionNotFoundError,
    ReferralNotFoundError,
)
from .workflow_store import WorkflowStore

logger = logging.getLogger(__name__)

#: Attachments live here, inside the data folder, one folder per case.
ATTACHMENTS = "attachments"
#: Uploads land here first, so a refused or broken upload never reaches a case folder.
INCOMING = ".incoming"
#: Statuses in which a case still takes attachments and consents.
_OPEN = (ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_CONSULTATION)


@dataclass(frozen=True)
class Upload:
    """A file the edge has received (whole, within its size limit) into :attr:`incoming`."""

    temp_path: Path
    kind: AttachmentKind
    """Decided from the file's first bytes (:func:`rooms.attachment.sniff_kind`)."""
    size_bytes: int
    sha256: str
    name: str
    """The name the client gave the file."""


@dataclass(frozen=True)
class ReceivedStudy:
    """A CT series the imaging side has read and kept for a case."""

    series_uid: str
    size_bytes: int
    sha256: str
    """Of the upload as received (a DICOM file or a zip of one series)."""


@dataclass(frozen=True)
class JoinClaims:
    """What a join token for this person and consultation must say."""

    consultation_id: str
    participant_id: str
    """The account id: one person is one participant, whichever device they join from."""
    display_name: str
    role: Role
    institution: str
    """The institution's name."""


class Workflow:
    def __init__(
        self,
        store: WorkflowStore,
        data_dir: Path,
        clock_ms: Callable[[], int],
        notifier: Notifier | None = None,
    ) -> None:
        self._store = store
        self._data_dir = data_dir
        self._clock_ms = clock_ms
        self.notifier = notifier
        """Pushes notifications to those online; the app factory binds it to Socket.IO."""
        self._gate = Gate(AuditTrail(store, clock_ms))

    @property
    def incoming(self) -> Path:
        """Where the edge puts uploads before :meth:`add_file` takes them."""
        return self._data_dir / ATTACHMENTS / INCOMING

    # --- the referral ----------------------------------------------------------------

    async def create_referral(self, actor: Actor, request: ReferralRequest) -> Referral:
        referral_id = new_record_id("ref")
        await self._gate.admit(actor, Action.CREATE_REFERRAL, "referral", referral_id)
        target = request.to_institution_id
        if target == actor.account.institution_id:
            raise InvalidFieldError(
                "to_institution_id",
                "to_institution_id must be another institution (不能邀请本机构)",
            )
        try:
            await self._store.get_institution(target)
        except InstitutionNotFoundError:
            raise InvalidFieldError(
                "to_institution_id", "to_institution_id names no institution (受邀机构不存在)"
            ) from None
        await self._check_experts(request.requested_expert_ids, target, "requested_expert_ids")
        now_ms = self._clock_ms()
        referral = Referral(
            id=referral_id,
            from_institution_id=actor.account.institution_id,
            requested_by=actor.id,
            request=request,
            status=ReferralStatus.SUBMITTED,
            created_at_ms=now_ms,
            updated_at_ms=now_ms,
        )
        await self._store.add_referral(referral)
        coordinators = await self._store.list_accounts(target, AccountRole.COORDINATOR)
        await self._notify(
            [c.id for c in coordinators],
            NotificationEvent.REFERRAL_RECEIVED,
            {"case_id": referral.id, "from_institution_id": referral.from_institution_id},
        )
        return referral

    def today(self) -> date:
        """The latest date anywhere on Earth (UTC+14): a birth date after it is an error."""
        return (datetime.fromtimestamp(self._clock_ms() / 1000, UTC) + timedelta(hours=14)).date()

    async def list_referrals(self, actor: Actor) -> list[Referral]:
        """The caller's cases: sent by their institution, addressed to it, or assigned to them."""
        await self._gate.admit(actor, Action.LIST_REFERRALS, "referral", "*")
        account = actor.account
        if account.role is AccountRole.INVITING_DOCTOR:
            return await self._store.list_referrals(from_institution_id=account.institution_id)
        if account.role is AccountRole.COORDINATOR:
            return await self._store.list_referrals(to_institution_id=account.institution_id)
        return await self._store.list_referrals(expert_id=account.id)

    async def get_referral(self, actor: Actor, case_id: str) -> Referral:
        return await self._case(actor, Action.READ_REFERRAL, case_id)

    async def accept(self, actor: Actor, case_id: str, acceptance: Acceptance) -> Referral:
        referral = await self._case(actor, Action.ACCEPT_REFERRAL, case_id)
        await self._check_experts(acceptance.expert_ids, referral.to_institution_id, "expert_ids")
        referral = await self._store.save_referral(
            referral.accepted(actor.id, self._clock_ms(), acceptance)
        )
        when: Payload = {"case_id": case_id, "scheduled_at_ms": referral.scheduled_at_ms}
        await self._notify([referral.requested_by], NotificationEvent.REFERRAL_ACCEPTED, when)
        await self._notify(referral.assigned_expert_ids, NotificationEvent.EXPERT_ASSIGNED, when)
        return referral

    async def decline(self, actor: Actor, case_id: str, reason: str) -> Referral:
        referral = await self._case(actor, Action.DECLINE_REFERRAL, case_id)
        referral = await self._store.save_referral(
            referral.declined(actor.id, self._clock_ms(), reason)
        )
        await self._notify(
            [referral.requested_by], NotificationEvent.REFERRAL_DECLINED, {"case_id": case_id}
        )
        return referral

    # --- attachments and consent -----------------------------------------------------

    async def add_file(self, actor: Actor, case_id: str, upload: Upload) -> Attachment:
        """Take an uploaded file into the case (moved out of :attr:`incoming`)."""
        attachment_id = new_record_id("att")
        referral = await self._case(
            actor, Action.ADD_ATTACHMENT, case_id, "attachment", attachment_id
        )
        _expect_open(referral)
        relative = Path(ATTACHMENTS) / case_id / f"{attachment_id}{upload.kind.suffix}"
        (self._data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(upload.temp_path, self._data_dir / relative)
        return await self._keep(
            Attachment(
                id=attachment_id,
                case_id=case_id,
                kind=upload.kind,
                description=upload.name,
                size_bytes=upload.size_bytes,
                sha256=upload.sha256,
                path=relative.as_posix(),
                study_id="",
                uploaded_by=actor.id,
                uploaded_at_ms=self._clock_ms(),
            )
        )

    async def add_study(
        self,
        actor: Actor,
        case_id: str,
        description: str,
        receive: Callable[[], Awaitable[ReceivedStudy]],
    ) -> Attachment:
        """Attach the patient's CT study. ``receive`` reads and keeps it, and runs only once
        the caller is admitted to the open case: nobody stores data in a case out of reach."""
        attachment_id = new_record_id("att")
        referral = await self._case(
            actor, Action.ADD_ATTACHMENT, case_id, "attachment", attachment_id
        )
        _expect_open(referral)
        study = await receive()
        return await self._keep(
            Attachment(
                id=attachment_id,
                case_id=case_id,
                kind=AttachmentKind.CT_STUDY,
                description=description,
                size_bytes=study.size_bytes,
                sha256=study.sha256,
                path="",
                study_id=study.series_uid,
                uploaded_by=actor.id,
                uploaded_at_ms=self._clock_ms(),
            )
        )

    async def list_attachments(self, actor: Actor, case_id: str) -> list[Attachment]:
        await self._case(actor, Action.READ_ATTACHMENT, case_id, "attachment", f"{case_id}/*")
        return await self._store.list_attachments(case_id)

    async def open_attachment(
        self, actor: Actor, case_id: str, attachment_id: str
    ) -> tuple[Attachment, Path | None]:
        """The attachment and its file (``None`` for a CT study reference)."""
        await self._case(actor, Action.READ_ATTACHMENT, case_id, "attachment", attachment_id)
        attachment = await self._store.get_attachment(case_id, attachment_id)
        return attachment, (self._data_dir / attachment.path) if attachment.path else None

    async def record_consent(self, actor: Actor, case_id: str, request: ConsentRequest) -> Consent:
        referral = await self._case(actor, Action.RECORD_CONSENT, case_id, "consent")
        _expect_open(referral)
        if request.form_attachment_id:
            try:
                await self._store.get_attachment(case_id, request.form_attachment_id)
            except AttachmentNotFoundError:
                raise InvalidFieldError(
                    "form_attachment_id",
                    "form_attachment_id names no attachment of this case (扫描件不存在)",
                ) from None
        consent = Consent(case_id, request, actor.id, self._clock_ms())
        await self._store.add_consent(consent)
        return consent

    async def consents(self, actor: Actor, case_id: str) -> list[Consent]:
        await self._case(actor, Action.READ_CONSENT, case_id, "consent")
        return await self._store.list_consents(case_id)

    # --- the consultation --------------------------------------------------------------

    async def create_consultation(self, actor: Actor, case_id: str) -> Referral:
        referral = await self._case(actor, Action.CREATE_CONSULTATION, case_id, "consultation")
        referral = await self._store.save_referral(
            referral.with_consultation(new_record_id("mdt"), self._clock_ms())
        )
        await self._notify(
            [a for a in referral.participants() if a != actor.id],
            NotificationEvent.CONSULTATION_CREATED,
            {"case_id": case_id, "consultation_id": referral.consultation_id},
        )
        return referral

    async def join_claims(self, actor: Actor, case_id: str) -> JoinClaims:
        """What the caller's join token must carry; refused unless they are invited, the
        consultation exists and is not over, and the patient consented to it."""
        referral = await self._case(
            actor, Action.JOIN_CONSULTATION, case_id, "consultation", invited_only=True
        )
        if referral.status is not ReferralStatus.IN_CONSULTATION or not referral.consultation_id:
            raise InvalidStateError(
                f"the case is {referral.status.value}: there is no call to join"
            )
        await self._store.require_consultation_consent(case_id)
        return await self._claims(actor, referral.consultation_id, referral)

    async def review_claims(self, actor: Actor, case_id: str) -> JoinClaims:
        """What the caller's review token must carry: the record of the consultation
        (recordings, studies) is open to those invited to it, during and after it."""
        referral = await self._case(
            actor, Action.REVIEW_RECORDINGS, case_id, "recording", invited_only=True
        )
        if not referral.consultation_id:
            raise InvalidStateError(
                f"the case is {referral.status.value}: it has no consultation to review"
            )
        return await self._claims(actor, referral.consultation_id, referral)

    async def _claims(self, actor: Actor, consultation_id: str, referral: Referral) -> JoinClaims:
        """The caller as an invited member of the case's consultation."""
        institution = await self._store.get_institution(actor.account.institution_id)
        return JoinClaims(
            consultation_id=consultation_id,
            participant_id=actor.id,
            display_name=actor.account.real_name,
            role=referral.participants()[actor.id],
            institution=institution.name,
        )

    # --- the opinion ---------------------------------------------------------------------

    async def write_opinion(
        self,
        actor: Actor,
        case_id: str,
        content: OpinionContent,
        expected_version: int | None = None,
    ) -> Opinion:
        """Create the draft, or replace its content. ``expected_version``, when given, must
        be the version the writer read: two experts editing at once do not silently lose
        each other's text."""
        referral = await self._case(actor, Action.WRITE_OPINION, case_id, "opinion")
        # Once returned, the case's opinion is signed: revising it says so, below.
        if referral.consultation_id is None:
            raise InvalidStateError("an opinion is written once the consultation exists")
        now_ms = self._clock_ms()
        try:
            current = await self._store.get_opinion(case_id)
        except OpinionNotFoundError:
            opinion = Opinion(
                id=new_record_id("op"),
                case_id=case_id,
                consultation_id=referral.consultation_id,
                content=content,
                created_by=actor.id,
                created_at_ms=now_ms,
                updated_by=actor.id,
                updated_at_ms=now_ms,
            )
            await self._store.add_opinion(opinion)
            return opinion
        if expected_version is not None and expected_version != current.version:
            raise ConcurrentUpdateError("the opinion changed since you read it; read it again")
        return await self._store.save_opinion(current.revised(content, actor.id, now_ms))

    async def get_opinion(self, actor: Actor, case_id: str) -> Opinion:
        await self._case(actor, Action.READ_OPINION, case_id, "opinion")
        return await self._store.get_opinion(case_id)

    async def sign_opinion(
        self,
        actor: Actor,
        case_id: str,
        key: SigningKey,
        manifest_digests: Callable[[str], Sequence[str]],
    ) -> Opinion:
        """Sign and freeze the opinion and return it to the inviting clinic. The signature
        covers ``manifest_digests(consultation_id)``: the SHA-256 of each sealed recording
        manifest of the consultation (read from disk, so it runs in a thread)."""
        referral = await self._case(actor, Action.SIGN_OPINION, case_id, "opinion")
        opinion = await self._store.get_opinion(case_id)
        digests = await asyncio.to_thread(manifest_digests, opinion.consultation_id)
        signed = await self._store.save_opinion(
            sign_opinion(opinion, actor.account, self._clock_ms(), key, digests)
        )
        await self._store.save_referral(referral.returned(self._clock_ms()))
        await self._notify(
            [referral.requested_by, *([referral.decided_by] if referral.decided_by else [])],
            NotificationEvent.OPINION_RETURNED,
            {"case_id": case_id, "opinion_id": signed.id},
        )
        return signed

    async def verify_opinion(
        self, actor: Actor, case_id: str, key: SigningKey
    ) -> OpinionVerification:
        await self._case(actor, Action.VERIFY_OPINION, case_id, "opinion")
        return verify_opinion(await self._store.get_opinion(case_id), key)

    # --- the whole case, the audit trail, notifications ---------------------------------

    async def case_record(self, actor: Actor, case_id: str) -> CaseRecord:
        """Everything about the case, for export (audited as one ``export-case``)."""
        referral = await self._case(actor, Action.EXPORT_CASE, case_id)
        attachments = tuple(await self._store.list_attachments(case_id))
        consents = tuple(await self._store.list_consents(case_id))
        try:
            opinion: Opinion | None = await self._store.get_opinion(case_id)
        except OpinionNotFoundError:
            opinion = None
        named = {referral.requested_by, *referral.assigned_expert_ids}
        named |= set(referral.request.requested_expert_ids)
        named |= {c.recorded_by for c in consents} | {a.uploaded_by for a in attachments}
        if referral.decided_by:
            named.add(referral.decided_by)
        if opinion is not None:
            named |= {opinion.created_by, opinion.updated_by}
            if opinion.signature is not None:
                named.add(opinion.signature.signed_by)
        return CaseRecord(
            referral=referral,
            from_institution=await self._store.get_institution(referral.from_institution_id),
            to_institution=await self._store.get_institution(referral.to_institution_id),
            accounts={i: await self._store.get_account(i) for i in sorted(named)},
            attachments=attachments,
            consents=consents,
            opinion=opinion,
        )

    async def search_audit(self, actor: Actor, query: AuditQuery) -> list[AuditRecord]:
        await self._gate.admit(actor, Action.SEARCH_AUDIT, "audit-log", "*")
        return await self._store.search_audit(query)

    async def notifications(self, actor: Actor) -> list[Notification]:
        return await self._store.list_notifications(actor.id)

    async def mark_read(self, actor: Actor, notification_ids: list[str]) -> int:
        return await self._store.mark_notifications_read(
            actor.id, notification_ids, self._clock_ms()
        )

    # --- helpers -----------------------------------------------------------------------

    async def _case(
        self,
        actor: Actor,
        action: Action,
        case_id: str,
        object_type: str = "referral",
        object_id: str | None = None,
        *,
        invited_only: bool = False,
    ) -> Referral:
        """The case, if ``actor`` may do ``action`` to it; audited either way. A case out of
        reach is reported as not found, never as existing-but-forbidden."""
        object_id = object_id or case_id
        if not role_may(actor.role, action):
            await self._gate.admit(actor, action, object_type, object_id)
        try:
            referral = await self._store.get_referral(case_id)
        except ReferralNotFoundError as missing:
            await self._gate.admit(actor, action, object_type, object_id, missing)
            raise
        refusal: RoomsError | None = None
        if not case_in_reach(actor.account, referral):
            refusal = ReferralNotFoundError("there is no such referral")
        elif invited_only and actor.id not in referral.participants():
            refusal = NotPermittedError("you are not invited to this consultation")
        await self._gate.admit(actor, action, object_type, object_id, refusal)
        return referral

    async def _check_experts(
        self, expert_ids: Sequence[str], institution_id: str, field: str
    ) -> None:
        for expert_id in expert_ids:
            try:
                expert: Account | None = await self._store.get_account(expert_id)
            except AccountNotFoundError:
                expert = None
            if (
                expert is None
                or expert.role is not AccountRole.EXPERT
                or expert.institution_id != institution_id
                or expert.disabled_at_ms is not None
            ):
                raise InvalidFieldError(
                    field, f"{field} must name active experts of the invited institution (专家无效)"
                )

    async def _keep(self, attachment: Attachment) -> Attachment:
        await self._store.add_attachment(attachment)
        return attachment

    async def _notify(
        self, account_ids: Sequence[str], event: NotificationEvent, payload: Payload
    ) -> None:
        for account_id in dict.fromkeys(account_ids):
            notification = Notification(
                new_record_id("ntf"), account_id, event, payload, self._clock_ms()
            )
            await self._store.add_notification(notification)
            if self.notifier is None:
                continue
            try:
                await self.notifier.notify(account_id, event.value, payload)
            except Exception:
                # The step is done and the notification stored; a failed push only means
                # the person sees it in their list instead of live.
                logger.exception("pushing a %s notification failed", event.value)


def _expect_open(referral: Referral) -> None:
    if referral.status not in _OPEN:
        raise InvalidStateError(f"the case is {referral.status.value}: it takes no more records")
