"""Every role against every action, on a case of its own institution and of another's.

The expected table is written out here, independently of ``rooms.access``: which
actions each role may ever attempt (else 403), which accounts have the case within
reach (else 404), and who was invited to the consultation. Every refused cell must
also be in the audit trail as refused.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rooms.audit import AuditOutcome, AuditQuery
from tests.imaging.phantom import zipped_phantom
from tests.workflow.http import Api, Reply
from tests.workflow.world import referral_body


@dataclass(frozen=True)
class Attempt:
    name: str
    """The audit action it is recorded as."""
    method: str
    path: str
    body: Callable[[Api, str], object] | None
    allowed_status: int
    """The answer when allowed, in the case's state (in consultation, consented, with a
    draft opinion that cannot be signed yet): state errors prove the gate was passed."""


def _account_body(api: Api, _: str) -> object:
    return {
        "login": f"new-{len(api.pushes.sent)}-{api.clock()}",
        "real_name": "新用户",
        "role": "expert",
        "institution_id": api.world.institutions["tertiary"].id,
        "password": "a long enough password",
    }


@functools.cache
def _ct_series_zip() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return zipped_phantom(Path(folder))[1]


def _ct_zip(api: Api, _: str) -> object:
    return _ct_series_zip()


CASE = "/api/referrals/{case}"
ATTEMPTS = (
    Attempt("read-referral", "GET", CASE, None, 200),
    Attempt(
        "accept-referral",
        "POST",
        CASE + "/accept",
        lambda api, _: {
            "expert_ids": [api.world.accounts["expert"].id],
            "scheduled_at": "2026-03-04T09:00:00+08:00",
        },
        409,
    ),
    Attempt("decline-referral", "POST", CASE + "/decline", lambda *_: {"reason": "专家出差"}, 409),
    Attempt("add-attachment", "POST", CASE + "/studies?description=胸部CT", _ct_zip, 201),
    Attempt("read-attachment", "GET", CASE + "/attachments", None, 200),
    Attempt(
        "record-consent",
        "POST",
        CASE + "/consents",
        lambda *_: {
            "kind": "consultation",
            "given_by": "patient",
            "giver_name": "张三",
            "method": "written-form",
            "obtained_at": "2026-03-02T15:30:00+08:00",
        },
        409,
    ),
    Attempt("read-consent", "GET", CASE + "/consents", None, 200),
    Attempt("create-consultation", "POST", CASE + "/consultation", None, 409),
    Attempt("join-consultation", "POST", CASE + "/consultation/join-link", None, 200),
    Attempt("review-recordings", "POST", CASE + "/consultation/review-link", None, 200),
    Attempt("write-opinion", "PUT", CASE + "/opinion", lambda *_: {"summary": "讨论中"}, 200),
    Attempt("sign-opinion", "POST", CASE + "/opinion/sign", None, 400),
    Attempt("read-opinion", "GET", CASE + "/opinion", None, 200),
    Attempt("verify-opinion", "GET", CASE + "/opinion/verification", None, 200),
    Attempt("export-case", "GET", CASE + "/export/fhir", None, 200),
    Attempt("search-audit", "GET", "/api/audit?action=login", None, 200),
    Attempt("manage-directory", "GET", "/api/accounts", None, 200),
    Attempt("manage-directory", "POST", "/api/accounts", _account_body, 201),
)

CASE_READING = {
    "read-referral",
    "read-attachment",
    "read-consent",
    "join-consultation",
    "review-recordings",
    "read-opinion",
    "verify-opinion",
}
ROLE_MAY = {
    "inviting-doctor": CASE_READING | {"add-attachment", "record-consent", "export-case"},
    "coordinator": CASE_READING
    | {"accept-referral", "decline-referral", "create-consultation", "export-case"},
    "expert": CASE_READING | {"write-opinion", "sign-opinion"},
    "auditor": {"search-audit"},
    "administrator": {"manage-directory"},
}
#: Accounts whose institution or assignment puts the case (village → tertiary) in reach.
IN_REACH = {"doctor", "other-doctor", "coordinator", "expert", "expert2"}
INVITED = {"doctor", "coordinator", "expert", "expert2"}
NOT_ABOUT_A_CASE = {"search-audit", "manage-directory"}
ACTORS = (
    "doctor",
    "other-doctor",
    "county-doctor",
    "coordinator",
    "other-coordinator",
    "expert",
    "unassigned-expert",
    "other-expert",
    "auditor",
    "admin",
)


def expected_status(api: Api, actor: str, attempt: Attempt) -> int:
    role = api.world.accounts[actor].role.value
    if attempt.name not in ROLE_MAY[role]:
        return 403
    if attempt.name in NOT_ABOUT_A_CASE:
        return attempt.allowed_status
    if actor not in IN_REACH:
        return 404
    if attempt.name in ("join-consultation", "review-recordings") and actor not in INVITED:
        return 403
    return attempt.allowed_status


async def case_in_consultation(api: Api) -> str:
    accounts = api.world.accounts
    case_id = (
        await api.call("POST", "/api/referrals", "doctor", json=referral_body(api.world))
    ).body["id"]
    base = f"/api/referrals/{case_id}"
    experts = [accounts["expert"].id, accounts["expert2"].id]
    await api.call(
        "POST",
        f"{base}/accept",
        "coordinator",
        json={"expert_ids": experts, "scheduled_at": "2026-03-03T09:00:00+08:00"},
    )
    await api.call("POST", f"{base}/consultation", "coordinator")
    consent = next(a for a in ATTEMPTS if a.name == "record-consent").body
    assert consent is not None
    reply = await api.call("POST", f"{base}/consents", "doctor", json=consent(api, case_id))
    assert reply.status == 201
    draft = await api.call("PUT", f"{base}/opinion", "expert", json={"summary": "讨论中"})
    assert draft.status == 200
    return case_id


@pytest.mark.parametrize("actor", ACTORS)
async def test_each_role_may_do_only_its_own_actions_on_cases_within_its_reach(
    sqlite_api: Api, actor: str
) -> None:
    api = sqlite_api
    case_id = await case_in_consultation(api)
    account_id = api.world.accounts[actor].id
    refused: list[str] = []
    for attempt in ATTEMPTS:
        path = attempt.path.format(case=case_id)
        body = attempt.body(api, case_id) if attempt.body else None
        sent = {"data": body} if isinstance(body, bytes) else {"json": body}
        reply: Reply = await api.call(attempt.method, path, actor, **sent)
        expected = expected_status(api, actor, attempt)
        assert reply.status == expected, (attempt.name, attempt.method, reply.body)
        if expected in (403, 404):
            assert reply.code in ("not-permitted", "referral-not-found"), reply.body
            refused.append(attempt.name)
    trail = await api.services.store.search_audit(
        AuditQuery(actor_id=account_id, outcome=AuditOutcome.REFUSED)
    )
    assert sorted(r.action for r in trail) == sorted(refused)
    assert all(r.actor_role == api.world.accounts[actor].role.value for r in trail)


async def test_administrators_and_auditors_never_see_patient_data(sqlite_api: Api) -> None:
    api = sqlite_api
    await case_in_consultation(api)
    for actor in ("admin", "auditor"):
        listing = await api.call("GET", "/api/referrals", actor)
        assert (listing.status, listing.code) == (403, "not-permitted")
    accounts = await api.call("GET", "/api/accounts", "admin")
    assert all("password_hash" not in a for a in accounts.body["accounts"])
    trail = await api.call("GET", "/api/audit", "auditor")
    assert "张三" not in str(trail.body)


async def test_a_disabled_account_is_refused_at_once(sqlite_api: Api) -> None:
    api = sqlite_api
    token = await api.token("expert")
    expert_id = api.world.accounts["expert"].id
    disabled = await api.call("POST", f"/api/accounts/{expert_id}/disable", "admin")
    assert disabled.body["disabled_at_ms"] == api.clock()
    reply = await api.call("GET", "/api/me/account", token=token)
    assert (reply.status, reply.code) == (401, "account-disabled")
    assert (await api.login("expert")).status == 401
    await api.call("POST", f"/api/accounts/{expert_id}/enable", "admin")
    assert (await api.call("GET", "/api/me/account", token=token)).status == 200
    # Nobody locks themselves out: an administrator cannot disable their own account.
    admin_id = api.world.accounts["admin"].id
    own = await api.call("POST", f"/api/accounts/{admin_id}/disable", "admin")
    assert (own.status, own.code) == (409, "own-account")
    assert (await api.call("GET", "/api/me/account", "admin")).status == 200
