"""Attachments of a referral: uploaded documents and photos, and CT studies by reference.

Files live under the data folder; the store keeps their metadata. A file's type is
decided by its first bytes, never by its name or the type the client declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AttachmentKind(StrEnum):
    CT_STUDY = "ct-study"
    """A CT study held by the imaging service; only its id is kept here."""
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def suffix(self) -> str:
        return f".{self.value}" if self is not AttachmentKind.CT_STUDY else ""


_MEDIA_TYPES = {
    AttachmentKind.CT_STUDY: "application/dicom",
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.JPEG: "image/jpeg",
    AttachmentKind.PNG: "image/png",
}

#: Signatures at offset 0: ISO 32000 §7.5.2 (PDF header), JFIF/Exif SOI marker, PNG (RFC 2083).
_MAGIC = (
    (b"%PDF-", AttachmentKind.PDF),
    (b"\xff\xd8\xff", AttachmentKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", AttachmentKind.PNG),
)
#: How many leading bytes :func:`sniff_kind` needs.
SNIFF_BYTES = 8


def sniff_kind(head: bytes) -> AttachmentKind | None:
    """The kind of a file from its first bytes, or ``None`` if it is none we accept."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


@dataclass(frozen=True)
class Attachment:
    """One attachment of a case."""

    id: str
    case_id: str
    kind: AttachmentKind
    description: str
    """The file's original name or the study's description: may name the patient, so it
    is patient data like the file itself."""
    size_bytes: int
    sha256: str
    """Hex SHA-256 of the file; empty for a CT study reference."""
    path: str
    """Path of the file relative to the data folder; empty for a CT study reference."""
    study_id: str
    """The imaging service's id of the CT study; empty for files."""
    uploaded_by: str
    uploaded_at_ms: int
