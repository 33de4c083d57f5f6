"""The REST API: health, the protocol description, and consultation state.

Every route but ``/healthz`` and ``/protocol.json`` takes the caller's token as
``Authorization: Bearer <token>`` and checks it against the consultation named
in the path. Errors are ``{"error": {"code", "message"}}`` with a fitting status.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from aiohttp import web

from .app_keys import AUTHORITY, HUB, SETTINGS, STORE
from .auth import Grant
from .errors import TokenMissingError, error_reply
from .protocol import ParticipantInfo, describe

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Named errors become JSON error replies; anything else is logged, never leaked."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        reply = error_reply(exc)
        if reply.http_status >= 500:
            request.app.logger.exception("%s %s failed", request.method, request.path)
        return web.json_response(
            {"error": {"code": reply.code, "message": reply.message}}, status=reply.http_status
        )


def bearer_grant(request: web.Request) -> Grant:
    """The verified grant of the request's bearer token: a join token, or a review token
    (whose grant is ``review_only``: the routes that change anything refuse it)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise TokenMissingError("send your token as 'Authorization: Bearer <token>'")
    return request.app[AUTHORITY].verify(token.strip(), review_allowed=True)


async def healthz(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    return web.json_response({"status": "ok", "live_consultations": len(hub.live)})


async def protocol(request: web.Request) -> web.Response:
    return web.json_response(describe(request.app[SETTINGS].limits))


async def me(request: web.Request) -> web.Response:
    """Who the bearer token says the caller is; the join page checks its link with it."""
    grant = bearer_grant(request)
    return web.json_response(
        {
            "consultation_id": grant.consultation_id,
            "participant_id": grant.participant_id,
            "display_name": grant.display_name,
            "role": grant.role.value,
            "institution": grant.institution,
            "expires_at_s": grant.expires_at_s,
        }
    )


async def consultation(request: web.Request) -> web.Response:
    consultation_id = request.match_info["consultation_id"]
    bearer_grant(request).check_consultation(consultation_id)
    found = await request.app[STORE].get(consultation_id)
    return web.json_response(
        {
            "consultation_id": found.id,
            "title": found.title,
            "state": found.state.value,
            "participants": [
                dataclasses.asdict(ParticipantInfo.of(p)) for p in found.participants.values()
            ],
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/protocol.json", protocol)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/consultations/{consultation_id}", consultation)
