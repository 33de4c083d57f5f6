"""Chat messages of a consultation. Their text is patient data: never log it."""

from __future__ import annotations

from dataclasses import dataclass

from .role import Role


@dataclass(frozen=True)
class ChatMessage:
    """One message written in a consultation's chat."""

    message_id: str
    """Unique id of the message (a UUID), for de-duplication by clients."""
    participant_id: str
    """Who wrote it."""
    display_name: str
    """Their display name when they wrote it (kept, so the history reads right after they leave)."""
    role: Role
    """Their role when they wrote it."""
    text: str
    """What they wrote (patient data)."""
    sent_at_ms: int
    """When the consultation accepted it, in milliseconds since the Unix epoch."""
