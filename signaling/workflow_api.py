"""The clinical workflow's HTTP API: accounts, referrals, consent, consultations,
opinions, exports, notifications and the audit trail.

:func:`add_workflow_routes` is the one call the app factory makes; the handlers live
in ``account_api``, ``case_api`` and ``opinion_api``, what they share in ``access_api``.
Every route answers named refusals as ``{"error": {"code", "message"[, "field"]}}``.
"""

from __future__ import annotations

from aiohttp import web

from . import account_api, case_api, opinion_api
from .access_api import WORKFLOW, WorkflowHost, guarded

ROUTES = (*account_api.ROUTES, *case_api.ROUTES, *opinion_api.ROUTES)


def add_workflow_routes(app: web.Application, host: WorkflowHost) -> None:
    """Register the routes, and open the store with the app (closed at its cleanup)."""
    app[WORKFLOW] = host
    app.cleanup_ctx.append(host.lifetime)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, guarded(handler))
