"""The patient a referral is about: identity only, as the inviting doctor records it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .fields import SHORT_TEXT_CHARS, choice, iso_date, required_text
from .workflow_errors import InvalidFieldError


class Sex(StrEnum):
    """Administrative sex, spelled as FHIR's AdministrativeGender codes."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Patient:
    """Patient identity. All of it is patient data: it goes to the store and to the
    case's own readers, never to a log line (hence the opaque ``repr``)."""

    name: str
    sex: Sex
    birth_date: str
    """ISO 8601 date."""
    id_number: str
    """The identity document number (居民身份证号 or passport number)."""

    def __repr__(self) -> str:
        return "Patient(<patient data>)"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], today: date) -> Patient:
        where = "patient."
        birth_date = iso_date(data, "birth_date", "出生日期", where=where)
        if date.fromisoformat(birth_date) > today:
            raise InvalidFieldError(
                "patient.birth_date", "patient.birth_date is in the future (出生日期晚于今天)"
            )
        return cls(
            name=required_text(data, "name", "患者姓名", where=where, max_chars=100),
            sex=choice(data, "sex", "性别", Sex, where=where),
            birth_date=birth_date,
            id_number=required_text(
                data, "id_number", "身份证件号码", where=where, max_chars=SHORT_TEXT_CHARS
            ),
        )
