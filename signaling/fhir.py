"""A whole case as an HL7 FHIR R4 (4.0.1) Bundle, built as plain JSON-ready dicts.

The mapping follows the workflow step by step (research/telemedicine-domain.md §3):
the referral is a ServiceRequest, the invited hospital's decision a Task, the booked
time an Appointment, the live session an Encounter of class VR (virtual), the two
consents Consent resources, the 会诊意见 a Composition (LOINC 11488-4 Consult note),
each recording a DocumentReference, and the signature a Provenance. Resources refer
to each other by ``urn:uuid:`` full URLs derived from the record ids, so an export of
the same case always has the same ids.

The tests validate every resource with ``fhir.resources`` 6.4.0, the last release whose
models are FHIR R4 (4.0.1): 6.5 moved to R4B (4.3.0), and 7+ default to R5 with only an
R4B sub-package.
"""

from __future__ import annotations

import base64
import html
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from rooms.attachment import AttachmentKind
from rooms.case_record import CaseRecord
from rooms.consent import Consent, ConsentGiver, ConsentKind
from rooms.opinion import Opinion, OpinionSignature
from rooms.recording import Manifest
from rooms.referral import ReferralStatus

Resource = dict[str, Any]
#: The reference to an account's PractitionerRole, by account id.
Who = Callable[[str], Resource]

V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
#: RFC 6920 named information: how a SHA-256 digest is written as an identifier.
NI_SYSTEM = "urn:ietf:rfc:3986"
_CT = {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"}

_SERVICE_REQUEST_STATUS = {
    ReferralStatus.SUBMITTED: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.IN_CONSULTATION: "active",
    ReferralStatus.DECLINED: "revoked",
    ReferralStatus.RETURNED: "completed",
}
_TASK_STATUS = {
    ReferralStatus.SUBMITTED: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.IN_CONSULTATION: "in-progress",
    ReferralStatus.DECLINED: "rejected",
    ReferralStatus.RETURNED: "completed",
}
_CONSENT_SCOPE = {ConsentKind.CONSULTATION: "treatment", ConsentKind.RECORDING: "patient-privacy"}
_CONSENT_ACTION = {ConsentKind.CONSULTATION: "use", ConsentKind.RECORDING: "collect"}


def fhir_instant(ms: int) -> str:
    """Epoch milliseconds as a FHIR instant/dateTime (UTC, second precision)."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def ni_sha256(hex_digest: str) -> str:
    """A SHA-256 as an RFC 6920 ``ni`` URI (FHIR's Attachment.hash is SHA-1 only)."""
    raw = bytes.fromhex(hex_digest)
    return "ni:///sha-256;" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class _Bundle:
    """Collects resources and hands out stable references to them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.entries: list[Resource] = []

    def url(self, resource_type: str, record_id: str) -> str:
        name = f"{self.base_url}/{resource_type}/{record_id}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def ref(self, resource_type: str, record_id: str, display: str | None = None) -> Resource:
        reference: Resource = {"reference": self.url(resource_type, record_id)}
        if display:
            reference["display"] = display
        return reference

    def add(self, resource_type: str, record_id: str, body: Resource) -> None:
        resource = {"resourceType": resource_type, "id": record_id, **body}
        self.entries.append({"fullUrl": self.url(resource_type, record_id), "resource": resource})


def case_bundle(
    record: CaseRecord, manifests: Sequence[Manifest], *, base_url: str, generated_at_ms: int
) -> Resource:
    """The FHIR R4 Bundle (type ``collection``) of one case."""
    bundle = _Bundle(base_url)
    referral = record.referral
    patient_id = f"pat-{referral.id.removeprefix('ref-')}"
    subject = bundle.ref("Patient", patient_id)
    patient = referral.request.patient
    bundle.add(
        "Patient",
        patient_id,
        {
            "identifier": [{"system": f"{base_url}/id-number", "value": patient.id_number}],
            "name": [{"text": patient.name}],
            "gender": patient.sex.value,
            "birthDate": patient.birth_date,
        },
    )
    for institution in (record.from_institution, record.to_institution):
        bundle.add(
            "Organization",
            institution.id,
            {"name": institution.name, "type": [{"text": institution.level.value}]},
        )
    for account in record.accounts.values():
        practitioner: Resource = {"name": [{"text": account.real_name}]}
        if account.title:
            practitioner["qualification"] = [{"code": {"text": account.title}}]
        bundle.add("Practitioner", account.id, practitioner)
        role: Resource = {
            "practitioner": bundle.ref("Practitioner", account.id, account.real_name),
            "organization": bundle.ref("Organization", account.institution_id),
            "code": [{"text": account.role.value}],
        }
        if account.specialty:
            role["specialty"] = [{"text": account.specialty}]
        bundle.add("PractitionerRole", account.id, role)

    def who(account_id: str) -> Resource:
        account = record.accounts[account_id]
        return bundle.ref("PractitionerRole", account_id, account.real_name)

    supporting = _attachments(bundle, record, subject)
    _service_request(bundle, record, subject, who, supporting)
    _task(bundle, record, subject, who)
    if referral.scheduled_at_ms is not None:
        _appointment(bundle, record, subject, who)
    if referral.consultation_id is not None:
        _encounter(bundle, record, subject, who)
    for consent in record.consents:
        _consent(bundle, record, consent, subject, who)
    recordings = [_recording(bundle, record, m, subject) for m in manifests]
    if record.opinion is not None:
        _composition(bundle, record, record.opinion, subject, who)
        if record.opinion.signature is not None:
            _provenance(bundle, record.opinion, record.opinion.signature, who, recordings)
    return {
        "resourceType": "Bundle",
        "id": f"case-{referral.id}",
        "identifier": {"system": f"{base_url}/cases", "value": referral.id},
        "type": "collection",
        "timestamp": fhir_instant(generated_at_ms),
        "entry": bundle.entries,
    }


def _attachments(bundle: _Bundle, record: CaseRecord, subject: Resource) -> list[Resource]:
    references = []
    for attachment in record.attachments:
        if attachment.kind is AttachmentKind.CT_STUDY:
            bundle.add(
                "ImagingStudy",
                attachment.id,
                {
                    "identifier": [
                        {
                            "system": f"{bundle.base_url}/imaging/studies",
                            "value": attachment.study_id,
                        }
                    ],
                    "status": "available",
                    "subject": subject,
                    "modality": [_CT],
                    "description": attachment.description,
                    # What was sent is one series; its UID is the DICOM Series Instance UID.
                    "series": [{"uid": attachment.study_id, "modality": _CT}],
                },
            )
            references.append(bundle.ref("ImagingStudy", attachment.id))
            continue
        url = f"{bundle.base_url}/api/referrals/{record.referral.id}/attachments/{attachment.id}"
        bundle.add(
            "DocumentReference",
            attachment.id,
            {
                "identifier": [{"system": NI_SYSTEM, "value": ni_sha256(attachment.sha256)}],
                "status": "current",
                "subject": subject,
                "date": fhir_instant(attachment.uploaded_at_ms),
                "description": attachment.description,
                "content": [
                    {
                        "attachment": {
                            "contentType": attachment.kind.media_type,
                            "url": url,
                            "size": attachment.size_bytes,
                            "title": attachment.description,
                        }
                    }
                ],
            },
        )
        references.append(bundle.ref("DocumentReference", attachment.id))
    return references


def _service_request(
    bundle: _Bundle, record: CaseRecord, subject: Resource, who: Who, supporting: list[Resource]
) -> None:
    referral, request = record.referral, record.referral.request
    performers = [bundle.ref("Organization", record.to_institution.id, record.to_institution.name)]
    performers += [who(e) for e in request.requested_expert_ids if e in record.accounts]
    asked = ", ".join(request.requested_specialties)
    if request.requested_title:
        asked = f"{asked}; {request.requested_title}" if asked else request.requested_title
    body: Resource = {
        "status": _SERVICE_REQUEST_STATUS[referral.status],
        "intent": "order",
        "category": [
            {"coding": [{"system": SNOMED, "code": "3457005", "display": "Patient referral"}]}
        ],
        "code": {"text": "远程多学科会诊 (remote MDT consultation)"},
        "subject": subject,
        "occurrenceDateTime": fhir_instant(request.proposed_at_ms),
        "authoredOn": fhir_instant(referral.created_at_ms),
        "requester": who(referral.requested_by),
        "performer": performers,
        "reasonCode": [{"text": request.reason}],
        "note": [
            {"text": f"会诊目的 Purpose: {request.purpose}"},
            {"text": f"主诉 Chief complaint: {request.chief_complaint}"},
            {"text": f"病历摘要 Summary: {request.summary}"},
        ]
        + ([{"text": f"病史 History: {request.history}"}] if request.history else []),
    }
    if asked:
        body["performerType"] = {"text": asked}
    if supporting:
        body["supportingInfo"] = supporting
    bundle.add("ServiceRequest", referral.id, body)


def _task(bundle: _Bundle, record: CaseRecord, subject: Resource, who: Who) -> None:
    referral = record.referral
    body: Resource = {
        "status": _TASK_STATUS[referral.status],
        "intent": "order",
        "focus": bundle.ref("ServiceRequest", referral.id),
        "for": subject,
        "authoredOn": fhir_instant(referral.created_at_ms),
        "lastModified": fhir_instant(referral.updated_at_ms),
        "requester": who(referral.requested_by),
        "owner": bundle.ref("Organization", record.to_institution.id, record.to_institution.name),
    }
    if referral.decline_reason:
        body["statusReason"] = {"text": referral.decline_reason}
    if referral.decided_at_ms is not None:
        body["executionPeriod"] = {"start": fhir_instant(referral.decided_at_ms)}
    bundle.add("Task", referral.id, body)


def _appointment(bundle: _Bundle, record: CaseRecord, subject: Resource, who: Who) -> None:
    referral = record.referral
    start_ms = referral.scheduled_at_ms or 0
    minutes = referral.duration_minutes or 60
    participants = [{"actor": subject, "status": "accepted"}]
    participants += [{"actor": who(a), "status": "accepted"} for a in referral.participants()]
    bundle.add(
        "Appointment",
        referral.id,
        {
            "status": "fulfilled" if referral.status is ReferralStatus.RETURNED else "booked",
            "description": "远程多学科会诊 (remote MDT consultation)",
            "start": fhir_instant(start_ms),
            "end": fhir_instant(start_ms + minutes * 60_000),
            "minutesDuration": minutes,
            "basedOn": [bundle.ref("ServiceRequest", referral.id)],
            "participant": participants,
        },
    )


def _encounter(bundle: _Bundle, record: CaseRecord, subject: Resource, who: Who) -> None:
    referral = record.referral
    period: Resource = {"start": fhir_instant(referral.scheduled_at_ms or 0)}
    if referral.returned_at_ms is not None:
        period["end"] = fhir_instant(referral.returned_at_ms)
    bundle.add(
        "Encounter",
        referral.id,
        {
            "identifier": [
                {"system": f"{bundle.base_url}/consultations", "value": referral.consultation_id}
            ],
            "status": "finished" if referral.status is ReferralStatus.RETURNED else "in-progress",
            # v3 ActCode VR: "virtual" - patient and practitioners not in the same place.
            "class": {"system": V3_ACT_CODE, "code": "VR", "display": "virtual"},
            "subject": subject,
            "basedOn": [bundle.ref("ServiceRequest", referral.id)],
            "appointment": [bundle.ref("Appointment", referral.id)],
            "participant": [{"individual": who(a)} for a in referral.participants()],
            "period": period,
            "serviceProvider": bundle.ref("Organization", record.to_institution.id),
        },
    )


def _consent(
    bundle: _Bundle, record: CaseRecord, consent: Consent, subject: Resource, who: Who
) -> None:
    request = consent.request
    giver = (
        subject
        if request.given_by is ConsentGiver.PATIENT
        else {"display": f"{request.giver_name} ({request.given_by.value})"}
    )
    body: Resource = {
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": _CONSENT_SCOPE[request.kind],
                }
            ]
        },
        "category": [{"coding": [{"system": LOINC, "code": "59284-0"}]}],
        "patient": subject,
        "dateTime": fhir_instant(request.obtained_at_ms),
        "performer": [giver],
        "organization": [bundle.ref("Organization", record.from_institution.id)],
        "policyRule": {"coding": [{"system": V3_ACT_CODE, "code": "OPTIN"}]},
        "verification": [
            {
                "verified": True,
                "verifiedWith": who(consent.recorded_by),
                "verificationDate": fhir_instant(consent.recorded_at_ms),
            }
        ],
        "provision": {
            "type": "permit",
            "action": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentaction",
                            "code": _CONSENT_ACTION[request.kind],
                        }
                    ],
                    "text": f"{request.kind.value} ({request.method.value})",
                }
            ],
        },
    }
    form = next((a for a in record.attachments if a.id == request.form_attachment_id), None)
    if form is not None:
        body["sourceAttachment"] = {
            "contentType": form.kind.media_type,
            "url": f"{bundle.base_url}/api/referrals/{record.referral.id}/attachments/{form.id}",
            "title": form.description,
        }
    bundle.add("Consent", f"{consent.case_id}-{request.kind.value}", body)


def _recording(
    bundle: _Bundle, record: CaseRecord, manifest: Manifest, subject: Resource
) -> Resource:
    base = (
        f"{bundle.base_url}/api/consultations/{manifest.consultation_id}"
        f"/recordings/{manifest.recording_id}"
    )
    content: list[Resource] = [
        {
            "attachment": {
                "contentType": "application/json",
                "url": f"{base}/manifest",
                "title": "manifest.json",
            }
        }
    ]
    content += [
        {
            "attachment": {
                "contentType": "video/webm",
                "url": f"{base}/files/{f.name}",
                "size": f.bytes,
                "title": f"{f.kind} {f.source} ({f.participant_id})",
            }
        }
        for f in manifest.files
    ]
    bundle.add(
        "DocumentReference",
        manifest.recording_id,
        {
            "identifier": [{"system": NI_SYSTEM, "value": ni_sha256(manifest.sha256())}],
            "status": "current",
            "type": {"text": "会诊录像 (consultation recording)"},
            "subject": subject,
            "date": fhir_instant(manifest.ended_at_ms),
            "description": f"recording {manifest.recording_id}, {manifest.status.value}",
            "content": content,
            "context": {
                "encounter": [bundle.ref("Encounter", record.referral.id)],
                "period": {
                    "start": fhir_instant(manifest.started_at_ms),
                    "end": fhir_instant(manifest.ended_at_ms),
                },
            },
        },
    )
    return bundle.ref("DocumentReference", manifest.recording_id)


def _narrative(text: str) -> Resource:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line)
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{paragraphs}</div>',
    }


_SECTIONS = (
    ("summary", "病情摘要与讨论 Summary and discussion"),
    ("imaging_review", "影像学意见 Imaging review"),
    ("diagnosis", "会诊诊断意见 Diagnosis"),
    ("recommendations", "诊疗建议 Recommendations"),
)


def _composition(
    bundle: _Bundle, record: CaseRecord, opinion: Opinion, subject: Resource, who: Who
) -> None:
    signature = opinion.signature
    body: Resource = {
        "status": "preliminary" if signature is None else "final",
        "type": {"coding": [{"system": LOINC, "code": "11488-4", "display": "Consult note"}]},
        "subject": subject,
        "encounter": bundle.ref("Encounter", record.referral.id),
        "date": fhir_instant(opinion.updated_at_ms),
        "author": [who(signature.signed_by if signature else opinion.created_by)],
        "title": "会诊意见 (consultation opinion)",
        "custodian": bundle.ref("Organization", record.to_institution.id),
        "section": [
            {"title": title, "text": _narrative(getattr(opinion.content, name))}
            for name, title in _SECTIONS
            if getattr(opinion.content, name)
        ],
    }
    if signature is not None:
        body["attester"] = [
            {
                "mode": "legal",
                "time": fhir_instant(signature.signed_at_ms),
                "party": who(signature.signed_by),
            }
        ]
    bundle.add("Composition", opinion.id, body)


def _provenance(
    bundle: _Bundle,
    opinion: Opinion,
    signature: OpinionSignature,
    who: Who,
    recordings: list[Resource],
) -> None:
    signer = who(signature.signed_by)
    body: Resource = {
        "target": [bundle.ref("Composition", opinion.id)],
        "recorded": fhir_instant(signature.signed_at_ms),
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": "author",
                        }
                    ]
                },
                "who": signer,
            }
        ],
        "signature": [
            {
                "type": [
                    {
                        "system": "urn:iso-astm:E1762-95:2013",
                        "code": "1.2.840.10065.1.12.1.1",
                        "display": "Author's Signature",
                    }
                ],
                "when": fhir_instant(signature.signed_at_ms),
                "who": signer,
                # The signed bytes are rooms.opinion.signed_bytes (canonical JSON);
                # the key is published at /api/signing-key under this key id.
                "targetFormat": "application/json",
                "sigFormat": f"application/octet-stream; alg={signature.algorithm}; "
                f"kid={signature.key_id}",
                "data": signature.signature,
            }
        ],
    }
    if recordings:
        body["entity"] = [{"role": "source", "what": r} for r in recordings]
    bundle.add("Provenance", opinion.id, body)
