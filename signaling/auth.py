"""Signed, short-lived tokens that admit one person to one consultation.

A token is a JWT (RFC 7519) signed with HS256 under ``auth.secret``. Its claims:
``con`` consultation id, ``sub`` participant id, ``name`` display name, ``role``,
optional ``inst`` institution, ``iat``, ``exp`` and a unique ``jti``. Tokens are
credentials: they are never logged and never put in a URL's path or query (join
links carry them in the fragment, which browsers do not send).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from rooms import InvalidConsultationIdError, Role, check_consultation_id

from .errors import (
    TokenExpiredError,
    TokenInvalidError,
    TokenMissingError,
    WrongConsultationError,
)

ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ("con", "sub", "name", "role", "iat", "exp", "jti")
#: Display names and ids are shown to others and kept in the chat history: keep them short.
MAX_NAME_CHARS = 100
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class Grant:
    """What a verified token allows: who someone is, in which consultation, until when."""

    consultation_id: str
    """The one consultation this token admits to (claim ``con``)."""
    participant_id: str
    """The holder's participant id in it (claim ``sub``)."""
    display_name: str
    """The name shown to the others (claim ``name``)."""
    role: Role
    """The holder's role (claim ``role``)."""
    institution: str | None
    """The holder's hospital or clinic, if named (claim ``inst``)."""
    issued_at_s: int
    """Issue time, seconds since the Unix epoch (claim ``iat``)."""
    expires_at_s: int
    """Expiry time, seconds since the Unix epoch (claim ``exp``)."""
    token_id: str
    """Unique id of the token (claim ``jti``), for revocation lists and audit."""

    def check_consultation(self, consultation_id: str) -> None:
        """Raise :class:`WrongConsultationError` unless this grant is for ``consultation_id``."""
        if consultation_id != self.consultation_id:
            raise WrongConsultationError("your token is for another consultation")


class TokenAuthority:
    """Issues and verifies tokens with one signing key."""

    def __init__(self, secret: str, clock_s: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock_s = clock_s

    def __repr__(self) -> str:
        # The key must never reach a log line through a repr.
        return "TokenAuthority(HS256)"

    def issue(
        self,
        *,
        consultation_id: str,
        participant_id: str,
        display_name: str,
        role: Role,
        ttl_s: int,
        institution: str | None = None,
    ) -> str:
        """A signed token for these claims, valid for ``ttl_s`` seconds from now."""
        claims = _check_claims(
            {
                "con": consultation_id,
                "sub": participant_id,
                "name": display_name,
                "role": Role(role).value,
                "inst": institution,
            }
        )
        now_s = int(self._clock_s())
        payload = {
            "con": claims.consultation_id,
            "sub": claims.participant_id,
            "name": claims.display_name,
            "role": claims.role.value,
            "iat": now_s,
            "exp": now_s + ttl_s,
            "jti": uuid.uuid4().hex,
        }
        if institution is not None:
            payload["inst"] = institution
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify(self, token: object) -> Grant:
        """The grant of a genuine, unexpired token; a named error otherwise."""
        if token is None or token == "":
            raise TokenMissingError("a token is required")
        if not isinstance(token, str):
            raise TokenInvalidError("the token must be a string")
        try:
            # The algorithm is fixed, never taken from the token's header ("alg": "none" attacks).
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={
                    "require": list(_REQUIRED_CLAIMS),
                    # Expiry is checked below against our clock, the one tests control.
                    "verify_exp": False,
                    "verify_iat": False,
                },
                leeway=0,
            )
        except jwt.InvalidSignatureError:
            raise TokenInvalidError("the token's signature is not valid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise TokenInvalidError(f"the token lacks the claim {exc.claim!r}") from None
        except jwt.InvalidTokenError:
            raise TokenInvalidError("the token is malformed") from None
        grant = _check_claims(payload)
        for claim in ("iat", "exp"):
            if not isinstance(payload[claim], int) or isinstance(payload[claim], bool):
                raise TokenInvalidError(f"the token's {claim!r} claim must be an integer")
        if not isinstance(payload["jti"], str):
            raise TokenInvalidError("the token's 'jti' claim must be a string")
        if payload["exp"] <= self._clock_s():
            raise TokenExpiredError("the token has expired; ask for a new join link")
        return Grant(
            consultation_id=grant.consultation_id,
            participant_id=grant.participant_id,
            display_name=grant.display_name,
            role=grant.role,
            institution=grant.institution,
            issued_at_s=payload["iat"],
            expires_at_s=payload["exp"],
            token_id=payload["jti"],
        )


@dataclass(frozen=True)
class _Claims:
    consultation_id: str
    participant_id: str
    display_name: str
    role: Role
    institution: str | None


def _check_claims(payload: dict[str, Any]) -> _Claims:
    try:
        consultation_id = check_consultation_id(payload.get("con"))
    except InvalidConsultationIdError as exc:
        raise TokenInvalidError(f"the token's consultation id is malformed: {exc}") from None
    participant_id = payload.get("sub")
    if not isinstance(participant_id, str) or not 0 < len(participant_id) <= MAX_ID_CHARS:
        raise TokenInvalidError(f"the token's participant id must be 1-{MAX_ID_CHARS} characters")
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise TokenInvalidError(f"the token's display name must be 1-{MAX_NAME_CHARS} characters")
    try:
        role = Role(payload.get("role"))
    except ValueError:
        raise TokenInvalidError(
            f"the token's role must be one of {', '.join(r.value for r in Role)}"
        ) from None
    institution = payload.get("inst")
    if institution is not None and (
        not isinstance(institution, str) or len(institution) > MAX_NAME_CHARS
    ):
        raise TokenInvalidError(f"the token's institution must be 1-{MAX_NAME_CHARS} characters")
    return _Claims(consultation_id, participant_id, name, role, institution)
