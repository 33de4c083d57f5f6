"""The domain: consultations, participants, roles, chat, and the stores that keep them.

Imports only the standard library, so it can be reasoned about (and tested)
without a network, a media stack or a web framework.
"""

from .chat import ChatMessage
from .consultation import (
    Consultation,
    ConsultationLimits,
    ConsultationState,
    check_consultation_id,
)
from .errors import (
    AlreadyJoinedError,
    ConsultationEndedError,
    ConsultationFullError,
    ConsultationNotFoundError,
    InvalidChatMessageError,
    InvalidConsultationIdError,
    NotJoinedError,
    NotPermittedError,
    RoomsError,
)
from .memory_store import MemoryConsultationStore
from .participant import Participant
from .role import Role
from .store import ConsultationStore

__all__ = [
    "AlreadyJoinedError",
    "ChatMessage",
    "Consultation",
    "ConsultationEndedError",
    "ConsultationFullError",
    "ConsultationLimits",
    "ConsultationNotFoundError",
    "ConsultationState",
    "ConsultationStore",
    "InvalidChatMessageError",
    "InvalidConsultationIdError",
    "MemoryConsultationStore",
    "NotJoinedError",
    "NotPermittedError",
    "Participant",
    "Role",
    "RoomsError",
    "check_consultation_id",
]
