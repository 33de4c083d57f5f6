"""The whole clinical path over HTTP, on both store backends: referral → accept →
consent → consultation → join links → signed opinion → FHIR R4 export → Chinese PDF."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import aiohttp
import pypdf
import pytest
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle
from PIL import Image

from rooms import Role
from rooms.audit import AuditOutcome, AuditQuery
from rooms.recording import MANIFEST, Manifest, RecordedFile, RecordingStatus
from signaling.errors import TokenExpiredError, TokenInvalidError
from tests.imaging.phantom import zipped_phantom
from tests.workflow.http import MAX_UPLOAD_BYTES, PUBLIC_URL, Api
from tests.workflow.world import referral_body

SCANNED_FORM = b"%PDF-1.4\n% scanned consent form\n1 0 obj <<>> endobj\n%%EOF\n"


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(
    content: bytes, name: str, content_type: str = "application/octet-stream"
) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=name, content_type=content_type)
    return form


def seal_recording(data_dir: Path, consultation_id: str) -> Manifest:
    """A sealed recording as the recorder leaves it (only its manifest matters here)."""
    manifest = Manifest(
        recording_id="20260303T010500-0a1b2c3d",
        consultation_id=consultation_id,
        status=RecordingStatus.COMPLETE,
        started_at_ms=1_772_499_900_000,
        ended_at_ms=1_772_502_300_000,
        started_by="acct-coordinator",
        files=[
            RecordedFile(
                "track-001-video.webm",
                "ab" * 32,
                1024,
                "p1",
                "video",
                "camera",
                1_772_499_900_000,
                1_772_502_300_000,
                0,
            )
        ],
        timeline_entries=12,
        timeline_final_hash="cd" * 32,
    )
    folder = data_dir / "recordings" / consultation_id / manifest.recording_id
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


async def test_a_referral_travels_the_whole_path_to_a_signed_returned_opinion(
    api: Api, tmp_path: Path
) -> None:
    world, accounts = api.world, api.world.accounts

    # --- the inviting doctor refers a patient ------------------------------------------
    me = await api.call("GET", "/api/me/account", "doctor")
    assert me.body["account"]["role"] == "inviting-doctor"
    assert "create-referral" in me.body["allowed_actions"]
    tertiary = world.institutions["tertiary"].id
    experts = await api.call("GET", f"/api/institutions/{tertiary}/experts", "doctor")
    assert {e["real_name"] for e in experts.body["experts"]} == {"李明", "陈静", "黄涛"}
    created = await api.call("POST", "/api/referrals", "doctor", json=referral_body(world))
    assert created.status == 201, created.body
    case_id = created.body["id"]
    assert created.body["status"] == "submitted"
    assert created.body["patient"]["name"] == "张三"
    assert created.headers["Cache-Control"] == "private, no-store"
    coordinator_id = accounts["coordinator"].id
    assert (
        coordinator_id,
        "referral-received",
        {"case_id": case_id, "from_institution_id": world.institutions["village"].id},
    ) in api.pushes.sent

    # --- attachments: PDF, JPEG, PNG by content; a CT study through the imaging reader --
    base = f"/api/referrals/{case_id}"
    form = await api.call(
        "POST",
        f"{base}/attachments",
        "doctor",
        data=upload(SCANNED_FORM, "知情同意书.pdf", "application/pdf"),
    )
    assert (form.status, form.body["kind"]) == (201, "pdf"), form.body
    photo = await api.call(
        "POST", f"{base}/attachments", "doctor", data=upload(image_bytes("JPEG"), "皮疹.jpg")
    )
    assert photo.body["kind"] == "jpeg"
    scan = await api.call(
        "POST",
        f"{base}/attachments",
        "doctor",
        data=upload(image_bytes("PNG"), "心电图.png", "image/png"),
    )
    assert scan.body["kind"] == "png"
    # The CT itself, read and kept with the case (shared with its consultation later).
    phantom, ct_zip = zipped_phantom(tmp_path / "ct")
    study = await api.call("POST", f"{base}/studies?description=胸部CT平扫", "doctor", data=ct_zip)
    assert (study.status, study.body["kind"]) == (201, "ct-study"), study.body
    assert study.body["study_id"] == phantom.series_uid
    assert study.body["size_bytes"] == len(ct_zip)
    assert study.body["sha256"] == hashlib.sha256(ct_zip).hexdigest()
    kept = api.data_dir / "case-studies" / case_id / phantom.series_uid
    assert (kept / "upload").read_bytes() == ct_zip
    not_ct = await api.call(
        "POST", f"{base}/studies?description=胸部CT", "doctor", data=SCANNED_FORM
    )
    assert (not_ct.status, not_ct.code) == (415, "not-dicom"), not_ct.body
    unnamed = await api.call("POST", f"{base}/studies", "doctor", data=ct_zip)
    assert (unnamed.status, unnamed.body["error"]["field"]) == (400, "description")
    # Out of reach: refused before a byte is kept.
    outsider = await api.call(
        "POST", f"{base}/studies?description=胸部CT", "county-doctor", data=ct_zip
    )
    assert outsider.status == 404
    assert [p.name for p in kept.parent.iterdir()] == [phantom.series_uid]
    fetched = await api.call("GET", f"{base}/attachments/{form.body['id']}", "doctor")
    assert fetched.body == SCANNED_FORM
    assert fetched.headers["Content-Type"] == "application/pdf"

    # --- the invited hospital's coordinator accepts, assigns experts, sets the time ----
    inbox = await api.call("GET", "/api/referrals", "coordinator")
    assert [r["id"] for r in inbox.body["referrals"]] == [case_id]
    assert (await api.call("GET", "/api/referrals", "expert")).body["referrals"] == []
    accepted = await api.call(
        "POST",
        f"{base}/accept",
        "coordinator",
        json={
            "expert_ids": [accounts["expert"].id, accounts["expert2"].id],
            "scheduled_at": "2026-03-03T09:00:00+08:00",
            "duration_minutes": 45,
        },
    )
    assert accepted.status == 200, accepted.body
    assert accepted.body["status"] == "accepted"
    assert [
        r["id"] for r in (await api.call("GET", "/api/referrals", "expert")).body["referrals"]
    ] == [case_id]
    doctor_news = await api.call("GET", "/api/notifications", "doctor")
    assert [n["event"] for n in doctor_news.body["notifications"]] == ["referral-accepted"]

    # --- the consultation exists, but nobody joins before the patient consents ----------
    consultation = await api.call("POST", f"{base}/consultation", "coordinator")
    assert consultation.status == 201
    consultation_id = consultation.body["consultation_id"]
    refused = await api.call("POST", f"{base}/consultation/join-link", "expert")
    assert (refused.status, refused.code) == (409, "consultation-consent-missing")
    with pytest.raises(Exception, match="consultation"):
        await api.services.store.require_consultation_consent(case_id)
    for kind in ("consultation", "recording"):
        consent = await api.call(
            "POST",
            f"{base}/consents",
            "doctor",
            json={
                "kind": kind,
                "given_by": "patient",
                "giver_name": "张三",
                "method": "written-form",
                "obtained_at": "2026-03-02T15:30:00+08:00",
                "form_attachment_id": form.body["id"],
            },
        )
        assert consent.status == 201, consent.body
    await api.services.store.require_consultation_consent(case_id)
    await api.services.store.require_recording_consent(case_id)

    # --- join links: for the invited only, and they expire -----------------------------
    link = await api.call("POST", f"{base}/consultation/join-link", "expert")
    assert link.status == 200, link.body
    assert link.body["url"] == f"{PUBLIC_URL}/join#token={link.body['token']}"
    grant = api.authority.verify(link.body["token"])
    assert (grant.consultation_id, grant.participant_id, grant.role) == (
        consultation_id,
        accounts["expert"].id,
        Role.EXPERT,
    )
    assert (grant.display_name, grant.institution) == ("李明", "省第一人民医院")
    for name, role in (("doctor", Role.INVITING), ("coordinator", Role.COORDINATOR)):
        own = await api.call("POST", f"{base}/consultation/join-link", name)
        assert api.authority.verify(own.body["token"]).role is role
    not_assigned = await api.call("POST", f"{base}/consultation/join-link", "unassigned-expert")
    assert (not_assigned.status, not_assigned.code) == (404, "referral-not-found")
    not_invited = await api.call("POST", f"{base}/consultation/join-link", "other-doctor")
    assert (not_invited.status, not_invited.code) == (403, "not-permitted")
    api.clock.advance(seconds=api.services.options.join_link_ttl_s)
    with pytest.raises(TokenExpiredError):
        api.authority.verify(link.body["token"])
    api.access.clear()  # access tokens expired with the clock too

    # --- the experts write the opinion; one of them signs it --------------------------
    manifest = seal_recording(api.services.options.data_dir, consultation_id)
    draft = await api.call(
        "PUT",
        f"{base}/opinion",
        "expert",
        json={
            "summary": "患者老年男性，长期吸烟，右肺上叶结节2.3cm，边缘毛刺。",
            "diagnosis": "右肺上叶周围型肺癌可能性大",
        },
    )
    assert (draft.status, draft.body["status"], draft.body["version"]) == (200, "draft", 1)
    revised = await api.call(
        "PUT",
        f"{base}/opinion",
        "expert2",
        json={
            **draft.body["content"],
            "imaging_review": "右肺上叶尖段见分叶状结节，增强扫描不均匀强化。",
            "recommendations": "建议CT引导下经皮肺穿刺活检，明确病理后MDT再议。",
            "version": 1,
        },
    )
    assert (revised.status, revised.body["revision"]) == (200, 2), revised.body
    stale = await api.call(
        "PUT", f"{base}/opinion", "expert", json={"diagnosis": "x", "version": 1}
    )
    assert (stale.status, stale.code) == (409, "concurrent-update")
    signed = await api.call("POST", f"{base}/opinion/sign", "expert")
    assert signed.status == 200, signed.body
    signature = signed.body["signature"]
    assert (signed.body["status"], signature["signer_name"], signature["algorithm"]) == (
        "signed",
        "李明",
        "Ed25519",
    )
    assert signature["recording_manifest_sha256"] == [manifest.sha256()]
    frozen = await api.call("PUT", f"{base}/opinion", "expert", json={"diagnosis": "改"})
    assert (frozen.status, frozen.code) == (409, "opinion-signed")
    read_back = await api.call("GET", f"{base}/opinion", "doctor")
    assert read_back.body == signed.body
    verified = await api.call("GET", f"{base}/opinion/verification", "doctor")
    assert verified.body == {"opinion_id": signed.body["id"], "ok": True, "problems": []}
    returned = await api.call("GET", base, "doctor")
    assert returned.body["status"] == "returned"
    # The call is over, its record is not: a review link (read-only) instead of a join link.
    over = await api.call("POST", f"{base}/consultation/join-link", "doctor")
    assert (over.status, over.code) == (409, "invalid-state")
    review = await api.call("POST", f"{base}/consultation/review-link", "doctor")
    assert review.status == 200, review.body
    assert review.body["url"] == f"{PUBLIC_URL}/review#token={review.body['token']}"
    with pytest.raises(TokenInvalidError):
        api.authority.verify(review.body["token"])  # it joins no call
    reviewer = api.authority.verify(review.body["token"], review_allowed=True)
    assert (reviewer.consultation_id, reviewer.role, reviewer.review_only) == (
        consultation_id,
        Role.INVITING,
        True,
    )
    news = await api.call("GET", "/api/notifications", "doctor")
    assert news.body["notifications"][0]["event"] == "opinion-returned"
    key = await api.call("GET", "/api/signing-key")
    assert key.body["key_id"] == signature["key_id"]

    # --- FHIR R4 export: every resource validates against the R4 models --------------
    exported = await api.call("GET", f"{base}/export/fhir", "doctor")
    assert exported.status == 200
    assert exported.headers["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.parse_obj(exported.body)
    assert bundle.type == "collection"
    resources = [e["resource"] for e in exported.body["entry"]]
    for resource in resources:
        construct_fhir_element(resource["resourceType"], resource)
    kinds = [r["resourceType"] for r in resources]
    for expected in (
        "ServiceRequest",
        "Task",
        "Appointment",
        "Encounter",
        "Composition",
        "Provenance",
        "Patient",
        "ImagingStudy",
    ):
        assert kinds.count(expected) == 1, expected
    assert kinds.count("Consent") == 2
    assert kinds.count("DocumentReference") == 4  # three files and the recording
    by_type = {r["resourceType"]: r for r in resources}
    assert by_type["Encounter"]["class"]["code"] == "VR"
    assert by_type["ImagingStudy"]["series"][0]["uid"] == phantom.series_uid
    assert by_type["Task"]["status"] == "completed"
    assert by_type["Composition"]["status"] == "final"
    assert by_type["Provenance"]["signature"][0]["data"] == signature["signature"]
    urls = {e["fullUrl"] for e in exported.body["entry"]}
    references = [v for v in _references(exported.body)]
    assert references and set(references) <= urls

    # --- the printable report renders the Chinese -------------------------------------
    pdf = await api.call("GET", f"{base}/export/pdf", "coordinator")
    assert (pdf.status, pdf.headers["Content-Type"]) == (200, "application/pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    for chinese in (
        "远程会诊报告",
        "张三",
        "会诊意见",
        "右肺上叶周围型肺癌可能性大",
        "李明",
        "省第一人民医院",
        "青山村卫生室",
        "验证通过",
    ):
        assert chinese in text, chinese

    # --- every read and write of the case is in the audit trail ------------------------
    trail = await api.call("GET", f"/api/audit?object_id={case_id}", "auditor")
    actions = {(r["action"], r["outcome"]) for r in trail.body["records"]}
    for expected_action in (
        "create-referral",
        "read-referral",
        "accept-referral",
        "create-consultation",
        "record-consent",
        "join-consultation",
        "export-case",
    ):
        assert (expected_action, "allowed") in actions, expected_action
    assert ("join-consultation", "refused") in actions
    opinion_trail = await api.services.store.search_audit(AuditQuery(object_type="opinion"))
    assert {(r.action, r.outcome) for r in opinion_trail} >= {
        ("write-opinion", AuditOutcome.ALLOWED),
        ("sign-opinion", AuditOutcome.ALLOWED),
        ("read-opinion", AuditOutcome.ALLOWED),
        ("verify-opinion", AuditOutcome.ALLOWED),
    }
    assert "张三" not in json.dumps(trail.body, ensure_ascii=False)


def _references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


async def test_bad_submissions_get_errors_that_name_the_field(sqlite_api: Api) -> None:
    api, world = sqlite_api, sqlite_api.world

    async def refusal(body: dict[str, object]) -> tuple[int, str, str]:
        reply = await api.call("POST", "/api/referrals", "doctor", json=body)
        return reply.status, reply.code or "", reply.body["error"].get("field", "")

    patient = dict(referral_body(world)["patient"])  # type: ignore[arg-type]
    assert await refusal(referral_body(world, patient={**patient, "name": " "})) == (
        400,
        "field-required",
        "patient.name",
    )
    assert await refusal(referral_body(world, patient={**patient, "birth_date": "2099-01-01"})) == (
        400,
        "field-invalid",
        "patient.birth_date",
    )
    assert await refusal(referral_body(world, patient={**patient, "sex": "m"})) == (
        400,
        "field-invalid",
        "patient.sex",
    )
    assert await refusal(referral_body(world, reason="")) == (400, "field-required", "reason")
    assert await refusal(referral_body(world, proposed_at="2026-03-03 09:00")) == (
        400,
        "field-invalid",
        "proposed_at",
    )
    assert await refusal(
        referral_body(world, requested_specialties=[], requested_expert_ids=[])
    ) == (400, "field-required", "requested_specialties")
    assert await refusal(
        referral_body(world, requested_expert_ids=[world.accounts["other-expert"].id])
    ) == (400, "field-invalid", "requested_expert_ids")
    assert await refusal(
        referral_body(world, to_institution_id=world.institutions["village"].id)
    ) == (400, "field-invalid", "to_institution_id")
    message = (
        await api.call("POST", "/api/referrals", "doctor", json=referral_body(world, summary=None))
    ).body["error"]["message"]
    assert message == "summary is required (必填：病历摘要)"
    not_json = await api.call("POST", "/api/referrals", "doctor", data=b"[1, 2]")
    assert (not_json.status, not_json.code) == (400, "invalid-payload")

    case_id = (await api.call("POST", "/api/referrals", "doctor", json=referral_body(world))).body[
        "id"
    ]
    base = f"/api/referrals/{case_id}/attachments"
    text_as_png = await api.call(
        "POST", base, "doctor", data=upload(b"just text", "x.png", "image/png")
    )
    assert (text_as_png.status, text_as_png.code) == (415, "unsupported-attachment")
    pdf_as_png = await api.call(
        "POST", base, "doctor", data=upload(SCANNED_FORM, "x.png", "image/png")
    )
    assert (pdf_as_png.status, pdf_as_png.code) == (415, "unsupported-attachment")
    too_big = SCANNED_FORM + b"0" * MAX_UPLOAD_BYTES
    over = await api.call("POST", base, "doctor", data=upload(too_big, "big.pdf"))
    assert (over.status, over.code) == (413, "attachment-too-large")
    incoming = api.services.workflow.incoming
    assert not incoming.exists() or list(incoming.iterdir()) == []  # nothing left behind
    no_file = await api.call("POST", base, "doctor", data=aiohttp.FormData({"other": "x"}))
    assert (no_file.status, no_file.body["error"]["field"]) == (400, "file")
    missing_form = await api.call(
        "POST",
        f"/api/referrals/{case_id}/consents",
        "doctor",
        json={
            "kind": "consultation",
            "given_by": "guardian",
            "giver_name": "张小三",
            "method": "written-form",
            "obtained_at": "2026-03-02T15:30:00+08:00",
            "form_attachment_id": "att-0000000000000000",
        },
    )
    assert (missing_form.status, missing_form.body["error"]["field"]) == (400, "form_attachment_id")


async def test_a_declined_referral_exports_as_a_rejected_task(sqlite_api: Api) -> None:
    api = sqlite_api
    created = await api.call("POST", "/api/referrals", "doctor", json=referral_body(api.world))
    base = f"/api/referrals/{created.body['id']}"
    await api.call("POST", f"{base}/decline", "coordinator", json={"reason": "本院暂无胸外科"})
    exported = await api.call("GET", f"{base}/export/fhir", "coordinator")
    Bundle.parse_obj(exported.body)
    by_type = {e["resource"]["resourceType"]: e["resource"] for e in exported.body["entry"]}
    assert by_type["Task"]["status"] == "rejected"
    assert by_type["Task"]["statusReason"] == {"text": "本院暂无胸外科"}
    assert by_type["ServiceRequest"]["status"] == "revoked"
    assert not {"Appointment", "Encounter", "Composition", "Consent"} & by_type.keys()
    pdf = await api.call("GET", f"{base}/export/pdf", "doctor")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert "本院暂无胸外科" in text and "尚无会诊意见" in text
