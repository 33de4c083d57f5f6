"""The ``--dev`` demo accounts in a running test server, with what tests need of them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import argon2

from rooms.account import AccountRole
from signaling.access_api import WORKFLOW
from signaling.admin import seed_dev
from signaling.auth import Argon2PasswordHasher
from tests.support.server import RunningServer


@dataclass(frozen=True)
class DevAccount:
    login: str
    password: str = field(repr=False)
    role: AccountRole
    real_name: str
    account_id: str
    institution_id: str


async def seed_dev_accounts(server: RunningServer) -> dict[str, DevAccount]:
    """The demo institutions and accounts, by login (argon2id at its cheapest parameters:
    the same code path, milliseconds per hash)."""
    store = server.app[WORKFLOW].services.store
    hasher = Argon2PasswordHasher(argon2.profiles.CHEAPEST)
    accounts = {}
    for credential in await seed_dev(store, hasher, server.settings.auth.secret):
        account = await store.find_account(credential.login)
        assert account is not None
        accounts[credential.login] = DevAccount(
            credential.login,
            credential.password,
            credential.role,
            credential.real_name,
            account.id,
            account.institution_id,
        )
    return accounts


async def access_token(server: RunningServer, account: DevAccount) -> str:
    async with aiohttp.ClientSession() as http:
        reply = await http.post(
            f"{server.url}/api/auth/login",
            json={"login": account.login, "password": account.password},
        )
        assert reply.status == 200, await reply.text()
        return str((await reply.json())["access_token"])


async def api_call(
    server: RunningServer,
    token: str,
    method: str,
    path: str,
    json: Any = None,
    data: bytes | None = None,
) -> Any:
    """One workflow API request as the token's account (a JSON body, or ``data`` as it
    is); the JSON reply (2xx asserted)."""
    async with aiohttp.ClientSession() as http:
        reply = await http.request(
            method,
            f"{server.url}{path}",
            json=json,
            data=data,
            headers={"Authorization": f"Bearer {token}"},
        )
        body = await reply.json() if reply.status != 204 else None
        assert 200 <= reply.status < 300, (reply.status, body)
        return body


def referral_body(
    to_institution_id: str, expert_id: str, proposed_at: str | None = None
) -> dict[str, Any]:
    """A complete referral, proposed at ``proposed_at`` (default: three days from now)."""
    if proposed_at is None:
        proposed = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
        proposed_at = proposed.replace(microsecond=0).isoformat()
    return {
        "to_institution_id": to_institution_id,
        "patient": {
            "name": "张三",
            "sex": "male",
            "birth_date": "1958-04-12",
            "id_number": "110101195804120017",
        },
        "summary": "男，67岁，咳嗽两月，CT示右肺上叶结节。",
        "chief_complaint": "咳嗽、咳痰2月，痰中带血1周",
        "history": "吸烟40年，高血压10年",
        "reason": "右肺上叶结节性质待定",
        "purpose": "明确诊断并制定治疗方案",
        "requested_specialties": ["呼吸内科", "医学影像科"],
        "requested_expert_ids": [expert_id],
        "requested_title": "主任医师",
        "proposed_at": proposed_at,
    }


async def refer_from_dev_doctor(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> dict[str, Any]:
    """dev-doctor's referral (``referral_body``) to dev-coordinator's hospital asking for
    dev-expert1, sent through the API: the server's referral."""
    token = await access_token(server, accounts["dev-doctor"])
    body = referral_body(
        accounts["dev-coordinator"].institution_id, accounts["dev-expert1"].account_id
    )
    return dict(await api_call(server, token, "POST", "/api/referrals", body))
