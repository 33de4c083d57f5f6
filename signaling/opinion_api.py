"""The consultation opinion over HTTP: write the draft, sign it, read and verify it;
export the whole case (FHIR R4 JSON, PDF); and the node's public signing key.

Signing binds the opinion to every sealed recording of the consultation: the SHA-256
of each recording's manifest is part of what is signed, read from the recordings
folder at the moment of signing (not taken from the client).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web

from rooms import Manifest, read_manifest
from rooms.opinion import Opinion, OpinionContent, OpinionVerification
from rooms.recording import MANIFEST

from .access_api import caller, json_object, services
from .case_api import PRIVATE, private_json
from .fhir import case_bundle
from .report_pdf import case_report_pdf


def opinion_json(opinion: Opinion) -> dict[str, Any]:
    content, signature = opinion.content, opinion.signature
    return {
        "id": opinion.id,
        "case_id": opinion.case_id,
        "consultation_id": opinion.consultation_id,
        "status": opinion.status.value,
        "content": {
            "summary": content.summary,
            "imaging_review": content.imaging_review,
            "diagnosis": content.diagnosis,
            "recommendations": content.recommendations,
        },
        "created_by": opinion.created_by,
        "created_at_ms": opinion.created_at_ms,
        "updated_by": opinion.updated_by,
        "updated_at_ms": opinion.updated_at_ms,
        "revision": opinion.revision,
        "version": opinion.version,
        "signature": None
        if signature is None
        else {
            "signed_by": signature.signed_by,
            "signer_name": signature.signer_name,
            "signer_title": signature.signer_title,
            "signed_at_ms": signature.signed_at_ms,
            "algorithm": signature.algorithm,
            "key_id": signature.key_id,
            "recording_manifest_sha256": list(signature.recording_manifest_sha256),
            "signature": signature.signature,
        },
    }


def verification_json(verification: OpinionVerification) -> dict[str, Any]:
    return {
        "opinion_id": verification.opinion_id,
        "ok": verification.ok,
        "problems": list(verification.problems),
    }


def sealed_manifests(recordings_dir: Path, consultation_id: str | None) -> list[Manifest]:
    """The sealed recordings of a consultation, oldest first (none if it has no folder)."""
    if consultation_id is None:
        return []
    folder = recordings_dir / consultation_id
    if not folder.is_dir():
        return []
    found = [read_manifest(f) for f in sorted(folder.iterdir()) if (f / MANIFEST).is_file()]
    return sorted(found, key=lambda m: (m.started_at_ms, m.recording_id))


async def write_opinion(request: web.Request) -> web.Response:
    """Create or replace the draft; send ``version`` (as read) to refuse a lost update."""
    actor = await caller(request)
    body = await json_object(request)
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        version = -1  # any non-integer is a version the opinion never had
    opinion = await services(request).workflow.write_opinion(
        actor, _case_id(request), OpinionContent.from_mapping(body), version
    )
    return private_json(opinion_json(opinion))


async def get_opinion(request: web.Request) -> web.Response:
    actor = await caller(request)
    opinion = await services(request).workflow.get_opinion(actor, _case_id(request))
    return private_json(opinion_json(opinion))


async def sign_opinion(request: web.Request) -> web.Response:
    actor = await caller(request)
    found = services(request)

    def manifest_digests(consultation_id: str) -> list[str]:
        return [m.sha256() for m in sealed_manifests(found.options.recordings_dir, consultation_id)]

    opinion = await found.workflow.sign_opinion(
        actor, _case_id(request), found.signing_key, manifest_digests
    )
    return private_json(opinion_json(opinion))


async def verify_opinion(request: web.Request) -> web.Response:
    actor = await caller(request)
    found = services(request)
    verification = await found.workflow.verify_opinion(actor, _case_id(request), found.signing_key)
    return private_json(verification_json(verification))


async def export_fhir(request: web.Request) -> web.Response:
    """The case as a FHIR R4 Bundle (``application/fhir+json``)."""
    actor = await caller(request)
    found = services(request)
    record = await found.workflow.case_record(actor, _case_id(request))
    manifests = await asyncio.to_thread(
        sealed_manifests, found.options.recordings_dir, record.referral.consultation_id
    )
    bundle = case_bundle(
        record, manifests, base_url=found.options.public_url, generated_at_ms=found.clock_ms()
    )
    return web.json_response(bundle, content_type="application/fhir+json", headers=PRIVATE)


async def export_pdf(request: web.Request) -> web.Response:
    """The printable case report (Chinese), with the opinion's signature verified."""
    actor = await caller(request)
    found = services(request)
    record = await found.workflow.case_record(actor, _case_id(request))
    manifests = await asyncio.to_thread(
        sealed_manifests, found.options.recordings_dir, record.referral.consultation_id
    )
    verification = None
    if record.opinion is not None and record.opinion.signature is not None:
        verification = await found.workflow.verify_opinion(
            actor, record.referral.id, found.signing_key
        )
    pdf = await asyncio.to_thread(
        lambda: case_report_pdf(record, manifests, verification, generated_at_ms=found.clock_ms())
    )
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={
            **PRIVATE,
            "Content-Disposition": f"attachment; filename=case-{record.referral.id}.pdf",
        },
    )


async def signing_key(request: web.Request) -> web.Response:
    """The node's public key, for anyone checking an exported opinion's signature."""
    return web.json_response(services(request).signing_key.public_document())


def _case_id(request: web.Request) -> str:
    return request.match_info["case_id"]


ROUTES = (
    ("PUT", "/api/referrals/{case_id}/opinion", write_opinion),
    ("GET", "/api/referrals/{case_id}/opinion", get_opinion),
    ("POST", "/api/referrals/{case_id}/opinion/sign", sign_opinion),
    ("GET", "/api/referrals/{case_id}/opinion/verification", verify_opinion),
    ("GET", "/api/referrals/{case_id}/export/fhir", export_fhir),
    ("GET", "/api/referrals/{case_id}/export/pdf", export_pdf),
    ("GET", "/api/signing-key", signing_key),
)
