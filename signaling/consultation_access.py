"""Who may reach a consultation's studies and recordings over HTTP, with every try audited.

The caller shows a token for the consultation in the path; the role must be one the
route allows. Allowed and refused requests alike go to the durable audit trail.
"""

from __future__ import annotations

from collections.abc import Container

from aiohttp import web

from rooms import NotPermittedError, Role
from rooms.audit import AuditOutcome, AuditRecord

from .access_api import services
from .api import bearer_grant
from .auth import Grant


async def consultation_grant(
    request: web.Request,
    *,
    action: str,
    object_type: str,
    subject: str,
    roles: Container[Role],
    grant: Grant | None = None,
    changes: bool = False,
) -> Grant:
    """The caller's grant for ``{consultation_id}`` in the path (its bearer token's, or
    ``grant`` if the caller was identified otherwise), audited either way. A request
    that ``changes`` the record is refused to a review token."""
    consultation_id = request.match_info["consultation_id"]
    grant = grant or bearer_grant(request)
    workflow = services(request)

    async def audit(outcome: AuditOutcome) -> None:
        await workflow.store.append_audit(
            AuditRecord(
                at_ms=workflow.clock_ms(),
                actor_id=grant.participant_id,
                actor_role=grant.role.value,
                action=action,
                object_type=object_type,
                object_id=f"{consultation_id}/{subject}".rstrip("/"),
                address=request.remote or "",
                outcome=outcome,
            )
        )

    try:
        grant.check_consultation(consultation_id)
        if grant.role not in roles:
            raise NotPermittedError(
                f"the role {grant.role.value!r} may not {action} {object_type}s"
            )
        if changes and grant.review_only:
            raise NotPermittedError("a review link reads the record; it changes nothing")
    except Exception:
        await audit(AuditOutcome.REFUSED)
        raise
    await audit(AuditOutcome.ALLOWED)
    return grant


#: Clinicians of the consultation (observers watch the call; they do not open the record).
CLINICIANS = frozenset({Role.INVITING, Role.COORDINATOR, Role.EXPERT})
EVERYONE = frozenset(Role)
