"""Everything the record of one case holds, gathered for export (FHIR, PDF)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .account import Account
from .attachment import Attachment
from .consent import Consent, ConsentKind
from .institution import Institution
from .opinion import Opinion
from .referral import Referral


@dataclass(frozen=True)
class CaseRecord:
    referral: Referral
    from_institution: Institution
    """The inviting clinic."""
    to_institution: Institution
    """The invited hospital."""
    accounts: Mapping[str, Account]
    """Every account the record names (referrer, coordinator, experts, signer...), by id."""
    attachments: tuple[Attachment, ...]
    consents: tuple[Consent, ...]
    opinion: Opinion | None

    def consent(self, kind: ConsentKind) -> Consent | None:
        return next((c for c in self.consents if c.kind is kind), None)
