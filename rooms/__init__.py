"""The domain: consultations, participants, roles, chat, and the stores that keep them.

Imports only the standard library, so it can be reasoned about (and tested)
without a network, a media stack or a web framework.
"""

from .chat import ChatMessage
from .consultation import (
    Consultation,
    ConsultationLimits,
    ConsultationState,
    RecordingConsent,
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
    RecordingConsentMissingError,
    RoomsError,
)
from .memory_store import MemoryConsultationStore
from .participant import Participant
from .recording import (
    Finding,
    Manifest,
    RecordedFile,
    RecordingStatus,
    Verification,
    file_sha256,
    read_manifest,
    verify_recording,
)
from .role import Role
from .store import ConsultationStore
from .timeline import TimelineEntry, TimelineWriter, chain_breaks, read_timeline
from .workflow import Workflow
from .workflow_errors import ConsultationConsentMissingError
from .workflow_store import WorkflowStore

__all__ = [
    "AlreadyJoinedError",
    "ChatMessage",
    "Consultation",
    "ConsultationConsentMissingError",
    "ConsultationEndedError",
    "ConsultationFullError",
    "ConsultationLimits",
    "ConsultationNotFoundError",
    "ConsultationState",
    "ConsultationStore",
    "Finding",
    "InvalidChatMessageError",
    "InvalidConsultationIdError",
    "Manifest",
    "MemoryConsultationStore",
    "NotJoinedError",
    "NotPermittedError",
    "Participant",
    "RecordedFile",
    "RecordingConsent",
    "RecordingConsentMissingError",
    "RecordingStatus",
    "Role",
    "RoomsError",
    "TimelineEntry",
    "TimelineWriter",
    "Verification",
    "Workflow",
    "WorkflowStore",
    "chain_breaks",
    "check_consultation_id",
    "file_sha256",
    "read_manifest",
    "read_timeline",
    "verify_recording",
]
