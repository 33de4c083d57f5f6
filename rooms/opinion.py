"""The consultation opinion (会诊意见): drafted by an expert, then signed and frozen.

Signing covers a canonical JSON of the opinion's content, who signed it and when, and
the SHA-256 of each recording manifest of the consultation, so the opinion is bound
to what was recorded. The electronic-signature law asks that any later change to
the signed content be detectable: :func:`verify_opinion` recomputes the canonical
bytes from what is stored and checks the signature over them.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from .account import Account
from .fields import LONG_TEXT_CHARS, optional_text
from .workflow_errors import MissingFieldError, OpinionSignedError

#: Version of the signed payload's layout; bump it when the layout changes.
PAYLOAD_VERSION = 1


class OpinionStatus(StrEnum):
    DRAFT = "draft"
    """Editable by the consultation's experts."""
    SIGNED = "signed"
    """Frozen and signed; it has been returned to the inviting clinic."""


@dataclass(frozen=True)
class OpinionContent:
    """The sections of the opinion, as the experts write them."""

    summary: str = ""
    """病情摘要与讨论: the case as discussed."""
    imaging_review: str = ""
    """影像学意见: what the CT showed; empty when no imaging was reviewed."""
    diagnosis: str = ""
    """会诊诊断意见. Required to sign."""
    recommendations: str = ""
    """诊疗建议: what the inviting doctor should do. Required to sign."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> OpinionContent:
        return cls(
            **{
                name: optional_text(data, name, label, max_chars=LONG_TEXT_CHARS)
                for name, label in _LABELS.items()
            }
        )

    def check_complete(self) -> None:
        """Raise :class:`MissingFieldError` if a section required for signing is empty."""
        for name in ("diagnosis", "recommendations"):
            if not getattr(self, name):
                raise MissingFieldError(
                    name, f"{name} is required to sign the opinion (签署前必填：{_LABELS[name]})"
                )

    def __repr__(self) -> str:
        return "OpinionContent(<patient data>)"


_LABELS = {
    "summary": "病情摘要与讨论",
    "imaging_review": "影像学意见",
    "diagnosis": "会诊诊断意见",
    "recommendations": "诊疗建议",
}


@dataclass(frozen=True)
class OpinionSignature:
    """Who signed, when, with which key, over which recordings."""

    signed_by: str
    """Account id of the signing expert."""
    signer_name: str
    signer_title: str
    signed_at_ms: int
    algorithm: str
    key_id: str
    recording_manifest_sha256: tuple[str, ...]
    """Hex SHA-256 of each recording manifest of the consultation, sorted; empty if none."""
    signature: str = ""
    """Base64 of the signature over :func:`signed_bytes`; empty only while being made."""


@dataclass(frozen=True)
class Opinion:
    id: str
    case_id: str
    consultation_id: str
    content: OpinionContent
    created_by: str
    created_at_ms: int
    updated_by: str
    updated_at_ms: int
    revision: int = 1
    """How many times the content was written (1 for the first draft)."""
    version: int = 1
    """Bumped by every save; a save of a stale copy is refused."""
    signature: OpinionSignature | None = None

    @property
    def status(self) -> OpinionStatus:
        return OpinionStatus.DRAFT if self.signature is None else OpinionStatus.SIGNED

    def revised(self, content: OpinionContent, by: str, at_ms: int) -> Opinion:
        if self.signature is not None:
            raise OpinionSignedError("the opinion is signed; it can no longer be changed")
        return dataclasses.replace(
            self, content=content, updated_by=by, updated_at_ms=at_ms, revision=self.revision + 1
        )


class SigningKey(Protocol):
    """A node's signing key (the signaling edge holds an Ed25519 one)."""

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...

    def verify(self, data: bytes, signature: bytes) -> bool: ...


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no whitespace, UTF-8 (the text is Chinese;
    escaping it would only make the bytes harder to read back)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_bytes(opinion: Opinion, signature: OpinionSignature) -> bytes:
    """What the signature covers: everything about the opinion except the signature."""
    return canonical_json(
        {
            "v": PAYLOAD_VERSION,
            "opinion_id": opinion.id,
            "case_id": opinion.case_id,
            "consultation_id": opinion.consultation_id,
            "content": dataclasses.asdict(opinion.content),
            "signed_by": signature.signed_by,
            "signer_name": signature.signer_name,
            "signer_title": signature.signer_title,
            "signed_at_ms": signature.signed_at_ms,
            "algorithm": signature.algorithm,
            "key_id": signature.key_id,
            "recording_manifest_sha256": list(signature.recording_manifest_sha256),
        }
    )


def sign_opinion(
    opinion: Opinion,
    signer: Account,
    at_ms: int,
    key: SigningKey,
    recording_manifest_sha256: Sequence[str],
) -> Opinion:
    """The opinion, frozen and signed by ``signer`` with ``key``."""
    if opinion.signature is not None:
        raise OpinionSignedError("the opinion is already signed")
    opinion.content.check_complete()
    unsigned = OpinionSignature(
        signed_by=signer.id,
        signer_name=signer.real_name,
        signer_title=signer.title,
        signed_at_ms=at_ms,
        algorithm=key.algorithm,
        key_id=key.key_id,
        recording_manifest_sha256=tuple(sorted(recording_manifest_sha256)),
    )
    signature = base64.b64encode(key.sign(signed_bytes(opinion, unsigned))).decode()
    return dataclasses.replace(
        opinion,
        signature=dataclasses.replace(unsigned, signature=signature),
        updated_at_ms=at_ms,
    )


@dataclass(frozen=True)
class OpinionVerification:
    opinion_id: str
    problems: tuple[str, ...]
    """Why it does not verify; empty when it does."""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_opinion(opinion: Opinion, key: SigningKey) -> OpinionVerification:
    """Whether the stored opinion is exactly what was signed, under ``key``."""
    signature = opinion.signature
    if signature is None:
        return OpinionVerification(opinion.id, ("the opinion is not signed",))
    if signature.key_id != key.key_id or signature.algorithm != key.algorithm:
        return OpinionVerification(
            opinion.id, (f"signed with {signature.algorithm} key {signature.key_id}, not ours",)
        )
    try:
        raw = base64.b64decode(signature.signature, validate=True)
    except ValueError:
        return OpinionVerification(opinion.id, ("the stored signature is not base64",))
    if not key.verify(signed_bytes(opinion, signature), raw):
        return OpinionVerification(
            opinion.id, ("the signature does not match the stored content: it was changed",)
        )
    return OpinionVerification(opinion.id, ())
