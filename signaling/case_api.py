"""Referrals and what hangs from them, over HTTP: the inbox, accept/decline,
attachments, consent, the consultation and join links.

Responses carry patient data to callers the workflow admitted (and audited), with
``Cache-Control: private, no-store`` so no proxy or browser cache keeps it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from pathlib import Path, PurePosixPath
from typing import Any

from aiohttp import BodyPartReader, web

from rooms.attachment import SNIFF_BYTES, Attachment, AttachmentKind, sniff_kind
from rooms.consent import Consent, ConsentRequest
from rooms.fields import required_text
from rooms.referral import Acceptance, Referral, ReferralRequest, decline_reason
from rooms.workflow import JoinClaims, ReceivedStudy, Upload
from rooms.workflow_errors import (
    AccountNotFoundError,
    AttachmentTooLargeError,
    InvalidFieldError,
    UnsupportedAttachmentError,
)

from .access_api import caller, json_object, services
from .app_keys import HUB, STUDIES
from .errors import PayloadTooLargeError

PRIVATE = {"Cache-Control": "private, no-store"}
_CHUNK_BYTES = 64 * 1024
#: Media types a client may declare for a part; anything else is judged by content alone.
_GENERIC_TYPES = ("", "application/octet-stream")


def private_json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, headers=PRIVATE)


def referral_json(referral: Referral) -> dict[str, Any]:
    request, patient = referral.request, referral.request.patient
    return {
        "id": referral.id,
        "status": referral.status.value,
        "version": referral.version,
        "from_institution_id": referral.from_institution_id,
        "to_institution_id": request.to_institution_id,
        "requested_by": referral.requested_by,
        "patient": {
            "name": patient.name,
            "sex": patient.sex.value,
            "birth_date": patient.birth_date,
            "id_number": patient.id_number,
        },
        "summary": request.summary,
        "chief_complaint": request.chief_complaint,
        "history": request.history,
        "reason": request.reason,
        "purpose": request.purpose,
        "requested_specialties": list(request.requested_specialties),
        "requested_expert_ids": list(request.requested_expert_ids),
        "requested_title": request.requested_title,
        "proposed_at_ms": request.proposed_at_ms,
        "created_at_ms": referral.created_at_ms,
        "updated_at_ms": referral.updated_at_ms,
        "decided_by": referral.decided_by,
        "decided_at_ms": referral.decided_at_ms,
        "decline_reason": referral.decline_reason,
        "assigned_expert_ids": list(referral.assigned_expert_ids),
        "scheduled_at_ms": referral.scheduled_at_ms,
        "duration_minutes": referral.duration_minutes,
        "consultation_id": referral.consultation_id,
        "consultation_created_at_ms": referral.consultation_created_at_ms,
        "returned_at_ms": referral.returned_at_ms,
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "kind": attachment.kind.value,
        "media_type": attachment.kind.media_type,
        "description": attachment.description,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "study_id": attachment.study_id,
        "uploaded_by": attachment.uploaded_by,
        "uploaded_at_ms": attachment.uploaded_at_ms,
    }


def consent_json(consent: Consent) -> dict[str, Any]:
    request = consent.request
    return {
        "kind": request.kind.value,
        "given_by": request.given_by.value,
        "giver_name": request.giver_name,
        "method": request.method.value,
        "obtained_at_ms": request.obtained_at_ms,
        "form_attachment_id": request.form_attachment_id or None,
        "note": request.note,
        "recorded_by": consent.recorded_by,
        "recorded_at_ms": consent.recorded_at_ms,
    }


async def create_referral(request: web.Request) -> web.Response:
    actor = await caller(request)
    workflow = services(request).workflow
    wanted = ReferralRequest.from_mapping(await json_object(request), workflow.today())
    return private_json(referral_json(await workflow.create_referral(actor, wanted)), 201)


async def list_referrals(request: web.Request) -> web.Response:
    """The caller's referrals: sent (inviting doctor), inbox (coordinator), assigned (expert)."""
    actor = await caller(request)
    referrals = await services(request).workflow.list_referrals(actor)
    return private_json({"referrals": [referral_json(r) for r in referrals]})


async def get_referral(request: web.Request) -> web.Response:
    """The referral, with ``people``: the name, title and specialty of every account it
    names (inviting doctor, coordinator, requested and assigned experts), by account id,
    so the case view can say who did what."""
    actor = await caller(request)
    found = services(request)
    referral = await found.workflow.get_referral(actor, _case_id(request))
    named = [referral.requested_by, *referral.request.requested_expert_ids]
    named += [referral.decided_by or "", *referral.assigned_expert_ids]
    people: dict[str, dict[str, str]] = {}
    for account_id in dict.fromkeys(filter(None, named)):
        try:
            account = await found.store.get_account(account_id)
        except AccountNotFoundError:
            continue
        people[account_id] = {
            "real_name": account.real_name,
            "title": account.title,
            "specialty": account.specialty,
        }
    return private_json({**referral_json(referral), "people": people})


async def accept_referral(request: web.Request) -> web.Response:
    actor = await caller(request)
    acceptance = Acceptance.from_mapping(await json_object(request))
    referral = await services(request).workflow.accept(actor, _case_id(request), acceptance)
    return private_json(referral_json(referral))


async def decline_referral(request: web.Request) -> web.Response:
    actor = await caller(request)
    reason = decline_reason(await json_object(request))
    referral = await services(request).workflow.decline(actor, _case_id(request), reason)
    return private_json(referral_json(referral))


async def upload_attachment(request: web.Request) -> web.Response:
    """A PDF, JPEG or PNG as the multipart field ``file``, streamed to disk within the
    size limit; its type is decided by its first bytes."""
    actor = await caller(request)
    found = services(request)
    missing = InvalidFieldError("file", "send the file as the multipart field 'file' (缺少文件)")
    if not request.content_type.startswith("multipart/"):
        raise missing
    part = await (await request.multipart()).next()
    if not isinstance(part, BodyPartReader) or part.name != "file":
        raise missing
    name = PurePosixPath((part.filename or "attachment").replace("\\", "/")).name[:200]
    incoming = found.workflow.incoming
    incoming.mkdir(parents=True, exist_ok=True)
    temp = incoming / f"{secrets.token_hex(8)}.part"
    try:
        size, head, sha256 = await _receive(part, temp, found.options.max_upload_bytes)
        kind = _checked_kind(head, part.headers.get("Content-Type", ""))
        upload = Upload(temp, kind, size, sha256, name)
        attachment = await found.workflow.add_file(actor, _case_id(request), upload)
    finally:
        temp.unlink(missing_ok=True)
    return private_json(attachment_json(attachment), 201)


async def _receive(part: BodyPartReader, path: Path, limit: int) -> tuple[int, bytes, str]:
    """Stream the part into ``path`` (created owner-only: it is patient data), refusing it
    past ``limit`` bytes; its size, first bytes and SHA-256. Disk writes run in a thread."""
    size, head, digest = 0, b"", hashlib.sha256()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    handle = await asyncio.to_thread(lambda: os.fdopen(os.open(path, flags, 0o600), "wb"))
    try:
        while chunk := await part.read_chunk(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise AttachmentTooLargeError(f"attachments are limited to {limit} bytes")
            head = (head + chunk)[:SNIFF_BYTES]
            digest.update(chunk)
            await asyncio.to_thread(handle.write, chunk)
    finally:
        await asyncio.to_thread(handle.close)
    return size, head, digest.hexdigest()


def _checked_kind(head: bytes, declared: str) -> AttachmentKind:
    kind = sniff_kind(head)
    if kind is None or kind is AttachmentKind.CT_STUDY:
        raise UnsupportedAttachmentError(
            "attachments must be PDF, JPEG or PNG files (CT studies go through the imaging API)"
        )
    declared = declared.split(";")[0].strip().lower()
    if declared not in _GENERIC_TYPES and declared != kind.media_type:
        raise UnsupportedAttachmentError(
            f"the file was sent as {declared} but its content is {kind.media_type}"
        )
    return kind


async def attach_study(request: web.Request) -> web.Response:
    """Attach the patient's CT study: the DICOM itself as the body (one file, or a zip of
    one series) and ``?description=``. It is read and checked like an upload in the call,
    kept with the case, and on the shared viewer of the consultation created from it."""
    actor = await caller(request)
    found = services(request)
    description = required_text(request.query, "description", "检查描述", max_chars=200)
    limit = found.options.max_upload_bytes
    too_large = AttachmentTooLargeError(f"attachments are limited to {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    case_id = _case_id(request)

    async def receive() -> ReceivedStudy:
        try:
            kept = await found.case_studies.ingest(case_id, request.content, limit)
        except PayloadTooLargeError:
            raise too_large from None
        return ReceivedStudy(kept.volume.series_uid, kept.size_bytes, kept.sha256)

    attachment = await found.workflow.add_study(actor, case_id, description, receive)
    await _share_studies(request, case_id)
    return private_json(attachment_json(attachment), 201)


async def _share_studies(request: web.Request, case_id: str) -> None:
    """Give the case's consultation, once it exists, every CT series of the case; a
    consultation in progress shows a new one at once. (The workflow API also runs
    without the live side, in its own tests: then there is nothing to share with.)"""
    found = services(request)
    referral = await found.store.get_referral(case_id)
    studies, hub = request.app.get(STUDIES), request.app.get(HUB)
    if referral.consultation_id is None or studies is None:
        return
    shared = await found.case_studies.share(case_id, studies, referral.consultation_id)
    if shared and hub is not None:
        extents = await studies.extents(referral.consultation_id)
        for uid in shared:
            await hub.add_series(referral.consultation_id, uid, extents[uid])


async def list_attachments(request: web.Request) -> web.Response:
    actor = await caller(request)
    attachments = await services(request).workflow.list_attachments(actor, _case_id(request))
    return private_json({"attachments": [attachment_json(a) for a in attachments]})


async def get_attachment(request: web.Request) -> web.StreamResponse:
    actor = await caller(request)
    attachment, path = await services(request).workflow.open_attachment(
        actor, _case_id(request), request.match_info["attachment_id"]
    )
    if path is None:
        return private_json(attachment_json(attachment))
    return web.FileResponse(
        path,
        headers={
            **PRIVATE,
            "Content-Type": attachment.kind.media_type,
            "Content-Disposition": f"attachment; filename={attachment.id}{attachment.kind.suffix}",
        },
    )


async def record_consent(request: web.Request) -> web.Response:
    actor = await caller(request)
    wanted = ConsentRequest.from_mapping(await json_object(request))
    consent = await services(request).workflow.record_consent(actor, _case_id(request), wanted)
    return private_json(consent_json(consent), 201)


async def list_consents(request: web.Request) -> web.Response:
    actor = await caller(request)
    consents = await services(request).workflow.consents(actor, _case_id(request))
    return private_json({"consents": [consent_json(c) for c in consents]})


async def create_consultation(request: web.Request) -> web.Response:
    actor = await caller(request)
    referral = await services(request).workflow.create_consultation(actor, _case_id(request))
    await _share_studies(request, referral.id)
    return private_json(referral_json(referral), 201)


async def join_link(request: web.Request) -> web.Response:
    """The caller's own join link: a consultation token for them alone, which expires."""
    actor = await caller(request)
    claims = await services(request).workflow.join_claims(actor, _case_id(request))
    return _link(request, claims, "join", review_only=False)


async def review_link(request: web.Request) -> web.Response:
    """The caller's own review link: the consultation's recordings and CT, during and
    after it, read-only (the token joins no call and uploads nothing)."""
    actor = await caller(request)
    claims = await services(request).workflow.review_claims(actor, _case_id(request))
    return _link(request, claims, "review", review_only=True)


def _link(request: web.Request, claims: JoinClaims, page: str, review_only: bool) -> web.Response:
    found = services(request)
    token = found.authority.issue(
        consultation_id=claims.consultation_id,
        participant_id=claims.participant_id,
        display_name=claims.display_name,
        role=claims.role,
        institution=claims.institution,
        ttl_s=found.options.join_link_ttl_s,
        review_only=review_only,
    )
    grant = found.authority.verify(token, review_allowed=review_only)
    return web.json_response(
        {
            "consultation_id": claims.consultation_id,
            "role": claims.role.value,
            "token": token,
            # The token rides in the fragment, which browsers never send to a server.
            "url": f"{found.options.public_url}/{page}#token={token}",
            "expires_at_s": grant.expires_at_s,
        },
        headers={"Cache-Control": "no-store"},
    )


def _case_id(request: web.Request) -> str:
    return request.match_info["case_id"]


ROUTES = (
    ("POST", "/api/referrals", create_referral),
    ("GET", "/api/referrals", list_referrals),
    ("GET", "/api/referrals/{case_id}", get_referral),
    ("POST", "/api/referrals/{case_id}/accept", accept_referral),
    ("POST", "/api/referrals/{case_id}/decline", decline_referral),
    ("POST", "/api/referrals/{case_id}/attachments", upload_attachment),
    ("GET", "/api/referrals/{case_id}/attachments", list_attachments),
    ("GET", "/api/referrals/{case_id}/attachments/{attachment_id}", get_attachment),
    ("POST", "/api/referrals/{case_id}/studies", attach_study),
    ("POST", "/api/referrals/{case_id}/consents", record_consent),
    ("GET", "/api/referrals/{case_id}/consents", list_consents),
    ("POST", "/api/referrals/{case_id}/consultation", create_consultation),
    ("POST", "/api/referrals/{case_id}/consultation/join-link", join_link),
    ("POST", "/api/referrals/{case_id}/consultation/review-link", review_link),
)
