"""Logging in and out, the caller's own account, the directory, notifications and the
audit trail, over HTTP.

Token replies carry ``Cache-Control: no-store`` (RFC 6749 §5.1): a cached reply is a
leaked credential.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from rooms.access import allowed_actions
from rooms.account import Account, AccountRequest
from rooms.audit import MAX_AUDIT_RESULTS, AuditOutcome, AuditQuery, AuditRecord
from rooms.fields import choice, instant_ms, optional_text, required_text, whole_number
from rooms.institution import Institution, InstitutionRequest
from rooms.login import LoginSession
from rooms.notification import Notification
from rooms.workflow_errors import InvalidFieldError

from .access_api import caller, json_object, services

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def account_json(account: Account) -> dict[str, Any]:
    """An account as others may see it: never its password hash."""
    return {
        "id": account.id,
        "login": account.login,
        "real_name": account.real_name,
        "role": account.role.value,
        "title": account.title,
        "specialty": account.specialty,
        "institution_id": account.institution_id,
        "locked_until_ms": account.locked_until_ms,
        "disabled_at_ms": account.disabled_at_ms,
    }


def institution_json(institution: Institution) -> dict[str, Any]:
    return {"id": institution.id, "name": institution.name, "level": institution.level.value}


def _tokens(request: web.Request, session: LoginSession) -> web.Response:
    found = services(request)
    account = session.account
    ttl_s = found.options.access_token_ttl_s
    access = found.authority.issue_access(
        account_id=account.id,
        display_name=account.real_name,
        role=account.role,
        institution_id=account.institution_id,
        ttl_s=ttl_s,
    )
    return web.json_response(
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl_s,
            "refresh_token": session.refresh_token,
            "refresh_expires_at_ms": session.refresh_expires_at_ms,
            "account": account_json(account),
        },
        headers=_NO_STORE,
    )


async def log_in(request: web.Request) -> web.Response:
    body = await json_object(request)
    login = required_text(body, "login", "登录名", max_chars=64)
    password = required_text(body, "password", "密码", max_chars=1024)
    session = await services(request).login.log_in(login, password, request.remote or "")
    return _tokens(request, session)


async def refresh(request: web.Request) -> web.Response:
    token = required_text(await json_object(request), "refresh_token", "刷新令牌", max_chars=200)
    session = await services(request).login.refresh(token, request.remote or "")
    return _tokens(request, session)


async def log_out(request: web.Request) -> web.Response:
    token = required_text(await json_object(request), "refresh_token", "刷新令牌", max_chars=200)
    await services(request).login.log_out(token, request.remote or "")
    return web.Response(status=204)


async def my_account(request: web.Request) -> web.Response:
    actor = await caller(request)
    institution = await services(request).store.get_institution(actor.account.institution_id)
    return web.json_response(
        {
            "account": account_json(actor.account),
            "institution": institution_json(institution),
            "allowed_actions": sorted(a.value for a in allowed_actions(actor.role)),
        }
    )


async def list_institutions(request: web.Request) -> web.Response:
    await caller(request)
    institutions = await services(request).directory.institutions()
    return web.json_response({"institutions": [institution_json(i) for i in institutions]})


async def add_institution(request: web.Request) -> web.Response:
    actor = await caller(request)
    wanted = InstitutionRequest.from_mapping(await json_object(request))
    institution = await services(request).directory.add_institution(actor, wanted)
    return web.json_response(institution_json(institution), status=201)


async def list_experts(request: web.Request) -> web.Response:
    """The experts of an institution (name, title, specialty), for naming or assigning them."""
    await caller(request)
    experts = await services(request).directory.experts(request.match_info["institution_id"])
    return web.json_response(
        {
            "experts": [
                {k: account_json(e)[k] for k in ("id", "real_name", "title", "specialty")}
                for e in experts
            ]
        }
    )


async def list_accounts(request: web.Request) -> web.Response:
    actor = await caller(request)
    institution_id = request.query.get("institution_id") or None
    accounts = await services(request).directory.list_accounts(actor, institution_id)
    return web.json_response({"accounts": [account_json(a) for a in accounts]})


async def add_account(request: web.Request) -> web.Response:
    actor = await caller(request)
    wanted = AccountRequest.from_mapping(await json_object(request))
    account = await services(request).directory.add_account(actor, wanted)
    return web.json_response(account_json(account), status=201)


async def change_account_state(request: web.Request) -> web.Response:
    actor = await caller(request)
    disabled = request.match_info["change"] == "disable"
    account = await services(request).directory.set_disabled(
        actor, request.match_info["account_id"], disabled
    )
    return web.json_response(account_json(account))


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "event": notification.event.value,
        "payload": dict(notification.payload),
        "created_at_ms": notification.created_at_ms,
        "read_at_ms": notification.read_at_ms,
    }


async def list_notifications(request: web.Request) -> web.Response:
    actor = await caller(request)
    notifications = await services(request).workflow.notifications(actor)
    return web.json_response({"notifications": [notification_json(n) for n in notifications]})


async def mark_notifications_read(request: web.Request) -> web.Response:
    actor = await caller(request)
    body = await json_object(request)
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > 500:
        raise InvalidFieldError("ids", "ids must be a list of at most 500 notification ids")
    changed = await services(request).workflow.mark_read(actor, ids)
    return web.json_response({"marked_read": changed})


def audit_json(record: AuditRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "at_ms": record.at_ms,
        "actor_id": record.actor_id,
        "actor_role": record.actor_role,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "address": record.address,
        "outcome": record.outcome.value,
    }


def audit_query(params: dict[str, str]) -> AuditQuery:
    """A search from query parameters: ``actor``, ``action``, ``object_type``, ``object_id``,
    ``outcome``, ``from`` and ``to`` (ISO 8601 with offset), ``limit``."""
    times = {k: instant_ms(params, k, k) for k in ("from", "to") if params.get(k)}
    raw_limit = params.get("limit")
    limit = (
        {} if raw_limit is None else {"limit": int(raw_limit) if raw_limit.isdigit() else raw_limit}
    )
    return AuditQuery(
        actor_id=optional_text(params, "actor", "操作人", max_chars=64) or None,
        action=optional_text(params, "action", "操作", max_chars=64) or None,
        object_type=optional_text(params, "object_type", "对象类型", max_chars=64) or None,
        object_id=optional_text(params, "object_id", "对象", max_chars=200) or None,
        outcome=choice(params, "outcome", "结果", AuditOutcome) if params.get("outcome") else None,
        from_ms=times.get("from"),
        to_ms=times.get("to"),
        limit=whole_number(limit, "limit", "条数", default=200, low=1, high=MAX_AUDIT_RESULTS),
    )


async def search_audit(request: web.Request) -> web.Response:
    actor = await caller(request)
    query = audit_query(dict(request.query))
    records = await services(request).workflow.search_audit(actor, query)
    return web.json_response({"records": [audit_json(r) for r in records]})


ROUTES = (
    ("POST", "/api/auth/login", log_in),
    ("POST", "/api/auth/refresh", refresh),
    ("POST", "/api/auth/logout", log_out),
    ("GET", "/api/me/account", my_account),
    ("GET", "/api/institutions", list_institutions),
    ("POST", "/api/institutions", add_institution),
    ("GET", "/api/institutions/{institution_id}/experts", list_experts),
    ("GET", "/api/accounts", list_accounts),
    ("POST", "/api/accounts", add_account),
    ("POST", "/api/accounts/{account_id}/{change:(disable|enable)}", change_account_state),
    ("GET", "/api/notifications", list_notifications),
    ("POST", "/api/notifications/read", mark_notifications_read),
    ("GET", "/api/audit", search_audit),
)
