"""The referral (会诊邀请): a clinic asks a hospital for an MDT consultation on a patient.

It is also the case file's spine: the invited institution's decision, the experts and
time it assigned, and the consultation created from it are kept on it, and its id is
the case id every other record (attachments, consents, the opinion) hangs from.
The mandatory invitation content follows 远程医疗服务管理规范（试行）: reason (事由),
purpose (目的), time, case summary (病历摘要), and the specialty and title of the
physicians invited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .fields import (
    LONG_TEXT_CHARS,
    SHORT_TEXT_CHARS,
    instant_ms,
    optional_text,
    required_text,
    section,
    text_list,
    whole_number,
)
from .patient import Patient
from .role import Role
from .workflow_errors import InvalidStateError, MissingFieldError


class ReferralStatus(StrEnum):
    """Where a referral is in the workflow; each step happens once, in this order."""

    SUBMITTED = "submitted"
    """Sent by the inviting doctor; waiting in the invited institution's inbox."""
    ACCEPTED = "accepted"
    """Accepted: experts assigned and a time set."""
    DECLINED = "declined"
    """Declined, with the reason the regulation requires. Final."""
    IN_CONSULTATION = "in-consultation"
    """The consultation exists; its invited people can get join links."""
    RETURNED = "returned"
    """The signed opinion has gone back to the inviting clinic. Final."""


@dataclass(frozen=True)
class ReferralRequest:
    """What the inviting doctor submits."""

    to_institution_id: str
    patient: Patient
    summary: str
    """病历摘要"""
    chief_complaint: str
    """主诉"""
    history: str
    """现病史 / 既往史; may be empty when the summary covers it."""
    reason: str
    """邀请事由"""
    purpose: str
    """会诊目的"""
    requested_specialties: tuple[str, ...]
    requested_expert_ids: tuple[str, ...]
    requested_title: str
    """The professional title asked for (拟邀医师职称), e.g. ``主任医师``; may be empty."""
    proposed_at_ms: int

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], today: date) -> ReferralRequest:
        specialties = text_list(data, "requested_specialties", "拟邀专业")
        experts = text_list(data, "requested_expert_ids", "拟邀专家")
        if not specialties and not experts:
            raise MissingFieldError(
                "requested_specialties",
                "requested_specialties or requested_expert_ids is required "
                "(必填：拟邀专业或拟邀专家)",
            )
        return cls(
            to_institution_id=required_text(data, "to_institution_id", "受邀机构", max_chars=64),
            patient=Patient.from_mapping(section(data, "patient", "患者信息"), today),
            summary=required_text(data, "summary", "病历摘要", max_chars=LONG_TEXT_CHARS),
            chief_complaint=required_text(data, "chief_complaint", "主诉"),
            history=optional_text(data, "history", "病史", max_chars=LONG_TEXT_CHARS),
            reason=required_text(data, "reason", "邀请事由"),
            purpose=required_text(data, "purpose", "会诊目的"),
            requested_specialties=specialties,
            requested_expert_ids=experts,
            requested_title=optional_text(
                data, "requested_title", "拟邀职称", max_chars=SHORT_TEXT_CHARS
            ),
            proposed_at_ms=instant_ms(data, "proposed_at", "拟定时间"),
        )


@dataclass(frozen=True)
class Acceptance:
    """What the coordinator decides when accepting: who, and when."""

    expert_ids: tuple[str, ...]
    scheduled_at_ms: int
    duration_minutes: int = 60

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Acceptance:
        experts = text_list(data, "expert_ids", "会诊专家")
        if not experts:
            raise MissingFieldError("expert_ids", "expert_ids is required (必填：会诊专家)")
        return cls(
            expert_ids=experts,
            scheduled_at_ms=instant_ms(data, "scheduled_at", "会诊时间"),
            duration_minutes=whole_number(
                data, "duration_minutes", "会诊时长（分钟）", default=60, low=10, high=480
            ),
        )


def decline_reason(data: Mapping[str, Any]) -> str:
    """The mandatory reason of a decline (不接受的说明理由)."""
    return required_text(data, "reason", "拒绝理由")


@dataclass(frozen=True)
class Referral:
    """A referral and everything decided about it since."""

    id: str
    from_institution_id: str
    requested_by: str
    """Account id of the inviting doctor."""
    request: ReferralRequest
    status: ReferralStatus
    created_at_ms: int
    updated_at_ms: int
    version: int = 1
    """Bumped by every save; a save of a stale copy is refused."""
    decided_by: str | None = None
    """Account id of the coordinator who accepted or declined."""
    decided_at_ms: int | None = None
    decline_reason: str = ""
    assigned_expert_ids: tuple[str, ...] = ()
    scheduled_at_ms: int | None = None
    duration_minutes: int | None = None
    consultation_id: str | None = None
    consultation_created_at_ms: int | None = None
    returned_at_ms: int | None = None

    @property
    def to_institution_id(self) -> str:
        return self.request.to_institution_id

    def accepted(self, by: str, at_ms: int, acceptance: Acceptance) -> Referral:
        self._expect(ReferralStatus.SUBMITTED, "accepted")
        return dataclasses.replace(
            self,
            status=ReferralStatus.ACCEPTED,
            decided_by=by,
            decided_at_ms=at_ms,
            assigned_expert_ids=acceptance.expert_ids,
            scheduled_at_ms=acceptance.scheduled_at_ms,
            duration_minutes=acceptance.duration_minutes,
            updated_at_ms=at_ms,
        )

    def declined(self, by: str, at_ms: int, reason: str) -> Referral:
        self._expect(ReferralStatus.SUBMITTED, "declined")
        if not reason.strip():
            raise MissingFieldError("reason", "reason is required (必填：拒绝理由)")
        return dataclasses.replace(
            self,
            status=ReferralStatus.DECLINED,
            decided_by=by,
            decided_at_ms=at_ms,
            decline_reason=reason.strip(),
            updated_at_ms=at_ms,
        )

    def with_consultation(self, consultation_id: str, at_ms: int) -> Referral:
        self._expect(ReferralStatus.ACCEPTED, "given a consultation")
        return dataclasses.replace(
            self,
            status=ReferralStatus.IN_CONSULTATION,
            consultation_id=consultation_id,
            consultation_created_at_ms=at_ms,
            updated_at_ms=at_ms,
        )

    def returned(self, at_ms: int) -> Referral:
        self._expect(ReferralStatus.IN_CONSULTATION, "returned")
        return dataclasses.replace(
            self, status=ReferralStatus.RETURNED, returned_at_ms=at_ms, updated_at_ms=at_ms
        )

    def participants(self) -> dict[str, Role]:
        """Who is invited to the consultation, by account id: the referring doctor, the
        coordinator who accepted, and the assigned experts. Nobody else may join."""
        invited: dict[str, Role] = {self.requested_by: Role.INVITING}
        if self.decided_by is not None and self.status is not ReferralStatus.DECLINED:
            invited[self.decided_by] = Role.COORDINATOR
        for expert_id in self.assigned_expert_ids:
            invited[expert_id] = Role.EXPERT
        return invited

    def _expect(self, status: ReferralStatus, what: str) -> None:
        if self.status is not status:
            raise InvalidStateError(
                f"a referral that is {self.status.value} cannot be {what} "
                f"(it must be {status.value})"
            )
