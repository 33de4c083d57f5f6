"""The patient's informed consent, recorded by the inviting doctor.

Two separate consents, as the regulation and privacy law keep them apart: to the
remote consultation itself (远程医疗服务知情同意书), and to its audio/video recording.
No consultation starts without the first; no recording starts without the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .fields import SHORT_TEXT_CHARS, choice, instant_ms, optional_text, required_text


class ConsentKind(StrEnum):
    CONSULTATION = "consultation"
    """To the remote consultation, including the disclosed fees."""
    RECORDING = "recording"
    """To recording the consultation's audio and video for the medical record."""


class ConsentGiver(StrEnum):
    """Who gave it: the patient, or (when telling the patient is inappropriate or the
    patient cannot decide) a guardian or close relative."""

    PATIENT = "patient"
    GUARDIAN = "guardian"
    CLOSE_RELATIVE = "close-relative"


class ConsentMethod(StrEnum):
    """How it was obtained."""

    WRITTEN_FORM = "written-form"
    """A signed paper form (scan it and attach it)."""
    ELECTRONIC_SIGNATURE = "electronic-signature"
    VERBAL_WITNESSED = "verbal-witnessed"
    """Spoken, with a witness named in the note."""


@dataclass(frozen=True)
class ConsentRequest:
    """What the inviting doctor submits."""

    kind: ConsentKind
    given_by: ConsentGiver
    giver_name: str
    """Name of the person who consented (patient data)."""
    method: ConsentMethod
    obtained_at_ms: int
    form_attachment_id: str
    """The scanned form, an attachment of the same case; may be empty."""
    note: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ConsentRequest:
        return cls(
            kind=choice(data, "kind", "同意类型", ConsentKind),
            given_by=choice(data, "given_by", "签署人身份", ConsentGiver),
            giver_name=required_text(data, "giver_name", "签署人姓名", max_chars=100),
            method=choice(data, "method", "获取方式", ConsentMethod),
            obtained_at_ms=instant_ms(data, "obtained_at", "签署时间"),
            form_attachment_id=optional_text(
                data, "form_attachment_id", "知情同意书扫描件", max_chars=64
            ),
            note=optional_text(data, "note", "备注", max_chars=SHORT_TEXT_CHARS * 5),
        )

    def __repr__(self) -> str:
        return f"ConsentRequest({self.kind.value}, <patient data>)"


@dataclass(frozen=True)
class Consent:
    """A recorded consent of one kind for one case."""

    case_id: str
    request: ConsentRequest
    recorded_by: str
    """Account id of the inviting doctor who recorded it."""
    recorded_at_ms: int

    @property
    def kind(self) -> ConsentKind:
        return self.request.kind
