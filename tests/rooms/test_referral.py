"""The referral: what it must say, and the order of its steps."""

from __future__ import annotations

from datetime import date

import pytest

from rooms import Role
from rooms.referral import Acceptance, Referral, ReferralRequest, ReferralStatus
from rooms.workflow_errors import InvalidFieldError, InvalidStateError, MissingFieldError

TODAY = date(2026, 3, 1)
BODY = {
    "to_institution_id": "inst-t",
    "patient": {"name": "张三", "sex": "male", "birth_date": "1958-04-12", "id_number": "X1"},
    "summary": "咳嗽两月",
    "chief_complaint": "咳嗽",
    "reason": "结节待定",
    "purpose": "明确诊断",
    "requested_specialties": ["呼吸内科", "呼吸内科 "],
    "proposed_at": "2026-03-03T09:00:00+08:00",
}


def referral() -> Referral:
    return Referral(
        id="ref-1",
        from_institution_id="inst-v",
        requested_by="acct-doctor",
        request=ReferralRequest.from_mapping(BODY, TODAY),
        status=ReferralStatus.SUBMITTED,
        created_at_ms=0,
        updated_at_ms=0,
    )


def test_a_complete_request_is_read_cleanly() -> None:
    request = ReferralRequest.from_mapping(BODY, TODAY)
    assert request.requested_specialties == ("呼吸内科",)
    assert request.proposed_at_ms == 1_772_499_600_000  # 01:00 UTC
    assert request.history == "" and request.requested_expert_ids == ()
    assert "张三" not in repr(request)


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"summary": "  "}, "summary", MissingFieldError),
        ({"summary": 7}, "summary", InvalidFieldError),
        ({"patient": None}, "patient", MissingFieldError),
        ({"patient": {**BODY["patient"], "id_number": ""}}, "patient.id_number", MissingFieldError),
        (
            {"patient": {**BODY["patient"], "birth_date": "1958-13-01"}},
            "patient.birth_date",
            InvalidFieldError,
        ),
        ({"proposed_at": "2026-03-03T09:00:00"}, "proposed_at", InvalidFieldError),
        ({"requested_specialties": "呼吸内科"}, "requested_specialties", InvalidFieldError),
        ({"requested_specialties": []}, "requested_specialties", MissingFieldError),
    ],
)
def test_each_missing_or_malformed_field_is_named(
    change: dict, field: str, error: type[InvalidFieldError]
) -> None:
    with pytest.raises(error) as raised:
        ReferralRequest.from_mapping({**BODY, **change}, TODAY)
    assert raised.value.field == field
    assert field in str(raised.value)


def test_the_steps_happen_once_and_in_order() -> None:
    submitted = referral()
    accepted = submitted.accepted("acct-coord", 5, Acceptance(("acct-e1", "acct-e2"), 99))
    assert accepted.participants() == {
        "acct-doctor": Role.INVITING,
        "acct-coord": Role.COORDINATOR,
        "acct-e1": Role.EXPERT,
        "acct-e2": Role.EXPERT,
    }
    with pytest.raises(InvalidStateError):
        accepted.declined("acct-coord", 6, "late")
    with pytest.raises(InvalidStateError):
        submitted.with_consultation("mdt-1", 6)
    with pytest.raises(InvalidStateError):
        accepted.returned(7)
    in_call = accepted.with_consultation("mdt-1", 6)
    assert in_call.returned(7).status is ReferralStatus.RETURNED
    declined = submitted.declined("acct-coord", 6, " 无相关专业 ")
    assert (declined.decline_reason, declined.participants()) == (
        "无相关专业",
        {"acct-doctor": Role.INVITING},
    )
    with pytest.raises(MissingFieldError):
        submitted.declined("acct-coord", 6, " ")
    with pytest.raises(MissingFieldError):
        Acceptance.from_mapping({"expert_ids": [], "scheduled_at": "2026-03-03T09:00:00+08:00"})
    with pytest.raises(InvalidFieldError):
        Acceptance.from_mapping(
            {"expert_ids": ["e"], "scheduled_at": "2026-03-03T09:00:00Z", "duration_minutes": 5}
        )
