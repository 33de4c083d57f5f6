"""Attacks and mistakes: edited signed opinions, forged, expired and crossed tokens,
replayed refresh tokens, a decline without a reason, password guessing."""

from __future__ import annotations

import sqlite3

import jwt
import pytest

from rooms.opinion import verify_opinion
from rooms.sql_store import SQLITE_FILE
from signaling.auth import TokenAuthority
from signaling.errors import TokenInvalidError
from tests.workflow.http import SECRET, Api
from tests.workflow.test_permissions import case_in_consultation
from tests.workflow.world import PASSWORD, referral_body


async def signed_case(api: Api) -> str:
    case_id = await case_in_consultation(api)
    await api.call(
        "PUT",
        f"/api/referrals/{case_id}/opinion",
        "expert",
        json={"diagnosis": "社区获得性肺炎", "recommendations": "抗感染治疗，两周后复查胸部CT。"},
    )
    signed = await api.call("POST", f"/api/referrals/{case_id}/opinion/sign", "expert")
    assert signed.status == 200, signed.body
    return case_id


@pytest.mark.parametrize(
    ("column", "edit"),
    [
        ("diagnosis", "replace(diagnosis, '肺炎', '肺癌')"),
        ("recommendations", "recommendations || ' '"),
        ("signer_name", "'王五'"),
        ("signed_at_ms", "signed_at_ms + 1"),
        ("recording_manifest_sha256", "'[\"" + "0" * 64 + "\"]'"),
        # A different first character (a fixed 'A' would change nothing 1 time in 64).
        (
            "signature",
            "(CASE WHEN substr(signature, 1, 1) = 'A' THEN 'B' ELSE 'A' END)"
            " || substr(signature, 2)",
        ),
    ],
)
async def test_any_change_to_a_signed_opinion_fails_verification(
    sqlite_api: Api, column: str, edit: str
) -> None:
    api = sqlite_api
    case_id = await signed_case(api)
    database = api.data_dir / SQLITE_FILE
    with sqlite3.connect(database) as connection:
        changed = connection.execute(
            f"UPDATE opinions SET {column} = {edit} WHERE case_id = ?", (case_id,)
        ).rowcount
    assert changed == 1
    reply = await api.call("GET", f"/api/referrals/{case_id}/opinion/verification", "doctor")
    assert reply.status == 200
    assert reply.body["ok"] is False and reply.body["problems"], reply.body
    opinion = await api.services.store.get_opinion(case_id)
    assert not verify_opinion(opinion, api.services.signing_key).ok


async def test_one_changed_byte_in_the_stored_content_is_detected(sqlite_api: Api) -> None:
    api = sqlite_api
    case_id = await signed_case(api)
    with sqlite3.connect(api.data_dir / SQLITE_FILE) as connection:
        (stored,) = connection.execute(
            "SELECT CAST(diagnosis AS BLOB) FROM opinions WHERE case_id = ?", (case_id,)
        ).fetchone()
        # 炎 is E7 82 8E in UTF-8; one flipped bit in its last byte makes it 炏.
        flipped = stored[:-1] + bytes([stored[-1] ^ 0x01])
        connection.execute(
            "UPDATE opinions SET diagnosis = ? WHERE case_id = ?", (flipped.decode(), case_id)
        )
    reply = await api.call("GET", f"/api/referrals/{case_id}/opinion/verification", "expert")
    assert reply.body["ok"] is False
    assert "changed" in reply.body["problems"][0]


async def test_forged_expired_and_crossed_tokens_are_refused(sqlite_api: Api) -> None:
    api = sqlite_api
    expert = api.world.accounts["expert"]
    forged = TokenAuthority("another-secret-" + "z" * 32, api.clock.seconds).issue_access(
        account_id=expert.id,
        display_name=expert.real_name,
        role=expert.role,
        institution_id=expert.institution_id,
        ttl_s=600,
    )
    reply = await api.call("GET", "/api/me/account", token=forged)
    assert (reply.status, reply.code) == (401, "token-invalid")
    claims = jwt.decode(await api.token("expert"), options={"verify_signature": False})
    promoted = jwt.encode({**claims, "role": "administrator"}, "g" * 32, algorithm="HS256")
    assert (await api.call("GET", "/api/accounts", token=promoted)).code == "token-invalid"
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert (await api.call("GET", "/api/me/account", token=unsigned)).code == "token-invalid"

    # A consultation join token is no access token, and an access token joins no call.
    case_id = await case_in_consultation(api)
    link = await api.call("POST", f"/api/referrals/{case_id}/consultation/join-link", "expert")
    crossed = await api.call("GET", "/api/me/account", token=link.body["token"])
    assert (crossed.status, crossed.code) == (401, "token-invalid")
    with pytest.raises(TokenInvalidError):
        api.authority.verify(await api.token("expert"))

    token = await api.token("expert")
    api.clock.advance(seconds=api.services.options.access_token_ttl_s)
    expired = await api.call("GET", "/api/me/account", token=token)
    assert (expired.status, expired.code) == (401, "token-expired")
    assert (await api.call("GET", "/api/me/account")).code == "token-missing"
    assert SECRET not in repr(api.authority)


async def test_a_replayed_refresh_token_ends_every_session_of_that_login(sqlite_api: Api) -> None:
    api = sqlite_api
    first = (await api.login("doctor")).body
    assert first["token_type"] == "Bearer"
    second = await api.call(
        "POST", "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status == 200 and second.headers["Cache-Control"] == "no-store"
    assert second.body["refresh_token"] != first["refresh_token"]
    replayed = await api.call(
        "POST", "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert (replayed.status, replayed.code) == (401, "refresh-token-replayed")
    after = await api.call(
        "POST", "/api/auth/refresh", json={"refresh_token": second.body["refresh_token"]}
    )
    assert (after.status, after.code) == (401, "refresh-token-invalid")
    third = (await api.login("doctor")).body
    out = await api.call("POST", "/api/auth/logout", json={"refresh_token": third["refresh_token"]})
    assert out.status == 204
    gone = await api.call(
        "POST", "/api/auth/refresh", json={"refresh_token": third["refresh_token"]}
    )
    assert gone.code == "refresh-token-invalid"


async def test_a_decline_needs_a_reason(sqlite_api: Api) -> None:
    api = sqlite_api
    case_id = (
        await api.call("POST", "/api/referrals", "doctor", json=referral_body(api.world))
    ).body["id"]
    path = f"/api/referrals/{case_id}/decline"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        reply = await api.call("POST", path, "coordinator", json=body)
        assert (reply.status, reply.code, reply.body["error"]["field"]) == (
            400,
            "field-required",
            "reason",
        )
    declined = await api.call("POST", path, "coordinator", json={"reason": "本院暂无该专业专家"})
    assert (declined.body["status"], declined.body["decline_reason"]) == (
        "declined",
        "本院暂无该专业专家",
    )
    again = await api.call(
        "POST",
        f"/api/referrals/{case_id}/accept",
        "coordinator",
        json={
            "expert_ids": [api.world.accounts["expert"].id],
            "scheduled_at": "2026-03-04T09:00:00+08:00",
        },
    )
    assert (again.status, again.code) == (409, "invalid-state")
    news = await api.call("GET", "/api/notifications", "doctor")
    assert news.body["notifications"][0]["event"] == "referral-declined"


async def test_five_wrong_passwords_lock_the_login_for_fifteen_minutes(sqlite_api: Api) -> None:
    api = sqlite_api
    for _ in range(5):
        wrong = await api.login("coordinator", "not the password")
        assert (wrong.status, wrong.code) == (401, "invalid-credentials")
    locked = await api.login("coordinator", PASSWORD)
    assert (locked.status, locked.code) == (429, "account-locked")
    assert locked.headers["Retry-After"] == "900"
    api.clock.advance(minutes=15)
    assert (await api.login("coordinator", PASSWORD)).status == 200
