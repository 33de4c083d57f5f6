"""Notifications: what happened to a case, told to the people it concerns.

Every notification is stored, so people see it in their list when they next log in;
a :class:`Notifier` (bound to Socket.IO by the app factory) also pushes it to those
who are online. Payloads carry ids and statuses, never patient data: a notification
may be shown on a shared screen or land in a browser's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

Payload = Mapping[str, str | int | None]


class NotificationEvent(StrEnum):
    REFERRAL_RECEIVED = "referral-received"
    """A new referral is in the coordinator's inbox."""
    REFERRAL_ACCEPTED = "referral-accepted"
    REFERRAL_DECLINED = "referral-declined"
    EXPERT_ASSIGNED = "expert-assigned"
    """An expert was assigned to a case."""
    CONSULTATION_CREATED = "consultation-created"
    OPINION_RETURNED = "opinion-returned"
    """The signed opinion is back at the inviting clinic."""


@dataclass(frozen=True)
class Notification:
    id: str
    account_id: str
    """Whom it is for."""
    event: NotificationEvent
    payload: Payload
    created_at_ms: int
    read_at_ms: int | None = None


class Notifier(Protocol):
    """Pushes a notification to an account's open sessions; stored ones are not lost if
    nobody is online, so a push that finds nobody is not an error."""

    async def notify(self, account_id: str, event: str, payload: Payload) -> None: ...
