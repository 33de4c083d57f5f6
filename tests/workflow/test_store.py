"""The SQL store, run alike against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import pytest

from rooms import RecordingConsentMissingError
from rooms.account import AccountRole
from rooms.attachment import Attachment, AttachmentKind
from rooms.audit import AuditOutcome, AuditQuery, AuditRecord
from rooms.consent import Consent, ConsentGiver, ConsentKind, ConsentMethod, ConsentRequest
from rooms.institution import Institution, InstitutionLevel
from rooms.notification import Notification, NotificationEvent
from rooms.opinion import Opinion, OpinionContent, OpinionSignature
from rooms.referral import Acceptance, Referral, ReferralRequest, ReferralStatus
from rooms.refresh_token import RefreshToken
from rooms.sql_database import IntegrityViolation
from rooms.sql_store import SqlWorkflowStore
from rooms.workflow_errors import (
    AccountNotFoundError,
    ConcurrentUpdateError,
    ConsentAlreadyRecordedError,
    ConsultationConsentMissingError,
    InstitutionNotFoundError,
    LoginTakenError,
    OpinionNotFoundError,
    ReferralNotFoundError,
)
from tests.workflow.world import T0_MS, World, referral_body


def a_referral(world: World, case_id: str = "ref-00000000000000a1") -> Referral:
    request = ReferralRequest.from_mapping(referral_body(world), date(2026, 3, 1))
    return Referral(
        id=case_id,
        from_institution_id=world.institutions["village"].id,
        requested_by=world.accounts["doctor"].id,
        request=request,
        status=ReferralStatus.SUBMITTED,
        created_at_ms=T0_MS,
        updated_at_ms=T0_MS,
    )


def a_consent(case_id: str, kind: ConsentKind, recorded_by: str) -> Consent:
    request = ConsentRequest(
        kind=kind,
        given_by=ConsentGiver.PATIENT,
        giver_name="张三",
        method=ConsentMethod.WRITTEN_FORM,
        obtained_at_ms=T0_MS,
        form_attachment_id="",
        note="",
    )
    return Consent(case_id, request, recorded_by, T0_MS + 1)


async def test_institutions_and_accounts_round_trip(store: SqlWorkflowStore, world: World) -> None:
    doctor = world.accounts["doctor"]
    assert await store.get_account(doctor.id) == doctor
    assert await store.find_account("doctor") == doctor
    assert await store.find_account("nobody") is None
    assert (await store.get_institution(doctor.institution_id)).name == "青山村卫生室"
    names = [i.name for i in await store.list_institutions()]
    assert names == sorted(["青山村卫生室", "平安县人民医院", "省第一人民医院", "市中心医院"])
    tertiary = world.institutions["tertiary"].id
    experts = await store.list_accounts(tertiary, AccountRole.EXPERT)
    assert {e.login for e in experts} == {"expert", "expert2", "unassigned-expert"}
    with pytest.raises(LoginTakenError):
        await store.add_account(dataclasses.replace(doctor, id="acct-00000000000000ff"))
    with pytest.raises(InstitutionNotFoundError):
        await store.add_account(
            dataclasses.replace(doctor, id="acct-00000000000000fe", login="x1", institution_id="no")
        )
    with pytest.raises(AccountNotFoundError):
        await store.get_account("acct-missing")
    with pytest.raises(InstitutionNotFoundError):
        await store.get_institution("inst-missing")
    await store.add_institution(
        Institution(
            "inst-00000000000000aa", "乡镇卫生院", InstitutionLevel.TOWNSHIP_HEALTH_CENTRE, 1
        )
    )
    assert (await store.get_institution("inst-00000000000000aa")).level is (
        InstitutionLevel.TOWNSHIP_HEALTH_CENTRE
    )


async def test_the_fifth_failed_login_locks_and_restarts_the_count(
    store: SqlWorkflowStore, world: World
) -> None:
    doctor = world.accounts["doctor"]
    for n in range(1, 5):
        account = await store.record_failed_login(doctor.id, T0_MS, 5, 900_000)
        assert (account.failed_logins, account.locked_until_ms) == (n, None)
    account = await store.record_failed_login(doctor.id, T0_MS, 5, 900_000)
    assert (account.failed_logins, account.locked_until_ms) == (0, T0_MS + 900_000)
    await store.clear_failed_logins(doctor.id)
    account = await store.get_account(doctor.id)
    assert (account.failed_logins, account.locked_until_ms) == (0, None)
    await store.set_account_disabled(doctor.id, T0_MS)
    assert (await store.get_account(doctor.id)).disabled_at_ms == T0_MS
    await store.set_account_disabled(doctor.id, None)
    assert (await store.get_account(doctor.id)).disabled_at_ms is None


async def test_a_refresh_token_is_spent_exactly_once_even_concurrently(
    store: SqlWorkflowStore, world: World
) -> None:
    account_id = world.accounts["expert"].id
    token = RefreshToken("h" * 64, "fam-1", account_id, T0_MS, T0_MS + 1000)
    sibling = RefreshToken("g" * 64, "fam-1", account_id, T0_MS, T0_MS + 1000)
    await store.add_refresh_token(token)
    await store.add_refresh_token(sibling)
    assert await store.get_refresh_token(token.token_hash) == token
    spent = await asyncio.gather(
        *(store.spend_refresh_token(token.token_hash, T0_MS + 5) for _ in range(4))
    )
    assert sorted(spent) == [False, False, False, True]
    assert (await store.get_refresh_token(token.token_hash)).used_at_ms == T0_MS + 5
    await store.revoke_refresh_family("fam-1", T0_MS + 9)
    assert (await store.get_refresh_token(sibling.token_hash)).revoked_at_ms == T0_MS + 9
    assert not await store.spend_refresh_token(sibling.token_hash, T0_MS + 10)
    assert await store.get_refresh_token("unknown") is None


async def test_a_referral_keeps_every_field_and_refuses_a_stale_save(
    store: SqlWorkflowStore, world: World
) -> None:
    referral = a_referral(world)
    await store.add_referral(referral)
    assert await store.get_referral(referral.id) == referral
    accepted = referral.accepted(
        world.accounts["coordinator"].id,
        T0_MS + 10,
        Acceptance((world.accounts["expert"].id, world.accounts["expert2"].id), T0_MS + 99, 45),
    )
    saved = await store.save_referral(accepted)
    assert saved.version == 2
    assert await store.get_referral(referral.id) == saved
    with pytest.raises(ConcurrentUpdateError):
        await store.save_referral(accepted)  # still version 1: someone saved meanwhile
    with_call = await store.save_referral(saved.with_consultation("mdt-00000000000000c1", 5))
    assert (await store.find_referral_by_consultation("mdt-00000000000000c1")) == with_call
    with pytest.raises(ReferralNotFoundError):
        await store.find_referral_by_consultation("mdt-none")
    with pytest.raises(ReferralNotFoundError):
        await store.get_referral("ref-none")

    other = a_referral(world, "ref-00000000000000a2")
    await store.add_referral(other)
    village, tertiary = world.institutions["village"].id, world.institutions["tertiary"].id
    assert {r.id for r in await store.list_referrals(from_institution_id=village)} == {
        referral.id,
        other.id,
    }
    assert len(await store.list_referrals(to_institution_id=tertiary)) == 2
    assert [r.id for r in await store.list_referrals(expert_id=world.accounts["expert2"].id)] == [
        referral.id
    ]
    assert await store.list_referrals(from_institution_id=tertiary) == []


async def test_attachments_and_consents(store: SqlWorkflowStore, world: World) -> None:
    referral = a_referral(world)
    await store.add_referral(referral)
    doctor = world.accounts["doctor"].id
    scan = Attachment(
        "att-00000000000000b1",
        referral.id,
        AttachmentKind.PDF,
        "知情同意书.pdf",
        1234,
        "ab" * 32,
        "attachments/x.pdf",
        "",
        doctor,
        T0_MS,
    )
    study = Attachment(
        "att-00000000000000b2",
        referral.id,
        AttachmentKind.CT_STUDY,
        "胸部CT平扫",
        0,
        "",
        "",
        "1.2.840.113619.2.55.3",
        doctor,
        T0_MS + 1,
    )
    await store.add_attachment(scan)
    await store.add_attachment(study)
    assert await store.list_attachments(referral.id) == [scan, study]
    assert await store.get_attachment(referral.id, study.id) == study

    with pytest.raises(ConsultationConsentMissingError):
        await store.require_consultation_consent(referral.id)
    with pytest.raises(RecordingConsentMissingError):
        await store.require_recording_consent(referral.id)
    consent = a_consent(referral.id, ConsentKind.CONSULTATION, doctor)
    consent = dataclasses.replace(
        consent, request=dataclasses.replace(consent.request, form_attachment_id=scan.id)
    )
    await store.add_consent(consent)
    assert await store.require_consultation_consent(referral.id) == consent
    with pytest.raises(RecordingConsentMissingError):
        await store.require_recording_consent(referral.id)
    with pytest.raises(ConsentAlreadyRecordedError):
        await store.add_consent(consent)
    recording = a_consent(referral.id, ConsentKind.RECORDING, doctor)
    await store.add_consent(recording)
    assert await store.require_recording_consent(referral.id) == recording
    assert await store.list_consents(referral.id) == [consent, recording]


async def test_an_opinion_keeps_its_signature_and_refuses_a_stale_save(
    store: SqlWorkflowStore, world: World
) -> None:
    referral = a_referral(world)
    await store.add_referral(referral)
    expert = world.accounts["expert"].id
    with pytest.raises(OpinionNotFoundError):
        await store.get_opinion(referral.id)
    draft = Opinion(
        "op-00000000000000d1",
        referral.id,
        "mdt-00000000000000c1",
        OpinionContent(diagnosis="右肺上叶周围型肺癌可能性大", recommendations="建议穿刺活检"),
        expert,
        T0_MS,
        expert,
        T0_MS,
    )
    await store.add_opinion(draft)
    assert await store.get_opinion(referral.id) == draft
    signed = dataclasses.replace(
        draft,
        signature=OpinionSignature(
            expert, "李明", "主任医师", T0_MS + 5, "Ed25519", "k1", ("ff" * 32,), "c2lnbmF0dXJl"
        ),
    )
    saved = await store.save_opinion(signed)
    assert await store.get_opinion(referral.id) == saved
    with pytest.raises(ConcurrentUpdateError):
        await store.save_opinion(signed)


async def test_notifications_are_listed_newest_first_and_marked_read_only_by_their_owner(
    store: SqlWorkflowStore, world: World
) -> None:
    doctor, expert = world.accounts["doctor"].id, world.accounts["expert"].id
    first = Notification("ntf-1", doctor, NotificationEvent.REFERRAL_ACCEPTED, {"case_id": "r"}, 1)
    second = Notification("ntf-2", doctor, NotificationEvent.OPINION_RETURNED, {"n": 2}, 2)
    await store.add_notification(first)
    await store.add_notification(second)
    assert await store.list_notifications(doctor) == [second, first]
    assert await store.mark_notifications_read(expert, ["ntf-1"], 9) == 0
    assert await store.mark_notifications_read(doctor, ["ntf-1", "ntf-x"], 9) == 1
    assert [n.read_at_ms for n in await store.list_notifications(doctor)] == [None, 9]


async def test_the_audit_log_is_searchable_and_append_only(
    store: SqlWorkflowStore, world: World
) -> None:
    def record(at_ms: int, actor: str, action: str, outcome: AuditOutcome) -> AuditRecord:
        return AuditRecord(at_ms, actor, "expert", action, "referral", "ref-1", "10.0.0.7", outcome)

    await store.append_audit(record(100, "a", "read-referral", AuditOutcome.ALLOWED))
    await store.append_audit(record(200, "b", "read-referral", AuditOutcome.REFUSED))
    await store.append_audit(record(300, "a", "sign-opinion", AuditOutcome.ALLOWED))
    everything = await store.search_audit(AuditQuery())
    assert [r.at_ms for r in everything] == [100, 200, 300]
    assert everything[0].seq is not None and everything[0].seq < everything[2].seq
    assert [r.at_ms for r in await store.search_audit(AuditQuery(actor_id="a"))] == [100, 300]
    assert [r.actor_id for r in await store.search_audit(AuditQuery(action="sign-opinion"))] == [
        "a"
    ]
    refused = await store.search_audit(AuditQuery(outcome=AuditOutcome.REFUSED))
    assert [(r.actor_id, r.address) for r in refused] == [("b", "10.0.0.7")]
    window = await store.search_audit(AuditQuery(from_ms=150, to_ms=300))
    assert [r.at_ms for r in window] == [200]
    assert len(await store.search_audit(AuditQuery(object_type="referral", limit=2))) == 2
    assert await store.search_audit(AuditQuery(object_id="ref-2")) == []
    for change in ("UPDATE audit_log SET outcome = 'allowed'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            async with store.database.transaction() as session:
                await session.execute(change)
    assert len(await store.search_audit(AuditQuery())) == 3


async def test_integrity_violations_never_carry_the_values(
    store: SqlWorkflowStore, world: World
) -> None:
    referral = a_referral(world)
    await store.add_referral(referral)
    with pytest.raises(IntegrityViolation) as raised:
        async with store.database.transaction() as session:
            await session.execute(
                "UPDATE referrals SET consultation_id = ? WHERE id = ?", "mdt-x", referral.id
            )
            await session.execute(
                "INSERT INTO referral_experts (referral_id, account_id) VALUES (?, ?)",
                referral.id,
                "acct-that-does-not-exist-张三",
            )
    assert "张三" not in str(raised.value)
