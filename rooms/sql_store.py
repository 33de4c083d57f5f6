"""The workflow's records in SQL: SQLite by default, PostgreSQL when configured.

Every statement is written once and runs on both backends (:mod:`rooms.sql_database`);
lists are kept as JSON text, times as integer milliseconds, so both dialects read
back exactly what was written.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .account import Account, AccountRole
from .attachment import Attachment, AttachmentKind
from .audit import MAX_AUDIT_RESULTS, AuditOutcome, AuditQuery, AuditRecord
from .consent import Consent, ConsentGiver, ConsentKind, ConsentMethod, ConsentRequest
from .errors import RecordingConsentMissingError
from .institution import Institution, InstitutionLevel
from .migrations import migrate
from .notification import Notification, NotificationEvent
from .opinion import Opinion, OpinionContent, OpinionSignature
from .patient import Patient, Sex
from .postgres_database import PostgresDatabase
from .referral import Referral, ReferralRequest, ReferralStatus
from .refresh_token import RefreshToken
from .sql_database import Database, IntegrityViolation, Row, SqlSession
from .sqlite_database import SqliteDatabase
from .workflow_errors import (
    AccountNotFoundError,
    AttachmentNotFoundError,
    ConcurrentUpdateError,
    ConsentAlreadyRecordedError,
    ConsultationConsentMissingError,
    InstitutionNotFoundError,
    LoginTakenError,
    OpinionNotFoundError,
    ReferralNotFoundError,
)

#: The SQLite file inside the data folder when no store URL is configured.
SQLITE_FILE = "mdt.sqlite3"


async def open_sql_store(url: str, data_dir: Path) -> SqlWorkflowStore:
    """The store at ``url`` (``postgresql://...``), or SQLite in ``data_dir`` when ``url`` is
    empty or ``sqlite:///path``; migrated to the current schema."""
    scheme = urlsplit(url).scheme
    database: Database
    if scheme in ("postgresql", "postgres"):
        database = await PostgresDatabase.open(url)
    elif scheme == "sqlite":
        database = await SqliteDatabase.open(Path(urlsplit(url).path))
    elif not url:
        database = await SqliteDatabase.open(data_dir / SQLITE_FILE)
    else:
        raise ValueError("the store URL must be empty, sqlite:///PATH or postgresql://...")
    try:
        await migrate(database)
    except BaseException:
        await database.close()
        raise
    return SqlWorkflowStore(database)


def _json(values: Sequence[str] | Mapping[str, Any]) -> str:
    return json.dumps(list(values) if isinstance(values, Sequence) else dict(values))


class SqlWorkflowStore:
    """A :class:`rooms.workflow_store.WorkflowStore` on a :class:`Database`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def close(self) -> None:
        await self.database.close()

    # --- institutions and accounts -------------------------------------------------

    async def add_institution(self, institution: Institution) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                "INSERT INTO institutions (id, name, level, created_at_ms) VALUES (?, ?, ?, ?)",
                institution.id,
                institution.name,
                institution.level.value,
                institution.created_at_ms,
            )

    async def get_institution(self, institution_id: str) -> Institution:
        async with self.database.transaction() as s:
            row = await s.fetchrow("SELECT * FROM institutions WHERE id = ?", institution_id)
        if row is None:
            raise InstitutionNotFoundError("there is no such institution")
        return _institution(row)

    async def list_institutions(self) -> list[Institution]:
        async with self.database.transaction() as s:
            rows = await s.fetch("SELECT * FROM institutions ORDER BY name, id")
        return [_institution(row) for row in rows]

    async def add_account(self, account: Account) -> None:
        try:
            async with self.database.transaction() as s:
                if not await s.fetchrow(
                    "SELECT id FROM institutions WHERE id = ?", account.institution_id
                ):
                    raise InstitutionNotFoundError("there is no such institution")
                await s.execute(
                    """INSERT INTO accounts (id, login, real_name, role, title, specialty,
                        institution_id, password_hash, failed_logins, locked_until_ms,
                        disabled_at_ms, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    account.id,
                    account.login,
                    account.real_name,
                    account.role.value,
                    account.title,
                    account.specialty,
                    account.institution_id,
                    account.password_hash,
                    account.failed_logins,
                    account.locked_until_ms,
                    account.disabled_at_ms,
                    account.created_at_ms,
                )
        except IntegrityViolation:
            raise LoginTakenError("another account has this login name") from None

    async def get_account(self, account_id: str) -> Account:
        async with self.database.transaction() as s:
            return await _account_in(s, account_id)

    async def find_account(self, login: str) -> Account | None:
        async with self.database.transaction() as s:
            row = await s.fetchrow("SELECT * FROM accounts WHERE login = ?", login)
        return None if row is None else _account(row)

    async def list_accounts(
        self, institution_id: str | None = None, role: AccountRole | None = None
    ) -> list[Account]:
        where, args = _where(institution_id=institution_id, role=role and role.value)
        async with self.database.transaction() as s:
            rows = await s.fetch(f"SELECT * FROM accounts{where} ORDER BY created_at_ms, id", *args)
        return [_account(row) for row in rows]

    async def record_failed_login(
        self, account_id: str, now_ms: int, max_failures: int, lockout_ms: int
    ) -> Account:
        async with self.database.transaction() as s:
            await s.execute(
                "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?", account_id
            )
            await s.execute(
                """UPDATE accounts SET failed_logins = 0, locked_until_ms = ?
                WHERE id = ? AND failed_logins >= ?""",
                now_ms + lockout_ms,
                account_id,
                max_failures,
            )
            return await _account_in(s, account_id)

    async def clear_failed_logins(self, account_id: str) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                "UPDATE accounts SET failed_logins = 0, locked_until_ms = NULL WHERE id = ?",
                account_id,
            )

    async def set_account_disabled(self, account_id: str, at_ms: int | None) -> None:
        async with self.database.transaction() as s:
            changed = await s.execute(
                "UPDATE accounts SET disabled_at_ms = ? WHERE id = ?", at_ms, account_id
            )
        if not changed:
            raise AccountNotFoundError("there is no such account")

    # --- refresh tokens ------------------------------------------------------------

    async def add_refresh_token(self, token: RefreshToken) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                """INSERT INTO refresh_tokens (token_hash, family_id, account_id, issued_at_ms,
                    expires_at_ms, used_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                token.token_hash,
                token.family_id,
                token.account_id,
                token.issued_at_ms,
                token.expires_at_ms,
                token.used_at_ms,
                token.revoked_at_ms,
            )

    async def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        async with self.database.transaction() as s:
            row = await s.fetchrow("SELECT * FROM refresh_tokens WHERE token_hash = ?", token_hash)
        return None if row is None else RefreshToken(**row)

    async def spend_refresh_token(self, token_hash: str, at_ms: int) -> bool:
        async with self.database.transaction() as s:
            changed = await s.execute(
                """UPDATE refresh_tokens SET used_at_ms = ?
                WHERE token_hash = ? AND used_at_ms IS NULL AND revoked_at_ms IS NULL""",
                at_ms,
                token_hash,
            )
        return changed == 1

    async def revoke_refresh_family(self, family_id: str, at_ms: int) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                """UPDATE refresh_tokens SET revoked_at_ms = ?
                WHERE family_id = ? AND revoked_at_ms IS NULL""",
                at_ms,
                family_id,
            )

    # --- referrals -----------------------------------------------------------------

    async def add_referral(self, referral: Referral) -> None:
        columns = _referral_columns(referral)
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        async with self.database.transaction() as s:
            await s.execute(f"INSERT INTO referrals ({names}) VALUES ({marks})", *columns.values())
            await _set_experts(s, referral)

    async def get_referral(self, case_id: str) -> Referral:
        async with self.database.transaction() as s:
            row = await s.fetchrow("SELECT * FROM referrals WHERE id = ?", case_id)
        if row is None:
            raise ReferralNotFoundError("there is no such referral")
        return _referral(row)

    async def find_referral_by_consultation(self, consultation_id: str) -> Referral:
        async with self.database.transaction() as s:
            row = await s.fetchrow(
                "SELECT * FROM referrals WHERE consultation_id = ?", consultation_id
            )
        if row is None:
            raise ReferralNotFoundError("no referral has this consultation")
        return _referral(row)

    async def list_referrals(
        self,
        *,
        from_institution_id: str | None = None,
        to_institution_id: str | None = None,
        expert_id: str | None = None,
    ) -> list[Referral]:
        if expert_id is not None:
            sql = """SELECT r.* FROM referrals r
                JOIN referral_experts e ON e.referral_id = r.id WHERE e.account_id = ?"""
            args: list[object] = [expert_id]
        else:
            where, args = _where(
                from_institution_id=from_institution_id, to_institution_id=to_institution_id
            )
            sql = f"SELECT * FROM referrals{where}"
        async with self.database.transaction() as s:
            rows = await s.fetch(sql + " ORDER BY created_at_ms DESC, id", *args)
        return [_referral(row) for row in rows]

    async def save_referral(self, referral: Referral) -> Referral:
        saved = dataclasses.replace(referral, version=referral.version + 1)
        columns = _referral_columns(saved)
        del columns["id"]
        assignments = ", ".join(f"{name} = ?" for name in columns)
        async with self.database.transaction() as s:
            changed = await s.execute(
                f"UPDATE referrals SET {assignments} WHERE id = ? AND version = ?",
                *columns.values(),
                referral.id,
                referral.version,
            )
            if changed != 1:
                raise ConcurrentUpdateError("the referral changed meanwhile; read it again")
            await _set_experts(s, saved)
        return saved

    # --- attachments and consents --------------------------------------------------

    async def add_attachment(self, attachment: Attachment) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                """INSERT INTO attachments (id, case_id, kind, description, size_bytes, sha256,
                    path, study_id, uploaded_by, uploaded_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                attachment.id,
                attachment.case_id,
                attachment.kind.value,
                attachment.description,
                attachment.size_bytes,
                attachment.sha256,
                attachment.path,
                attachment.study_id,
                attachment.uploaded_by,
                attachment.uploaded_at_ms,
            )

    async def get_attachment(self, case_id: str, attachment_id: str) -> Attachment:
        async with self.database.transaction() as s:
            row = await s.fetchrow(
                "SELECT * FROM attachments WHERE id = ? AND case_id = ?", attachment_id, case_id
            )
        if row is None:
            raise AttachmentNotFoundError("the case has no such attachment")
        return _attachment(row)

    async def list_attachments(self, case_id: str) -> list[Attachment]:
        async with self.database.transaction() as s:
            rows = await s.fetch(
                "SELECT * FROM attachments WHERE case_id = ? ORDER BY uploaded_at_ms, id", case_id
            )
        return [_attachment(row) for row in rows]

    async def add_consent(self, consent: Consent) -> None:
        request = consent.request
        try:
            async with self.database.transaction() as s:
                await s.execute(
                    """INSERT INTO consents (case_id, kind, given_by, giver_name, method,
                        obtained_at_ms, form_attachment_id, note, recorded_by, recorded_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    consent.case_id,
                    request.kind.value,
                    request.given_by.value,
                    request.giver_name,
                    request.method.value,
                    request.obtained_at_ms,
                    request.form_attachment_id or None,
                    request.note,
                    consent.recorded_by,
                    consent.recorded_at_ms,
                )
        except IntegrityViolation:
            raise ConsentAlreadyRecordedError(
                f"the {request.kind.value} consent is already recorded for this case"
            ) from None

    async def list_consents(self, case_id: str) -> list[Consent]:
        async with self.database.transaction() as s:
            rows = await s.fetch("SELECT * FROM consents WHERE case_id = ? ORDER BY kind", case_id)
        return [_consent(row) for row in rows]

    async def require_consultation_consent(self, case_id: str) -> Consent:
        found = await self._consent(case_id, ConsentKind.CONSULTATION)
        if found is None:
            raise ConsultationConsentMissingError(
                "the patient's consent to the consultation is not recorded (未记录会诊知情同意)"
            )
        return found

    async def require_recording_consent(self, case_id: str) -> Consent:
        found = await self._consent(case_id, ConsentKind.RECORDING)
        if found is None:
            raise RecordingConsentMissingError(
                "the patient's consent to recording is not recorded (未记录录音录像知情同意)"
            )
        return found

    async def _consent(self, case_id: str, kind: ConsentKind) -> Consent | None:
        async with self.database.transaction() as s:
            row = await s.fetchrow(
                "SELECT * FROM consents WHERE case_id = ? AND kind = ?", case_id, kind.value
            )
        return None if row is None else _consent(row)

    # --- opinions --------------------------------------------------------------------

    async def add_opinion(self, opinion: Opinion) -> None:
        columns = _opinion_columns(opinion)
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        async with self.database.transaction() as s:
            await s.execute(f"INSERT INTO opinions ({names}) VALUES ({marks})", *columns.values())

    async def get_opinion(self, case_id: str) -> Opinion:
        async with self.database.transaction() as s:
            row = await s.fetchrow("SELECT * FROM opinions WHERE case_id = ?", case_id)
        if row is None:
            raise OpinionNotFoundError("the case has no opinion yet")
        return _opinion(row)

    async def save_opinion(self, opinion: Opinion) -> Opinion:
        saved = dataclasses.replace(opinion, version=opinion.version + 1)
        columns = _opinion_columns(saved)
        del columns["id"]
        assignments = ", ".join(f"{name} = ?" for name in columns)
        async with self.database.transaction() as s:
            changed = await s.execute(
                f"UPDATE opinions SET {assignments} WHERE id = ? AND version = ?",
                *columns.values(),
                opinion.id,
                opinion.version,
            )
        if changed != 1:
            raise ConcurrentUpdateError("the opinion changed meanwhile; read it again")
        return saved

    # --- notifications -------------------------------------------------------------

    async def add_notification(self, notification: Notification) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                """INSERT INTO notifications (id, account_id, event, payload, created_at_ms,
                    read_at_ms) VALUES (?, ?, ?, ?, ?, ?)""",
                notification.id,
                notification.account_id,
                notification.event.value,
                _json(notification.payload),
                notification.created_at_ms,
                notification.read_at_ms,
            )

    async def list_notifications(self, account_id: str, limit: int = 100) -> list[Notification]:
        async with self.database.transaction() as s:
            rows = await s.fetch(
                """SELECT * FROM notifications WHERE account_id = ?
                ORDER BY created_at_ms DESC, id LIMIT ?""",
                account_id,
                limit,
            )
        return [
            Notification(
                id=row["id"],
                account_id=row["account_id"],
                event=NotificationEvent(row["event"]),
                payload=json.loads(row["payload"]),
                created_at_ms=row["created_at_ms"],
                read_at_ms=row["read_at_ms"],
            )
            for row in rows
        ]

    async def mark_notifications_read(
        self, account_id: str, notification_ids: list[str], at_ms: int
    ) -> int:
        changed = 0
        async with self.database.transaction() as s:
            for notification_id in notification_ids:
                changed += await s.execute(
                    """UPDATE notifications SET read_at_ms = ?
                    WHERE id = ? AND account_id = ? AND read_at_ms IS NULL""",
                    at_ms,
                    notification_id,
                    account_id,
                )
        return changed

    # --- the audit trail -----------------------------------------------------------

    async def append_audit(self, record: AuditRecord) -> None:
        async with self.database.transaction() as s:
            await s.execute(
                """INSERT INTO audit_log (at_ms, actor_id, actor_role, action, object_type,
                    object_id, address, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                record.at_ms,
                record.actor_id,
                record.actor_role,
                record.action,
                record.object_type,
                record.object_id,
                record.address,
                record.outcome.value,
            )

    async def search_audit(self, query: AuditQuery) -> list[AuditRecord]:
        where, args = _where(
            actor_id=query.actor_id,
            action=query.action,
            object_type=query.object_type,
            object_id=query.object_id,
            outcome=query.outcome and query.outcome.value,
        )
        for bound, operator in ((query.from_ms, ">="), (query.to_ms, "<")):
            if bound is not None:
                where += f"{' AND' if where else ' WHERE'} at_ms {operator} ?"
                args.append(bound)
        limit = max(1, min(query.limit, MAX_AUDIT_RESULTS))
        async with self.database.transaction() as s:
            rows = await s.fetch(
                f"SELECT * FROM audit_log{where} ORDER BY seq LIMIT ?", *args, limit
            )
        return [AuditRecord(**{**row, "outcome": AuditOutcome(row["outcome"])}) for row in rows]


# --- rows and records --------------------------------------------------------------


def _where(**criteria: str | None) -> tuple[str, list[object]]:
    """`` WHERE a = ? AND b = ?`` for the criteria that are not ``None`` (names are ours,
    never the caller's: only values become parameters)."""
    given = {name: value for name, value in criteria.items() if value is not None}
    if not given:
        return "", []
    return " WHERE " + " AND ".join(f"{name} = ?" for name in given), list(given.values())


async def _account_in(s: SqlSession, account_id: str) -> Account:
    row = await s.fetchrow("SELECT * FROM accounts WHERE id = ?", account_id)
    if row is None:
        raise AccountNotFoundError("there is no such account")
    return _account(row)


async def _set_experts(s: SqlSession, referral: Referral) -> None:
    await s.execute("DELETE FROM referral_experts WHERE referral_id = ?", referral.id)
    for expert_id in referral.assigned_expert_ids:
        await s.execute(
            "INSERT INTO referral_experts (referral_id, account_id) VALUES (?, ?)",
            referral.id,
            expert_id,
        )


def _institution(row: Row) -> Institution:
    return Institution(
        id=row["id"],
        name=row["name"],
        level=InstitutionLevel(row["level"]),
        created_at_ms=row["created_at_ms"],
    )


def _account(row: Row) -> Account:
    return Account(**{**row, "role": AccountRole(row["role"])})


def _referral_columns(referral: Referral) -> dict[str, object]:
    request, patient = referral.request, referral.request.patient
    return {
        "id": referral.id,
        "version": referral.version,
        "status": referral.status.value,
        "from_institution_id": referral.from_institution_id,
        "to_institution_id": request.to_institution_id,
        "requested_by": referral.requested_by,
        "patient_name": patient.name,
        "patient_sex": patient.sex.value,
        "patient_birth_date": patient.birth_date,
        "patient_id_number": patient.id_number,
        "summary": request.summary,
        "chief_complaint": request.chief_complaint,
        "history": request.history,
        "reason": request.reason,
        "purpose": request.purpose,
        "requested_specialties": _json(request.requested_specialties),
        "requested_expert_ids": _json(request.requested_expert_ids),
        "requested_title": request.requested_title,
        "proposed_at_ms": request.proposed_at_ms,
        "created_at_ms": referral.created_at_ms,
        "updated_at_ms": referral.updated_at_ms,
        "decided_by": referral.decided_by,
        "decided_at_ms": referral.decided_at_ms,
        "decline_reason": referral.decline_reason,
        "assigned_expert_ids": _json(referral.assigned_expert_ids),
        "scheduled_at_ms": referral.scheduled_at_ms,
        "duration_minutes": referral.duration_minutes,
        "consultation_id": referral.consultation_id,
        "consultation_created_at_ms": referral.consultation_created_at_ms,
        "returned_at_ms": referral.returned_at_ms,
    }


def _referral(row: Row) -> Referral:
    request = ReferralRequest(
        to_institution_id=row["to_institution_id"],
        patient=Patient(
            name=row["patient_name"],
            sex=Sex(row["patient_sex"]),
            birth_date=row["patient_birth_date"],
            id_number=row["patient_id_number"],
        ),
        summary=row["summary"],
        chief_complaint=row["chief_complaint"],
        history=row["history"],
        reason=row["reason"],
        purpose=row["purpose"],
        requested_specialties=tuple(json.loads(row["requested_specialties"])),
        requested_expert_ids=tuple(json.loads(row["requested_expert_ids"])),
        requested_title=row["requested_title"],
        proposed_at_ms=row["proposed_at_ms"],
    )
    return Referral(
        id=row["id"],
        from_institution_id=row["from_institution_id"],
        requested_by=row["requested_by"],
        request=request,
        status=ReferralStatus(row["status"]),
        created_at_ms=row["created_at_ms"],
        updated_at_ms=row["updated_at_ms"],
        version=row["version"],
        decided_by=row["decided_by"],
        decided_at_ms=row["decided_at_ms"],
        decline_reason=row["decline_reason"],
        assigned_expert_ids=tuple(json.loads(row["assigned_expert_ids"])),
        scheduled_at_ms=row["scheduled_at_ms"],
        duration_minutes=row["duration_minutes"],
        consultation_id=row["consultation_id"],
        consultation_created_at_ms=row["consultation_created_at_ms"],
        returned_at_ms=row["returned_at_ms"],
    )


def _attachment(row: Row) -> Attachment:
    return Attachment(**{**row, "kind": AttachmentKind(row["kind"])})


def _consent(row: Row) -> Consent:
    return Consent(
        case_id=row["case_id"],
        request=ConsentRequest(
            kind=ConsentKind(row["kind"]),
            given_by=ConsentGiver(row["given_by"]),
            giver_name=row["giver_name"],
            method=ConsentMethod(row["method"]),
            obtained_at_ms=row["obtained_at_ms"],
            form_attachment_id=row["form_attachment_id"] or "",
            note=row["note"],
        ),
        recorded_by=row["recorded_by"],
        recorded_at_ms=row["recorded_at_ms"],
    )


def _opinion_columns(opinion: Opinion) -> dict[str, object]:
    content, signature = opinion.content, opinion.signature
    return {
        "id": opinion.id,
        "case_id": opinion.case_id,
        "consultation_id": opinion.consultation_id,
        "summary": content.summary,
        "imaging_review": content.imaging_review,
        "diagnosis": content.diagnosis,
        "recommendations": content.recommendations,
        "created_by": opinion.created_by,
        "created_at_ms": opinion.created_at_ms,
        "updated_by": opinion.updated_by,
        "updated_at_ms": opinion.updated_at_ms,
        "revision": opinion.revision,
        "version": opinion.version,
        "signed_by": signature and signature.signed_by,
        "signer_name": signature and signature.signer_name,
        "signer_title": signature and signature.signer_title,
        "signed_at_ms": signature and signature.signed_at_ms,
        "signature_algorithm": signature and signature.algorithm,
        "signature_key_id": signature and signature.key_id,
        "recording_manifest_sha256": signature and _json(signature.recording_manifest_sha256),
        "signature": signature and signature.signature,
    }


def _opinion(row: Row) -> Opinion:
    signature = None
    if row["signed_by"] is not None:
        signature = OpinionSignature(
            signed_by=row["signed_by"],
            signer_name=row["signer_name"],
            signer_title=row["signer_title"],
            signed_at_ms=row["signed_at_ms"],
            algorithm=row["signature_algorithm"],
            key_id=row["signature_key_id"],
            recording_manifest_sha256=tuple(json.loads(row["recording_manifest_sha256"])),
            signature=row["signature"],
        )
    return Opinion(
        id=row["id"],
        case_id=row["case_id"],
        consultation_id=row["consultation_id"],
        content=OpinionContent(
            summary=row["summary"],
            imaging_review=row["imaging_review"],
            diagnosis=row["diagnosis"],
            recommendations=row["recommendations"],
        ),
        created_by=row["created_by"],
        created_at_ms=row["created_at_ms"],
        updated_by=row["updated_by"],
        updated_at_ms=row["updated_at_ms"],
        revision=row["revision"],
        version=row["version"],
        signature=signature,
    )
