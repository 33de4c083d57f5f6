"""The audit trail: who read or changed which record, when, from where, with what outcome.

Append-only: the store refuses updates and deletes of it (a database trigger, not
just a missing method). Records name objects by type and id and never hold patient
data, so an auditor can read the whole trail without reading any case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

#: Most records one search returns; narrow the query for more.
MAX_AUDIT_RESULTS = 1000


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


@dataclass(frozen=True)
class AuditRecord:
    at_ms: int
    actor_id: str
    """Account id of the caller (for a failed login: the account tried, or ``unknown``)."""
    actor_role: str
    action: str
    """What was attempted, e.g. ``read-referral``, ``sign-opinion``, ``login``."""
    object_type: str
    """``referral``, ``opinion``, ``attachment``, ``consent``, ``account``, ``audit-log``..."""
    object_id: str
    address: str
    """The client's address as the server saw it."""
    outcome: AuditOutcome
    seq: int | None = None
    """The store's sequence number; ``None`` until stored."""


@dataclass(frozen=True)
class AuditQuery:
    """A search of the trail; every given criterion must match."""

    actor_id: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: AuditOutcome | None = None
    from_ms: int | None = None
    """Inclusive lower bound of ``at_ms``."""
    to_ms: int | None = None
    """Exclusive upper bound of ``at_ms``."""
    limit: int = 200


class AuditSink(Protocol):
    """Where audit records go (the workflow store)."""

    async def append_audit(self, record: AuditRecord) -> None: ...


class AuditTrail:
    """Writes audit records stamped with the workflow's clock."""

    def __init__(self, sink: AuditSink, clock_ms: Callable[[], int]) -> None:
        self._sink = sink
        self._clock_ms = clock_ms

    async def record(
        self,
        *,
        actor_id: str,
        actor_role: str,
        action: str,
        object_type: str,
        object_id: str,
        address: str,
        outcome: AuditOutcome,
    ) -> None:
        await self._sink.append_audit(
            AuditRecord(
                at_ms=self._clock_ms(),
                actor_id=actor_id,
                actor_role=actor_role,
                action=action,
                object_type=object_type,
                object_id=object_id,
                address=address,
                outcome=outcome,
            )
        )
