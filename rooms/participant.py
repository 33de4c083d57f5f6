"""A participant: one person present in a consultation."""

from __future__ import annotations

from dataclasses import dataclass

from .role import Role


@dataclass(frozen=True)
class Participant:
    """Who someone is in one consultation, as their join token names them."""

    participant_id: str
    """Stable id of this person in this consultation (the token's ``sub``)."""
    display_name: str
    """The name shown to the others, e.g. "Dr Li"."""
    role: Role
    """What they are in the consultation; decides what they may do."""
    institution: str | None = None
    """Their hospital or clinic, if the token names one."""
    joined_at_ms: int = 0
    """When they joined, in milliseconds since the Unix epoch (set by the consultation)."""
    audio_muted: bool = False
    """Whether they have muted their microphone (as their client reports it)."""
    video_muted: bool = False
    """Whether they have turned their camera off (as their client reports it)."""
