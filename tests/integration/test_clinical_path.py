"""The clinical path end to end through one real server: the referral with its CT over
HTTP, acceptance, both consents, the consultation joined over Socket.IO by the inviting
doctor and the expert with real media, recorded, the opinion signed over the real
recording's manifest and returned live to the doctor's desk, then the case exported as
a FHIR Bundle that validates and a PDF that renders."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import aiohttp
import pypdf
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle

from rooms import read_manifest, verify_recording
from tests.imaging.phantom import zipped_phantom
from tests.integration.test_bad_input import refused_connect
from tests.integration.test_consultation import decoding
from tests.integration.test_desk_notifications import DeskClient
from tests.support.accounts import access_token, api_call, refer_from_dev_doctor, seed_dev_accounts
from tests.support.media_peer import wait_until
from tests.support.server import loopback_settings, running_server
from tests.support.signaling_peer import SignalingPeer

#: Safety nets, not expectations.
MEDIA_TIMEOUT_S = 30


def consent(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "given_by": "patient",
        "giver_name": "张三",
        "method": "written-form",
        "obtained_at": "2026-03-02T15:30:00+08:00",
    }


async def test_referral_to_a_signed_opinion_over_a_real_recorded_consultation(
    tmp_path: Path,
) -> None:
    async with running_server(loopback_settings(tmp_path / "data")) as server:
        accounts = await seed_dev_accounts(server)
        token = {
            who: await access_token(server, accounts[f"dev-{who}"])
            for who in ("doctor", "coordinator", "expert1")
        }

        # --- the referral and its CT, accepted, consented, a consultation --------------
        case = await refer_from_dev_doctor(server, accounts)
        base = f"/api/referrals/{case['id']}"
        phantom, ct_zip = zipped_phantom(tmp_path / "ct")
        await api_call(
            server, token["doctor"], "POST", f"{base}/studies?description=胸部CT", data=ct_zip
        )
        scheduled = datetime.datetime.fromtimestamp(case["proposed_at_ms"] / 1000, datetime.UTC)
        await api_call(
            server,
            token["coordinator"],
            "POST",
            f"{base}/accept",
            {
                "expert_ids": [accounts["dev-expert1"].account_id],
                "scheduled_at": scheduled.isoformat(),
            },
        )
        for kind in ("consultation", "recording"):
            await api_call(server, token["doctor"], "POST", f"{base}/consents", consent(kind))
        created = await api_call(server, token["coordinator"], "POST", f"{base}/consultation")
        consultation_id = created["consultation_id"]

        # --- the doctor and the expert meet: each sees the other's video ---------------
        peers = []
        for identity, who in ((1, "doctor"), (2, "expert1")):
            link = await api_call(server, token[who], "POST", f"{base}/consultation/join-link")
            peers.append(SignalingPeer(server.url, link["token"], identity))
        desk = DeskClient()
        await desk.connect(server.url, token["doctor"])
        try:
            for peer in peers:
                joined = await peer.join()
                assert joined["ok"], joined
                assert joined["viewer"]["series_uid"] == phantom.series_uid
                assert joined["recording"]["referred"] and joined["recording"]["consent"]
                assert (await peer.publish())["ok"]
            await wait_until(
                lambda: all(decoding(p, 1) for p in peers), MEDIA_TIMEOUT_S, "both to decode"
            )
            doctor_id = peers[0].joined["self"]["participant_id"]
            expert_id = peers[1].joined["self"]["participant_id"]
            assert set(peers[0].video_by_participant()) == {expert_id}
            assert set(peers[1].video_by_participant()) == {doctor_id}

            # --- recorded by the inviting doctor, with the consent in the case file ----
            started = await peers[0].sio.call("recording-start", {})
            assert started["ok"], started
            folder = server.hub.recordings_root / consultation_id / started["recording_id"]
            await wait_until(
                lambda: len([f for f in folder.glob("*.webm") if f.stat().st_size > 1000]) == 4,
                MEDIA_TIMEOUT_S,
                "every track to be recorded",
            )
            assert (await peers[0].sio.call("recording-stop", {}))["ok"]
        finally:
            for peer in peers:
                await peer.close()
        assert verify_recording(folder).ok
        manifest = read_manifest(folder)

        # --- the expert signs; the opinion covers the real recording; the doctor hears --
        opinion = {
            "summary": "右肺上叶结节2.3cm，边缘毛刺。",
            "diagnosis": "右肺上叶周围型肺癌可能性大",
            "recommendations": "建议CT引导下经皮肺穿刺活检。",
        }
        await api_call(server, token["expert1"], "PUT", f"{base}/opinion", opinion)
        signed = await api_call(server, token["expert1"], "POST", f"{base}/opinion/sign")
        assert signed["signature"]["recording_manifest_sha256"] == [manifest.sha256()]
        heard = await desk.next()
        while heard["event"] != "opinion-returned":
            heard = await desk.next()
        assert heard["payload"]["case_id"] == case["id"]
        await desk.sio.disconnect()
        verified = await api_call(server, token["doctor"], "GET", f"{base}/opinion/verification")
        assert verified["ok"] is True

        # --- reviewed afterwards: a review link reads the record, and only reads it -----
        review = await api_call(server, token["doctor"], "POST", f"{base}/consultation/review-link")
        reviewer = {"Authorization": f"Bearer {review['token']}"}
        recordings = f"{server.url}/api/consultations/{consultation_id}/recordings"
        async with aiohttp.ClientSession() as http:
            listed = await http.get(recordings, headers=reviewer)
            assert [r["recording_id"] for r in (await listed.json())["recordings"]] == [
                manifest.recording_id
            ]
            upload = await http.post(
                f"{server.url}/api/consultations/{consultation_id}/studies",
                data=ct_zip,
                headers=reviewer,
            )
            assert upload.status == 403
        refused = await refused_connect(server.url, {"token": review["token"]})
        assert refused["code"] == "token-invalid"

        # --- exported: a FHIR R4 Bundle that validates, a PDF with the Chinese text -----
        exported = await api_call(server, token["doctor"], "GET", f"{base}/export/fhir")
        Bundle.parse_obj(exported)
        resources = [entry["resource"] for entry in exported["entry"]]
        for resource in resources:
            construct_fhir_element(resource["resourceType"], resource)
        recordings = [
            r
            for r in resources
            if r["resourceType"] == "DocumentReference" and manifest.recording_id in str(r)
        ]
        assert len(recordings) == 1
        assert {r["resourceType"] for r in resources} >= {
            "ServiceRequest",
            "Task",
            "Appointment",
            "Encounter",
            "Consent",
            "Composition",
            "Provenance",
            "ImagingStudy",
        }
        async with aiohttp.ClientSession() as http:
            reply = await http.get(
                f"{server.url}{base}/export/pdf",
                headers={"Authorization": f"Bearer {token['doctor']}"},
            )
            assert reply.content_type == "application/pdf"
            pdf = await reply.read()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for chinese in ("张三", "右肺上叶周围型肺癌可能性大", "李明", "验证通过"):
        assert chinese in text, chinese
